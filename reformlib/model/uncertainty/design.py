"""The design of an uncertainty analysis and the evaluation of its replications (the model's
robustness step, its second part).

:func:`prepare` validates the inputs and computes every normalisation x imputation variant
once; :func:`sample` draws a Saltelli/Sobol design (SALib, seeded) over the uncertain
choices; :func:`evaluate_design` scores and ranks every replication with the vectorised
kernels (:mod:`.kernels`): the replications of one variant are aggregated together by
matrix products and ranked by one sort per replication.

Uncertain inputs (factors): the discrete choices (normalisation, aggregation, imputation,
weighting) with two or more options, each one uniform [0, 1) dimension mapped to a
category; the weight noise, one dimension per perturbed weight, uniform on
``w * (1 ± weight_noise)``, all grouped into one factor; the indicator exclusion, either
one dimension per candidate (excluded when below ``exclusion_probability``) or one
dimension choosing "none or drop one of the candidates". The first option of each choice
is the nominal one. A unit whose every indicator is missing or excluded in a replication
has no score there and is ranked last; ``undefined_scores`` counts such cells.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
import pandas as pd
from SALib.sample import sobol as sobol_sample

from reformlib.errors import SpecError
from reformlib.model.uncertainty import kernels as vec
from reformlib.model.uncertainty.inputs import CHOICES, UncertainInputs, check_data, check_inputs, salib_problem, series

try:  # installed with scikit-learn; without it BLAS keeps its own threads
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    def threadpool_limits(limits: int, user_api: str) -> nullcontext:
        return nullcontext()

OUTPUTS = ("rank_shift", "rank")
Seed = int | np.random.Generator


@dataclass(frozen=True)
class Model:
    """Validated inputs: oriented data, every normalised variant, weights, SALib problem."""

    units: pd.Index
    indicators: pd.Index
    group_names: tuple[str, ...]
    members: tuple[np.ndarray, ...]
    normalised: Mapping[tuple[str, str], np.ndarray]
    weight_sets: np.ndarray
    group_weights: np.ndarray
    candidates: np.ndarray
    inputs: UncertainInputs
    problem: Mapping[str, object]


@dataclass(frozen=True)
class Design:
    """Sampled replications: unit-cube sample, chosen options (codes), decoded weights."""

    problem: Mapping[str, object]
    sample: np.ndarray
    codes: Mapping[str, np.ndarray]
    weights: np.ndarray
    group_weights: np.ndarray


@dataclass(frozen=True)
class Replications:
    """Ranks (and optionally scores), ``replications x units``."""

    ranks: np.ndarray
    scores: np.ndarray | None
    undefined_scores: int


def prepare(
    frame: pd.DataFrame,
    *,
    direction: Mapping[str, float] | pd.Series,
    weights: Mapping[str, float] | pd.Series,
    uncertain: UncertainInputs,
    groups: Mapping[str, str] | None = None,
    group_weights: Mapping[str, float] | None = None,
) -> Model:
    """Validate the inputs and compute every normalisation x imputation variant once."""
    indicators = frame.columns
    check_inputs(uncertain, indicators, groups is not None)
    sign = pd.Series(direction, dtype=float)
    if set(sign.index) != set(indicators) or not sign.isin([1.0, -1.0]).all():
        raise SpecError(f"direction must give +1 or -1 for each of {list(indicators)}, got {sign.to_dict()}")
    membership = pd.Series(groups if groups is not None else dict.fromkeys(indicators, "index"))
    if set(membership.index) != set(indicators):
        raise SpecError(f"groups must map every indicator to a group, got {dict(membership)}")
    membership = membership.reindex(indicators)
    group_names = tuple(pd.unique(membership))
    gw = series(group_weights if group_weights is not None else dict.fromkeys(group_names, 1.0),
                 pd.Index(group_names), "group_weights")
    named = {"nominal": weights, "equal": dict.fromkeys(indicators, 1.0), **uncertain.weight_sets}
    sets = np.vstack([series(named[w], indicators, f"weights {w!r}") for w in uncertain.weighting])
    raw = check_data(frame) * sign.reindex(indicators).to_numpy()
    normalised = {}
    for norm in uncertain.normalisation:
        for imp in uncertain.imputation:
            z = vec.NORMALISERS[norm](vec.IMPUTERS[imp](raw))
            low = np.nanmin(z)
            bad = vec.POSITIVE_ONLY.intersection(uncertain.aggregation)
            if bad and low <= 0:
                raise SpecError(f"normalisation {norm!r} (imputation {imp!r}) gives values <= 0 "
                                f"(min {low:.3g}), which aggregation {sorted(bad)} cannot take")
            normalised[(norm, imp)] = z
    candidates = uncertain.exclusion_candidates or tuple(indicators)
    return Model(
        units=frame.index, indicators=indicators, group_names=group_names,
        members=tuple(np.flatnonzero(membership.to_numpy() == g) for g in group_names),
        normalised=normalised, weight_sets=sets, group_weights=gw,
        candidates=indicators.get_indexer(list(candidates)), inputs=uncertain,
        problem=salib_problem(uncertain, indicators, group_names),
    )


def _decode(model: Model, x: np.ndarray) -> Design:
    spec, names = model.inputs, list(model.problem["names"])
    column = {name: x[:, j] for j, name in enumerate(names)}

    def category(name: str, k: int) -> np.ndarray:
        u = column.get(name, np.zeros(len(x)))
        return np.minimum((u * k).astype(np.intp), k - 1)

    codes = {name: category(name, len(getattr(spec, name))) for name in (*CHOICES, "weighting")}
    weights = model.weight_sets[codes["weighting"]]
    group_weights = np.tile(model.group_weights, (len(x), 1))
    if spec.weight_noise is not None:
        cols = [j for j, n in enumerate(names) if n.startswith("weight:")]
        factor = 1.0 + spec.weight_noise * (2.0 * x[:, cols] - 1.0)
        if spec.noise_level == "indicator":
            weights = weights * factor
        else:
            group_weights = group_weights * factor
    if spec.exclusion == "each":
        cols = [j for j, n in enumerate(names) if n.startswith("exclude:")]
        weights[:, model.candidates] *= x[:, cols] >= spec.exclusion_probability
    elif spec.exclusion == "one":
        dropped = category("exclude_one", len(model.candidates) + 1)
        rows = np.flatnonzero(dropped > 0)
        weights[rows, model.candidates[dropped[rows] - 1]] = 0.0
    return Design(model.problem, x, codes, weights, group_weights)


def sample(model: Model, *, n: int, seed: Seed) -> Design:
    """Saltelli/Sobol design of ``n * (factors + 2)`` replications (SALib, scrambled, seeded)."""
    if not isinstance(n, (int, np.integer)) or n < 2:
        raise SpecError(f"n must be an integer >= 2, got {n!r}")
    x = sobol_sample.sample(dict(model.problem), int(n), calc_second_order=False, seed=seed)
    d = model.problem["num_vars"]
    if d > 1 and len(set(model.problem["groups"])) == 1:
        # SALib samples a lone group dimension by dimension but analyses it as one factor:
        # keep A and B of each block, with B as the cross-sample (every dimension swapped)
        x = x.reshape(int(n), d + 2, d)[:, [0, d + 1, d + 1], :].reshape(-1, d)
    return _decode(model, x)


def nominal_design(model: Model) -> Design:
    """The single nominal replication: first options, nominal weights, nothing excluded."""
    codes = {name: np.zeros(1, dtype=np.intp) for name in (*CHOICES, "weighting")}
    return Design(model.problem, np.empty((1, 0)), codes, model.weight_sets[:1].copy(),
                  model.group_weights[np.newaxis, :].copy())


def evaluate_design(model: Model, design: Design, *, chunk_size: int | None = None,
             keep_scores: bool = False, workers: int | None = None) -> Replications:
    """Scores and ranks of every replication, grouped by variant, in chunks of replications.

    A chunk costs one matrix product (plus small ones for units with missing values) and
    one sort; chunks run on ``workers`` threads (default: every core), since numpy
    releases the GIL in both.
    """
    n_rep, n_units = len(design.weights), len(model.units)
    chunk = chunk_size or max(1, 2_000_000 // n_units)
    spec, codes = model.inputs, design.codes
    n_imp, n_agg = len(spec.imputation), len(spec.aggregation)
    key = (codes["normalisation"] * n_imp + codes["imputation"]) * n_agg + codes["aggregation"]
    ranks = np.empty((n_rep, n_units), dtype=np.int32)
    scores = np.empty((n_rep, n_units)) if keep_scores else None

    def run(k: int, rows: np.ndarray) -> int:
        norm = spec.normalisation[k // (n_imp * n_agg)]
        imp, agg = spec.imputation[(k // n_agg) % n_imp], spec.aggregation[k % n_agg]
        phi, mask = vec.transform(model.normalised[(norm, imp)], agg)
        s = vec.aggregate(phi, mask, design.weights[rows], design.group_weights[rows], model.members, agg)
        ranks[rows] = vec.rank_desc(s)
        if scores is not None:
            scores[rows] = s
        return int(np.isnan(s).sum())

    tasks = [(k, rows[i : i + chunk]) for k in np.unique(key)
             for rows in [np.flatnonzero(key == k)] for i in range(0, len(rows), chunk)]
    # one BLAS thread per worker: the products are small, and BLAS threads that spin while
    # the workers sort cost more than they give
    with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(workers or os.cpu_count() or 1) as pool:
        undefined = sum(pool.map(lambda task: run(*task), tasks))
    return Replications(ranks, scores, undefined)


