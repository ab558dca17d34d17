"""Where reformlib finds its data and writes its reports.

``REFORMLIB_DATA`` (a folder) overrides the default data set, ``REFORMLIB_REPORTS`` the
reports folder. Nothing here touches the disk at import time.
"""
from __future__ import annotations

import os
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
    """The data set to read: ``folder`` if given, else ``$REFORMLIB_DATA``, else the demo set."""
    if folder is not None:
        return Path(folder)
    env = os.environ.get("REFORMLIB_DATA")
    return Path(env) if env else DEMO


def reports_folder(folder: str | os.PathLike | None = None) -> Path:
    """Where briefs are published: ``folder``, else ``$REFORMLIB_REPORTS``, else ``reports/``."""
    if folder is not None:
        return Path(folder)
    env = os.environ.get("REFORMLIB_REPORTS")
    return Path(env) if env else ROOT / "reports"
