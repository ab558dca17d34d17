"""Model step 2: data treatment - denomination, imputation, unit screening, outliers.

Follows COINr's ``Denominate``, ``Impute`` (``i_mean``, ``i_median``, group means,
``impute_panel`` last observation carried forward), ``Screen`` and ``Treat`` (default
winsorisation on e1071 type-2 skewness / kurtosis with a log fallback), and the OECD/JRC
handbook (2008, section 3) for regression imputation. Every changed value is logged as
a row (unit, indicator, old, new, reason), so that a brief can show what was touched.
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Literal

import numpy as np
import pandas as pd

from reformlib.errors import SpecError
from reformlib.model.checks import lookup, numeric_frame

__all__ = ["IMPUTERS", "denominate", "impute", "screen_units", "treat_outliers"]

LOG_COLUMNS = ["unit", "indicator", "old", "new", "reason"]


def _log(before: pd.DataFrame, after: pd.DataFrame, reason: str | pd.DataFrame) -> pd.DataFrame:
    """One row per cell that differs between ``before`` and ``after`` (NaN == NaN)."""
    b, a = before.to_numpy(), after.to_numpy()
    changed = ~((b == a) | (pd.isna(b) & pd.isna(a)))
    why = np.full(b.shape, reason, dtype=object) if isinstance(reason, str) else reason.to_numpy()
    rows = [(before.index[i], before.columns[j], b[i, j], a[i, j], why[i, j]) for i, j in zip(*np.nonzero(changed))]
    return pd.DataFrame(rows, columns=LOG_COLUMNS)


def denominate(frame: pd.DataFrame, denominators: pd.DataFrame, by: Mapping[Hashable, Hashable], *,
               scale: float = 1.0) -> pd.DataFrame:
    """Divide indicators by a denominator column (e.g. GDP, population): x / d * ``scale``.

    ``by`` maps indicator -> column of ``denominators`` (same index as ``frame``);
    indicators not in ``by`` are returned unchanged.
    """
    x = numeric_frame(frame)
    unknown = [k for k in by if k not in x.columns]
    bad_den = [v for v in by.values() if v not in denominators.columns]
    if unknown or bad_den:
        raise SpecError(f"denominate: unknown indicators {unknown}, unknown denominators {bad_den}")
    if not denominators.index.equals(x.index):
        raise SpecError("denominators must have the same index (units) as frame")
    out = x.copy()
    for ind, den in by.items():
        d = denominators[den].astype(float)
        if (d == 0).any():
            raise SpecError(f"denominator {den!r} is zero for units {d.index[d == 0].tolist()}")
        out[ind] = x[ind] / d * scale
    return out


def _fill_with(stat: str):
    def fill(x: pd.DataFrame, groups: pd.Series | None, opts: dict) -> pd.DataFrame:
        return x.fillna(getattr(x, stat)())
    return fill


def _fill_group(stat: str):
    def fill(x: pd.DataFrame, groups: pd.Series | None, opts: dict) -> pd.DataFrame:
        if groups is None:
            raise SpecError(f"method 'group_{stat}' needs groups=")
        return x.fillna(x.groupby(groups).transform(stat))
    return fill


def _regression(x: pd.DataFrame, groups: pd.Series | None, opts: dict) -> pd.DataFrame:
    from sklearn.linear_model import LinearRegression

    predictors = opts.get("predictors") or [c for c in x.columns if x[c].notna().all()]
    if not predictors:
        raise SpecError("regression imputation needs at least one complete predictor indicator")
    out = x.copy()
    for col in x.columns:
        miss = x[col].isna()
        if not miss.any():
            continue
        preds = [p for p in predictors if p != col]
        if not preds or x.loc[miss, preds].isna().any().any():
            raise SpecError(f"regression imputation of {col!r}: predictors {preds} are incomplete or empty")
        fit_rows = ~miss & x[preds].notna().all(axis=1)
        if fit_rows.sum() <= len(preds):
            raise SpecError(f"regression imputation of {col!r}: {fit_rows.sum()} observed units "
                            f"for {len(preds)} predictors")
        model = LinearRegression().fit(x.loc[fit_rows, preds], x.loc[fit_rows, col])
        out.loc[miss, col] = model.predict(x.loc[miss, preds])
    return out


#: Method name -> imputer ``fn(x, groups, opts)`` on a wide frame (units as rows).
IMPUTERS = {
    "none": lambda x, groups, opts: x,
    "mean": _fill_with("mean"),
    "median": _fill_with("median"),
    "group_mean": _fill_group("mean"),
    "group_median": _fill_group("median"),
    "regression": _regression,
}


def _locf(frame: pd.DataFrame, panel: tuple[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    unit, period = panel
    if unit not in frame.columns or period not in frame.columns:
        raise SpecError(f"panel columns {panel} are not both in frame")
    if frame.duplicated([unit, period]).any():
        raise SpecError(f"panel has duplicated ({unit}, {period}) rows")
    inds = [c for c in frame.columns if c not in panel]
    x = numeric_frame(frame[inds])
    order = frame.sort_values([unit, period], kind="stable").index
    filled = x.loc[order].groupby(frame.loc[order, unit]).ffill().reindex(frame.index)
    log = _log(x, filled, "locf")
    log = log.assign(period=frame.loc[log["unit"], period].to_numpy(),
                     unit=frame.loc[log["unit"], unit].to_numpy())
    return frame.assign(**{c: filled[c] for c in inds}), log[LOG_COLUMNS[:1] + ["period"] + LOG_COLUMNS[1:]]


def impute(
    frame: pd.DataFrame,
    method: str,
    *,
    groups: pd.Series | Mapping | str | None = None,
    panel: tuple[str, str] | None = None,
    predictors: list | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill missing indicator values; returns ``(imputed frame, log)``.

    Methods: ``none``, ``mean``, ``median`` (of the indicator over all units),
    ``group_mean`` / ``group_median`` (within the unit's group; ``groups`` maps unit ->
    group or names a column of ``frame`` that is then kept unchanged), ``locf`` (last
    observation carried forward within each unit of a long panel; ``panel=(unit_column,
    period_column)``) and ``regression`` (OLS on ``predictors``, by default every indicator
    observed for all units; sklearn ``LinearRegression``). The log has one row per
    imputed value (unit, indicator, old, new, reason); a value left missing because its
    group has no observation is logged with new = NaN.
    """
    if method == "locf":
        if panel is None:
            raise SpecError("method 'locf' needs panel=(unit_column, period_column)")
        return _locf(frame, panel)
    fn = lookup(IMPUTERS, method)
    keep = []
    if isinstance(groups, str) and groups in frame.columns:
        keep, groups = [groups], frame[groups]
    elif groups is not None:
        groups = pd.Series(groups)
        missing = [u for u in frame.index if u not in groups.index]
        if missing:
            raise SpecError(f"groups has no group for units {missing}")
        groups = groups.reindex(frame.index)
    x = numeric_frame(frame.drop(columns=keep))
    filled = fn(x, groups, {"predictors": predictors})
    log = _log(x, filled, method)
    still = x.isna() & filled.isna() if method != "none" else None
    if still is not None and still.to_numpy().any():
        left = [(u, c, np.nan, np.nan, f"{method}: no value to impute from")
                for u, c in still[still].stack().index]
        log = pd.concat([log, pd.DataFrame(left, columns=LOG_COLUMNS)], ignore_index=True)
    if not keep:  # every column of frame is an indicator: the filled frame is the whole result
        return filled.copy(), log
    out = frame.copy()
    out[x.columns] = filled
    return out, log


