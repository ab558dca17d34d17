"""Model step 5: aggregation of normalised indicators into scores, and ranking.

Weighted arithmetic, geometric and harmonic means as in the OECD/JRC handbook (2008,
section 6.2) and COINr's ``Aggregate`` (``a_amean``, ``a_gmean``, ``a_hmean``).
Missing values: the weights are re-normalised over the indicators a unit has, as COINr
does; a unit whose coverage (share of positively weighted indicators observed) is below
``min_coverage`` gets no score, and is listed in the details.

Every aggregator has the signature ``fn(x, w) -> Series`` where ``w`` holds each unit's
weights, already re-normalised over its observed values (0 where missing).
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from reformlib.errors import SpecError
from reformlib.model.checks import finite_frame, hierarchy_table, leaves, lookup, weight_series

__all__ = ["AGGREGATORS", "aggregate", "aggregate_hierarchy", "rank"]


def _positive_error(cells: list, what: str) -> SpecError:
    return SpecError(f"{what} mean needs values > 0; (unit, indicator, value): {cells}")


def _positive(x: pd.DataFrame, w: pd.DataFrame, what: str) -> None:
    bad = (w > 0) & (x <= 0)
    if bad.to_numpy().any():
        where = [(u, c) for u, c in zip(*np.nonzero(bad.to_numpy()))][:5]
        cells = [(x.index[i], x.columns[j], x.iat[i, j]) for i, j in where]
        raise _positive_error(cells, what)


def _arithmetic(x: pd.DataFrame, w: pd.DataFrame) -> pd.Series:
    return (x.fillna(0.0) * w).sum(axis=1)


def _geometric(x: pd.DataFrame, w: pd.DataFrame) -> pd.Series:
    _positive(x, w, "geometric")
    logs = np.log(x.where(w > 0, 1.0).fillna(1.0))
    return np.exp((logs * w).sum(axis=1))


def _harmonic(x: pd.DataFrame, w: pd.DataFrame) -> pd.Series:
    _positive(x, w, "harmonic")
    inv = (w / x.where(w > 0, 1.0)).fillna(0.0)
    return 1.0 / inv.sum(axis=1)


Aggregator = Callable[[pd.DataFrame, pd.DataFrame], pd.Series]

#: Method name -> aggregator ``fn(x, w)``.
AGGREGATORS: dict[str, Aggregator] = {"arithmetic": _arithmetic, "geometric": _geometric, "harmonic": _harmonic}


# The same means on arrays, for aggregate() and aggregate_hierarchy(), which call them once per
# node instead of building frames: x (units x columns, NaN where missing) and w (each unit's
# weights re-normalised over its values, 0 where missing) -> one value per unit.

def _row_sums(a: np.ndarray) -> np.ndarray:
    """The sum of each row, adding the columns in the order :meth:`pandas.DataFrame.sum`
    (``axis=1``) adds those of the frames :func:`aggregate` builds (a column-major array reduced
    along its rows), so that the kernels give the frame arithmetic's results to the last bit."""
    return np.asfortranarray(a).sum(axis=1)


def _positive_values(x: np.ndarray, w: np.ndarray, units: pd.Index, columns: pd.Index, what: str) -> None:
    bad = (w > 0) & (x <= 0)
    if bad.any():
        raise _positive_error([(units[i], columns[j], x[i, j]) for i, j in zip(*np.nonzero(bad))][:5], what)


