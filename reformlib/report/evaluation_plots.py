"""Figures of one evaluation (publication step): monthly scores, rank intervals, the ranking's
sensitivity to modelling choices, points lost by unit and item, and the correlations of the
normalised indicators.

Each function takes an :class:`~reformlib.model.evaluate.EvaluationResult` (and the
uncertainty or phased scores it is about) and returns a new matplotlib Figure with labels in
``lang``; none shows or saves it. Importing this module imports :mod:`.plots`, which registers
the Chinese font. The rank-interval plot follows the OECD/JRC *Handbook on Constructing
Composite Indicators* (2008, step 7): nominal rank, median and the 5-95 % interval of the
rank over the replications.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.figure import Figure

import reformlib.report.plots  # noqa: F401  (registers the Chinese font on import)
from reformlib.i18n import EVALUATION_TEXT, UNCERTAIN_FACTORS
from reformlib.model.evaluate import EvaluationResult
from reformlib.model.phased import PhasedScores
from reformlib.model.uncertainty import RankUncertainty
from reformlib.report.evaluation_tables import flat_indicators, lost_points_matrix, unit_names
from reformlib.report.notebook import words

__all__ = ["correlation_figure", "lost_points_figure", "monthly_score_figure", "rank_interval_figure",
           "sensitivity_figure"]


def _uncertainty(value: object) -> RankUncertainty:
    if not isinstance(value, RankUncertainty):
        raise TypeError(f"uncertainty must be a RankUncertainty (result.rank_uncertainty()), got {type(value).__name__}")
    return value


def monthly_score_figure(phased: PhasedScores, result: EvaluationResult, *, lang: str = "zh") -> Figure:
    """One line per unit: its quantitative score in each month of the phased assessment.

    >>> fig = monthly_score_figure(rl.phased_assessment(spec, data, until="2017-06"), result)  # doctest: +SKIP
    """
    if not isinstance(phased, PhasedScores):
        raise TypeError(f"phased must be PhasedScores (see reformlib.phased_assessment), got {type(phased).__name__}")
    text = words(EVALUATION_TEXT, lang)
    monthly = phased.monthly.rename(index=unit_names(result, lang=lang)).T
    monthly.index = monthly.index.to_timestamp()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    sns.lineplot(data=monthly, dashes=False, marker="o", ax=ax)
    ax.set(xlabel=text["month"], ylabel=text["score"], title=text["monthly_title"])
    ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize=8)
    fig.tight_layout()
    return fig


def rank_interval_figure(uncertainty: RankUncertainty, result: EvaluationResult, *, lang: str = "zh") -> Figure:
    """Per unit, best first: the 5-95 % interval of its rank over the replications (bar), the
    median rank and the nominal rank.

    >>> fig = rank_interval_figure(result.rank_uncertainty(n=16), result, lang="en")  # doctest: +SKIP
    """
    text = words(EVALUATION_TEXT, lang)
    s = _uncertainty(uncertainty).summary.assign(name=unit_names(result, lang=lang)).sort_values("nominal_rank")
    palette = sns.color_palette()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.hlines(s["name"], s["rank_p05"], s["rank_p95"], color=palette[0], linewidth=6, alpha=0.35, label=text["interval"])
    ax.scatter(s["median_rank"], s["name"], marker="|", s=300, color="black", label=text["median"])
    ax.scatter(s["nominal_rank"], s["name"], s=70, color=palette[3], label=text["nominal"])
    ax.set(xlabel=text["rank"], ylabel="", xticks=range(1, len(s) + 1), title=text["ranks_title"])
    ax.invert_yaxis()
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    fig.tight_layout()
    return fig


def sensitivity_figure(uncertainty: RankUncertainty, *, lang: str = "zh") -> Figure:
    """First-order and total Sobol indices of the rank shift, a pair of bars per uncertain
    input (negative estimates drawn at 0).

    >>> fig = sensitivity_figure(result.rank_uncertainty(n=16), lang="en")  # doctest: +SKIP
    """
    text = words(EVALUATION_TEXT, lang)
    factors = words(UNCERTAIN_FACTORS, lang)
    sens = _uncertainty(uncertainty).sensitivity[["S1", "ST"]].clip(lower=0)
    long = (sens.rename(index=lambda f: factors.get(f, f), columns={"S1": text["S1"], "ST": text["ST"]})
            .rename_axis("factor").reset_index().melt(id_vars="factor", var_name="index", value_name="value"))
    fig, ax = plt.subplots(figsize=(8, 3.8))
    sns.barplot(data=long, y="factor", x="value", hue="index", ax=ax)
    ax.set(xlabel=text["sobol"], ylabel=text["factor"], title=text["sensitivity_title"])
    ax.legend(title="")
    fig.tight_layout()
    return fig


def lost_points_figure(result: EvaluationResult, *, lang: str = "zh") -> Figure:
    """Heat map of the points each unit lost on each base item (units best first).

    >>> fig = lost_points_figure(result, lang="en")  # doctest: +SKIP
    """
    text = words(EVALUATION_TEXT, lang)
    table = lost_points_matrix(result, lang=lang)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    sns.heatmap(table, annot=True, fmt=".1f", cmap="Reds", cbar_kws={"label": text["lost"]}, ax=ax)
    ax.set(xlabel=text["item"], ylabel="", title=text["lost_title"])
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    return fig


def correlation_figure(result: EvaluationResult, *, lang: str = "zh") -> Figure:
    """Heat map of the correlations between the normalised indicators, leaving out those
    with one value for every unit (:func:`~reformlib.report.evaluation_tables.flat_indicators`).

    >>> fig = correlation_figure(result, lang="en")  # doctest: +SKIP
    """
    text = words(EVALUATION_TEXT, lang)
    names = result.catalogue.set_index("indicator")[f"name_{lang}"]
    corr = result.normalised.drop(columns=flat_indicators(result)).corr().rename(index=names, columns=names)
    fig, ax = plt.subplots(figsize=(11, 9))
    sns.heatmap(corr, cmap="RdBu_r", vmin=-1, vmax=1, square=True, cbar_kws={"shrink": 0.6, "label": "r"}, ax=ax,
                xticklabels=True, yticklabels=True)
    ax.tick_params(labelsize=7)
    ax.set(title=text["corr_title"])
    fig.tight_layout()
    return fig
