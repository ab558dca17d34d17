"""Uncertainty and sensitivity of the evaluation's ranking (model step 10).

The OECD/JRC handbook's step 7 as COINr's ``get_sensitivity`` does it, on the full model:
the uncertain choices of ``spec.yml`` (``uncertainty``: alternative normalisation,
aggregation, imputation and weighting, weight noise, indicator exclusion) are sampled with
:func:`reformlib.model.uncertainty.sample` (Saltelli/Sobol, seeded); every replication
rebuilds the indicator scores through the whole hierarchy (available-case weighted means, as
:func:`~reformlib.model.aggregate.aggregate`), recomputes the rubric items that read the
hierarchy, adds the fixed KPI points and the qualitative share, and ranks the units;
:func:`reformlib.model.uncertainty.analyse` gives first-order and total Sobol indices of the
mean absolute rank shift against the nominal ranking. Replication 0 of each option is the
nominal choice, so the nominal replication reproduces :func:`~.evaluate.evaluate` exactly.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from reformlib.errors import SpecError
from reformlib.model import pipeline as pipe
from reformlib.model.uncertainty.analyse import analyse
from reformlib.model.uncertainty.design import Design, nominal_design, prepare, sample
from reformlib.model.uncertainty.inputs import UncertainInputs

PHI = {"arithmetic": (lambda x: x, lambda x: x), "geometric": (np.log, np.exp),
       "harmonic": (np.reciprocal, np.reciprocal)}
TIE_DECIMALS = 9


@dataclass(frozen=True)
class RankUncertainty:
    """Rank intervals per unit (``summary``), Sobol indices per factor (``sensitivity``),
    the ranks and scores of every replication, and the settings that made them."""

    summary: pd.DataFrame
    sensitivity: pd.DataFrame
    ranks: pd.DataFrame
    scores: pd.DataFrame
    rank_shift: pd.Series
    design: Design
    inputs: UncertainInputs
    n: int
    seed: int


def _options(spec, key: str, nominal: str) -> tuple[str, ...]:
    alts = [a for a in spec.uncertainty.get("alternatives", {}).get(key, []) if a != nominal]
    return (nominal, *alts)


def _inputs(result) -> tuple[UncertainInputs, dict[str, tuple[str, ...]], dict[str, pd.Series]]:
    spec = result.spec
    top = int(spec.hierarchy["level"].max())
    opts = {"normalisation": _options(spec, "normalisation", spec.normalisation),
            "aggregation": _options(spec, "aggregation", spec.aggregation.get(top, "arithmetic")),
            "imputation": _options(spec, "imputation", spec.imputation),
            "weighting": _options(spec, "weighting", spec.weighting)}
    if len(opts["imputation"]) > 1 and spec.imputation not in ("none", "mean", "median"):
        raise SpecError(f"imputation alternatives need a nominal imputation of none/mean/median, got {spec.imputation!r}")
    leaves = spec.indicators
    sets = {}
    for method in [m for m in opts["weighting"][1:] if m != "equal"]:
        table = pipe.weights_table(spec, result.treated, result.catalogue, method=method)
        sets[method] = table.set_index("code").loc[leaves, "weight"]
    u = spec.uncertainty
    labels = {"imputation": tuple(o if o in ("none", "mean", "median") else "none" for o in opts["imputation"])}
    inputs = UncertainInputs(
        normalisation=opts["normalisation"], aggregation=opts["aggregation"], imputation=labels["imputation"],
        weighting=("nominal", *opts["weighting"][1:]), weight_sets=sets, weight_noise=u.get("weight_noise"),
        exclusion=u.get("exclusion", "none"))
    return inputs, opts, sets


def _node_scores(result, z: np.ndarray, weights: np.ndarray, methods: dict[int, str]) -> dict[str, np.ndarray]:
    """Scores of every hierarchy code, ``replications x units``, for one variant."""
    h = result.weights
    leaves = result.spec.indicators
    values: dict[str, np.ndarray] = {c: np.broadcast_to(z[:, j], (len(weights), z.shape[0])) for j, c in enumerate(leaves)}
    leaf_w = {c: weights[:, j] for j, c in enumerate(leaves)}
    own = dict(zip(h["code"], h["weight"]))
    for node in h[h["level"] > 1].sort_values("level", kind="stable").itertuples(index=False):
        phi, inverse = PHI[methods.get(node.level, "arithmetic")]
        kids = list(h.loc[h["parent"] == node.code, "code"])
        num = np.zeros((len(weights), z.shape[0]))
        den = np.zeros_like(num)
        for k in kids:
            v = values[k]
            w = (leaf_w[k] if k in leaf_w else np.full(len(weights), own[k]))[:, None]
            ok = ~np.isnan(v) & (w > 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                num += np.where(ok, w * phi(np.where(ok, v, 1.0)), 0.0)
            den += np.where(ok, w, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            values[node.code] = np.where(den > 0, inverse(num / np.where(den > 0, den, 1.0)), np.nan)
    return values


def _final_scores(result, nodes: dict[str, np.ndarray]) -> np.ndarray:
    """Combined scores from node scores: hierarchy items recomputed, every other point fixed."""
    spec, ledger = result.spec, result.points
    lo, hi = spec.scale
    rubric = spec.rubric
    node_items = rubric[(rubric["kind"] == "completion") & rubric["basis"].isin(set(spec.hierarchy["code"]) - set(spec.indicators))]
    units = list(result.combined.index)
    base_kinds = ledger["kind"].isin(["completion", "schedule", "deduction"]) & (ledger["item"] != "base_rescale")
    fixed = ledger[base_kinds & ~ledger["item"].isin(node_items["item"])]
    earned = fixed.groupby("unit")["points"].sum().reindex(units).to_numpy()
    top = fixed.groupby("unit")["max_points"].sum().reindex(units).to_numpy()
    shape = next(iter(nodes.values())).shape
    earned, top = np.broadcast_to(earned, shape).copy(), np.broadcast_to(top, shape).copy()
    for item in node_items.itertuples(index=False):
        s = nodes[item.basis]
        cap = item.points if pd.isna(item.cap) else item.cap
        ok = ~np.isnan(s)
        earned += np.where(ok, np.minimum(item.points * np.clip((np.where(ok, s, lo) - lo) / (hi - lo), 0, 1), cap), 0.0)
        top += np.where(ok, item.points, 0.0)
    quantitative = earned / top * spec.base_points + result.kpi["bonus"].reindex(units).to_numpy()
    qual = result.combined["qualitative"].reindex(units).to_numpy()
    share = spec.qualitative_share if not np.isnan(qual).all() else 0.0
    return (1 - share) * quantitative + share * np.nan_to_num(qual)


def _ranks(scores: np.ndarray, ranked: np.ndarray) -> np.ndarray:
    keyed = np.where(ranked[None, :], -np.round(scores, TIE_DECIMALS), np.nan)
    return rankdata(keyed, method="min", axis=1, nan_policy="omit")


def _variant_z(result, norm: str, imp: str, cache: dict) -> np.ndarray:
    key = (norm, imp)
    if key not in cache:
        spec = result.spec
        if norm == spec.normalisation and imp == spec.imputation:
            cache[key] = result.normalised.to_numpy(float)
        else:
            _, _, treated, _ = pipe.treat(result.prepared, imputation=imp, outliers=spec.outliers,
                                          groups=result.units["group"], bands=list(
                                              result.catalogue.loc[result.catalogue["direction"] == "band", "indicator"]))
            cache[key] = pipe.normalise_all(treated, result.catalogue, method=norm, scale=spec.scale).to_numpy(float)
    return cache[key]


def replicate_scores(result, design: Design, opts: dict[str, tuple[str, ...]]) -> np.ndarray:
    """Combined scores of every replication of ``design``, ``replications x units``."""
    spec = result.spec
    codes = design.codes
    out = np.empty((len(design.weights), len(result.combined)))
    keys = np.stack([codes["normalisation"], codes["imputation"], codes["aggregation"]], axis=1)
    cache: dict = {}
    for key in np.unique(keys, axis=0):
        rows = np.flatnonzero((keys == key).all(axis=1))
        norm, imp, agg = opts["normalisation"][key[0]], opts["imputation"][key[1]], opts["aggregation"][key[2]]
        methods = dict(spec.aggregation) if key[2] == 0 else {lev: agg for lev in spec.hierarchy["level"].unique()}
        z = _variant_z(result, norm, imp, cache)
        out[rows] = _final_scores(result, _node_scores(result, z, design.weights[rows], methods))
    return out


def rank_uncertainty(result, *, n: int | None = None, seed: int | None = None) -> RankUncertainty:
    """Rank intervals (nominal, median, p05, p95, min, max) and Sobol indices of the ranking."""
    spec = result.spec
    n = int(n or spec.uncertainty.get("n", 64))
    seed = int(spec.seed if seed is None else seed)
    inputs, opts, _ = _inputs(result)
    leaves = spec.indicators
    nominal_w = result.weights.set_index("code").loc[leaves, "weight"]
    model = prepare(result.prepared, direction=dict.fromkeys(leaves, 1), weights=nominal_w, uncertain=inputs)
    rng = np.random.default_rng(seed)
    sample_seed, analyse_seed = (int(v) for v in rng.integers(1, 2**31, size=2))
    design = sample(model, n=n, seed=sample_seed)
    ranked = ~result.combined["unranked"].to_numpy(bool)
    scores = replicate_scores(result, design, opts)
    ranks = _ranks(scores, ranked)
    nominal = _ranks(result.combined["score"].to_numpy(float)[None, :], ranked)[0]
    shift = np.nanmean(np.abs(ranks - nominal), axis=1)
    sensitivity = analyse(design, shift, seed=analyse_seed)
    units = result.combined.index
    q = np.nanpercentile(ranks, [5, 50, 95], axis=0)
    summary = pd.DataFrame({"nominal_score": result.combined["score"], "nominal_rank": nominal,
                            "median_rank": q[1], "rank_p05": q[0], "rank_p95": q[2],
                            "rank_min": np.nanmin(ranks, axis=0), "rank_max": np.nanmax(ranks, axis=0),
                            "mean_score": np.nanmean(scores, axis=0)}, index=units)
    reps = pd.RangeIndex(len(scores), name="replication")
    return RankUncertainty(summary=summary, sensitivity=sensitivity,
                           ranks=pd.DataFrame(ranks, index=reps, columns=units),
                           scores=pd.DataFrame(scores, index=reps, columns=units),
                           rank_shift=pd.Series(shift, index=reps, name="rank_shift"),
                           design=design, inputs=inputs, n=n, seed=seed)


def nominal_design_scores(result) -> np.ndarray:
    """Combined scores of the nominal replication through the vectorised path (a check)."""
    inputs, opts, _ = _inputs(result)
    leaves = result.spec.indicators
    nominal_w = result.weights.set_index("code").loc[leaves, "weight"]
    model = prepare(result.prepared, direction=dict.fromkeys(leaves, 1), weights=nominal_w, uncertain=inputs)
    return replicate_scores(result, nominal_design(model), opts)[0]


__all__ = ["RankUncertainty", "nominal_design_scores", "rank_uncertainty", "replicate_scores"]
