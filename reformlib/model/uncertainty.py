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
from SALib.analyze import sobol as sobol_analyse
from SALib.sample import sobol as sobol_sample

from reformlib.errors import DataValidationError, Problem, SpecError
from reformlib.model import _vector as vec

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

CHOICES = {
    "normalisation": tuple(vec.NORMALISERS), "aggregation": tuple(vec.AGGREGATORS),
    "imputation": tuple(vec.IMPUTERS),
}
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


def _series(value: Mapping[str, float] | pd.Series, index: pd.Index, name: str) -> np.ndarray:
    s = pd.Series(value, dtype=float)
    missing, extra = index.difference(s.index), s.index.difference(index)
    if len(missing) or len(extra):
        raise SpecError(f"{name} must give exactly the items {list(index)}: "
                        f"missing {list(missing)}, unknown {list(extra)}")
    out = s.reindex(index).to_numpy()
    if not np.all(np.isfinite(out)) or np.any(out < 0) or not np.any(out > 0):
        raise SpecError(f"{name} must be finite, >= 0 and not all 0, got {s.to_dict()}")
    return out


def _check_inputs(spec: UncertainInputs, indicators: pd.Index, has_groups: bool) -> None:
    for name, allowed in CHOICES.items():
        options = getattr(spec, name)
        bad = [o for o in options if o not in allowed]
        if not options or bad or len(set(options)) != len(options):
            raise SpecError(f"{name} must be distinct options from {allowed}, got {options!r}")
    sets = ("nominal", "equal", *spec.weight_sets)
    if {"nominal", "equal"} & set(spec.weight_sets):
        raise SpecError(f"weight_sets may not redefine 'nominal' or 'equal', got {list(spec.weight_sets)}")
    if not spec.weighting or any(w not in sets for w in spec.weighting):
        raise SpecError(f"weighting must name weight vectors from {sets}, got {spec.weighting!r}")
    if spec.weight_noise is not None and not 0 <= spec.weight_noise <= 1:
        raise SpecError(f"weight_noise must lie in [0, 1], got {spec.weight_noise!r}")
    if spec.noise_level not in ("indicator", "group") or (spec.noise_level == "group" and not has_groups):
        raise SpecError(f"noise_level must be 'indicator' or 'group' (with groups), got {spec.noise_level!r}")
    if spec.exclusion not in ("none", "each", "one"):
        raise SpecError(f"exclusion must be 'none', 'each' or 'one', got {spec.exclusion!r}")
    if not 0 <= spec.exclusion_probability < 1:
        raise SpecError(f"exclusion_probability must lie in [0, 1), got {spec.exclusion_probability!r}")
    unknown = set(spec.exclusion_candidates or ()) - set(indicators)
    if unknown or spec.exclusion_candidates == ():
        raise SpecError(f"exclusion_candidates must be indicators, got {spec.exclusion_candidates!r}")


def _check_data(frame: pd.DataFrame) -> np.ndarray:
    problems = [Problem(None, str(c), "must be numeric") for c in frame.columns
                if not pd.api.types.is_numeric_dtype(frame[c])]
    if problems:
        raise DataValidationError("frame", problems)
    x = frame.to_numpy(dtype=float)
    problems += [Problem(None, str(c), "needs at least two distinct non-missing values")
                 for j, c in enumerate(frame.columns) if len(np.unique(x[~np.isnan(x[:, j]), j])) < 2]
    problems += [Problem(i + 1, None, f"unit {u!r} has no value") for i, u in enumerate(frame.index)
                 if np.all(np.isnan(x[i]))]
    problems += [Problem(i + 1, str(frame.columns[j]), "infinite value", x[i, j])
                 for i, j in zip(*np.nonzero(np.isinf(x)))]
    if problems or not frame.index.is_unique:
        raise DataValidationError("frame", problems or [Problem(None, None, "unit index must be unique")])
    return x


