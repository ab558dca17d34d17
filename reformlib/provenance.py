"""Provenance: where a result came from (hashes of its inputs, the code and the packages).

One place for what an evaluation's ``provenance`` and a brief's ``manifest.json`` record:
:func:`file_sha256` and :func:`folder_hashes` for input files, :func:`frame_sha256` for
tables handed over in memory, :func:`code_version` for reformlib's own source (and the
notebook templates of a run), and :func:`package_versions` for the libraries that shape
the numbers and the documents.

May import: the standard library, pandas and :mod:`reformlib.errors`; nothing else of
reformlib, so that every layer can record where its results came from.
"""
from __future__ import annotations

import functools
import hashlib
import os
import platform
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import pandas as pd

__all__ = ["PACKAGES", "code_version", "file_sha256", "folder_hashes", "frame_sha256", "package_versions"]

#: Packages whose versions every evaluation and every published brief records.
PACKAGES = ("reformlib", "pandas", "numpy", "scipy", "statsmodels", "scikit-learn", "SALib", "pandera",
            "pyarrow", "matplotlib", "seaborn", "papermill", "nbconvert", "python-docx", "openpyxl")
#: The package's own source folder (what :func:`code_version` hashes).
SOURCE = Path(__file__).resolve().parent
DATA_SUFFIXES = (".csv", ".parquet", ".yml", ".yaml")


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def folder_hashes(folder: str | os.PathLike, *, suffixes: Sequence[str] = DATA_SUFFIXES) -> dict[str, str]:
    """SHA-256 of every data file directly in ``folder`` (by file name, sorted)."""
    return {p.name: file_sha256(p) for p in sorted(Path(folder).iterdir())
            if p.is_file() and p.suffix in suffixes}


def frame_sha256(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's values, index, column names and dtypes (row order matters)."""
    h = hashlib.sha256()
    h.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode("utf-8"))
    h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return h.hexdigest()


def code_version(templates: Sequence[str | os.PathLike] = ()) -> str:
    """reformlib's version and a hash of its source (and of the given notebook templates).

    ``0.2.0+1a2b3c4d5e6f``: any change to a ``.py`` file of the package, or to a template,
    changes the part after ``+``.
    """
    h = hashlib.sha256()
    for p in sorted(SOURCE.rglob("*.py")):
        h.update(p.relative_to(SOURCE).as_posix().encode())
        h.update(p.read_bytes())
    for t in templates:
        h.update(Path(t).name.encode())
        h.update(Path(t).read_bytes())
    return f"{_version('reformlib')}+{h.hexdigest()[:12]}"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def package_versions() -> dict[str, str]:
    """Python's version and that of every package in :data:`PACKAGES` (a new dict each call)."""
    return dict(_package_versions())


@functools.cache
def _package_versions() -> dict[str, str]:
    """Read once per process: reading the installed packages' metadata costs about 20 ms, paid by
    every evaluation (twelve for a December's monthly scores), and a process's imported
    packages do not change while it runs."""
    return {"python": platform.python_version(), **{name: _version(name) for name in PACKAGES}}
