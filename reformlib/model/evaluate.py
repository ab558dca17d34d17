"""The evaluation model end to end: ``evaluate(spec, data)`` -> one frozen result.

As COINr's ``coin`` object: one result carries the spec, every named intermediate table
(raw -> prepared -> imputed -> treated -> normalised -> weights -> scores at every level ->
KPI measures and ledger of points -> qualitative -> combined score, grade and ranks -> audit)
and provenance (hashes of every input, package versions, seed), and ``log`` records each
step with its arguments. The same spec and data give identical tables. Uncertainty and
sensitivity (:func:`rank_uncertainty`) re-run the steps the spec marks uncertain, through
:mod:`reformlib.model.uncertainty`'s Sobol design and analysis.
"""
from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Mapping
from typing import Any

import pandas as pd

from reformlib.data import io
from reformlib.data.dataset import is_store
from reformlib.data.months import period_tables
from reformlib.data.paths import DEMO, data_folder
from reformlib.data.periods import period_kind
from reformlib.data.schemas import TABLES
from reformlib.errors import SpecError
from reformlib.model import pipeline as pipe
from reformlib.model.aggregate import aggregate_hierarchy, rank
from reformlib.model.audit import correlations, cronbach_alpha, indicator_stats, pca_variance
from reformlib.model.kpi import assign_grades, kpi_measures, lost_points, score_rubric
from reformlib.model.phased import PhasedScores, phased_scores
from reformlib.model.qualitative import combine, qualitative_scores
from reformlib.model.spec import Spec, check_catalogue
from reformlib.model.uncertainty.robustness import RankUncertainty
from reformlib.model.uncertainty.robustness import rank_uncertainty as _rank_uncertainty
from reformlib.model.weights import effective_weights
from reformlib.provenance import file_sha256, frame_sha256, package_versions

__all__ = ["DATA_TABLES", "EvaluationResult", "evaluate", "load_data", "monthly_scores", "phased_assessment",
           "rank_uncertainty"]

DATA_TABLES = ("units", "indicators", "observations", "tasks", "progress", "inspections", "recognitions", "ratings")


@dataclasses.dataclass(frozen=True, eq=False)
class EvaluationResult:
    """Every table of one evaluation, the spec that made it and where its inputs came from.

    Tables have units as rows (index ``unit``) unless said otherwise: ``raw`` (period values),
    ``base`` (flows in the same months of the year before), ``prepared`` (values the model
    uses), ``imputed``, ``treated``, ``normalised``, ``scores`` (normalised indicators and
    every aggregate, by code), ``combined`` (quantitative, qualitative, score, grade, ranks).
    Long tables: ``impute_log``, ``outlier_log``, ``flow_log``, ``weights`` (the hierarchy
    with the weights used), ``measures``, ``points`` (every point gained or lost, and why; called
    ``ledger`` before 0.2, a name kept until 0.3 with a DeprecationWarning).
    """

    spec: Spec
    period: str
    units: pd.DataFrame
    raw: pd.DataFrame
    base: pd.DataFrame
    prepared: pd.DataFrame
    flow_log: pd.DataFrame
    imputed: pd.DataFrame
    impute_log: pd.DataFrame
    treated: pd.DataFrame
    outlier_log: pd.DataFrame
    normalised: pd.DataFrame
    weights: pd.DataFrame
    effective_weights: pd.Series
    scores: pd.DataFrame
    coverage: pd.DataFrame
    measures: pd.DataFrame
    points: pd.DataFrame
    kpi: pd.DataFrame
    qualitative: pd.DataFrame | None
    combined: pd.DataFrame
    audit: Mapping[str, Any]
    catalogue: pd.DataFrame
    log: tuple[tuple[str, Mapping[str, Any]], ...]
    provenance: Mapping[str, Any]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (for a workbook or a rebuild comparison)."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
               if isinstance(getattr(self, f.name), (pd.DataFrame, pd.Series))}
        out.update({f"audit_{k}": v for k, v in self.audit.items() if isinstance(v, (pd.DataFrame, pd.Series))})
        return out

    def lost_points(self, *, lang: str = "zh") -> pd.DataFrame:
        """Points lost per unit and item, worst first (see :func:`~reformlib.model.kpi.lost_points`)."""
        return lost_points(self.points, lang=lang)

    def rank_uncertainty(self, *, n: int | None = None, seed: int | None = None) -> RankUncertainty:
        """Rank intervals and Sobol indices under the spec's uncertain choices.

        >>> u = result.rank_uncertainty(n=64, seed=1)  # doctest: +SKIP
        >>> u.summary[["median_rank", "rank_p05", "rank_p95"]]  # doctest: +SKIP
        """
        return _rank_uncertainty(self, n=n, seed=seed)

    def uncertainty(self, *, n: int | None = None, seed: int | None = None) -> RankUncertainty:
        """Deprecated name of :meth:`rank_uncertainty` (removed in 0.3)."""
        warnings.warn("EvaluationResult.uncertainty() is deprecated; use rank_uncertainty() (removed in 0.3)",
                      DeprecationWarning, stacklevel=2)
        return self.rank_uncertainty(n=n, seed=seed)

    @property
    def ledger(self) -> pd.DataFrame:
        """Deprecated name of :attr:`points` (removed in 0.3)."""
        warnings.warn("EvaluationResult.ledger is deprecated; use .points, the ledger of points (removed in 0.3)",
                      DeprecationWarning, stacklevel=2)
        return self.points


