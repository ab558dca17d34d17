"""Display tables and sentences of one evaluation (publication step): the phased scores, the
ranking's sensitivity, the points lost and gained, the statistical audit, the provenance,
and ranks under different methods side by side.

Each function reads an :class:`~reformlib.model.evaluate.EvaluationResult` (with its
:class:`~reformlib.model.uncertainty.RankUncertainty` or
:class:`~reformlib.model.phased.PhasedScores` where needed) and returns a new DataFrame or a
Markdown string in ``lang``; nothing is computed that the model has not already computed,
except the reshaping a reader needs. The words are in :mod:`reformlib.i18n`
(``EVALUATION_TEXT``, ``EVALUATION_HEADERS``, ``UNCERTAIN_FACTORS``).
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from reformlib.i18n import EVALUATION_HEADERS, EVALUATION_TEXT, UNCERTAIN_FACTORS
from reformlib.model.evaluate import EvaluationResult
from reformlib.model.kpi import assign_grades
from reformlib.model.phased import PhasedScores, phase_label
from reformlib.model.uncertainty import RankUncertainty
from reformlib.report.notebook import words

__all__ = ["alpha_note", "alpha_table", "bonus_table", "compare_ranks", "correlation_flags", "flat_indicators",
           "flat_note", "lost_points_matrix", "lost_points_table", "phase_heading", "phase_table",
           "provenance_table", "results_heading", "sensitivity_table", "unit_names"]


def _check(result: EvaluationResult) -> EvaluationResult:
    if not isinstance(result, EvaluationResult):
        raise TypeError(f"result must be an EvaluationResult (see reformlib.evaluate), got {type(result).__name__}")
    return result


def unit_names(result: EvaluationResult, *, lang: str = "zh") -> pd.Series:
    """Unit code -> unit name in ``lang`` for the units of ``result``.

    >>> unit_names(result, lang="en")["430304"]  # doctest: +SKIP
    'Yuetang District'
    """
    words(EVALUATION_TEXT, lang)
    return _check(result).units[f"name_{lang}"]


def results_heading(result: EvaluationResult, *, lang: str = "zh") -> str:
    """A Markdown heading naming the period and the weighting and normalisation used.

    >>> results_heading(result, lang="en")  # doctest: +SKIP
    '## Results: 2017 (weighting: expert, normalisation: minmax)'
    """
    spec = _check(result).spec
    text = words(EVALUATION_TEXT, lang)["results"].format(period=result.period, weighting=spec.weighting,
                                                          normalisation=spec.normalisation)
    return f"## {text}"


def phase_heading(period: str, phase: str, *, lang: str = "zh") -> str:
    """A Markdown sub-heading for the phase (month, quarter, half, year) holding ``period``.

    >>> phase_heading("2017-06", "quarter", lang="en")
    '### Phased assessment: 2017Q2'
    """
    return "### " + words(EVALUATION_TEXT, lang)["phased"].format(label=phase_label(period, phase))


def phase_table(phased: PhasedScores, result: EvaluationResult, *, period: str, phase: str,
                lang: str = "zh") -> pd.DataFrame:
    """Score and grade of each unit in the ``phase`` holding ``period``, best first, graded with
    the spec's bands and the grade caps of ``result`` (vetoes); unit names as the index.

    >>> phased = rl.phased_assessment(spec, data, until="2017-06")  # doctest: +SKIP
    >>> phase_table(phased, result, period="2017-06", phase="quarter", lang="en")  # doctest: +SKIP
    """
    if not isinstance(phased, PhasedScores):
        raise TypeError(f"phased must be PhasedScores (see reformlib.phased_assessment), got {type(phased).__name__}")
    text = words(EVALUATION_TEXT, lang)
    score = phased.score(period, phase)
    grades = assign_grades(score, _check(result).spec.grades, caps=result.kpi["grade_cap"])
    names = result.spec.grades.set_index("grade")[f"name_{lang}"]
    out = pd.DataFrame({text["score"]: score.round(2), text["grade"]: grades["grade"].map(names)})
    out.index = pd.Index(unit_names(result, lang=lang).reindex(score.index), name=text["unit"])
    return out.sort_values(text["score"], ascending=False)


def sensitivity_table(uncertainty: RankUncertainty, *, lang: str = "zh") -> pd.DataFrame:
    """First-order and total Sobol indices of the mean rank shift, one row per uncertain input.

    >>> sensitivity_table(result.rank_uncertainty(n=16), lang="en")  # doctest: +SKIP
    """
    if not isinstance(uncertainty, RankUncertainty):
        raise TypeError(f"uncertainty must be a RankUncertainty (result.rank_uncertainty()), got {type(uncertainty).__name__}")
    text = words(EVALUATION_TEXT, lang)
    factors = words(UNCERTAIN_FACTORS, lang)
    table = uncertainty.sensitivity[["S1", "ST"]].rename(index=lambda f: factors.get(f, f),
                                                         columns={"S1": text["S1"], "ST": text["ST"]})
    return table.rename_axis(text["factor"]).round(3)


def lost_points_matrix(result: EvaluationResult, *, lang: str = "zh") -> pd.DataFrame:
    """Points each unit lost on each base item (units best first, items in rubric order), with
    names in ``lang``: the table behind :func:`~reformlib.report.evaluation_plots.lost_points_figure`.

    >>> lost_points_matrix(result, lang="en").iloc[:3, :3]  # doctest: +SKIP
    """
    lost = _check(result).lost_points(lang=lang)
    items = result.spec.rubric.set_index("item")[f"name_{lang}"]
    table = lost.pivot_table(index="unit", columns="item", values="lost", aggfunc="sum", fill_value=0.0)
    order = result.combined.sort_values("score", ascending=False).index
    table = table.reindex(index=order, columns=[i for i in items.index if i in table.columns], fill_value=0.0)
    text = words(EVALUATION_TEXT, lang)
    return table.rename(index=unit_names(result, lang=lang), columns=items).rename_axis(
        index=text["unit"], columns=text["item"])


def lost_points_table(result: EvaluationResult, *, unit: str, lang: str = "zh") -> pd.DataFrame:
    """The items on which ``unit`` lost points, worst first, with the reason; the index is
    named after the unit.

    >>> lost_points_table(result, unit=result.combined["score"].idxmin(), lang="en")  # doctest: +SKIP
    """
    names = unit_names(result, lang=lang)
    if unit not in names.index:
        raise ValueError(f"unit must be one of {list(names.index)}, got {unit!r}")
    head = words(EVALUATION_HEADERS, lang)
    items = result.spec.rubric.set_index("item")[f"name_{lang}"]
    lost = result.lost_points(lang=lang)
    rows = lost.loc[lost["unit"] == unit].assign(item=lambda d: d["item"].map(lambda i: items.get(i, i)))
    table = rows[["item", "max_points", "points", "lost", f"reason_{lang}"]].rename(columns={f"reason_{lang}": "reason"})
    return table.set_index("item").rename(columns=head).rename_axis(names[unit]).round(2)


def bonus_table(result: EvaluationResult, *, lang: str = "zh") -> pd.DataFrame:
    """Bonus points awarded and vetoes applied, by unit, with the reason.

    >>> bonus_table(result, lang="en")  # doctest: +SKIP
    """
    points = _check(result).points
    rows = points.loc[points["kind"].isin(["bonus", "veto"]) & ((points["points"] != 0) | (points["kind"] == "veto"))]
    items = result.spec.rubric.set_index("item")[f"name_{lang}"]
    names = unit_names(result, lang=lang)
    table = rows.assign(unit=rows["unit"].map(names), item=rows["item"].map(lambda i: items.get(i, i)))
    table = table[["unit", "item", "points", f"reason_{lang}"]].rename(columns={f"reason_{lang}": "reason"})
    return table.rename(columns=words(EVALUATION_HEADERS, lang)).reset_index(drop=True).round(2)


def flat_indicators(result: EvaluationResult) -> list[str]:
    """Indicators with one value for every unit after normalisation (they do not discriminate).

    >>> flat_indicators(result)  # doctest: +SKIP
    ['party_coverage_enterprise']
    """
    normalised = _check(result).normalised
    return [c for c in normalised.columns if normalised[c].nunique() < 2]


def flat_note(result: EvaluationResult, *, lang: str = "zh") -> str:
    """A sentence naming :func:`flat_indicators`, or ``""`` when there are none.

    >>> flat_note(result, lang="en")  # doctest: +SKIP
    """
    flat = flat_indicators(result)
    if not flat:
        return ""
    text = words(EVALUATION_TEXT, lang)
    names = result.catalogue.set_index("indicator")[f"name_{lang}"]
    return text["flat"].format(names=text["list_sep"].join(str(names.get(c, c)) for c in flat))


def _node_names(result: EvaluationResult, lang: str) -> pd.Series:
    return result.weights.set_index("code")[f"name_{lang}"]


def alpha_table(result: EvaluationResult, *, lang: str = "zh") -> pd.DataFrame:
    """Cronbach's alpha of each indicator group with at least two indicators.

    >>> alpha_table(result, lang="en")  # doctest: +SKIP
    """
    text = words(EVALUATION_TEXT, lang)
    alpha = _check(result).audit["alpha"].dropna().rename(index=_node_names(result, lang))
    return alpha.rename(text["alpha"]).round(2).to_frame().rename_axis(text["node"])


def alpha_note(result: EvaluationResult, *, lang: str = "zh") -> str:
    """Cronbach's alpha over all indicators and the audit's notes, as Markdown lines.

    >>> print(alpha_note(result, lang="en"))  # doctest: +SKIP
    Cronbach's alpha (all indicators): 0.71
    """
    audit = _check(result).audit
    lines = [words(EVALUATION_TEXT, lang)["alpha_overall"].format(alpha=audit["alpha_overall"])]
    return "\n\n".join(lines + [f"*{note}*" for note in audit["notes"]])


def correlation_flags(result: EvaluationResult, *, lang: str = "zh", top: int = 15) -> pd.DataFrame:
    """The first ``top`` flagged pairs of the audit's correlations, with names in ``lang``.

    >>> correlation_flags(result, lang="en", top=5)  # doctest: +SKIP
    """
    if not isinstance(top, int) or isinstance(top, bool) or top < 1:
        raise ValueError(f"top must be a positive integer, got {top!r}")
    flags = _check(result).audit["correlations"].query("flag != ''")
    names = _node_names(result, lang)
    flags = flags.assign(a=flags["a"].map(lambda c: names.get(c, c)), b=flags["b"].map(lambda c: names.get(c, c)))
    return flags.rename(columns=words(EVALUATION_HEADERS, lang)).round(2).head(top)


def provenance_table(result: EvaluationResult) -> pd.DataFrame:
    """Hashes of the spec files and data (first 12 characters), package versions and seed: what
    makes the run repeatable.

    >>> provenance_table(result).loc["seed"]  # doctest: +SKIP
    """
    prov = _check(result).provenance
    rows = {**{f"spec:{k}": v[:12] for k, v in prov["spec_files"].items()},
            **{f"data:{k}": v[:12] for k, v in prov["data"].items()},
            **prov["versions"], "seed": prov["seed"]}
    return pd.Series(rows, name="value", dtype=object).to_frame()


def compare_ranks(results: Mapping[str, EvaluationResult], *, lang: str = "zh") -> pd.DataFrame:
    """The rank of each unit under several evaluations (e.g. two weighting methods), one column
    per label, unit names as the index, in the order of the first result.

    >>> compare_ranks({"expert": result, "entropy": rl.evaluate(spec.using(weighting="entropy"), data)},
    ...               lang="en")  # doctest: +SKIP
    """
    if not isinstance(results, Mapping) or not results:
        raise ValueError("results must be a non-empty mapping of label -> EvaluationResult")
    first = _check(next(iter(results.values())))
    table = pd.DataFrame({str(label): _check(r).combined["rank"] for label, r in results.items()})
    table = table.reindex(first.combined.sort_values(["rank", "score"], ascending=[True, False]).index)
    return table.rename(index=unit_names(first, lang=lang)).rename_axis(words(EVALUATION_TEXT, lang)["unit"])
