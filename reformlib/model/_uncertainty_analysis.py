"""Analysis of uncertainty replications (the model's robustness step, its last part).

Rank shift against the nominal ranking, Sobol first-order and total indices (SALib) and the
per-unit rank summary (median and 5-95 % interval), following the OECD/JRC Handbook on
Constructing Composite Indicators (2008, step 7) as COINr implements it (``get_sensitivity``).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyse

from reformlib.errors import SpecError

if TYPE_CHECKING:
    from reformlib.model.uncertainty import Design, Evaluation, Seed

def rank_shift(ranks: np.ndarray, nominal_ranks: np.ndarray) -> np.ndarray:
    """Mean absolute rank change of each replication against the nominal ranking."""
    nominal = nominal_ranks.astype(np.int32)
    return np.concatenate([np.abs(ranks[i : i + 256] - nominal).mean(axis=1)
                           for i in range(0, len(ranks), 256)])


def analyse(design: Design, y: np.ndarray, *, conf_level: float = 0.95,
            num_resamples: int = 100, seed: Seed = 0) -> pd.DataFrame:
    """First-order and total Sobol indices per factor, bootstrap intervals (SALib, seeded).

    A constant output has no variance to share: every index is then 0.
    """
    if not 0 < conf_level < 1:
        raise SpecError(f"conf_level must lie in (0, 1), got {conf_level!r}")
    y = np.asarray(y, dtype=float)
    if y.shape != (len(design.sample),) or not np.all(np.isfinite(y)):
        raise SpecError(f"y must hold one finite value per replication ({len(design.sample)}), got shape {y.shape}")
    factors = list(pd.unique(np.asarray(design.problem["groups"])))
    columns = ["S1", "S1_conf", "ST", "ST_conf"]
    if np.ptp(y) == 0:
        return pd.DataFrame(0.0, index=pd.Index(factors, name="factor"), columns=columns)
    salib_seed = int(np.random.default_rng(seed).integers(1, 2**31))  # SALib ignores a seed of 0
    s = sobol_analyse.analyze(dict(design.problem), y, calc_second_order=False, conf_level=conf_level,
                              num_resamples=num_resamples, seed=salib_seed)
    return pd.DataFrame({c: s[c] for c in columns}, index=pd.Index(factors, name="factor"))


def _rank_summary(ranks: np.ndarray, units: pd.Index, nominal: Evaluation, workers: int | None) -> pd.DataFrame:
    """Per-unit rank statistics; quantiles interpolate linearly, as numpy's default."""
    position = np.array([0.05, 0.5, 0.95]) * (len(ranks) - 1)
    low, frac = np.floor(position).astype(int), position % 1
    high = np.minimum(low + 1, len(ranks) - 1)

    def block(j: int) -> np.ndarray:  # sort contiguous rows, one block of units at a time
        ordered = np.sort(ranks[:, j : j + 512].T, axis=1)
        quantiles = ordered[:, low] + frac * (ordered[:, high] - ordered[:, low])
        return np.column_stack([quantiles, ordered[:, 0], ordered[:, -1]])

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        stats = np.vstack(list(pool.map(block, range(0, ranks.shape[1], 512))))
    return pd.DataFrame({
        "nominal_score": nominal.scores[0], "nominal_rank": nominal.ranks[0],
        "mean_rank": ranks.mean(axis=0), "median_rank": stats[:, 1], "rank_p05": stats[:, 0],
        "rank_p95": stats[:, 2], "rank_min": stats[:, 3].astype(int), "rank_max": stats[:, 4].astype(int),
        "rank_range": (stats[:, 4] - stats[:, 3]).astype(int),
    }, index=units)
