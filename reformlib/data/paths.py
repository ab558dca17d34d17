"""Where reformlib finds its data and writes its reports.

``REFORMLIB_DATA`` (a folder or a store) overrides the default data set,
``REFORMLIB_REPORTS`` the reports folder. A data set is a folder or a store, by one rule: a
path ending in ``.duckdb``, or a path that is a file, is a store (read through a snapshot
folder of its current tables, :mod:`reformlib.data.dataset`). Nothing here touches the disk
at import time.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

#: The repository root (the folder holding ``reformlib/``, ``data/``, ``notebooks/``).
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
#: The synthetic demonstration data set built by ``make data``.
DEMO = DATA / "demo_synthetic"
#: The document's own figures.
REFERENCE = DATA / "reference"
#: Model specification files (hierarchy, rubric, grade bands).
MODEL_SPEC = DATA / "model"
NOTEBOOKS = ROOT / "notebooks"


def data_folder(folder: str | os.PathLike | None = None) -> Path:
    """The data folder to read: ``folder`` if given, else ``$REFORMLIB_DATA``, else the demo
    set. A store (a path ending in ``.duckdb``, or a file) gives the folder of its current
    tables (:func:`reformlib.data.dataset.snapshot`)."""
    path = Path(folder) if folder is not None else Path(os.environ.get("REFORMLIB_DATA") or DEMO)
    if path.suffix.lower() == ".duckdb" or path.is_file():
        if _store_reader is None:
            raise RuntimeError("no reader of stores registered: import reformlib.data")
        return _store_reader(path)
    return path


#: How a store becomes a data folder; :mod:`reformlib.data` registers
#: :func:`reformlib.data.dataset.snapshot` here (the store's modules import this one).
_store_reader: Callable[[Path], Path] | None = None


def read_stores_with(reader: Callable[[Path], Path]) -> None:
    """Register the function that turns a store path into the folder of its current tables."""
    global _store_reader
    _store_reader = reader


def reports_folder(folder: str | os.PathLike | None = None) -> Path:
    """Where briefs are published: ``folder``, else ``$REFORMLIB_REPORTS``, else ``reports/``."""
    if folder is not None:
        return Path(folder)
    env = os.environ.get("REFORMLIB_REPORTS")
    return Path(env) if env else ROOT / "reports"
