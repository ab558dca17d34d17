"""Uncertainty and sensitivity analysis of a composite indicator (the model's robustness step).

Follows the OECD/JRC Handbook on Constructing Composite Indicators (2008, step 7) as COINr
implements it (``get_sensitivity``): the modelling choices are uncertain inputs, a
Saltelli/Sobol design (SALib) samples them, every replication is evaluated, ranks are
summarised per unit (median and 5-95 % interval) and Sobol first-order and total indices
are estimated, by default on the mean absolute rank shift against the nominal ranking.

Three plain steps, SALib style, each with an explicit seed, one module each:

- :mod:`.inputs`: :class:`UncertainInputs` (what may vary) and its checks;
- :mod:`.design`: :func:`prepare`, :func:`sample`, :func:`evaluate_design` (vectorised
  through :mod:`.kernels`);
- :mod:`.analyse`: :func:`analyse` (Sobol indices), :func:`rank_shift` and
  :func:`uncertainty_analysis`, which chains the three steps;
- :mod:`.reference`: :func:`rebuild_loop_reference`, a plain-pandas rebuild of every
  replication, the check of the fast path;
- :mod:`.robustness`: :func:`rank_uncertainty`, the analysis run on a whole evaluation
  (:class:`reformlib.model.evaluate.EvaluationResult`) under the spec's uncertain choices.

May import: numpy, pandas, scipy, SALib, threadpoolctl, :mod:`reformlib.errors` and the
model's own steps (:mod:`reformlib.model.pipeline` and what it uses); nothing from tasks,
stats, report or briefs.

``uncertainty()``, ``evaluate()`` and ``Evaluation`` are the 0.1 names of
:func:`uncertainty_analysis`, :func:`evaluate_design` and :class:`Replications`; they still
work, with a DeprecationWarning, and go in 0.3.
"""
from __future__ import annotations

import warnings

from reformlib.model.uncertainty.analyse import UncertaintyResult, analyse, rank_shift, uncertainty_analysis
from reformlib.model.uncertainty.design import (
    Design,
    Model,
    Replications,
    evaluate_design,
    nominal_design,
    prepare,
    sample,
)
from reformlib.model.uncertainty.inputs import UncertainInputs
from reformlib.model.uncertainty.reference import rebuild_loop_reference
from reformlib.model.uncertainty.robustness import RankUncertainty, rank_uncertainty

__all__ = [
    "Design", "Model", "RankUncertainty", "Replications", "UncertainInputs", "UncertaintyResult",
    "analyse", "evaluate_design", "nominal_design", "prepare", "rank_shift", "rank_uncertainty",
    "rebuild_loop_reference", "sample", "uncertainty_analysis",
]

_RENAMED = {"uncertainty": "uncertainty_analysis", "evaluate": "evaluate_design", "Evaluation": "Replications"}


def __getattr__(name: str):
    if name in _RENAMED:
        new = _RENAMED[name]
        warnings.warn(f"reformlib.model.uncertainty.{name} is deprecated; use {new} (removed in 0.3)",
                      DeprecationWarning, stacklevel=2)
        return globals()[new]
    raise AttributeError(f"module 'reformlib.model.uncertainty' has no attribute {name!r}")
