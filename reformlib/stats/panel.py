"""Panel estimators of reform effects: two-way fixed effects and event studies.

Model step: effects of staggered reforms and pilots on the monthly unit panel.
- :func:`twfe`: ``y ~ D + unit FE + period FE`` with unit-clustered standard errors
  (Angrist & Pischke 2009, *Mostly Harmless Econometrics*, sec. 5.2; Cameron & Miller 2015,
  *J Human Resources* 50(2): 317-372 for clustering) or Driscoll-Kraay ones.
- :func:`event_study`: leads and lags of the first treated period relative to a reference
  period, endpoints binned (Schmidheiny & Siegloch 2019, "On event study designs and
  distributed-lag models", ZEW DP 20-017). With staggered timing and heterogeneous effects
  TWFE weights can mislead (Goodman-Bacon 2021, *J Econometrics* 225: 254-277); read the
  event-study leads as a check of parallel pre-trends.
"""
from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from reformlib.errors import SpecError
from reformlib.stats.common import (
    check_alpha,
    check_not_constant,
    month_ordinal,
    require_columns,
    require_frame,
    tidy,
)
from reformlib.stats.trend import newey_west_lags

__all__ = ["twfe", "event_study"]


def _fit(formula: str, data: pd.DataFrame, *, what: str, cov_type: str = "cluster",
         hac_lags: int | None = None):
    """OLS clustered by ``_cluster`` or with Driscoll-Kraay SEs over ``_period``."""
    data = data.sort_values(["_unit", "_time"]).reset_index(drop=True)
    model = smf.ols(formula, data=data)
    rank = np.linalg.matrix_rank(model.exog)
    if rank < model.exog.shape[1]:
        raise SpecError(f"{what} is collinear with the unit and period fixed effects "
                        f"(design rank {rank} < {model.exog.shape[1]} columns)")
    if cov_type == "driscoll_kraay":
        n_periods = int(data["_time"].max()) + 1
        lags = newey_west_lags(n_periods) if hac_lags is None else hac_lags
        if not isinstance(lags, (int, np.integer)) or lags < 0:
            raise SpecError(f"hac_lags must be a non-negative integer, got {hac_lags!r}")
        with warnings.catch_warnings():   # fixed-effect SEs may be undefined; not reported
            warnings.filterwarnings("ignore", "invalid value encountered in sqrt", RuntimeWarning)
            result = model.fit(cov_type="hac-groupsum", use_t=True,
                               cov_kwds={"time": data["_time"].to_numpy(), "maxlags": int(lags)})
            _ = result.bse   # computed (and cached) here, where the warning is filtered
        return result, pd.NA, f"driscoll_kraay({int(lags)})"
    if cov_type != "cluster":
        raise SpecError(f"cov_type must be 'cluster' or 'driscoll_kraay', got {cov_type!r}")
    codes = pd.factorize(data["_cluster"])[0]
    if len(np.unique(codes)) < 2:
        raise SpecError("clustering needs at least 2 clusters")
    with warnings.catch_warnings():   # fixed-effect SEs may be undefined; not reported
        warnings.filterwarnings("ignore", "invalid value encountered in sqrt", RuntimeWarning)
        result = model.fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
        _ = result.bse   # computed (and cached) here, where the warning is filtered
    return result, len(np.unique(codes)), "cluster"


def _check_se(table: pd.DataFrame, *, cov_type: str) -> pd.DataFrame:
    """Raise unless every reported standard error is a positive number."""
    bad = table.loc[~(table["std_error"] > 0), "term"].tolist()
    if bad:
        raise SpecError(f"cov_type {cov_type!r} gives no usable standard error for {bad} "
                        f"(too few clusters or periods)")
    return table


def _panel_frame(panel: pd.DataFrame, *, outcome: str, unit: str, period: str,
                 cluster: str, extra: list[str]) -> pd.DataFrame:
    require_frame(panel, name="panel")
    require_columns(panel, [outcome, unit, period, cluster, *extra], name="panel")
    data = panel.assign(_y=pd.to_numeric(panel[outcome], errors="coerce").astype(float))
    data = data.dropna(subset=["_y"])
    if data.duplicated(subset=[unit, period]).any():
        raise SpecError(f"panel has more than one row per ({unit!r}, {period!r})")
    check_not_constant(data["_y"], name=f"outcome {outcome!r}")
    return data.assign(_unit=data[unit].astype(str), _period=data[period].astype(str),
                       _time=pd.factorize(data[period], sort=True)[0],
                       _cluster=data[cluster].astype(str))