def _problem(spec: UncertainInputs, indicators: pd.Index, group_names: Sequence[str]) -> dict:
    names, factors = [], []
    for name in (*CHOICES, "weighting"):
        if len(getattr(spec, name)) > 1:
            names.append(name), factors.append(name)
    if spec.weight_noise is not None:
        targets = indicators if spec.noise_level == "indicator" else group_names
        names += [f"weight:{t}" for t in targets]
        factors += ["weights"] * len(targets)
    candidates = spec.exclusion_candidates or tuple(indicators)
    if spec.exclusion == "each":
        names += [f"exclude:{c}" for c in candidates]
        factors += ["exclusion"] * len(candidates)
    elif spec.exclusion == "one":
        names.append("exclude_one"), factors.append("exclusion")
    if not names:
        raise SpecError("uncertain declares nothing uncertain: give two options of a choice, "
                        "weight_noise or an exclusion")
    return {"num_vars": len(names), "names": names, "groups": factors, "bounds": [[0.0, 1.0]] * len(names)}


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


_IMPUTE_PD = {"none": lambda d: d, "mean": lambda d: d.fillna(d.mean()), "median": lambda d: d.fillna(d.median())}
_NORMALISE_PD = {
    "minmax": lambda d: 1 + 99 * (d - d.min()) / (d.max() - d.min()),
    "zscore": lambda d: 10 + 2 * (d - d.mean()) / d.std(),
    "rank": lambda d: d.rank(method="average"),
    "percentile": lambda d: 100 * d.rank(method="average") / d.count(),
}


def _mean_pd(data: pd.DataFrame, w: pd.Series, aggregation: str) -> pd.Series:
    available = (data.notna() * w).sum(axis=1)
    if aggregation == "arithmetic":
        value = (data * w).sum(axis=1) / available
    elif aggregation == "geometric":
        value = np.exp((np.log(data) * w).sum(axis=1) / available)
    else:
        value = available / ((1 / data) * w).sum(axis=1)
    return value.where(available > 0)


def rebuild_loop_reference(
    frame: pd.DataFrame,
    *,
    direction: Mapping[str, float] | pd.Series,
    weights: Mapping[str, float] | pd.Series,
    uncertain: UncertainInputs,
    design: Design,
    groups: Mapping[str, str] | None = None,
    group_weights: Mapping[str, float] | None = None,
    rows: Sequence[int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores and ranks (replications x units) rebuilt one replication at a time in pandas.

    Reads the design's unit-cube sample itself, so it checks decoding as well as
    evaluation of the fast path. Slow by construction; ``rows`` picks replications.
    """
    spec = uncertain
    oriented = frame * pd.Series(direction, dtype=float)
    membership = pd.Series(groups or dict.fromkeys(frame.columns, "index")).reindex(frame.columns)
    gw_nominal = pd.Series(group_weights or dict.fromkeys(pd.unique(membership), 1.0), dtype=float)
    named = {"nominal": weights, "equal": dict.fromkeys(frame.columns, 1.0), **spec.weight_sets}
    candidates = (None, *(spec.exclusion_candidates or frame.columns))
    scores = {}
    for r in range(len(design.sample)) if rows is None else rows:
        u = dict(zip(design.problem["names"], design.sample[r]))

        def pick(name, options):
            return options[min(int(u[name] * len(options)), len(options) - 1)] if name in u else options[0]

        w = pd.Series(named[pick("weighting", spec.weighting)], dtype=float).reindex(frame.columns)
        gw = gw_nominal.copy()
        for name, value in u.items():
            if name.startswith("weight:"):
                target = w if spec.noise_level == "indicator" else gw
                target[name[len("weight:"):]] *= 1 + spec.weight_noise * (2 * value - 1)
            elif name.startswith("exclude:") and value < spec.exclusion_probability:
                w[name[len("exclude:"):]] = 0.0
        if pick("exclude_one", candidates) is not None:
            w[pick("exclude_one", candidates)] = 0.0
        agg = pick("aggregation", spec.aggregation)
        data = _NORMALISE_PD[pick("normalisation", spec.normalisation)](
            _IMPUTE_PD[pick("imputation", spec.imputation)](oriented))
        by_group = pd.DataFrame({g: _mean_pd(data[cols], w[cols], agg)
                                 for g, cols in membership.groupby(membership, sort=False).groups.items()})
        scores[r] = _mean_pd(by_group, gw[by_group.columns], agg)
    scores = pd.DataFrame(scores).T.rename_axis("replication")
    ranks = scores.round(vec.TIE_DECIMALS).rank(axis=1, ascending=False, method="min", na_option="bottom")
    return scores, ranks.astype(int)
