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


def _positive(x: pd.DataFrame, w: pd.DataFrame, what: str) -> None:
    bad = (w > 0) & (x <= 0)
    if bad.to_numpy().any():
        where = [(u, c) for u, c in zip(*np.nonzero(bad.to_numpy()))][:5]
        cells = [(x.index[i], x.columns[j], x.iat[i, j]) for i, j in where]
        raise SpecError(f"{what} mean needs values > 0; (unit, indicator, value): {cells}")


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
    if not 0 <= min_coverage <= 1:
        raise SpecError(f"min_coverage must lie in [0, 1], got {min_coverage}")
    used = w > 0
    observed = x.notna() & used
    coverage = observed.sum(axis=1) / used.sum()
    wmat = observed.astype(float) * w
    wmat = wmat.div(wmat.sum(axis=1).replace(0.0, np.nan), axis=0).fillna(0.0)
    scored = (coverage > 0) & (coverage >= min_coverage)
    score = fn(x, wmat).where(scored).astype(float).rename(method)
    if return_details:
        return score, pd.DataFrame({"coverage": coverage, "scored": scored})
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
    gaps = []
    for node in parents.itertuples(index=False):
        kids = h[h["parent"] == node.code]
        m = method.get(node.level, "arithmetic") if isinstance(method, Mapping) else method
        s, info = aggregate(scores.loc[:, list(kids["code"])], dict(zip(kids["code"], kids["weight"])), m,
                            min_coverage=min_coverage, return_details=True)
        scores[node.code] = s
        low = info[~info["scored"]]
        gaps += [(node.code, u, c) for u, c in zip(low.index, low["coverage"])]
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
