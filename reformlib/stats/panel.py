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
from scipy import stats as sps

from reformlib.errors import SpecError
from reformlib.stats.common import (
    check_alpha,
    check_not_constant,
    month_ordinal,
    require_columns,
    require_frame,
    tidy,
)
from reformlib.stats.inference import check_clusters, enough_clusters, treated_clusters, wild_bootstrap
from reformlib.stats.staggered import StaggeredAdoptionWarning, staggered_weights
from reformlib.stats.trend import newey_west_lags

__all__ = ["PANEL_COV_TYPES", "twfe", "event_study"]

#: Error models of :func:`twfe` (and, but for the bootstrap, :func:`event_study`), the default first.
PANEL_COV_TYPES: tuple[str, ...] = ("auto", "cluster", "driscoll_kraay", "wild_bootstrap")


def _fit(formula: str, data: pd.DataFrame, *, what: str, cov_type: str = "cluster",
         hac_lags: int | None = None, treated: str = "_d"):
    """OLS with Driscoll-Kraay errors over ``_time`` (t on periods - 1 degrees of freedom) or
    clustered by ``_cluster`` (refused with too few clusters, see
    :func:`reformlib.stats.inference.check_clusters`; ``"auto"`` then falls back to
    Driscoll-Kraay); returns (result, n_clusters, label)."""
    data = data.sort_values(["_unit", "_time"]).reset_index(drop=True)
    model = smf.ols(formula, data=data)
    rank = np.linalg.matrix_rank(model.exog)
    if rank < model.exog.shape[1]:
        raise SpecError(f"{what} is collinear with the unit and period fixed effects "
                        f"(design rank {rank} < {model.exog.shape[1]} columns)")
    if cov_type == "driscoll_kraay":
        n_periods = int(data["_time"].nunique())
        lags = newey_west_lags(n_periods) if hac_lags is None else hac_lags
        if not isinstance(lags, (int, np.integer)) or lags < 0:
            raise SpecError(f"hac_lags must be a non-negative integer, got {hac_lags!r}")
        with warnings.catch_warnings():   # fixed-effect SEs may be undefined; not reported
            warnings.filterwarnings("ignore", "invalid value encountered in sqrt", RuntimeWarning)
            result = model.fit(cov_type="hac-groupsum", use_t=True,
                               cov_kwds={"time": data["_time"].to_numpy(), "maxlags": int(lags)})
            # statsmodels counts units here; the theory (T -> infinity) gives periods - 1
            result._results.df_resid_inference = n_periods - 1   # the wrapper would only shadow it
            _ = result.bse   # computed (and cached) here, where the warning is filtered
        return result, pd.NA, f"driscoll_kraay({int(lags)})"
    if cov_type not in ("cluster", "auto"):
        raise SpecError(f"cov_type must be one of {PANEL_COV_TYPES}, got {cov_type!r}")
    codes = pd.factorize(data["_cluster"])[0]
    n_treated = treated_clusters(data[treated], data["_cluster"])
    if cov_type == "auto" and not enough_clusters(len(np.unique(codes)), n_treated):
        return _fit(formula, data, what=what, cov_type="driscoll_kraay", hac_lags=hac_lags, treated=treated)
    check_clusters(len(np.unique(codes)), n_treated)
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
    cov_type: Literal["auto", "cluster", "driscoll_kraay", "wild_bootstrap"] = "auto",
    hac_lags: int | None = None,
    n_boot: int = 9999,
    seed: int = 20171231,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Two-way fixed effects ``outcome ~ treatment + C(unit) + C(period)``.

    Returns one tidy row for ``treatment`` with ``n_units``, ``n_periods``, ``n_clusters``
    and ``cov_type`` (the error model used). ``cov_type="auto"`` (default) clusters by
    ``cluster`` (default ``unit``; CR1, t with G-1 degrees of freedom) when there are enough
    clusters and treated clusters, and uses Driscoll-Kraay errors otherwise. With few treated units clustering understates the
    uncertainty (Conley & Taber 2011, *Rev Econ Stat* 93: 113-125; with one treated unit
    badly): use ``cov_type="driscoll_kraay"`` (Driscoll & Kraay 1998, *Rev Econ Stat* 80:
    549-560), which sums scores over units per period and applies Newey-West over periods
    (``hac_lags``, default :func:`~reformlib.stats.trend.newey_west_lags`); it takes the
    sorted distinct values of ``period`` as equally spaced; its t statistic has periods - 1
    degrees of freedom (its theory lets periods, not units, grow). ``cov_type="cluster"`` is
    refused below :data:`reformlib.stats.inference.MIN_CLUSTERS` clusters or
    :data:`~reformlib.stats.inference.MIN_TREATED_CLUSTERS` treated ones, with the alternatives
    named; ``"wild_bootstrap"`` keeps the CR1 standard error and takes the p-value and interval
    from the restricted wild cluster bootstrap (``n_boot`` Webb draws, ``seed``; from 6
    clusters). Rows with a missing outcome are dropped.

    Under staggered adoption of a 0/1 treatment the coefficient weighs treated cells
    unequally, some negatively (:func:`reformlib.stats.staggered_weights`); the row reports
    ``negative_weight_share`` (the share of treated cells with a negative weight) and a
    :class:`~reformlib.stats.staggered.StaggeredAdoptionWarning` is raised when it is above 0:
    use :func:`reformlib.stats.imputation_effects` then.
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
    negative = _negative_share(data, treatment=treatment)
    if cov_type == "wild_bootstrap":
        table, n_clusters, used = _wild(data, treatment=treatment, n_boot=n_boot, seed=seed, alpha=alpha)
    else:
        result, n_clusters, used = _fit("_y ~ _d + C(_unit) + C(_period)", data,
                                        what=f"treatment {treatment!r}", cov_type=cov_type,
                                        hac_lags=hac_lags)
        table = _check_se(tidy(result, alpha=alpha, terms={"_d": treatment}), cov_type=cov_type)
    return table.assign(negative_weight_share=negative,
        n_units=data["_unit"].nunique(), n_periods=data["_period"].nunique(),
        n_clusters=pd.array([n_clusters], dtype="Int64"),
        cov_type=f"cluster({cluster})" if used == "cluster" else used,
    )