def screen_units(frame: pd.DataFrame, *, min_coverage: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop units whose share of observed indicators is below ``min_coverage``.

    Returns ``(kept frame, report)``; the report lists every unit with its coverage and
    whether it was kept (COINr ``Screen`` with ``dat_thresh``).
    """
    if not 0 <= min_coverage <= 1:
        raise SpecError(f"min_coverage must lie in [0, 1], got {min_coverage}")
    coverage = frame.notna().mean(axis=1)
    kept = coverage >= min_coverage
    return frame.loc[kept], pd.DataFrame({"coverage": coverage, "kept": kept})


def _passes(x: pd.Series, skew_max: float, kurt_max: float) -> bool:
    return bool(abs(x.skew()) < skew_max or x.kurt() < kurt_max)


def _winsorise(x: pd.Series, skew_max: float, kurt_max: float, winmax: int, count: str):
    v = x.to_numpy(dtype=float, copy=True)
    reasons = np.full(len(v), "", dtype=object)
    n_hi = n_lo = total = 0
    while not _passes(pd.Series(v), skew_max, kurt_max) and (n_hi + n_lo if count == "latest" else total) < winmax:
        high = pd.Series(v).skew() >= 0
        hit = v == (v.max() if high else v.min())
        rest = v[~hit]
        if len(rest) == 0 or (rest == rest[0]).all():  # winsorising would leave a constant indicator
            break
        v[hit] = rest.max() if high else rest.min()
        reasons[hit] = "winsorised high" if high else "winsorised low"
        n_hi, n_lo = (int(hit.sum()), n_lo) if high else (n_hi, int(hit.sum()))
        total += int(hit.sum())
    return pd.Series(v, index=x.index, name=x.name), pd.Series(reasons, index=x.index, dtype=object)


def treat_outliers(
    frame: pd.DataFrame,
    *,
    skew_max: float = 2.0,
    kurt_max: float = 3.5,
    winmax: int = 5,
    log_fallback: bool = True,
    count: Literal["latest", "cumulative"] = "latest",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """COINr-style outlier treatment; returns ``(treated frame, log of every changed value)``.

    An indicator passes when |skew| < ``skew_max`` or excess kurtosis < ``kurt_max``
    (sample, bias-adjusted: e1071 type 2, as pandas ``skew`` / ``kurt``). A failing
    indicator is winsorised one extreme at a time, on the side of its skew (all points
    equal to the max take the largest remaining value, or the same at the min), until it
    passes or the counter reaches ``winmax``. ``count="latest"`` counts as COINr (2022)
    does, only the points changed in the latest high-side plus latest low-side step, so
    the limit rarely binds; ``"cumulative"`` counts every point changed. A step that would
    leave the indicator constant is not taken (COINr would return it untreated). If it still
    fails and ``log_fallback``, the *untreated* values become
    log(x - min + 0.01 (max - min)) instead. Units with a missing value are skipped.
    """
    if count not in ("latest", "cumulative"):
        raise SpecError(f"count must be 'latest' or 'cumulative', got {count!r}")
    x = numeric_frame(frame)
    out = x.copy()
    reasons = pd.DataFrame("", index=x.index, columns=x.columns, dtype=object)
    values = x.to_numpy()
    for j, col in enumerate(x.columns):
        seen = ~np.isnan(values[:, j])
        y = values[seen, j]  # the observed values, as x[col].dropna() holds them
        if len(y) < 4 or (y == y[0]).all() or _passes(pd.Series(y), skew_max, kurt_max):
            continue
        obs = pd.Series(y, index=x.index[seen], name=col)
        treated, why = _winsorise(obs, skew_max, kurt_max, winmax, count)
        if not _passes(treated, skew_max, kurt_max) and log_fallback:
            span = obs.max() - obs.min()
            treated = np.log(obs - obs.min() + 0.01 * span)
            why = pd.Series("log transform", index=obs.index)
        out.loc[obs.index, col] = treated
        reasons.loc[obs.index, col] = why
    return out, _log(x, out, reasons)
