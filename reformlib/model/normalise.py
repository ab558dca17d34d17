"""Model step 3: normalisation of indicators onto a common scale.

Follows the OECD/JRC *Handbook on Constructing Composite Indicators* (2008), section 5
(min-max, z-score, ranking, percentiles, distance to a reference, above/below the mean,
categorical scales, distance to a target), COINr's ``Normalise`` conventions
(``n_minmax``, ``n_zscore`` with ``m_sd``, ``n_borda``, ``n_prank``, ``n_goalposts``) and
pymcdm's ``vector_normalization``, ``max_normalization`` and ``sum_normalization``.

Every normaliser has the same signature ``fn(x, d, opts) -> Series``: ``x`` is one
indicator column, ``d`` its direction (+1 higher is better, -1 lower is better) and
``opts`` the resolved options for that column. After normalisation a higher value is
always better, except for ``band``, whose best values are those inside the band.

The methods other code needs over whole arrays (the uncertainty analysis) also exist as
array kernels ``*_columns(x)``: ``x`` is a 1-D array or a 2-D ``units x indicators``
array with NaN for a missing value, each column is normalised on its own, NaN stays NaN
and nothing is checked (a constant or all-missing column gives NaN or inf). Ranking
kernels rank ascending, so multiply a cost column by -1 first; ``vector``, ``max`` and
``sum`` have their own cost forms (``cost=``).
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reformlib.errors import SpecError
from reformlib.model.checks import DirectionLike, directions, finite_frame, lookup

__all__ = [
    "NORMALISERS", "normalise", "rank_columns", "percentile_coinr_columns",
    "percentile_handbook_columns", "minmax_columns", "zscore_columns", "vector_columns",
    "max_columns", "sum_columns",
]

ArrayLike = np.ndarray | pd.DataFrame | pd.Series
CostLike = bool | Sequence[bool] | np.ndarray


def _array(x: ArrayLike) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim not in (1, 2):
        raise ValueError(f"x must be 1-D or 2-D (units x indicators), got {a.ndim}-D")
    return a


def rank_columns(x: ArrayLike, *, ties: str = "min") -> np.ndarray:
    """Ascending ranks 1..n of each column (n = its observed values); NaN stays NaN.

    ``ties`` as :meth:`pandas.DataFrame.rank`: ``min`` (1, 2, 2, 4), ``average``
    (1, 2.5, 2.5, 4), ``max``, ``first`` (order of the rows) or ``dense`` (1, 2, 2, 3).
    """
    a = _array(x)
    ranked = pd.DataFrame(a[:, None] if a.ndim == 1 else a).rank(method=ties).to_numpy()
    return ranked.reshape(a.shape)


def percentile_coinr_columns(x: ArrayLike) -> np.ndarray:
    """COINr's percentile rank ``n_prank``: (rank - 1) / (n - 1) in [0, 1], ties "min".

    The worst unit gets 0 and the best 1; tied units share the lowest rank of their group
    (COINr passes ``ties.method = "min"`` to ``base::rank``), so a constant column is all 0.
    """
    a = _array(x)
    n = np.sum(~np.isnan(a), axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (rank_columns(a, ties="min") - 1) / (n - 1)


def percentile_handbook_columns(x: ArrayLike) -> np.ndarray:
    """The OECD/JRC Handbook's percentile (2008, Table 15): rank / n in (0, 1], ties "average".

    The best unit gets 1, the worst 1 / n; tied units share the mean of their ranks, so a
    constant column is (n + 1) / (2 n) everywhere.
    """
    a = _array(x)
    return rank_columns(a, ties="average") / np.sum(~np.isnan(a), axis=0)


def minmax_columns(x: ArrayLike, *, scale: tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
    """lo + (hi - lo) (x - min) / (max - min) of each column, ``scale = (lo, hi)``."""
    a = _array(x)
    low, high = np.nanmin(a, axis=0), np.nanmax(a, axis=0)
    lo, hi = scale
    with np.errstate(divide="ignore", invalid="ignore"):
        return lo + (hi - lo) * (a - low) / (high - low)


def zscore_columns(x: ArrayLike, *, m_sd: tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
    """mean + sd (x - column mean) / column sample sd, ``m_sd = (mean, sd)``."""
    a = _array(x)
    mean, scale = m_sd
    with np.errstate(divide="ignore", invalid="ignore"):
        return mean + scale * (a - np.nanmean(a, axis=0)) / np.nanstd(a, axis=0, ddof=1)


def _cost_form(cost: CostLike, benefit: np.ndarray, costed: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(cost, dtype=bool), costed, benefit)


def vector_columns(x: ArrayLike, *, cost: CostLike = False) -> np.ndarray:
    """Vector normalisation r = x / sqrt(sum x^2), 1 - r for a cost column (pymcdm).

    ``cost`` is one flag or one flag per column.
    """
    a = _array(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = a / np.sqrt(np.nansum(a**2, axis=0))
    return _cost_form(cost, r, 1 - r)


def max_columns(x: ArrayLike, *, cost: CostLike = False) -> np.ndarray:
    """Max normalisation r = x / max, 1 - r for a cost column (pymcdm)."""
    a = _array(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = a / np.nanmax(a, axis=0)
    return _cost_form(cost, r, 1 - r)


def sum_columns(x: ArrayLike, *, cost: CostLike = False) -> np.ndarray:
    """Sum normalisation x / sum x, (1 / x) / sum(1 / x) for a cost column (pymcdm)."""
    a = _array(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        benefit = a / np.nansum(a, axis=0)
        inverse = 1 / a
        costed = inverse / np.nansum(inverse, axis=0)
    return _cost_form(cost, benefit, costed)


@dataclass(frozen=True)
class _Options:
    """Options of one column, resolved from the keyword arguments of :func:`normalise`."""

    name: Hashable
    scale: tuple[float, float]
    cap: bool
    m_sd: tuple[float, float] | None
    ties: str
    rank_start: float
    goalposts: tuple[float, float] | None
    reference: float | None
    threshold: float
    cuts: tuple[float, ...] | None
    cut_kind: str
    band: tuple[float, float] | None
    target: float | None


def _observed(x: pd.Series, o: _Options, *, at_least: int = 1) -> pd.Series:
    obs = x.dropna()
    if len(obs) < at_least:
        raise SpecError(f"indicator {o.name!r} has {len(obs)} observed value(s); need {at_least}")
    return obs


def _rescale(u: pd.Series, o: _Options) -> pd.Series:
    v = u.to_numpy(dtype=float)
    if o.cap:  # as Series.clip(0, 1): NaN stays NaN
        v = np.where(np.isnan(v) | (v >= 0.0), v, 0.0)
        v = np.where(np.isnan(v) | (v <= 1.0), v, 1.0)
    lo, hi = o.scale
    return pd.Series(lo + (hi - lo) * v, index=u.index, name=u.name)


def _need(value: Any, what: str, o: _Options) -> Any:
    if value is None:
        raise SpecError(f"{what} is missing for indicator {o.name!r}")
    return value


def _series(values: np.ndarray, x: pd.Series) -> pd.Series:
    return pd.Series(values, index=x.index)


def _minmax_check(values: np.ndarray, o: _Options) -> None:
    """The SpecErrors of min-max normalisation for one column's values (NaN: missing)."""
    y = values[~np.isnan(values)]
    if len(y) < 1:
        raise SpecError(f"indicator {o.name!r} has {len(y)} observed value(s); need 1")
    if y.max() == y.min():
        raise SpecError(f"indicator {o.name!r} is constant: min-max normalisation is undefined")