def _negative_share(data: pd.DataFrame, *, treatment: str) -> float:
    """Share of treated cells TWFE weighs negatively (0/1 treatment that switches on and
    stays on; NaN otherwise), with a warning when above 0."""
    d = data["_d"]
    if not d.isin([0.0, 1.0]).all():
        return float("nan")
    ordered = data.sort_values(["_unit", "_time"])
    if (ordered.groupby("_unit")["_d"].diff() < 0).any():
        return float("nan")
    starts = ordered.loc[ordered["_d"] == 1].groupby("_unit")["_time"].min()
    if starts.nunique() < 2:
        return 0.0
    weights = staggered_weights(data["_d"], data["_unit"], data["_time"])["weight"]
    share = float((weights < -1e-12).mean())
    if share > 0:
        warnings.warn(
            f"treatment {treatment!r} is adopted at {starts.nunique()} different times and TWFE weighs "
            f"{share:.0%} of the treated cells negatively (sum of negative weights "
            f"{weights[weights < 0].sum():.3f}); with effects that change over time its coefficient is not an "
            f"average effect. Use reformlib.stats.imputation_effects", StaggeredAdoptionWarning, stacklevel=3)
    return share


def _wild(data: pd.DataFrame, *, treatment: str, n_boot: int, seed: int, alpha: float):
    """TWFE with the wild cluster bootstrap's p-value and interval (CR1 standard error)."""
    data = data.sort_values(["_unit", "_time"]).reset_index(drop=True)
    model = smf.ols("_y ~ _d + C(_unit) + C(_period)", data=data)
    row = wild_bootstrap(model, "_d", data["_cluster"].to_numpy(), n_boot=n_boot, seed=seed, alpha=alpha)
    table = pd.DataFrame([{"term": treatment, **row, "n": len(data)}])
    return table, data["_cluster"].nunique(), f"wild_bootstrap(webb, B={n_boot})"


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
    cov_type: Literal["auto", "cluster", "driscoll_kraay"] = "auto",
    hac_lags: int | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Leads and lags of an event with unit and period fixed effects.

    Give either ``first_treated`` (per row, the unit's first treated period: Period[M],
    date or integer like ``period``; missing = never treated) or ``event_period_col``
    (per row, period minus first treated period; missing = never treated). Event times
    outside ``window`` are binned into its endpoints; ``reference`` is left out and reported
    with estimate 0 and no standard error (``reference`` column True). Standard errors as in
    :func:`twfe`: clustered by ``cluster`` (default ``unit``; refused with too few clusters)
    or ``cov_type="driscoll_kraay"``; ``"auto"`` (default) clusters when there are enough
    clusters and falls back to Driscoll-Kraay otherwise. Returns one tidy row per event time with
    ``event_time``, ``n_clusters`` and ``cov_type`` columns, and the joint test that every
    lead (event time < 0 but the reference) is zero: ``pretrend_statistic`` (Wald F),
    ``pretrend_df`` (number of leads), ``pretrend_p_value`` (F with the estimator's
    degrees of freedom), the same on every row. A small p-value speaks against parallel
    pre-trends; a large one does not prove them (Roth 2022, *AER: Insights* 4(3): 305-322).
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
    data = data.assign(**dummies, _on=(rel >= 0).fillna(False).astype(float))
    formula = "_y ~ " + " + ".join(dummies) + " + C(_unit) + C(_period)"
    result, n_clusters, used = _fit(formula, data, what=f"event-time dummies of window {window!r}",
                                    cov_type=cov_type, hac_lags=hac_lags, treated="_on")
    table = _check_se(tidy(result, alpha=alpha,
                           terms={_event_term(k): f"event_time={k}" for k in times}),
                      cov_type=cov_type)
    pretrend = _pretrend(result, [_event_term(k) for k in times if k < 0])
    table = table.assign(event_time=times, reference=False, n_obs_event=[counts[k] for k in times])
    ref_row = pd.DataFrame([{
        "term": f"event_time={reference}", "estimate": 0.0, "std_error": np.nan,
        "statistic": np.nan, "p_value": np.nan, "ci_low": 0.0, "ci_high": 0.0,
        "n": int(result.nobs), "event_time": reference, "reference": True,
        "n_obs_event": int((binned == reference).sum()),
    }])
    out = pd.concat([table, ref_row], ignore_index=True).sort_values("event_time")
    return out.assign(binned_endpoint=out["event_time"].isin([lo, hi]), n_clusters=n_clusters,
                      cov_type=f"cluster({cluster})" if used == "cluster" else used, outcome=outcome,
                      **pretrend).reset_index(drop=True)


def _pretrend(result, leads: list[str]) -> dict:
    """Joint Wald F test that every lead is zero, with the fit's covariance and df."""
    if not leads:
        return {"pretrend_statistic": np.nan, "pretrend_df": 0, "pretrend_p_value": np.nan}
    names = list(result.params.index)
    R = np.zeros((len(leads), len(names)))
    for i, term in enumerate(leads):
        R[i, names.index(term)] = 1.0
    b = R @ result.params.to_numpy()
    V = R @ result.cov_params().to_numpy() @ R.T
    F = float(b @ np.linalg.solve(V, b)) / len(leads)
    df2 = float(result.df_resid_inference if getattr(result, "df_resid_inference", None) else result.df_resid)
    return {"pretrend_statistic": F, "pretrend_df": len(leads),
            "pretrend_p_value": float(sps.f.sf(F, len(leads), df2))}


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
