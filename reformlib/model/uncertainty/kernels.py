"""Array kernels for the uncertainty analysis: impute, normalise, aggregate, rank.

Model steps 2-5 (impute -> normalise -> aggregate -> rank) written over whole numpy arrays,
so that thousands of Monte Carlo replications cost a few matrix products instead of a
rebuild each. Conventions follow COINr (bluefoxr/COINr, MIT): min-max onto [1, 100] and
z-scores onto mean 10 / sd 2, the alternatives of its sensitivity-analysis vignette, so that
geometric and harmonic means stay defined; aggregation at every level of the hierarchy is
the same weighted quasi-arithmetic mean, over the available (non-missing) children, with
weights renormalised per unit; rank 1 is the best unit, ties take the lowest rank ("min").

Arrays are ``units x indicators`` with NaN for a missing value. Higher is better: the
caller multiplies each indicator by its direction before normalising.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from reformlib.model.normalise import (
    minmax_columns,
    percentile_coinr_columns,
    percentile_handbook_columns,
    rank_columns,
    zscore_columns,
)

Kernel = Callable[[np.ndarray], np.ndarray]

#: Scores equal to this many decimals count as ties when ranking.
TIE_DECIMALS = 9


def _keep(x: np.ndarray) -> np.ndarray:
    return x.copy()


def _fill(x: np.ndarray, centre: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(x), centre[np.newaxis, :], x)


def _impute_mean(x: np.ndarray) -> np.ndarray:
    return _fill(x, np.nanmean(x, axis=0))


def _impute_median(x: np.ndarray) -> np.ndarray:
    return _fill(x, np.nanmedian(x, axis=0))


#: Imputation of missing values, column by column. ``none`` keeps NaN (available-case).
IMPUTERS: dict[str, Kernel] = {"none": _keep, "mean": _impute_mean, "median": _impute_median}


#: Normalisation column by column, NaN stays NaN: the same functions, tie rules and names as
#: :func:`reformlib.model.normalise.normalise` with ``scale=(1, 100)`` (z-scores: mean 10,
#: sd 2), COINr's sensitivity-analysis scales, so geometric and harmonic means stay defined.
NORMALISERS: dict[str, Kernel] = {
    "minmax": lambda x: minmax_columns(x, scale=(1.0, 100.0)),   # [1, 100]
    "zscore": lambda x: zscore_columns(x, m_sd=(10.0, 2.0)),     # mean 10, sample sd 2
    "rank": lambda x: rank_columns(x, ties="min"),               # 1..n, ties "min" (as COINr)
    "percentile": lambda x: 1.0 + 99.0 * percentile_coinr_columns(x),  # COINr (rank - 1) / (n - 1) onto [1, 100]
    "percentile_handbook": lambda x: 1.0 + 99.0 * percentile_handbook_columns(x),  # Handbook rank / n onto (1, 100]
}

#: Aggregation as a weighted quasi-arithmetic mean: generator phi and its inverse.
AGGREGATORS: dict[str, tuple[Kernel, Kernel]] = {
    "arithmetic": (_keep, _keep),
    "geometric": (np.log, np.exp),
    "harmonic": (np.reciprocal, np.reciprocal),
}
#: Aggregations that need strictly positive normalised values.
POSITIVE_ONLY = frozenset({"geometric", "harmonic"})


def transform(normalised: np.ndarray, aggregation: str) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(phi(x) with 0 where missing, availability mask as 0/1 floats)``."""
    phi, _ = AGGREGATORS[aggregation]
    mask = ~np.isnan(normalised)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(mask, phi(np.where(mask, normalised, 1.0)), 0.0)
    return values, mask.astype(float)


def aggregate(
    phi_x: np.ndarray,
    mask: np.ndarray,
    weights: np.ndarray,
    group_weights: np.ndarray,
    members: Sequence[np.ndarray],
    aggregation: str,
) -> np.ndarray:
    """Scores of every unit in every replication, ``replications x units``.

    ``phi_x`` and ``mask`` come from :func:`transform`; ``weights`` is ``replications x
    indicators`` (0 for an excluded indicator), ``group_weights`` is ``replications x
    groups`` and ``members[g]`` lists the indicator columns of group ``g``. A group's value
    is the weighted phi-mean of its available indicators, the index the weighted phi-mean
    of the defined groups (positive weight on an available indicator, positive group
    weight); a unit with no defined group scores NaN.

    For a unit with every indicator of a group, the group enters through one matrix product
    with effective weights ``group weight x weight / group weight sum``; only the pairs
    (unit, group) with a missing value are corrected, from products over those units.
    """
    group_sums = np.stack([weights[:, cols].sum(axis=1) for cols in members], axis=1)
    live = (group_sums > 0) & (group_weights > 0)
    share = np.divide(group_weights, group_sums, out=np.zeros_like(group_sums), where=live)
    effective = np.empty_like(weights)
    for g, cols in enumerate(members):
        effective[:, cols] = weights[:, cols] * share[:, g : g + 1]
    weight_sum = np.where(live, group_weights, 0.0).sum(axis=1)
    defined = live.sum(axis=1)
    incomplete = [(g, np.flatnonzero(mask[:, cols].min(axis=1) == 0)) for g, cols in enumerate(members)]
    incomplete = [(g, units) for g, units in incomplete if len(units)]
    if incomplete:  # units x replications, so that a unit's corrections touch one row
        total = phi_x @ effective.T
        weight_sum, defined = _correct(total, weight_sum, defined, phi_x, mask, weights,
                                       group_weights, share, live, members, incomplete)
        total = np.ascontiguousarray(total.T)
        weight_sum, defined = weight_sum.T, defined.T
    else:
        total = effective @ phi_x.T
        weight_sum, defined = weight_sum[:, np.newaxis], defined[:, np.newaxis]
    with np.errstate(divide="ignore", invalid="ignore"):
        total /= weight_sum
    if not np.all(defined):
        total[np.broadcast_to(defined == 0, total.shape)] = np.nan
    _, inverse = AGGREGATORS[aggregation]
    return total if inverse is _keep else inverse(total, out=total)