def _minmax(x: pd.Series, d: int, o: _Options) -> pd.Series:
    _minmax_check(x.to_numpy(dtype=float), o)
    return _series(minmax_columns(x.to_numpy() * d, scale=o.scale), x)


def _zscore(x: pd.Series, d: int, o: _Options) -> pd.Series:
    if _observed(x, o, at_least=2).std(ddof=1) == 0:
        raise SpecError(f"indicator {o.name!r} is constant: z-score is undefined")
    # the kernel sees the observed values only, so the mean and sd are summed exactly as before
    seen = x.notna().to_numpy()
    out = np.full(len(x), np.nan)
    out[seen] = zscore_columns(x.to_numpy()[seen] * d, m_sd=(0.0, 1.0) if o.m_sd is None else o.m_sd)
    return _series(out, x)


def _rank(x: pd.Series, d: int, o: _Options) -> pd.Series:
    return _series(rank_columns(x.to_numpy() * d, ties=o.ties) - 1 + o.rank_start, x)


def _borda(x: pd.Series, d: int, o: _Options) -> pd.Series:
    return _series(rank_columns(x.to_numpy() * d, ties="min") - 1, x)


def _percentile_coinr(x: pd.Series, d: int, o: _Options) -> pd.Series:
    _observed(x, o, at_least=2)
    return _rescale(_series(percentile_coinr_columns(x.to_numpy() * d), x), o)