def load_data(folder: str | os.PathLike | None = None) -> dict[str, pd.DataFrame]:
    """Every table :func:`evaluate` reads, loaded and validated from a data folder (default:
    the demonstration set), by name (:data:`DATA_TABLES`).

    >>> data = load_data()  # doctest: +SKIP
    >>> data["tasks"].shape  # doctest: +SKIP
    """
    return {name: getattr(io, f"load_{name}")(folder) for name in DATA_TABLES}


def _inputs(data: Mapping[str, pd.DataFrame] | str | os.PathLike | None, *, period: str | None = None,
            indicators: list[str] | None = None) -> tuple[dict, dict]:
    """The tables and their hashes. A store with a ``period``: only the months the period
    reads (and only ``indicators``) come out of its panel (:func:`reformlib.data.months.period_tables`)."""
    path = None if isinstance(data, Mapping) else os.fspath(data or os.environ.get("REFORMLIB_DATA") or DEMO)
    if path is not None and period is not None and is_store(path):
        return period_tables(path, DATA_TABLES, period=period, indicators=indicators)
    if data is None or isinstance(data, (str, os.PathLike)):
        folder = data_folder(data if data != "" else None)
        frames = load_data(folder)
        paths = [io.table_path(folder, TABLES[n]) for n in DATA_TABLES]
        hashes = {p.name: file_sha256(p) for p in paths}
        return frames, hashes
    missing = [n for n in DATA_TABLES if n not in data]
    if missing:
        raise SpecError(f"data lacks tables {missing}; give a dict with {list(DATA_TABLES)} or a data folder")
    return {n: data[n] for n in DATA_TABLES}, {n: frame_sha256(data[n]) for n in DATA_TABLES}