def _correct(total, weight_sum, defined, phi_x, mask, weights, group_weights, share, live, members,
             incomplete):
    """Correct ``total`` (units x replications) in place for units missing values of a group.

    Their group entered with ``share * numerator``; the right term is ``group weight *
    numerator / denominator`` over the available indicators, or nothing when no available
    indicator has weight (the group is then lost for that unit: weight sum and count drop).
    Returns the weight sums and defined-group counts, per unit when some group was lost.
    """
    weight_sum, defined = weight_sum[np.newaxis, :], defined[np.newaxis, :]
    for g, units in incomplete:
        cols = members[g]
        w, part, gw = weights[:, cols].T, np.ix_(units, cols), group_weights[:, g]
        numerator, denominator = phi_x[part] @ w, mask[part] @ w
        ok = (denominator > 0) & live[:, g]
        factor = np.divide(gw, denominator, out=np.zeros_like(denominator), where=ok)
        factor -= share[:, g]
        factor *= numerator
        total[units] += factor
        lost = live[:, g] & ~ok
        if lost.any():
            if weight_sum.shape[0] == 1:
                weight_sum = np.repeat(weight_sum, phi_x.shape[0], axis=0)
                defined = np.repeat(defined, phi_x.shape[0], axis=0)
            rows = np.flatnonzero(lost.any(axis=1))
            weight_sum[units[rows]] -= np.where(lost[rows], gw, 0.0)
            defined[units[rows]] -= lost[rows]
    return weight_sum, defined


def _sorted_keys(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: unit order by descending rounded score (NaN last) and the sorted keys.

    Rounded scores are integers (``rint(score * 10**TIE_DECIMALS)``, the classes of
    ``np.round(score, TIE_DECIMALS)``); packed with the unit's column in the low bits,
    one integer sort orders a row. Scores too large to pack fall back to an argsort.
    """
    n = scores.shape[-1]
    bits = max(1, (n - 1).bit_length())
    rounded = scores * 10.0**TIE_DECIMALS
    np.rint(rounded, out=rounded)
    last = 2 ** (61 - bits)
    extreme = max(-np.fmin.reduce(rounded, axis=None), np.fmax.reduce(rounded, axis=None))
    if not extreme >= last:  # also when every score is NaN
        key = np.negative(rounded, out=rounded)
        np.copyto(key, last, where=np.isnan(key))
        packed = key.astype(np.int64)
        np.left_shift(packed, bits, out=packed)
        packed |= np.arange(n, dtype=np.int64)
        packed.sort(axis=-1)
        return packed & (2**bits - 1), packed >> bits
    key = np.nan_to_num(-rounded, nan=np.inf, posinf=np.inf, neginf=-np.inf)
    order = np.argsort(key, axis=-1)
    return order, np.take_along_axis(key, order, axis=-1)


def rank_desc(scores: np.ndarray) -> np.ndarray:
    """Rank the units (columns) of each replication (row): 1 = highest score, ties "min", NaN last.

    Scores equal to :data:`TIE_DECIMALS` decimals tie, so that values differing only by
    floating-point noise do. One sort per row, all rows at once.
    """
    order, ordered = _sorted_keys(scores)
    position = np.broadcast_to(np.arange(1, scores.shape[-1] + 1, dtype=np.int32), scores.shape)
    starts = ordered[:, 1:] != ordered[:, :-1]
    tied = np.flatnonzero(~starts.all(axis=-1))
    if len(tied):  # a tie takes the position of the first of its run
        first = np.ones((len(tied), scores.shape[-1]), dtype=bool)
        first[:, 1:] = starts[tied]
        position = position.copy()
        position[tied] = np.maximum.accumulate(np.where(first, position[tied], 0), axis=-1)
    ranks = np.empty(scores.shape, dtype=np.int32)
    np.put_along_axis(ranks, order, position, axis=-1)
    return ranks