def _percentile_handbook(x: pd.Series, d: int, o: _Options) -> pd.Series:
    _observed(x, o)
    return _rescale(_series(percentile_handbook_columns(x.to_numpy() * d), x), o)


def _vector(x: pd.Series, d: int, o: _Options) -> pd.Series:
    if (_observed(x, o) == 0).all():
        raise SpecError(f"indicator {o.name!r} is all zero: vector normalisation is undefined")
    return _series(vector_columns(x.to_numpy(), cost=d == -1), x)


def _max(x: pd.Series, d: int, o: _Options) -> pd.Series:
    if _observed(x, o).max() <= 0:
        raise SpecError(f"indicator {o.name!r} has no value > 0: max normalisation x / max is undefined")
    return _series(max_columns(x.to_numpy(), cost=d == -1), x)


def _sum(x: pd.Series, d: int, o: _Options) -> pd.Series:
    bad = _observed(x, o) <= 0
    if bad.any():
        raise SpecError(f"sum normalisation needs values > 0; indicator {o.name!r} has values <= 0 "
                        f"for units {bad.index[bad].tolist()}")
    return _series(sum_columns(x.to_numpy(), cost=d == -1), x)


def _ref_ratio(x: pd.Series, d: int, o: _Options) -> pd.Series:
    ref = _need(o.reference, "reference", o)
    if ref == 0:
        raise SpecError(f"reference value of indicator {o.name!r} is 0: ratio undefined")
    if d == 1:
        return x / ref
    if (x.dropna() == 0).any():
        raise SpecError(f"indicator {o.name!r} has zeros: reference/x ratio undefined")
    return ref / x


def _ref_difference(x: pd.Series, d: int, o: _Options) -> pd.Series:
    ref = _need(o.reference, "reference", o)
    if ref == 0:
        raise SpecError(f"reference value of indicator {o.name!r} is 0: relative difference undefined")
    return d * (x - ref) / abs(ref)


def _above_below_mean(x: pd.Series, d: int, o: _Options) -> pd.Series:
    mean = _observed(x, o).mean()
    if mean == 0:
        raise SpecError(f"indicator {o.name!r} has mean 0: above/below-mean ratio undefined")
    w = x / mean
    out = pd.Series(np.select([w > 1 + o.threshold, w < 1 - o.threshold], [1.0, -1.0], 0.0), index=x.index)
    return (out * d + 0.0).where(x.notna())


def _categorical(x: pd.Series, d: int, o: _Options) -> pd.Series:
    cuts = np.asarray(_need(o.cuts, "bands (cut points)", o), dtype=float)
    y = x * d
    if o.cut_kind == "percentile":
        if ((cuts < 0) | (cuts > 1)).any():
            raise SpecError(f"percentile cut points must lie in [0, 1], got {cuts.tolist()}")
        edges = np.sort(_observed(y, o).quantile(cuts).to_numpy())
    else:
        edges = np.sort(cuts * d)
    k = np.searchsorted(edges, y.to_numpy(), side="right")
    u = pd.Series(k / len(edges), index=x.index, dtype=float)
    return _rescale(u.where(x.notna()), o)


def _goalposts(x: pd.Series, d: int, o: _Options) -> pd.Series:
    lower, upper = _need(o.goalposts, "goalposts", o)
    u = (x - lower) / (upper - lower) if d == 1 else (upper - x) / (upper - lower)
    return _rescale(u, o)


def _target(x: pd.Series, d: int, o: _Options) -> pd.Series:
    t = _need(o.target, "target", o)
    if t <= 0:
        raise SpecError(f"target of indicator {o.name!r} must be > 0, got {t}")
    if d == 1:
        u = x / t
    else:
        if not o.cap and (x.dropna() <= 0).any():
            raise SpecError(f"indicator {o.name!r} has values <= 0: target/x undefined without cap")
        u = pd.Series(np.where(x > 0, t / x.where(x > 0), np.inf), index=x.index).where(x.notna())
    return _rescale(u, o)


