"""Inference for one treated unit against a few comparison units: the gap series with AR(1)
errors, and randomisation (placebo) inference over units and adoption dates.

Model step: the p-values and intervals of :func:`reformlib.stats.pilot_effects`. With one
treated unit and a balanced panel the two-way fixed-effects estimate is the jump, at the
start month, in the gap between the treated unit and the mean of its comparison units
(``gap_t = y_treated,t - mean_j y_j,t``): unit and month effects cancel, and what remains is
one short time series whose errors are serially correlated. Clustering by unit cannot work
with one treated cluster (Conley & Taber 2011, *Rev Econ Stat* 93: 113-125; MacKinnon & Webb
2017), and Driscoll-Kraay errors over 24 months over-reject under autocorrelation. Two
alternatives (``bench/bench_calibrate.py`` prints their rejection rates):

- :func:`gap_ar1`: ``gap_t = a + effect * post_t + u_t`` with AR(1) errors by GLS and a
  parametric bootstrap of the t statistic (:func:`reformlib.stats.serial.ar1_bootstrap`);
- :func:`randomization_test`: Fisher's randomisation test of no effect anywhere, over every
  (unit, start month) pair with enough months on each side (placebo units: Abadie, Diamond &
  Hainmueller 2010, *JASA* 105: 493-505; placebo dates: the "in-time placebo"). The
  statistic is the gap's jump divided by its i.i.d. standard error, so that placebos with
  different numbers of months before and after are comparable. It gives a p-value only, no
  smaller than 1 / (number of placebos); with two units the two units' gaps are mirror
  images, their statistics tie, and it can hardly reject at 5 % (0-2 % in the bench; 1-8 %
  with 5 or 9 units). Placebo dates are exchangeable only approximately under
  autocorrelation.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from reformlib.errors import SpecError
from reformlib.stats.serial import ar1_bootstrap

__all__ = ["gap_ar1", "gap_series", "randomization_test"]


def gap_series(wide: pd.DataFrame, unit: str) -> pd.Series:
    """``wide`` (months x units) -> the treated unit minus the mean of the others, by month
    (months where the unit or every other unit is missing are dropped)."""
    others = wide.drop(columns=unit).mean(axis=1, skipna=True)
    return (wide[unit] - others).dropna()


def gap_ar1(wide: pd.DataFrame, unit: str, start: int, *, n_boot: int = 199, seed: int = 20171231,
            alpha: float = 0.05) -> dict:
    """The pilot's effect as the jump of its gap series at ``start`` (a month ordinal), AR(1)
    errors, bootstrap p-value and interval (see the module docstring)."""
    gap = gap_series(wide, unit)
    t = gap.index.to_numpy()
    if not np.array_equal(np.diff(t), np.ones(len(t) - 1)):
        raise SpecError(f"unit {unit!r}'s gap series has missing months; the AR(1) model needs consecutive months")
    X = np.column_stack([np.ones(len(t)), (t >= start).astype(float)])
    return ar1_bootstrap(gap.to_numpy(), X, 1, n_boot=n_boot, alpha=alpha, rng=np.random.default_rng(seed))


def _jump_statistic(gap: np.ndarray, post: np.ndarray) -> np.ndarray:
    """For each row of ``post`` (placebos x months, bool), the gap's jump / its i.i.d. SE."""
    n1 = post.sum(axis=1)
    n0 = post.shape[1] - n1
    m1 = (post * gap).sum(axis=1) / n1
    m0 = (~post * gap).sum(axis=1) / n0
    ss = (post * (gap - m1[:, None]) ** 2).sum(axis=1) + (~post * (gap - m0[:, None]) ** 2).sum(axis=1)
    s2 = ss / (post.shape[1] - 2)
    return (m1 - m0) / np.sqrt(s2 * (1 / n0 + 1 / n1))


def randomization_test(wide: pd.DataFrame, unit: str, start: int, *, min_periods: int = 3) -> dict:
    """Randomisation p-value of the pilot in ``unit`` from month ``start`` against every
    placebo (unit, start month) of the panel ``wide`` (months x units, consecutive months)
    with at least ``min_periods`` months before and from the start. Returns ``statistic``,
    ``p_value`` and ``n_placebos`` (the observed assignment included)."""
    months = wide.index.to_numpy()
    candidates = months[min_periods:len(months) - min_periods + 1]
    if start not in set(candidates):
        raise SpecError(f"start {start!r} leaves fewer than {min_periods} months on one side")
    post = months[None, :] >= candidates[:, None]
    stats = {}
    for u in wide.columns:
        gap = gap_series(wide, u).reindex(months)
        if gap.isna().any():
            raise SpecError(f"unit {u!r} has missing months; randomisation inference needs a balanced panel")
        stats[u] = _jump_statistic(gap.to_numpy(), post)
    observed = float(stats[unit][list(candidates).index(start)])
    every = np.concatenate(list(stats.values()))
    return {"statistic": observed, "p_value": float(np.mean(np.abs(every) >= abs(observed) - 1e-12)),
            "n_placebos": len(every)}
