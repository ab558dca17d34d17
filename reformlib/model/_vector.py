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
from scipy.stats import rankdata

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


def _minmax(x: np.ndarray) -> np.ndarray:
    low, high = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    return 1.0 + 99.0 * (x - low) / (high - low)


def _zscore(x: np.ndarray) -> np.ndarray:
    return 10.0 + 2.0 * (x - np.nanmean(x, axis=0)) / np.nanstd(x, axis=0, ddof=1)


def _rank(x: np.ndarray) -> np.ndarray:
    return rankdata(x, method="average", axis=0, nan_policy="omit")


def _percentile(x: np.ndarray) -> np.ndarray:
    return 100.0 * _rank(x) / np.sum(~np.isnan(x), axis=0)


#: Normalisation onto a common, strictly positive scale, column by column; NaN stays NaN.
NORMALISERS: dict[str, Kernel] = {
    "minmax": _minmax,          # [1, 100]
    "zscore": _zscore,          # mean 10, sample sd 2
    "rank": _rank,              # 1..n, average ties
    "percentile": _percentile,  # 100 * rank / n, in (0, 100]
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
    groups`` and ``members[g]`` lists the indicator columns of group ``g``. Each group is
    the weighted phi-mean of its available indicators (two matrix products), the index the
    weighted phi-mean of the defined groups. A unit with no defined group scores NaN.
    """
    total = weight_sum = None
    for g, cols in enumerate(members):
        w = weights[:, cols]
        numerator = w @ phi_x[:, cols].T
        if mask[:, cols].all():  # nothing missing: the denominator is the weight sum
            denominator = np.broadcast_to(w.sum(axis=1)[:, np.newaxis], numerator.shape)
        else:
            denominator = w @ mask[:, cols].T
        defined = denominator > 0
        if len(members) == 1:
            index_phi = np.divide(numerator, denominator, out=np.full_like(numerator, np.nan), where=defined)
            break
        group_phi = np.divide(numerator, denominator, out=np.zeros_like(numerator), where=defined)
        gw = group_weights[:, g : g + 1] * defined
        total = gw * group_phi if total is None else total + gw * group_phi
        weight_sum = gw if weight_sum is None else weight_sum + gw
    else:
        index_phi = np.divide(total, weight_sum, out=np.full_like(total, np.nan), where=weight_sum > 0)
    _, inverse = AGGREGATORS[aggregation]
    return inverse(index_phi)


def rank_desc(scores: np.ndarray) -> np.ndarray:
    """Rank units along the last axis, 1 = highest score, ties "min", NaN ranked last.

    Scores are first rounded to :data:`TIE_DECIMALS` decimals so that values differing
    only by floating-point noise tie. One argsort per row, all rows at once.
    """
    key = -np.round(scores, TIE_DECIMALS)
    key[np.isnan(key)] = np.inf
    order = np.argsort(key, axis=-1)
    ordered = np.take_along_axis(key, order, axis=-1)
    position = np.broadcast_to(np.arange(1, key.shape[-1] + 1, dtype=np.int32), key.shape)
    starts = ordered[..., 1:] != ordered[..., :-1]
    if not starts.all():  # ties: each takes the position of the first of its run
        first = np.ones(key.shape, dtype=bool)
        first[..., 1:] = starts
        position = np.maximum.accumulate(np.where(first, position, 0), axis=-1)
    ranks = np.empty(key.shape, dtype=np.int32)
    np.put_along_axis(ranks, order, position, axis=-1)
    return ranks
