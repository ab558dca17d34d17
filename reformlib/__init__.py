"""reformlib: data, evaluation model, task ledger, statistics and briefs for the evaluation of
reform implementation (改革落实评估).

``import reformlib as rl`` gives every entry point a researcher needs, by name::

    import reformlib as rl
    data = rl.load_data()                          # the eight tables, validated
    spec = rl.load_spec().using(weighting="critic")  # change a method in one call
    result = rl.evaluate(spec, data, period="2017")
    result.combined                                # score, grade, rank per unit
    status = rl.task_status(data["tasks"], data["progress"], "2017-06")
    rl.progress_figure(rl.status_by_category(status))  # Chinese glyphs set up on import

The packages, from the bottom layer up (each one's docstring says what it may import):

- :mod:`reformlib.data`: paths, schemas, periods, loaders, each task's status in a month;
- :mod:`reformlib.synth`: the seeded synthetic demonstration data;
- :mod:`reformlib.model`: the composite-indicator evaluation model and its uncertainty;
- :mod:`reformlib.tasks`: the task ledger analytics, early warning and oversight;
- :mod:`reformlib.stats`: trends, difference in differences, panels, pilots;
- :mod:`reformlib.report`: tables, figures, memo, workbook and page, in Chinese or English;
- :mod:`reformlib.briefs`: the monthly brief's content, runs, schedule and publishing;
- beside them: :mod:`reformlib.i18n` (every word), :mod:`reformlib.provenance` (hashes and
  versions) and :mod:`reformlib.errors` (the exception tree).

Names are looked up on first use (PEP 562), so ``python -m reformlib`` and a brief's kernel
import only what they use. The 0.1 module paths ``reformlib.io``, ``.schemas``, ``.paths``,
``.ledger``, ``.warning``, ``.oversight``, ``.brief``, ``.publish``, ``.runner``, ``.batch``
and ``.fonts`` still resolve as attributes (``rl.ledger``), with a DeprecationWarning,
until 0.3.
"""
from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING

__version__ = "0.2.0"

#: Public name -> the module that defines it (a static table, read by __getattr__ below).
_API: dict[str, str] = {
    # data: loaders and the readings every layer shares
    **dict.fromkeys(["load_documents", "load_indicators", "load_inspections", "load_observations", "load_pilots",
                     "load_progress", "load_ratings", "load_recognitions", "load_reference", "load_tasks",
                     "load_units"], "reformlib.data.io"),
    "as_month": "reformlib.data.periods", "unit_code": "reformlib.data.schemas",
    "task_status": "reformlib.data.task_status",
    # the evaluation model
    **dict.fromkeys(["Spec", "load_spec"], "reformlib.model.spec"),
    **dict.fromkeys(["EvaluationResult", "evaluate", "load_data", "monthly_scores", "phased_assessment",
                     "rank_uncertainty"], "reformlib.model.evaluate"),
    **dict.fromkeys(["NORMALISERS", "normalise"], "reformlib.model.normalise"),
    **dict.fromkeys(["WEIGHTERS", "weigh", "ahp_weights"], "reformlib.model.weights"),
    **dict.fromkeys(["AGGREGATORS", "aggregate", "rank"], "reformlib.model.aggregate"),
    **dict.fromkeys(["topsis", "vikor"], "reformlib.model.mcda"),
    **dict.fromkeys(["UncertainInputs", "uncertainty_analysis"], "reformlib.model.uncertainty"),
    # the task ledger
    **dict.fromkeys(["status_panel", "status_by_category", "completion_rates", "task_outcomes"],
                    "reformlib.tasks.ledger"),
    "at_risk": "reformlib.tasks.warning",
    **dict.fromkeys(["document_summary", "inspection_summary"], "reformlib.tasks.oversight"),
    # statistics
    **dict.fromkeys(["trend", "interrupted_time_series", "did", "did_table", "twfe", "event_study",
                     "pilot_effects"], "reformlib.stats"),
    # presentation
    **dict.fromkeys(["setup_plots", "progress_figure", "family_figure", "plot_event_study"],
                    "reformlib.report.plots"),
    "score_table": "reformlib.report.tables", "save_figure": "reformlib.report.figures",
}
_PACKAGES = ("data", "synth", "model", "tasks", "stats", "report", "briefs", "i18n", "provenance", "errors")
#: 0.1 module paths -> their 0.2 homes (attribute access only, with a DeprecationWarning).
_MOVED_MODULES = {
    "io": "reformlib.data.io", "schemas": "reformlib.data.schemas", "paths": "reformlib.data.paths",
    "ledger": "reformlib.tasks.ledger", "warning": "reformlib.tasks.warning", "oversight": "reformlib.tasks.oversight",
    "brief": "reformlib.briefs.content", "publish": "reformlib.briefs.publish", "runner": "reformlib.briefs.run",
    "batch": "reformlib.briefs.schedule", "fonts": "reformlib.report.fonts",
}

__all__ = sorted([*_API, *_PACKAGES, "__version__"])


def __getattr__(name: str):
    if name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
    elif name in _PACKAGES:
        value = importlib.import_module(f"reformlib.{name}")
    elif name in _MOVED_MODULES:
        warnings.warn(f"reformlib.{name} is deprecated; use {_MOVED_MODULES[name]} (removed in 0.3)",
                      DeprecationWarning, stacklevel=2)
        return importlib.import_module(_MOVED_MODULES[name])
    else:
        raise AttributeError(f"module 'reformlib' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # the same names, for readers and type checkers
    from reformlib import briefs, data, errors, i18n, model, provenance, report, stats, synth, tasks
    from reformlib.data.io import (
        load_documents,
        load_indicators,
        load_inspections,
        load_observations,
        load_pilots,
        load_progress,
        load_ratings,
        load_recognitions,
        load_reference,
        load_tasks,
        load_units,
    )
    from reformlib.data.periods import as_month
    from reformlib.data.schemas import unit_code
    from reformlib.data.task_status import task_status
    from reformlib.model.aggregate import AGGREGATORS, aggregate, rank
    from reformlib.model.evaluate import (
        EvaluationResult,
        evaluate,
        load_data,
        monthly_scores,
        phased_assessment,
        rank_uncertainty,
    )
    from reformlib.model.mcda import topsis, vikor
    from reformlib.model.normalise import NORMALISERS, normalise
    from reformlib.model.spec import Spec, load_spec
    from reformlib.model.uncertainty import UncertainInputs, uncertainty_analysis
    from reformlib.model.weights import WEIGHTERS, ahp_weights, weigh
    from reformlib.report.figures import save_figure
    from reformlib.report.plots import family_figure, plot_event_study, progress_figure, setup_plots
    from reformlib.report.tables import score_table
    from reformlib.stats import did, did_table, event_study, interrupted_time_series, pilot_effects, trend, twfe
    from reformlib.tasks.ledger import completion_rates, status_by_category, status_panel, task_outcomes
    from reformlib.tasks.oversight import document_summary, inspection_summary
    from reformlib.tasks.warning import at_risk