def _arithmetic_values(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return _row_sums(np.where(np.isnan(x), 0.0, x) * w)


def _geometric_values(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    logs = np.log(np.where((w > 0) & ~np.isnan(x), x, 1.0))
    return np.exp(_row_sums(logs * w))


def _harmonic_values(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    inv = w / np.where(w > 0, x, 1.0)
    inv[np.isnan(inv)] = 0.0
    with np.errstate(divide="ignore"):
        return 1.0 / _row_sums(inv)


#: Aggregator -> (its array kernel, the name its errors use when it needs values > 0, else None).
_KERNELS = {_arithmetic: (_arithmetic_values, None), _geometric: (_geometric_values, "geometric"),
            _harmonic: (_harmonic_values, "harmonic")}


def _check_min_coverage(min_coverage: float) -> None:
    if not 0 <= min_coverage <= 1:
        raise SpecError(f"min_coverage must lie in [0, 1], got {min_coverage}")


def _weighted_mean(fn: Aggregator, x: np.ndarray, w: np.ndarray, min_coverage: float, units: pd.Index,
                   columns: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(score, coverage, scored)`` per unit (row) of the checked values ``x`` and weights
    ``w`` (one per column): what :func:`aggregate` computes, on arrays, so that
    :func:`aggregate_hierarchy` runs it for every node without building frames."""
    used = w > 0
    observed = ~np.isnan(x) & used
    coverage = observed.sum(axis=1) / used.sum()
    wmat = observed * w
    total = _row_sums(wmat)[:, np.newaxis]
    wmat = np.divide(wmat, total, out=np.zeros_like(wmat), where=total > 0)
    scored = (coverage > 0) & (coverage >= min_coverage)
    if fn in _KERNELS:
        kernel, positive = _KERNELS[fn]
        if positive:
            _positive_values(x, wmat, units, columns, positive)
        values = kernel(x, wmat)
    else:  # an aggregator added to AGGREGATORS: called on frames, as documented
        values = np.asarray(fn(pd.DataFrame(x, index=units, columns=columns),
                               pd.DataFrame(wmat, index=units, columns=columns)), dtype=float)
    return np.where(scored, values, np.nan), coverage, scored


def aggregate(
    frame: pd.DataFrame,
    weights: Any,
    method: str = "arithmetic",
    *,
    min_coverage: float = 0.0,
    return_details: bool = False,
) -> pd.Series | tuple[pd.Series, pd.DataFrame]:
    """Weighted mean of the columns of ``frame`` for every unit (row).

    ``weights``: a mapping / Series naming every column, or a sequence in column order;
    >= 0 and not all zero (they need not sum to 1). ``method``: ``arithmetic``,
    ``geometric`` or ``harmonic`` (the last two need values > 0). A unit's weights are
    re-normalised over its observed values; when its coverage, the share of positively
    weighted indicators it has, is below ``min_coverage`` (or zero) its score is NaN.
    With ``return_details=True`` also returns a frame (coverage, scored) per unit, the
    record of every unit left without a score. Refuses +inf / -inf in ``frame``, naming
    the units and columns (NaN is a missing value).
    """
    fn = lookup(AGGREGATORS, method)
    x = finite_frame(frame)
    w = weight_series(weights, x.columns)
    _check_min_coverage(min_coverage)
    score, coverage, scored = _weighted_mean(fn, x.to_numpy(), w.to_numpy(), min_coverage, x.index, x.columns)
    score = pd.Series(score, index=x.index, name=method)
    if return_details:
        return score, pd.DataFrame({"coverage": coverage, "scored": scored}, index=x.index)
    return score


def aggregate_hierarchy(
    frame: pd.DataFrame,
    hierarchy: pd.DataFrame,
    *,
    method: str | Mapping[Any, str] = "arithmetic",
    min_coverage: float = 0.0,
    keep_indicators: bool = False,
    return_details: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Scores at every level of ``hierarchy`` (columns code, parent, level[, weight]).

    The leaves (codes that are nobody's parent) must be columns of ``frame``; other
    columns are ignored. Each parent is the weighted mean of its children, level by level,
    with the children's hierarchy weights; ``method`` is one name or level -> name.
    Returns one column per aggregate (ordered by level), preceded by the indicators when
    ``keep_indicators``. With ``return_details`` also returns the unscored units as rows
    (code, unit, coverage). Refuses +inf / -inf in the indicator columns, as :func:`aggregate`.
    """
    h = hierarchy_table(hierarchy)
    leaf_codes = leaves(h)
    missing = [c for c in leaf_codes if c not in frame.columns]
    if missing:
        raise SpecError(f"frame lacks indicators named in the hierarchy: {missing}")
    scores = finite_frame(frame.loc[:, leaf_codes])
    parents = h[~h["code"].isin(leaf_codes)].sort_values("level", kind="stable")
    children: dict[Any, list] = {}
    for code, parent, weight in zip(h["code"], h["parent"], h["weight"]):
        if parent is not None:
            children.setdefault(parent, []).append((code, weight))
    column = {code: j for j, code in enumerate(leaf_codes)}  # every score, by code, as a column of values
    values = np.full((len(scores), len(leaf_codes) + len(parents)), np.nan, order="F")
    values[:, :len(leaf_codes)] = scores.to_numpy()
    gaps = []
    for node in parents.itertuples(index=False):
        m = method.get(node.level, "arithmetic") if isinstance(method, Mapping) else method
        fn = lookup(AGGREGATORS, m)
        kids = [code for code, _ in children[node.code]]
        x = values[:, [column[c] for c in kids]]
        if np.isinf(x).any():  # an aggregate beyond the floats' range, refused as aggregate() refuses it
            finite_frame(pd.DataFrame(x, index=scores.index, columns=kids))
        w = np.array([weight for _, weight in children[node.code]], dtype=float)  # each checked by hierarchy_table
        if w.sum() <= 0:
            raise SpecError("weights sum to zero")  # as weight_series says it
        _check_min_coverage(min_coverage)
        s, coverage, scored = _weighted_mean(fn, x, w, min_coverage, scores.index, pd.Index(kids))
        column[node.code] = len(column)
        values[:, column[node.code]] = s
        gaps += [(node.code, u, c) for u, c in zip(scores.index[~scored], coverage[~scored])]
    columns = scores.columns.append(pd.Index(list(parents["code"]), name=scores.columns.name))
    scores = pd.DataFrame(values, index=scores.index, columns=columns).__finalize__(scores)  # the aggregates appended
    out = scores if keep_indicators else scores.loc[:, list(parents["code"])]
    if return_details:
        return out, pd.DataFrame(gaps, columns=["code", "unit", "coverage"])
    return out


def rank(
    scores: pd.Series | pd.DataFrame,
    *,
    ties: str = "min",
    ascending: bool = False,
    groups: pd.Series | Mapping[Hashable, Hashable] | None = None,
) -> pd.Series | pd.DataFrame:
    """Ranks of units (1 = best = highest score unless ``ascending``), overall or within groups.

    ``ties`` as in :meth:`pandas.Series.rank` (``"min"``: 1, 2, 2, 4). ``groups`` maps each
    unit (index label) to its group, e.g. its kind (district, county, park); ranks are then
    within group. Missing scores get no rank (<NA>). Works column-wise on a DataFrame.
    """
    if ties not in ("average", "min", "max", "first", "dense"):
        raise SpecError(f"ties must be average/min/max/first/dense, got {ties!r}")
    if groups is None:
        ranked = scores.rank(method=ties, ascending=ascending)
    else:
        g = pd.Series(groups)
        missing = [u for u in scores.index if u not in g.index]
        if missing:
            raise SpecError(f"groups has no group for units {missing}")
        ranked = scores.groupby(g.reindex(scores.index)).rank(method=ties, ascending=ascending)
    return ranked if ties == "average" else ranked.astype("Int64")
