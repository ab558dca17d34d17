"""Model step 3: normalisation of indicators onto a common scale.

Follows the OECD/JRC *Handbook on Constructing Composite Indicators* (2008), section 5
(min-max, z-score, ranking, percentiles, distance to a reference, above/below the mean,
categorical scales, distance to a target) and COINr's ``Normalise`` conventions
(``n_minmax``, ``n_zscore`` with ``m_sd``, ``n_borda``, ``n_prank``, ``n_goalposts``).

Every normaliser has the same signature ``fn(x, d, opts) -> Series``: ``x`` is one
indicator column, ``d`` its direction (+1 higher is better, -1 lower is better) and
``opts`` the resolved options for that column. After normalisation a higher value is
always better, except for ``band``, whose best values are those inside the band.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reformlib.errors import SpecError
from reformlib.model._checks import DirectionLike, directions, lookup, numeric_frame

__all__ = ["NORMALISERS", "normalise"]


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
    if o.cap:
        u = u.clip(0.0, 1.0)
    lo, hi = o.scale
    return lo + (hi - lo) * u


def _need(value: Any, what: str, o: _Options) -> Any:
    if value is None:
        raise SpecError(f"{what} is missing for indicator {o.name!r}")
    return value


def _minmax(x: pd.Series, d: int, o: _Options) -> pd.Series:
    y = _observed(x, o) * d
    span = y.max() - y.min()
    if span == 0:
        raise SpecError(f"indicator {o.name!r} is constant: min-max normalisation is undefined")
    lo, hi = o.scale
    return lo + (hi - lo) * (x * d - y.min()) / span


def _zscore(x: pd.Series, d: int, o: _Options) -> pd.Series:
    y = _observed(x, o, at_least=2) * d
    sd = y.std(ddof=1)
    if sd == 0:
        raise SpecError(f"indicator {o.name!r} is constant: z-score is undefined")
    mean, scale = o.m_sd if o.m_sd is not None else (0.0, 1.0)
    return mean + scale * (x * d - y.mean()) / sd


def _rank(x: pd.Series, d: int, o: _Options) -> pd.Series:
    return (x * d).rank(method=o.ties, ascending=True) - 1 + o.rank_start


def _borda(x: pd.Series, d: int, o: _Options) -> pd.Series:
    return (x * d).rank(method="min", ascending=True) - 1


def _percentile(x: pd.Series, d: int, o: _Options) -> pd.Series:
    n = len(_observed(x, o, at_least=2))
    u = ((x * d).rank(method="min", ascending=True) - 1) / (n - 1)
    return _rescale(u, o)


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
    below = 1 - (low - x) / (low - zero_lo) if low > zero_lo else pd.Series(0.0, index=x.index)
    above = 1 - (x - high) / (zero_hi - high) if zero_hi > high else pd.Series(0.0, index=x.index)
    u = pd.Series(np.select([x < low, x > high], [below, above], 1.0), index=x.index)
    return _rescale(u.where(x.notna()), o)


Normaliser = Callable[[pd.Series, int, _Options], pd.Series]

#: Method name -> normaliser ``fn(x, d, opts)``.
NORMALISERS: dict[str, Normaliser] = {
    "minmax": _minmax,
    "zscore": _zscore,
    "rank": _rank,
    "borda": _borda,
    "percentile": _percentile,
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
        score = number of units strictly worse = rank with ties "min" minus 1),
        ``percentile`` ((rank_min - 1) / (n - 1) onto ``scale``), ``ref_ratio``
        (x / ref, or ref / x for a cost indicator), ``ref_difference`` ((x - ref) / |ref|,
        sign-reversed for a cost indicator), ``above_below_mean`` (+1 / 0 / -1 when
        x / mean is above 1 + ``threshold``, within, or below 1 - ``threshold``; default
        threshold 0.2), ``categorical`` (``bands`` = cut points, taken as percentiles of
        the observed values when ``cut_kind="percentile"`` or as values when
        ``cut_kind="value"``; the score is the share of cut points passed, onto
        ``scale``), ``goalposts`` ((x - lower) / (upper - lower), or (upper - x) /
        (upper - lower) for a cost indicator), ``target`` (x / target, or target / x for a
        cost indicator) and ``band`` (``bands[indicator] = (low, high)``: 1 inside the
        band, falling linearly to 0 at the goalposts when given, otherwise at the
        observed min / max; direction is not used).
    direction : indicator -> +1 / -1; missing entries are +1. After normalisation higher
        is better.
    goalposts : indicator -> (lower, upper) for ``goalposts`` and the zero points of ``band``.
    cap : clip ``goalposts``, ``target``, ``band``, ``percentile`` and ``categorical``
        scores to [0, 1] before mapping them onto ``scale``.
    reference : a unit label of ``frame`` or indicator -> reference value.
    target : indicator -> target value (> 0).
    scale : output range (lo, hi) of the bounded methods, e.g. ``(0, 100)``.

    Returns a new frame with the same index and columns; missing values stay missing.
    Raises :class:`SpecError` naming the indicator when a column is constant for a
    method that divides by its spread (minmax, zscore), when a needed goalpost, band,
    target or reference is missing, or when the method is unknown.
    """
    fn = lookup(NORMALISERS, method)
    x = numeric_frame(frame)
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
    out = {}
    for col in x.columns:
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
        out[col] = fn(x[col], int(dirs[col]), opts).astype(float)
    return pd.DataFrame(out, index=x.index, columns=x.columns)
