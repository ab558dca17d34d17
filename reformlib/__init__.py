"""reformlib: data, evaluation model, task ledger and briefs for the evaluation of reform
implementation (改革落实评估).

The loaders return validated DataFrames; see :mod:`reformlib.io` and :mod:`reformlib.schemas`.
"""
from reformlib.io import (
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

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "load_documents",
    "load_indicators",
    "load_inspections",
    "load_observations",
    "load_pilots",
    "load_progress",
    "load_ratings",
    "load_recognitions",
    "load_reference",
    "load_tasks",
    "load_units",
]
