"""The composite-indicator evaluation model: pure functions over DataFrames.

Steps, one module each (units as rows, indicators as columns):

- :mod:`~reformlib.model.treat`: denominate, impute, screen units, treat outliers
- :mod:`~reformlib.model.normalise`: normalise indicators onto a common scale
- :mod:`~reformlib.model.weights`: equal, objective, PCA, AHP and expert weights
- :mod:`~reformlib.model.aggregate`: weighted means through a hierarchy, and ranks
- :mod:`~reformlib.model.mcda`: TOPSIS and VIKOR
- :mod:`~reformlib.model.audit`: statistics, correlations, Cronbach's alpha, PCA
- :mod:`~reformlib.model.uncertainty`: Monte Carlo uncertainty and Sobol sensitivity
- :mod:`~reformlib.model.spec`: the model specification kept as data (``data/model/``)
- :mod:`~reformlib.model.kpi`, :mod:`~reformlib.model.qualitative`,
  :mod:`~reformlib.model.phased`: key-indicator rubric, rater grades, phased assessment
- :mod:`~reformlib.model.evaluate`: ``evaluate(spec, data)``, one result with every table

References: OECD/JRC *Handbook on Constructing Composite Indicators* (2008) and the
COINr package; the papers of each MCDA method are named in its module.
"""
from reformlib.model.aggregate import AGGREGATORS, aggregate, aggregate_hierarchy, rank
from reformlib.model.audit import correlations, cronbach_alpha, indicator_stats, pca_variance
from reformlib.model.mcda import topsis, vikor
from reformlib.model.normalise import NORMALISERS, normalise
from reformlib.model.treat import IMPUTERS, denominate, impute, screen_units, treat_outliers
from reformlib.model.weights import (
    WEIGHTERS, ahp_weights, combine_weights, effective_weights, weigh,
)
from reformlib.model import uncertainty  # noqa: E402  (the module; its entry point is uncertainty.uncertainty)
from reformlib.model.spec import Spec, load_spec
from reformlib.model.kpi import assign_grades, lost_points, score_rubric
from reformlib.model.qualitative import qualitative_scores
from reformlib.model.phased import PhasedScores, phased_scores
from reformlib.model.evaluate import (
    EvaluationResult, brief_scores, evaluate, load_data, phased_assessment, rank_uncertainty,
)

__all__ = [
    "AGGREGATORS", "IMPUTERS", "NORMALISERS", "WEIGHTERS",
    "aggregate", "aggregate_hierarchy", "ahp_weights", "combine_weights", "correlations",
    "cronbach_alpha", "denominate", "effective_weights", "impute", "indicator_stats",
    "normalise", "pca_variance", "rank", "screen_units", "topsis", "treat_outliers",
    "vikor", "weigh",
    "EvaluationResult", "PhasedScores", "Spec", "assign_grades", "brief_scores", "evaluate",
    "load_data", "load_spec", "lost_points", "phased_assessment", "phased_scores",
    "qualitative_scores", "rank_uncertainty", "score_rubric", "uncertainty",
]
