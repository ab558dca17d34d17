"""Analysis of uncertainty replications (the model's robustness step, its last part), and
:func:`uncertainty_analysis`, which chains the three steps sample -> evaluate -> analyse.

Rank shift against the nominal ranking, Sobol first-order and total indices (SALib) and the
per-unit rank summary (median and 5-95 % interval), following the OECD/JRC Handbook on
Constructing Composite Indicators (2008, step 7) as COINr implements it (``get_sensitivity``).
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyse

from reformlib.errors import SpecError
from reformlib.model.uncertainty.design import (
    OUTPUTS,
    Design,
    Replications,
    Seed,
    evaluate_design,
    nominal_design,
    prepare,
    sample,
)
from reformlib.model.uncertainty.inputs import UncertainInputs


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


def rank_summary(ranks: np.ndarray, units: pd.Index, nominal: Replications, workers: int | None) -> pd.DataFrame:
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


@dataclass(frozen=True)
class UncertaintyResult:
    """Everything an uncertainty run produced, with the settings that made it."""

    inputs: UncertainInputs
    n: int
    seed: int | None
    output: str
    summary: pd.DataFrame
    sensitivity: pd.DataFrame
    rank_shift: pd.Series
    design: Design
    ranks: pd.DataFrame | None
    scores: pd.DataFrame | None
    undefined_scores: int


def uncertainty_analysis(
    frame: pd.DataFrame,
    *,
    direction: Mapping[str, float] | pd.Series,
    weights: Mapping[str, float] | pd.Series,
    uncertain: UncertainInputs,
    groups: Mapping[str, str] | None = None,
    group_weights: Mapping[str, float] | None = None,
    n: int = 256,
    seed: Seed = 0,
    output: str = "rank_shift",
    units: Sequence[str] | None = None,
    conf_level: float = 0.95,
    num_resamples: int = 100,
    keep: bool = False,
    chunk_size: int | None = None,
    workers: int | None = None,
) -> UncertaintyResult:
    """Uncertainty and sensitivity analysis of a composite indicator's ranking.

    ``frame`` holds the raw indicators (units x indicators, NaN for missing); ``direction``
    gives +1 (higher is better) or -1 per indicator; ``weights`` the nominal indicator
    weights (within their group when ``groups`` maps indicators to groups, whose weights
    ``group_weights`` gives, equal by default); ``uncertain`` what varies. The Sobol design
    has ``n * (factors + 2)`` replications (``n`` ideally a power of 2). ``output`` is the
    quantity the Sobol indices decompose: ``"rank_shift"`` (mean absolute rank change
    against the nominal ranking, the COINr/JRC convention) or ``"rank"`` (the rank of each
    unit in ``units``, all by default). ``keep`` returns the full ranks and scores tables;
    ``chunk_size`` (replications per matrix product) and ``workers`` (threads) tune speed
    and memory, never results. The same arguments and ``seed`` give identical results.

    Returns an :class:`UncertaintyResult`: ``summary`` per unit (nominal score and rank,
    mean and median rank, 5th and 95th percentile, min, max and range of the rank),
    ``sensitivity`` (one row per output and factor: S1, ST and their half-widths at
    ``conf_level``), ``rank_shift`` per replication, the ``design``, and with ``keep`` the
    ``ranks`` and ``scores`` (replications x units).
    """
    if output not in OUTPUTS:
        raise SpecError(f"output must be one of {OUTPUTS}, got {output!r}")
    model = prepare(frame, direction=direction, weights=weights, uncertain=uncertain,
                    groups=groups, group_weights=group_weights)
    chosen = list(model.units if units is None else units)
    if output == "rank" and not set(chosen) <= set(model.units):
        raise SpecError(f"units must be units of frame, got {sorted(set(chosen) - set(model.units))}")
    rng = np.random.default_rng(seed)
    sample_seed, analyse_seed = (int(v) for v in rng.integers(1, 2**31, size=2))
    design = sample(model, n=n, seed=sample_seed)
    nominal = evaluate_design(model, nominal_design(model), keep_scores=True)
    run = evaluate_design(model, design, chunk_size=chunk_size, keep_scores=keep, workers=workers)
    shift = rank_shift(run.ranks, nominal.ranks[0])
    if output == "rank_shift":
        targets = {"rank_shift": shift}
    else:
        targets = {f"rank:{u}": run.ranks[:, model.units.get_loc(u)] for u in chosen}
    sensitivity = pd.concat(
        {name: analyse(design, y, conf_level=conf_level, num_resamples=num_resamples, seed=analyse_seed)
         for name, y in targets.items()}, names=["output"]).reset_index()
    replications = pd.RangeIndex(len(shift), name="replication")
    as_frame = (lambda a: pd.DataFrame(a, index=replications, columns=model.units)) if keep else (lambda a: None)
    return UncertaintyResult(
        inputs=uncertain, n=n, seed=seed if isinstance(seed, int) else None, output=output,
        summary=rank_summary(run.ranks, model.units, nominal, workers),
        sensitivity=sensitivity, rank_shift=pd.Series(shift, index=replications, name="rank_shift"),
        design=design, ranks=as_frame(run.ranks), scores=as_frame(run.scores),
        undefined_scores=run.undefined_scores,
    )