def _band(x: pd.Series, d: int, o: _Options) -> pd.Series:
    low, high = _need(o.band, "bands", o)
    obs = _observed(x, o)
    zero_lo, zero_hi = o.goalposts if o.goalposts is not None else (min(obs.min(), low), max(obs.max(), high))
    if not zero_lo <= low <= high <= zero_hi:
        raise SpecError(f"band {(low, high)} of indicator {o.name!r} must lie inside {(zero_lo, zero_hi)}")
    v = x.to_numpy(dtype=float)
    below = 1 - (low - v) / (low - zero_lo) if low > zero_lo else 0.0
    above = 1 - (v - high) / (zero_hi - high) if zero_hi > high else 0.0
    u = np.where(np.isnan(v), np.nan, np.select([v < low, v > high], [below, above], 1.0))
    return _rescale(_series(u, x), o)


Normaliser = Callable[[pd.Series, int, _Options], pd.Series]

#: Method name -> normaliser ``fn(x, d, opts)``.
NORMALISERS: dict[str, Normaliser] = {
    "minmax": _minmax,
    "zscore": _zscore,
    "rank": _rank,
    "borda": _borda,
    "percentile": _percentile_coinr,
    "percentile_coinr": _percentile_coinr,
    "percentile_handbook": _percentile_handbook,
    "vector": _vector,
    "max": _max,
    "sum": _sum,
    "ref_ratio": _ref_ratio,
    "ref_difference": _ref_difference,
    "above_below_mean": _above_below_mean,
    "categorical": _categorical,
    "goalposts": _goalposts,
    "target": _target,
    "band": _band,
}


def _per_column(value: Any, col: Hashable) -> Any:
    return value.get(col) if isinstance(value, Mapping) else value


def _reference(reference: Any, frame: pd.DataFrame) -> Mapping | None:
    if reference is None or isinstance(reference, Mapping):
        return reference
    if reference not in frame.index:
        raise SpecError(f"reference unit {reference!r} is not in the frame's index")
    return frame.loc[reference].to_dict()