def _achievements(spec: Spec, raw: pd.DataFrame, scores: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Measures of the rubric's completion items on an indicator (vs target) or a node (vs scale)."""
    lo, hi = spec.scale
    cat = catalogue.set_index("indicator")
    names = spec.hierarchy.set_index("code")
    rows = []
    for basis in spec.rubric.loc[spec.rubric["kind"] == "completion", "basis"].unique():
        if basis in spec.indicators:
            x, target = raw[basis], float(cat.at[basis, "target"])
            ach = x / target if cat.at[basis, "direction"] == "higher" else target / x.where(x > 0)
            ach = ach.where(~((x <= 0) & x.notna() & (cat.at[basis, "direction"] == "lower")), 10.0)
            zh = [f"{names.at[basis, 'name_zh']}{v:.4g}（目标{target:g}）" for v in x]
            en = [f"{names.at[basis, 'name_en']} {v:.4g} (target {target:g})" for v in x]
        elif basis in set(spec.hierarchy["code"]):
            x = scores[basis]
            ach = ((x - lo) / (hi - lo)).clip(0, 1)
            zh = [f"{names.at[basis, 'name_zh']}{v:.1f}（标准化{lo:g}～{hi:g}）" for v in x]
            en = [f"{names.at[basis, 'name_en']} {v:.1f} (scale {lo:g}-{hi:g})" for v in x]
        else:
            continue
        rows.append(pd.DataFrame({"unit": x.index, "basis": basis, "value": ach.to_numpy(float), "count": float("nan"),
                                  "detail_zh": zh, "detail_en": en}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["unit", "basis", "value", "count"])


def _audit(treated: pd.DataFrame, scores: pd.DataFrame, weights: pd.DataFrame) -> dict[str, Any]:
    out: dict[str, Any] = {"stats": indicator_stats(treated), "correlations": correlations(scores, weights),
                           "alpha": cronbach_alpha(scores, weights), "notes": []}
    complete = scores[list(treated.columns)].dropna()
    flat = [c for c in complete.columns if complete[c].nunique() < 2]
    if flat:
        out["notes"].append(f"PCA leaves out indicators constant over the complete units: {flat}")
    try:
        out["pca"] = pca_variance(complete.drop(columns=flat))
    except SpecError as err:
        out["pca"] = pd.DataFrame(columns=["eigenvalue", "explained", "cumulative"])
        out["notes"].append(f"PCA not computed: {err}")
    out["alpha_overall"] = cronbach_alpha(scores[list(treated.columns)])
    return out


def evaluate(spec: Spec, data: Mapping[str, pd.DataFrame] | str | os.PathLike | None = None, *,
             period: str | None = None, audit: bool = True) -> EvaluationResult:
    """Evaluate the territorial units for ``period`` (default ``spec.period``) under ``spec``.

    ``data`` is a dict of the loaded tables :data:`DATA_TABLES` (as :func:`load_data`
    returns), a data folder or a store (default: the demonstration set); from a store only the
    two years the period reads, of the spec's indicators, are read from the panel. ``period`` ``"YYYY"`` is the
    year-end assessment (with the qualitative share); ``"YYYY-MM"`` a monthly one (year-to-
    date flows, month-end levels and task status, no qualitative part). Every problem of the
    spec against the data raises a SpecError naming the item.

    >>> result = evaluate(load_spec(), load_data(), period="2017-06")  # doctest: +SKIP
    >>> result.combined[["score", "grade_zh", "rank"]]  # doctest: +SKIP
    """
    if not isinstance(spec, Spec):
        raise TypeError(f"spec must be a Spec (see load_spec), got {type(spec).__name__}")
    period = str(period or spec.period)
    kind = period_kind(period)
    frames, hashes = _inputs(data, period=period, indicators=list(spec.indicators))
    catalogue, unit_table = frames["indicators"], frames["units"]
    check_catalogue(spec, catalogue)
    units = unit_table[unit_table["territorial"]].copy()
    units["group"] = units["kind"].map(lambda k: spec.rank_groups.get(k, k))
    codes, leaves = list(units["unit"]), spec.indicators
    log = []

    raw, base, prepared, flow_log = pipe.period_matrix(frames["observations"], catalogue, indicators=leaves,
                                                       units=codes, period=period, flows=spec.flows)
    pipe.check_indicators(prepared, period)
    log.append(("period_matrix", {"period": period, "flows": spec.flows}))
    bands = list(catalogue.loc[catalogue["direction"] == "band", "indicator"])
    imputed, impute_log, treated, outlier_log = pipe.treat(
        prepared, imputation=spec.imputation, outliers=spec.outliers,
        groups=units.set_index("unit")["group"], bands=bands)
    log.append(("treat", {"imputation": spec.imputation, "outliers": dict(spec.outliers)}))
    normalised = pipe.normalise_all(treated, catalogue, method=spec.normalisation, scale=spec.scale)
    log.append(("normalise", {"method": spec.normalisation, "scale": list(spec.scale)}))
    weights = pipe.weights_table(spec, treated, catalogue)
    log.append(("weigh", {"method": spec.weighting}))
    scores, coverage = aggregate_hierarchy(normalised, weights, method=dict(spec.aggregation),
                                           keep_indicators=True, return_details=True)
    log.append(("aggregate", {"method": dict(spec.aggregation)}))

    measures = pd.concat([
        kpi_measures(codes, period=period, unit_table=unit_table, tasks=frames["tasks"], progress=frames["progress"],
                     inspections=frames["inspections"], recognitions=frames["recognitions"], vetoes=spec.vetoes,
                     tolerance=spec.task_tolerance),
        _achievements(spec, raw, scores, catalogue)], ignore_index=True)
    grade_names = {g: (z, e) for g, z, e in spec.grades[["grade", "name_zh", "name_en"]].itertuples(index=False)}
    points, kpi = score_rubric(spec.rubric, measures, units=codes, base_points=spec.base_points,
                               bonus_cap=spec.bonus_cap, grade_names=grade_names)
    log.append(("kpi", {"base_points": spec.base_points, "bonus_cap": spec.bonus_cap}))
    qual = None
    if kind == "year" and spec.qualitative_share > 0:
        qual = qualitative_scores(frames["ratings"], raters=spec.raters, rating_points=spec.rating_points, units=codes)
    score = combine(kpi["quantitative"], None if qual is None else qual["qualitative"], share=spec.qualitative_share)
    log.append(("combine", {"qualitative_share": spec.qualitative_share if qual is not None else 0.0}))

    combined = _grade_and_rank(spec, units, kpi, qual, score)
    result = EvaluationResult(
        spec=spec, period=period, units=units.set_index("unit"), raw=raw, base=base, prepared=prepared,
        flow_log=flow_log, imputed=imputed, impute_log=impute_log, treated=treated, outlier_log=outlier_log,
        normalised=normalised, weights=weights, effective_weights=effective_weights(weights), scores=scores,
        coverage=coverage, measures=measures, points=points, kpi=kpi, qualitative=qual, combined=combined,
        audit=_audit(treated, scores, weights) if audit else {}, catalogue=catalogue, log=tuple(log),
        provenance={"spec_files": dict(spec.hashes), "data": hashes, "versions": package_versions(), "seed": spec.seed,
                    "period": period, "settings": spec.settings()},
    )
    return result


def _grade_and_rank(spec: Spec, units: pd.DataFrame, kpi: pd.DataFrame, qual: pd.DataFrame | None,
                    score: pd.Series) -> pd.DataFrame:
    grades = assign_grades(score, spec.grades, caps=kpi["grade_cap"])
    names = spec.grades.set_index("grade")
    ranked = score.where(~kpi["unranked"])
    group = units.set_index("unit")["group"]
    out = pd.DataFrame({
        "kind": units.set_index("unit")["kind"], "group": group, "quantitative": kpi["quantitative"],
        "qualitative": qual["qualitative"] if qual is not None else float("nan"), "score": score,
        "grade": grades["grade"], "grade_zh": grades["grade"].map(names["name_zh"]),
        "grade_en": grades["grade"].map(names["name_en"]), "grade_by_score": grades["by_score"],
        "grade_reason": grades["reason"], "unranked": kpi["unranked"],
        "rank": rank(ranked), "rank_in_group": rank(ranked, groups=group),
    })
    out.index.name = "unit"
    return out


def monthly_scores(spec: Spec, data: Mapping[str, pd.DataFrame] | str | os.PathLike | None = None, *,
                   until: str) -> pd.DataFrame:
    """Quantitative score of each unit in every month from January to ``until`` (``YYYY-MM``)."""
    frames = _inputs(data, period=until, indicators=list(spec.indicators))[0] if not isinstance(data, Mapping) else dict(data)
    last = pd.Period(until, "M")
    months = pd.period_range(f"{last.year}-01", last, freq="M")
    cols = {m: evaluate(spec, frames, period=str(m), audit=False).combined["quantitative"] for m in months}
    return pd.DataFrame(cols).rename_axis(columns="period")


def phased_assessment(spec: Spec, data: Mapping[str, pd.DataFrame] | str | os.PathLike | None = None, *,
                      until: str) -> PhasedScores:
    """Monthly scores to ``until`` combined into quarters, halves and, when ``until`` is
    December, the year (with the year-end combined score of :func:`evaluate` for the year)."""
    frames = _inputs(data, period=until, indicators=list(spec.indicators))[0] if not isinstance(data, Mapping) else dict(data)
    monthly = monthly_scores(spec, frames, until=until)
    last = pd.Period(until, "M")
    year_end = evaluate(spec, frames, period=str(last.year), audit=False).combined["score"] if last.month == 12 else None
    return phased_scores(monthly, weights=spec.phases, year_end=year_end)


def rank_uncertainty(result: EvaluationResult, *, n: int | None = None, seed: int | None = None) -> RankUncertainty:
    """Rank intervals and Sobol indices of the combined score (the Sobol design and analysis of
    :mod:`reformlib.model.uncertainty`); the same as ``result.rank_uncertainty(n=n, seed=seed)``."""
    return _rank_uncertainty(result, n=n, seed=seed)
