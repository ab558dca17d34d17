"""Reading and writing reformlib's tables: the only module that touches data files.

Every loader reads one file of a data folder (``data/demo_synthetic`` unless told
otherwise, see :func:`reformlib.data.paths.data_folder`), converts its text to the types in
:mod:`reformlib.data.schemas`, checks every rule at once and returns a new DataFrame. A file
that breaks its schema raises one :class:`~reformlib.errors.DataValidationError` listing
every bad row, column and rule; for a CSV file each problem names the file's own line
(blank lines counted; the header is normally line 1) and the 1-based data row.

What a file may be (:mod:`reformlib.data.textfile` reads the text):

- CSV in UTF-8 (with or without a byte-order mark), UTF-16 or GBK/GB18030, separated by
  ``,``, ``;`` or tab, with Windows or Unix line endings; a trailing separator on every line
  is dropped; a column name given twice, a row of the wrong width, a broken quote, an empty
  file or an unreadable Parquet file is refused naming the file (and line);
- ``observations`` as ``observations.parquet`` or ``observations.csv`` (not both);
- without a ``synthetic`` column: the rows are real records and read ``synthetic = False``;
- codes and months in ASCII digits only (``C３`` is not a category), numbers finite;
- a date naming only a month (``2017-06``) is read as the month's last day in deadline
  columns (``deadline``, ``due``, ``due_on``) and refused elsewhere, never read as the 1st.

Writers are atomic: a file is written beside its target and renamed over it only when complete.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from reformlib.data import schemas
from reformlib.data.paths import REFERENCE, data_folder
from reformlib.data.reading import absent_values, read_table
from reformlib.data.schemas import Table
from reformlib.errors import DataValidationError, Problem

__all__ = ["LOADERS", "atomic_write", "load_documents", "load_indicators", "load_inspections", "load_observations",
           "load_pilots", "load_progress", "load_ratings", "load_recognitions", "load_reference", "load_tasks", "load_units",
           "plausible_range", "read_table", "table_path", "write_table"]

# ------------------------------------------------------------------------- cross-table rules
def _known(column: str, allowed: Iterable[str], what: str) -> Callable[[pd.DataFrame], list[Problem]]:
    allowed = set(allowed)

    def check(df: pd.DataFrame) -> list[Problem]:
        rows = np.flatnonzero(~df[column].isin(allowed).to_numpy() & df[column].notna().to_numpy())
        return [Problem(int(i) + 1, column, f"unknown {what}", df[column].iloc[i]) for i in rows]

    return check


def _not_before(later: str, earlier: str) -> Callable[[pd.DataFrame], list[Problem]]:
    def check(df: pd.DataFrame) -> list[Problem]:
        rows = np.flatnonzero((df[later] < df[earlier]).to_numpy())
        return [Problem(int(i) + 1, later, f"must not be before {earlier} ({df[earlier].iloc[i].date()})", df[later].iloc[i].date())
                for i in rows]

    return check


def _units_in(folder: Path) -> list[str]:
    return load_units(folder)["unit"].tolist()


def table_path(folder, table: Table) -> Path:
    """The file of ``table`` in ``folder`` (a data folder or a store): its own file name, or
    the same name as ``.csv`` or ``.parquet`` instead (an export in one format); two of
    them at once is refused."""
    path = data_folder(folder) / table.file
    found = [p for p in (path, path.with_suffix(".csv"), path.with_suffix(".parquet")) if p.exists()]
    found = list(dict.fromkeys(found))
    if len(found) > 1:
        raise DataValidationError(path.parent, [Problem(None, None, f"both {found[0].name} and {found[1].name} exist: keep one, "
                                                        "so that it is clear which is read")])
    return found[0] if found else path


def plausible_range(indicators: pd.DataFrame) -> pd.DataFrame:
    """Each indicator's plausible range from the catalogue: ``valid_min`` (empty: 0) and
    ``valid_max`` (empty: 100 for a percentage, no limit otherwise), indexed by indicator."""
    cat = indicators.set_index("indicator")
    low = cat["valid_min"].astype(float).fillna(0.0)
    high = cat["valid_max"].astype(float).where(cat["valid_max"].notna(), np.where(cat["measure_unit"] == "%", 100.0, np.inf))
    return pd.DataFrame({"low": low, "high": high.astype(float), "measure_unit": cat["measure_unit"]})


# ----------------------------------------------------------------------------- loaders
def load_units(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Units and departments: ``unit`` (str code), ``name_zh``, ``name_en``, ``kind``,
    ``parent``, ``territorial`` (bool). See :data:`reformlib.data.schemas.UNITS`."""
    return read_table(schemas.UNITS, table_path(folder, schemas.UNITS))


