"""The current tables of a store written out: ``python -m reformlib export --store PATH
--format parquet|csv|xlsx [--out DIR]``.

``parquet`` and ``csv`` write a data folder (the file names and columns of
``data/demo_synthetic``, each table as ``<table>.parquet`` or ``<table>.csv``; CSV in UTF-8
with a byte-order mark so that Excel shows the Chinese): the loaders, the model and the
briefs read it as they read any data folder. ``xlsx`` writes one workbook per table under the
same names (``units.xlsx``, ``observations.xlsx``, …; a table longer than a worksheet's
1,048,575 rows is refused: export it as parquet or csv). The folder is written beside its
target and renamed into place only when every file is complete, so a failed export never
leaves a half-written folder or replaces a good one.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from reformlib.data.dataset import store_tables, write_dataset
from reformlib.data.io import swap_folder
from reformlib.data.schemas import TABLES
from reformlib.data.store import store_path
from reformlib.errors import ParameterError

__all__ = ["EXPORT_FORMATS", "MAX_XLSX_ROWS", "default_out", "export_store"]

EXPORT_FORMATS = ("parquet", "csv", "xlsx")
MAX_XLSX_ROWS = 1_048_575  # a worksheet's rows, less the header


def default_out(store: str | os.PathLike | None, fmt: str) -> Path:
    """``exports/<store name>-<format>/`` beside the store."""
    path = store_path(store)
    return path.parent / "exports" / f"{path.stem}-{fmt}"


def export_store(store: str | os.PathLike | None = None, *, fmt: str = "parquet", out: str | os.PathLike | None = None) -> Path:
    """Write the store's current tables into ``out`` (default :func:`default_out`) as ``fmt``."""
    if fmt not in EXPORT_FORMATS:
        raise ParameterError(f"format must be one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    path = store_path(store)
    if not path.exists():
        raise ParameterError(f"the store {path} does not exist")
    out = Path(out) if out is not None else default_out(path, fmt)
    tables = store_tables(path)
    if fmt != "xlsx":
        return write_dataset(tables, out, fmt=fmt)
    long = [f"{name} ({len(f):,} rows)" for name, f in tables.items() if len(f) > MAX_XLSX_ROWS]
    if long:
        raise ParameterError(f"too long for an xlsx worksheet: {', '.join(long)}; export as parquet or csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, frame in tables.items():
            _sheet_frame(frame, name).to_excel(staging / f"{Path(TABLES[name].file).stem}.xlsx", sheet_name=name, index=False,
                                               engine="openpyxl")
        staging.chmod(0o755)
        swap_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _sheet_frame(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """The table's columns in schema order, dates as dates (no time), months as text."""
    cols = [c for c in TABLES[name].columns if c.name in frame.columns]
    out = {}
    for c in cols:
        s = frame[c.name]
        out[c.name] = pd.to_datetime(s).dt.date if c.kind == "date" else s.astype(str) if c.kind == "month" else s
    return pd.DataFrame(out)