def normalise(
    frame: pd.DataFrame,
    method: str,
    *,
    direction: DirectionLike = None,
    goalposts: Mapping[Hashable, tuple[float, float]] | None = None,
    cap: bool = True,
    reference: Hashable | Mapping[Hashable, float] | None = None,
    threshold: float | None = None,
    bands: Mapping[Hashable, Any] | Sequence[float] | None = None,
    target: Mapping[Hashable, float] | None = None,
    scale: tuple[float, float] = (0.0, 1.0),
    m_sd: tuple[float, float] | None = None,
    ties: str = "min",
    rank_start: float = 1,
    cut_kind: str = "percentile",
) -> pd.DataFrame:
    """Normalise every column of ``frame`` (units as rows, indicators as columns).

    Parameters
    ----------
    method : one of :data:`NORMALISERS`:
        ``minmax`` (onto ``scale``), ``zscore`` (``m_sd=(mean, sd)`` rescales, sample sd;
        COINr's "z-score rescaled to mean 10 sd 2" is ``m_sd=(10, 2)``), ``rank``
        (ascending so that the best unit gets the highest rank; ``ties`` as in
        :meth:`pandas.Series.rank`, first rank ``rank_start``), ``borda`` (COINr Borda
        score = number of units strictly worse = rank with ties "min" minus 1);
        percentiles onto ``scale``, n being the indicator's number of observed values, in
        two conventions: ``percentile_coinr`` (COINr's ``n_prank``: (rank - 1) / (n - 1),
        worst 0, best 1; tied units share the lowest rank of their group, ties "min", as
        COINr) and ``percentile_handbook`` (OECD/JRC Handbook 2008, Table 15: rank / n,
        worst 1 / n, best 1; tied units share the mean of their ranks, ties "average");
        ``percentile`` is ``percentile_coinr`` under its old name;
        ``vector`` (x / sqrt(sum x^2), or 1 - x / sqrt(sum x^2) for a cost indicator),
        ``max`` (x / max, or 1 - x / max for a cost indicator; needs a maximum > 0) and
        ``sum`` (x / sum x, or (1 / x) / sum(1 / x) for a cost indicator; needs every value
        > 0): pymcdm's ``vector_normalization``, ``max_normalization`` and
        ``sum_normalization``, sums over the observed values, not mapped onto ``scale``;
        ``ref_ratio`` (x / ref, or ref / x for a cost indicator), ``ref_difference``
        ((x - ref) / |ref|, sign-reversed for a cost indicator), ``above_below_mean``
        (+1 / 0 / -1 when x / mean is above 1 + ``threshold``, within, or below
        1 - ``threshold``; default threshold 0.2), ``categorical`` (``bands`` = cut
        points, taken as percentiles of the observed values when ``cut_kind="percentile"``
        or as values when ``cut_kind="value"``; the score is the share of cut points
        passed, onto ``scale``), ``goalposts`` ((x - lower) / (upper - lower), or
        (upper - x) / (upper - lower) for a cost indicator), ``target`` (x / target, or
        target / x for a cost indicator; a cost indicator at or below zero has met any
        target > 0: with ``cap=True`` it scores 1, the top of ``scale``, and with
        ``cap=False``, where target / x is undefined, such a value is an error) and
        ``band`` (``bands[indicator] = (low, high)``: 1 inside the band, falling linearly
        to 0 at the goalposts when given, otherwise at the observed min / max; direction
        is not used).
    direction : indicator -> +1 / -1; missing entries are +1. After normalisation higher
        is better.
    goalposts : indicator -> (lower, upper) for ``goalposts`` and the zero points of ``band``.
    cap : clip ``goalposts``, ``target``, ``band``, the percentiles and ``categorical``
        scores to [0, 1] before mapping them onto ``scale``.
    reference : a unit label of ``frame`` or indicator -> reference value.
    target : indicator -> target value (> 0).
    scale : output range (lo, hi) of the bounded methods, e.g. ``(0, 100)``.

    Returns a new frame with the same index and columns; missing values stay missing.
    Raises :class:`SpecError` naming the indicator when a column is constant for a
    method that divides by its spread (minmax, zscore), when a column is out of a
    method's domain (all zero for ``vector``, no value > 0 for ``max``, a value <= 0 for
    ``sum``), when a needed goalpost, band, target or reference is missing, or when the
    method is unknown; and naming the units and columns when ``frame`` holds +inf or
    -inf (write NaN for a missing value).
    """
    fn = lookup(NORMALISERS, method)
    x = finite_frame(frame)
    dirs = directions(direction, x.columns)
    for arg, value in (("goalposts", goalposts), ("target", target), ("bands", bands)):
        if isinstance(value, Mapping):
            unknown = [k for k in value if k not in x.columns]
            if unknown:
                raise SpecError(f"{arg} names unknown indicators: {unknown}")
    if ties not in ("average", "min", "max", "first", "dense"):
        raise SpecError(f"ties must be average/min/max/first/dense, got {ties!r}")
    if cut_kind not in ("percentile", "value"):
        raise SpecError(f"cut_kind must be 'percentile' or 'value', got {cut_kind!r}")
    if len(scale) != 2 or scale[0] >= scale[1]:
        raise SpecError(f"scale must be (lo, hi) with lo < hi, got {scale!r}")
    refs = _reference(reference, x)
    columnwise = fn is _minmax  # its array kernel gives each column of the whole array the same values
    values = x.to_numpy()
    out = {}
    for j, col in enumerate(x.columns):
        gp = _per_column(goalposts, col)
        if gp is not None and not gp[0] < gp[1]:
            raise SpecError(f"goalposts of indicator {col!r} must be (lower, upper) with lower < upper, got {gp}")
        band_or_cuts = _per_column(bands, col)
        ref = None if refs is None else refs.get(col)
        if ref is not None and pd.isna(ref):
            raise SpecError(f"reference value of indicator {col!r} is missing")
        opts = _Options(
            name=col, scale=(float(scale[0]), float(scale[1])), cap=cap, m_sd=m_sd, ties=ties,
            rank_start=rank_start, goalposts=gp, reference=ref,
            threshold=0.2 if threshold is None else float(threshold),
            cuts=tuple(band_or_cuts) if method == "categorical" and band_or_cuts is not None else None,
            cut_kind=cut_kind,
            band=tuple(band_or_cuts) if method == "band" and band_or_cuts is not None else None,
            target=_per_column(target, col),
        )
        if columnwise:
            _minmax_check(values[:, j], opts)
        else:
            out[col] = fn(x[col], int(dirs[col]), opts).astype(float)
    if columnwise:  # one contiguous column per indicator, as a frame built column by column
        scaled = minmax_columns(values * dirs.to_numpy(), scale=(float(scale[0]), float(scale[1])))
        return pd.DataFrame(np.asfortranarray(scaled), index=x.index, columns=x.columns)
    return pd.DataFrame(out, index=x.index, columns=x.columns)