def twfe(
    panel: pd.DataFrame,
    *,
    outcome: str,
    treatment: str,
    unit: str,
    period: str,
    cluster: str | None = None,
    cov_type: Literal["cluster", "driscoll_kraay"] = "cluster",
    hac_lags: int | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Two-way fixed effects ``outcome ~ treatment + C(unit) + C(period)``.

    Returns one tidy row for ``treatment`` with ``n_units``, ``n_periods``, ``n_clusters``
    and ``cov_type``. Standard errors are clustered by ``cluster`` (default ``unit``; CR1,
    t with G-1 degrees of freedom). With few treated units clustering understates the
    uncertainty (Conley & Taber 2011, *Rev Econ Stat* 93: 113-125; with one treated unit
    badly): use ``cov_type="driscoll_kraay"`` (Driscoll & Kraay 1998, *Rev Econ Stat* 80:
    549-560), which sums scores over units per period and applies Newey-West over periods
    (``hac_lags``, default :func:`~reformlib.stats.trend.newey_west_lags`); it takes the
    sorted distinct values of ``period`` as equally spaced. Rows with a missing outcome
    are dropped.
    """
    alpha = check_alpha(alpha)
    cluster = unit if cluster is None else cluster
    data = _panel_frame(panel, outcome=outcome, unit=unit, period=period, cluster=cluster,
                        extra=[treatment])
    dose = pd.to_numeric(data[treatment], errors="coerce")
    if dose.isna().any():
        raise SpecError(f"column {treatment!r} must be numeric or boolean without missing values")
    data = data.assign(_d=dose.astype(float))
    check_not_constant(data["_d"], name=f"treatment {treatment!r}")
    result, n_clusters, used = _fit("_y ~ _d + C(_unit) + C(_period)", data,
                                    what=f"treatment {treatment!r}", cov_type=cov_type,
                                    hac_lags=hac_lags)
    table = _check_se(tidy(result, alpha=alpha, terms={"_d": treatment}), cov_type=cov_type)
    return table.assign(
        n_units=data["_unit"].nunique(), n_periods=data["_period"].nunique(),
        n_clusters=pd.array([n_clusters], dtype="Int64"),
        cov_type=f"cluster({cluster})" if used == "cluster" else used,
    )


def _relative_time(data: pd.DataFrame, *, period: str, first_treated: str | None,
                   event_period_col: str | None) -> pd.Series:
    if (first_treated is None) == (event_period_col is None):
        raise SpecError("give exactly one of first_treated (column of each unit's first treated "
                        "period) and event_period_col (column of periods relative to the event)")
    if event_period_col is not None:
        rel = pd.to_numeric(data[event_period_col], errors="coerce")
        if (rel.dropna() % 1 != 0).any():
            raise SpecError(f"column {event_period_col!r} must hold whole periods")
        return rel.astype("Int64")
    now = month_ordinal(data[period], name=period)
    first = month_ordinal(data[first_treated], name=first_treated)
    return (now - first).astype("Int64")


def _event_term(k: int) -> str:
    return f"_e_{'m' if k < 0 else 'p'}{abs(k)}"


def event_study(
    panel: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    period: str,
    first_treated: str | None = None,
    event_period_col: str | None = None,
    window: tuple[int, int] = (-6, 6),
    reference: int = -1,
    cluster: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Leads and lags of an event with unit and period fixed effects.

    Give either ``first_treated`` (per row, the unit's first treated period: Period[M],
    date or integer like ``period``; missing = never treated) or ``event_period_col``
    (per row, period minus first treated period; missing = never treated). Event times
    outside ``window`` are binned into its endpoints; ``reference`` is left out and reported
    with estimate 0 and no standard error (``reference`` column True). Standard errors are
    clustered by ``cluster`` (default ``unit``). Returns one tidy row per event time with
    ``event_time`` and ``n_clusters`` columns.
    """
    alpha = check_alpha(alpha)
    lo, hi = _check_window(window, reference)
    cluster = unit if cluster is None else cluster
    extra = [c for c in (first_treated, event_period_col) if c is not None]
    data = _panel_frame(panel, outcome=outcome, unit=unit, period=period, cluster=cluster,
                        extra=extra)
    rel = _relative_time(data, period=period, first_treated=first_treated,
                         event_period_col=event_period_col)
    if rel.notna().sum() == 0:
        raise SpecError("no unit is ever treated: every first-treated / event period is missing")
    binned = rel.clip(lower=lo, upper=hi)
    times = [k for k in range(lo, hi + 1) if k != reference]
    counts = {k: int((binned == k).sum()) for k in times}
    empty = [k for k, c in counts.items() if c == 0]
    if empty:
        raise SpecError(f"window {window!r} has event times {empty} with no observations; "
                        f"narrow the window")
    dummies = {_event_term(k): (binned == k).fillna(False).astype(float) for k in times}
    data = data.assign(**dummies)
    formula = "_y ~ " + " + ".join(dummies) + " + C(_unit) + C(_period)"
    result, n_clusters, _ = _fit(formula, data, what=f"event-time dummies of window {window!r}")
    table = _check_se(tidy(result, alpha=alpha,
                           terms={_event_term(k): f"event_time={k}" for k in times}),
                      cov_type="cluster")
    table = table.assign(event_time=times, reference=False, n_obs_event=[counts[k] for k in times])
    ref_row = pd.DataFrame([{
        "term": f"event_time={reference}", "estimate": 0.0, "std_error": np.nan,
        "statistic": np.nan, "p_value": np.nan, "ci_low": 0.0, "ci_high": 0.0,
        "n": int(result.nobs), "event_time": reference, "reference": True,
        "n_obs_event": int((binned == reference).sum()),
    }])
    out = pd.concat([table, ref_row], ignore_index=True).sort_values("event_time")
    return out.assign(binned_endpoint=out["event_time"].isin([lo, hi]),
                      n_clusters=n_clusters, outcome=outcome).reset_index(drop=True)


def _check_window(window: tuple[int, int], reference: int) -> tuple[int, int]:
    try:
        lo, hi = (int(w) for w in window)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"window must be a pair of integers (-k, m), got {window!r}") from exc
    if not lo < hi or not lo <= reference <= hi:
        raise SpecError(f"window {window!r} must satisfy lo < hi and contain reference {reference!r}")
    if lo >= 0:
        raise SpecError(f"window {window!r} must start before the event (negative lo)")
    return lo, hi