def load_indicators(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """The indicator catalogue: direction, band edges, family, annual rule, target, source."""

    def bands(df: pd.DataFrame) -> list[Problem]:
        out = []
        for i, r in enumerate(df.itertuples(index=False), start=1):
            if r.direction == "band" and (pd.isna(r.band_low) or pd.isna(r.band_high)):
                out.append(Problem(i, "band_low", "a band indicator needs band_low and band_high"))
            elif r.direction == "band" and r.band_low > r.band_high:
                out.append(Problem(i, "band_low", f"band_low exceeds band_high ({r.band_high:g})", r.band_low))
        return out

    return read_table(schemas.INDICATORS, table_path(folder, schemas.INDICATORS), extra_checks=[bands])


def load_observations(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Monthly values in long format: ``unit`` (str), ``indicator``, ``period`` (Period[M]),
    ``value`` (float), ``synthetic`` (bool), from ``observations.parquet`` or ``observations.csv``.

    Refuses a value outside its indicator's plausible range (:func:`plausible_range`).
    """
    folder = data_folder(folder)
    ranges = plausible_range(load_indicators(folder))

    def plausible(df: pd.DataFrame) -> list[Problem]:
        r = ranges.reindex(df["indicator"])
        out_of = (df["value"].to_numpy() < r["low"].to_numpy()) | (df["value"].to_numpy() > r["high"].to_numpy())
        return [Problem(int(i) + 1, "value", f"outside the catalogue's plausible range {r['low'].iloc[i]:g} to {r['high'].iloc[i]:g} "
                        f"{r['measure_unit'].iloc[i]} for {df['indicator'].iloc[i]}", df["value"].iloc[i]) for i in np.flatnonzero(out_of)]

    checks = [_known("unit", _units_in(folder), "unit"),
              _known("indicator", ranges.index, "indicator (not in indicators.csv)"), plausible]
    return read_table(schemas.OBSERVATIONS, table_path(folder, schemas.OBSERVATIONS), extra_checks=checks)


def load_tasks(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """The task ledger: one row per annual reform task (see :data:`reformlib.data.schemas.TASKS`)."""
    folder = data_folder(folder)
    checks = [_known("lead_unit", _units_in(folder), "lead unit"), _not_before("deadline", "start")]
    return read_table(schemas.TASKS, table_path(folder, schemas.TASKS), extra_checks=checks)


def load_progress(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Monthly progress reports: ``task_id``, ``period`` (Period[M]), ``progress`` (cumulative %).

    Refuses a report for an unknown task, a report before the task's start month,
    progress that goes backwards and a file whose every value lies in [0, 1] with some
    strictly between (fractions, not percent).
    """
    folder = data_folder(folder)
    tasks = load_tasks(folder)
    start = dict(zip(tasks["task_id"], tasks["start"].dt.to_period("M")))

    def monotone(df: pd.DataFrame) -> list[Problem]:
        out = []
        order = df.sort_values(["task_id", "period"])
        prev = order.groupby("task_id")["progress"].shift()
        for i in order.index[(order["progress"] < prev).to_numpy()]:
            out.append(Problem(int(i) + 1, "progress", f"goes backwards for {df.at[i, 'task_id']} (was {prev[i]:g} the month before)",
                               df.at[i, "progress"]))
        early = df["task_id"].map(start)
        for i in np.flatnonzero((early.notna() & (df["period"] < early)).to_numpy()):
            out.append(Problem(int(i) + 1, "period", f"report before the task starts ({early.iloc[i]})", str(df["period"].iloc[i])))
        return out

    def not_fractions(df: pd.DataFrame) -> list[Problem]:
        p = df["progress"].dropna()
        if len(p) and p.max() <= 1 and ((p > 0) & (p < 1)).any():
            return [Problem(None, "progress", "every value lies between 0 and 1: progress looks written as fractions "
                            "(0.05 for 5 %); write it in percent, 0 to 100")]
        return []

    checks = [_known("task_id", start, "task (not in tasks.csv)"), not_fractions, monotone]
    return read_table(schemas.PROGRESS, table_path(folder, schemas.PROGRESS), extra_checks=checks)


def load_documents(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Reform documents to be issued: due date, issue date, leading-group review."""
    folder = data_folder(folder)
    return read_table(schemas.DOCUMENTS, table_path(folder, schemas.DOCUMENTS),
                      extra_checks=[_known("lead_unit", _units_in(folder), "lead unit")])


def load_inspections(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Inspection problems with found, due and rectified dates (empty while open)."""
    folder = data_folder(folder)
    checks = [_known("unit", _units_in(folder), "unit"), _not_before("rectified_on", "found_on"), _not_before("due_on", "found_on")]
    return read_table(schemas.INSPECTIONS, table_path(folder, schemas.INSPECTIONS), extra_checks=checks)


def load_pilots(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Pilots: level, unit, start, whether and when they became models, targeted indicators."""
    folder = data_folder(folder)
    known_ind = set(load_indicators(folder)["indicator"])

    def targets(df: pd.DataFrame) -> list[Problem]:
        out = []
        for i, v in enumerate(df["target_indicators"], start=1):
            for code in ([] if v is None else v.split(";")):
                if code.strip() not in known_ind:
                    out.append(Problem(i, "target_indicators", "unknown indicator", code))
        return out

    checks = [_known("unit", _units_in(folder), "unit"), targets]
    return read_table(schemas.PILOTS, table_path(folder, schemas.PILOTS), extra_checks=checks)


def load_recognitions(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Recognition of units' reforms by higher levels (the basis of bonus points)."""
    folder = data_folder(folder)
    return read_table(schemas.RECOGNITIONS, table_path(folder, schemas.RECOGNITIONS),
                      extra_checks=[_known("unit", _units_in(folder), "unit")])


def load_ratings(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Qualitative grades given to each unit by rater groups (self, peer, leader, public)."""
    folder = data_folder(folder)
    return read_table(schemas.RATINGS, table_path(folder, schemas.RATINGS),
                      extra_checks=[_known("unit", _units_in(folder), "unit")])


def load_reference(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """The source document's own figures (real), one row per figure with its source sentence."""
    folder = Path(folder) if folder is not None else REFERENCE
    return read_table(schemas.REFERENCE, folder / schemas.REFERENCE.file)


LOADERS: dict[str, Callable[..., pd.DataFrame]] = {
    "units": load_units, "indicators": load_indicators, "observations": load_observations,
    "tasks": load_tasks, "progress": load_progress, "documents": load_documents,
    "inspections": load_inspections, "pilots": load_pilots, "recognitions": load_recognitions,
    "ratings": load_ratings,
}


# ----------------------------------------------------------------------------- writing
def _to_text_frame(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    out = {}
    for c in table.columns:
        s = df[c.name]
        if c.kind == "date":
            out[c.name] = pd.to_datetime(s).dt.strftime("%Y-%m-%d").where(s.notna(), "")
        elif c.kind == "month":
            out[c.name] = s.astype(str)
        elif c.kind == "bool":
            out[c.name] = s.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else ("true" if v else "false"))
        else:
            out[c.name] = s
    return pd.DataFrame(out)


def swap_folder(staging: Path, folder: Path) -> Path:
    """Put the complete ``staging`` folder in the place of ``folder`` by renames (the old one,
    if any, is moved aside first and removed after), so a reader finds the old folder or the
    new one, never a half-written one."""
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return folder


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_table(df: pd.DataFrame, table: Table, folder: str | os.PathLike, *, suffix: str | None = None,
                bom: bool = False) -> Path:
    """Write ``df`` as ``table`` into ``folder`` atomically: as its own file name (CSV as
    UTF-8, Parquet for the panel), or with ``suffix`` ``.csv`` or ``.parquet`` instead;
    ``bom`` writes CSV with a byte-order mark (for Excel)."""
    path = Path(folder) / table.file
    if suffix is not None:
        if suffix not in (".csv", ".parquet"):
            raise ValueError(f"suffix must be .csv or .parquet, got {suffix!r}")
        path = path.with_suffix(suffix)
    missing = [c.name for c in table.columns if c.name not in df.columns and not c.optional]
    if missing:
        raise ValueError(f"cannot write {table.name}: columns missing {missing}")
    df = df.assign(**{k: v for k, v in absent_values(table, df.index).items() if k not in df.columns})
    frame = _to_text_frame(df, table)
    if path.suffix == ".parquet":
        for c in table.columns:
            if c.kind in ("str", "month", "date"):
                frame[c.name] = frame[c.name].astype("string")
            elif c.kind == "bool":
                frame[c.name] = df[c.name].astype(bool)
        return atomic_write(path, lambda p: frame.to_parquet(p, index=False))
    return atomic_write(path, lambda p: frame.to_csv(p, index=False, encoding="utf-8-sig" if bom else "utf-8",
                                                         lineterminator="\n"))
