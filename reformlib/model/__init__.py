"""The composite-indicator evaluation model: pure functions over DataFrames.

Steps, one module each (units as rows, indicators as columns):

- :mod:`~reformlib.model.treat`: denominate, impute, screen units, treat outliers
- :mod:`~reformlib.model.normalise`: normalise indicators onto a common scale
- :mod:`~reformlib.model.weights`: equal, objective, PCA, AHP and expert weights
- :mod:`~reformlib.model.aggregate`: weighted means through a hierarchy, and ranks
- :mod:`~reformlib.model.mcda`: TOPSIS and VIKOR
- :mod:`~reformlib.model.audit`: statistics, correlations, Cronbach's alpha, PCA
- :mod:`~reformlib.model.uncertainty`: Monte Carlo uncertainty and Sobol sensitivity (a package)
- :mod:`~reformlib.model.spec`: the model specification kept as data (``data/model/``)
- :mod:`~reformlib.model.kpi`, :mod:`~reformlib.model.qualitative`,
  :mod:`~reformlib.model.phased`: key-indicator rubric, rater grades, phased assessment
- :mod:`~reformlib.model.evaluate`: ``evaluate(spec, data)``, one result with every table

References: OECD/JRC *Handbook on Constructing Composite Indicators* (2008) and the
COINr package; the papers of each MCDA method are named in its module.

May import: numpy, pandas, scipy, scikit-learn, SALib, jsonschema, PyYAML,
:mod:`reformlib.data`, :mod:`reformlib.provenance`, :mod:`reformlib.i18n` and
:mod:`reformlib.errors`; nothing from tasks, stats, report or briefs (the model's task
points read :mod:`reformlib.data.task_status`).

``brief_scores`` and ``score_table``, which present a result, moved to :mod:`reformlib.report.tables` (still reachable here, with a
DeprecationWarning, until 0.3).
"""
import warnings

from reformlib.model import uncertainty
from reformlib.model.aggregate import AGGREGATORS, aggregate, aggregate_hierarchy, rank
from reformlib.model.audit import correlations, cronbach_alpha, indicator_stats, pca_variance
from reformlib.model.evaluate import (
    EvaluationResult,
    evaluate,
    load_data,
    phased_assessment,
    rank_uncertainty,
)
from reformlib.model.kpi import assign_grades, lost_points, score_rubric
from reformlib.model.mcda import topsis, vikor
from reformlib.model.normalise import NORMALISERS, normalise
from reformlib.model.phased import PhasedScores, phased_scores
from reformlib.model.qualitative import qualitative_scores
from reformlib.model.spec import Spec, load_spec
from reformlib.model.treat import IMPUTERS, denominate, impute, screen_units, treat_outliers
from reformlib.model.weights import (
    WEIGHTERS,
    ahp_weights,
    combine_weights,
    effective_weights,
    weigh,
)

__all__ = [
    "AGGREGATORS", "IMPUTERS", "NORMALISERS", "WEIGHTERS",
    "aggregate", "aggregate_hierarchy", "ahp_weights", "combine_weights", "correlations",
    "cronbach_alpha", "denominate", "effective_weights", "impute", "indicator_stats",
    "normalise", "pca_variance", "rank", "screen_units", "topsis", "treat_outliers",
    "vikor", "weigh",
    "EvaluationResult", "PhasedScores", "Spec", "assign_grades", "evaluate",
    "load_data", "load_spec", "lost_points", "phased_assessment", "phased_scores",
    "qualitative_scores", "rank_uncertainty", "score_rubric", "uncertainty",
]

_MOVED = {"brief_scores": "reformlib.report.tables", "score_table": "reformlib.report.tables"}


def __getattr__(name: str):
    if name in _MOVED:
        warnings.warn(f"reformlib.model.{name} moved to {_MOVED[name]}.{name} (removed here in 0.3)",
                      DeprecationWarning, stacklevel=2)
        from reformlib.report import tables  # deprecated alias only: the model itself never imports report

        return getattr(tables, name)
    raise AttributeError(f"module 'reformlib.model' has no attribute {name!r}")
