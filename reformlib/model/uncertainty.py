"""Uncertainty and sensitivity analysis of a composite indicator (the model's robustness step).

Follows the OECD/JRC Handbook on Constructing Composite Indicators (2008, step 7) as COINr
implements it (``get_sensitivity``): the modelling choices are uncertain inputs, a
Saltelli/Sobol design (SALib) samples them, every replication is evaluated, ranks are
summarised per unit (median and 5-95 % interval) and Sobol first-order and total indices
are estimated, by default on the mean absolute rank shift against the nominal ranking.

Three plain steps, SALib style, each with an explicit seed: :func:`sample` -> :func:`evaluate`
-> :func:`analyse`; :func:`uncertainty` chains them. Each normalisation x imputation variant
is computed once; the replications of one variant are aggregated together by matrix
products and ranked by one sort per replication (``_vector``). :func:`rebuild_loop_reference`
rebuilds every replication with plain pandas and serves as the check of the fast path.
Input checks, the analysis step and that reference live in ``_uncertainty_checks``,
``_uncertainty_analysis`` and ``_uncertainty_loop``; their public names are exported here.

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
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from SALib.sample import sobol as sobol_sample

from reformlib.errors import SpecError
from reformlib.model import _vector as vec
from reformlib.model._uncertainty_analysis import _rank_summary, analyse, rank_shift
from reformlib.model._uncertainty_checks import CHOICES, _check_data, _check_inputs, _problem, _series
from reformlib.model._uncertainty_loop import rebuild_loop_reference

try:  # installed with scikit-learn; without it BLAS keeps its own threads
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    def threadpool_limits(limits: int, user_api: str) -> nullcontext:
        return nullcontext()

__all__ = [
    "Design", "Evaluation", "Model", "UncertainInputs", "UncertaintyResult", "analyse",
    "evaluate", "nominal_design", "prepare", "rank_shift", "rebuild_loop_reference", "sample",
    "uncertainty",
]

OUTPUTS = ("rank_shift", "rank")
Seed = int | np.random.Generator


@dataclass(frozen=True)
class UncertainInputs:
    """What may vary. The first option of each tuple is the nominal choice.

    ``weighting`` names weight vectors: ``"nominal"`` (the ``weights`` argument),
    ``"equal"``, or a key of ``weight_sets`` (precomputed vectors, e.g. entropy weights).
    ``weight_noise`` is the half-width of a uniform relative perturbation (0.25 = ±25 %) of
    each indicator weight (``noise_level="indicator"``) or group weight (``"group"``);
    ``None`` keeps weights fixed. ``exclusion`` is ``"none"``, ``"each"`` (each candidate
    excluded with ``exclusion_probability``) or ``"one"`` (none or one candidate dropped,
    equally likely); candidates default to every indicator.
    """

    normalisation: tuple[str, ...] = ("minmax",)
    aggregation: tuple[str, ...] = ("arithmetic",)
    imputation: tuple[str, ...] = ("none",)
    weighting: tuple[str, ...] = ("nominal",)
    weight_sets: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    weight_noise: float | None = None
    noise_level: str = "indicator"
    exclusion: str = "none"
    exclusion_probability: float = 0.0
    exclusion_candidates: tuple[str, ...] | None = None


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
class Evaluation:
    """Ranks (and optionally scores), ``replications x units``."""

    ranks: np.ndarray
    scores: np.ndarray | None
    undefined_scores: int


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
    _check_inputs(uncertain, indicators, groups is not None)
    sign = pd.Series(direction, dtype=float)
    if set(sign.index) != set(indicators) or not sign.isin([1.0, -1.0]).all():
        raise SpecError(f"direction must give +1 or -1 for each of {list(indicators)}, got {sign.to_dict()}")
    membership = pd.Series(groups if groups is not None else dict.fromkeys(indicators, "index"))
    if set(membership.index) != set(indicators):
        raise SpecError(f"groups must map every indicator to a group, got {dict(membership)}")
    membership = membership.reindex(indicators)
    group_names = tuple(pd.unique(membership))
    gw = _series(group_weights if group_weights is not None else dict.fromkeys(group_names, 1.0),
                 pd.Index(group_names), "group_weights")
    named = {"nominal": weights, "equal": dict.fromkeys(indicators, 1.0), **uncertain.weight_sets}
    sets = np.vstack([_series(named[w], indicators, f"weights {w!r}") for w in uncertain.weighting])
    raw = _check_data(frame) * sign.reindex(indicators).to_numpy()
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
        problem=_problem(uncertain, indicators, group_names),
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


def evaluate(model: Model, design: Design, *, chunk_size: int | None = None,
             keep_scores: bool = False, workers: int | None = None) -> Evaluation:
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
    return Evaluation(ranks, scores, undefined)


def uncertainty(
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
    nominal = evaluate(model, nominal_design(model), keep_scores=True)
    run = evaluate(model, design, chunk_size=chunk_size, keep_scores=keep, workers=workers)
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
        summary=_rank_summary(run.ranks, model.units, nominal, workers),
        sensitivity=sensitivity, rank_shift=pd.Series(shift, index=replications, name="rank_shift"),
        design=design, ranks=as_frame(run.ranks), scores=as_frame(run.scores),
        undefined_scores=run.undefined_scores,
    )
