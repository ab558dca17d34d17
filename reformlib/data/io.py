"""Reading and writing reformlib's tables: the only module that touches data files.

Every loader reads one file of a data folder (``data/demo_synthetic`` unless told
otherwise, see :func:`reformlib.data.paths.data_folder`), converts its text to the types in
:mod:`reformlib.data.schemas`, checks every rule at once and returns a new DataFrame. A file
that breaks its schema raises one :class:`~reformlib.errors.DataValidationError` listing
every bad row (1-based data row; the header is line 1, so data row *n* is line *n + 1*),
column and rule. Writers are atomic: a file is written beside its target and renamed over
it only when complete.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors

from reformlib.data import schemas
from reformlib.data.paths import REFERENCE, data_folder
from reformlib.data.periods import month_column
from reformlib.data.schemas import Column, Table
from reformlib.errors import DataValidationError, MissingDataError, Problem

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


# ----------------------------------------------------------------------------- reading
def _read_raw(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise MissingDataError(
            f"{path} does not exist. Build the demonstration data with `make data` "
            "(or `python -m reformlib data`), or pass the folder that holds your own export."
        )
    if path.suffix == ".parquet":
        return pd.read_parquet(path).reset_index(drop=True)
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _blank(s: pd.Series) -> pd.Series:
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        return s.isna() | (s.astype(str).str.strip() == "")
    return s.isna()


def _convert(s: pd.Series, col: Column, problems: list[Problem]) -> pd.Series:
    """Convert one column to its type, adding a problem for every value that does not convert."""
    blank = _blank(s)

    def bad(mask: pd.Series, rule: str) -> None:
        for i in np.flatnonzero(mask.to_numpy()):
            problems.append(Problem(int(i) + 1, col.name, rule, s.iloc[i]))

    if col.kind == "str":
        if not (s.dtype == object or pd.api.types.is_string_dtype(s)):
            problems.append(Problem(None, col.name, f"must be stored as text (codes are strings such as '430300'), found {s.dtype}"))
            s = s.astype(str)
        out = s.astype(object).where(~blank, None)
        return out.map(lambda v: v.strip() if isinstance(v, str) else v)
    if col.kind in ("float", "int"):
        out = pd.to_numeric(s.where(~blank, None), errors="coerce").astype(float)
        bad(out.isna() & ~blank, "must be a number")
        if col.kind == "int":
            frac = out.notna() & (out != out.round())
            bad(frac, "must be a whole number")
            return out.astype("Int64")
        return out
    if col.kind == "bool":
        if pd.api.types.is_bool_dtype(s):
            return s.astype(bool)
        low = s.astype(str).str.strip().str.lower()
        ok = low.isin(_TRUE | _FALSE)
        bad(~ok & ~blank, "must be true or false")
        return low.isin(_TRUE).where(ok | ~blank, None).astype(object).where(~blank, None)
    if col.kind == "date":
        if pd.api.types.is_datetime64_any_dtype(s):
            return s.astype("datetime64[ns]")
        out = pd.to_datetime(s.where(~blank, None), format="ISO8601", errors="coerce")
        bad(out.isna() & ~blank, "must be a date YYYY-MM-DD")
        return out.astype("datetime64[ns]")
    if col.kind == "month":
        months, wrong = month_column(s)
        bad(wrong, "must be a month YYYY-MM")
        return months
    raise ValueError(f"unknown column kind {col.kind!r}")


def _pandera_problems(df: pd.DataFrame, table: Table, seen: set[tuple]) -> list[Problem]:
    try:
        table.pandera().validate(df, lazy=True)
    except pandera.errors.SchemaErrors as err:
        out = []
        for rec in err.failure_cases.to_dict("records"):
            idx = rec.get("index")
            row = None if idx is None or pd.isna(idx) else int(idx) + 1
            column = rec.get("column")
            column = None if column is None or (isinstance(column, float) and np.isnan(column)) else str(column)
            if (row, column) in seen:
                continue
            check = str(rec.get("check"))
            if check == "not_nullable":
                rule = "must not be empty"
            elif "unique" in check or check == "duplicates":
                rule = f"duplicate key ({', '.join(table.key)})"
            else:
                rule = check
            out.append(Problem(row, column, rule, rec.get("failure_case")))
        return out
    return []


def read_table(table: Table, path: Path, *, extra_checks: Iterable[Callable[[pd.DataFrame], list[Problem]]] = ()) -> pd.DataFrame:
    """Read ``path`` as ``table``: convert, validate, and return the typed frame.

    Raises :class:`DataValidationError` listing every problem, or :class:`MissingDataError`.
    """
    raw = _read_raw(path)
    missing = [c for c in table.names if c not in raw.columns]
    if missing:
        raise DataValidationError(path, [Problem(None, c, "required column is missing") for c in missing])
    problems: list[Problem] = []
    typed = pd.DataFrame({c.name: _convert(raw[c.name], c, problems) for c in table.columns}, index=raw.index)
    seen = {(p.row, p.column) for p in problems}
    problems += _pandera_problems(typed, table, seen)
    if not problems:
        for check in extra_checks:
            problems += check(typed)
    if problems:
        raise DataValidationError(path, sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    for c in table.columns:
        if c.kind == "bool" and not c.nullable:
            typed[c.name] = typed[c.name].astype(bool)
    return typed


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


def _path(folder, table: Table) -> Path:
    return data_folder(folder) / table.file


# ----------------------------------------------------------------------------- loaders
def load_units(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Units and departments: ``unit`` (str code), ``name_zh``, ``name_en``, ``kind``,
    ``parent``, ``territorial`` (bool). See :data:`reformlib.data.schemas.UNITS`."""
    return read_table(schemas.UNITS, _path(folder, schemas.UNITS))


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

    return read_table(schemas.INDICATORS, _path(folder, schemas.INDICATORS), extra_checks=[bands])


def load_observations(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Monthly values in long format: ``unit`` (str), ``indicator``, ``period`` (Period[M]),
    ``value`` (float), ``synthetic`` (bool)."""
    folder = data_folder(folder)
    checks = [_known("unit", _units_in(folder), "unit"),
              _known("indicator", load_indicators(folder)["indicator"], "indicator (not in indicators.csv)")]
    return read_table(schemas.OBSERVATIONS, _path(folder, schemas.OBSERVATIONS), extra_checks=checks)


def load_tasks(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """The task ledger: one row per annual reform task (see :data:`reformlib.data.schemas.TASKS`)."""
    folder = data_folder(folder)
    checks = [_known("lead_unit", _units_in(folder), "lead unit"), _not_before("deadline", "start")]
    return read_table(schemas.TASKS, _path(folder, schemas.TASKS), extra_checks=checks)


def load_progress(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Monthly progress reports: ``task_id``, ``period`` (Period[M]), ``progress`` (cumulative %).

    Refuses a report for an unknown task, a report before the task's start month and
    progress that goes backwards.
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

    checks = [_known("task_id", start, "task (not in tasks.csv)"), monotone]
    return read_table(schemas.PROGRESS, _path(folder, schemas.PROGRESS), extra_checks=checks)


def load_documents(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Reform documents to be issued: due date, issue date, leading-group review."""
    folder = data_folder(folder)
    return read_table(schemas.DOCUMENTS, _path(folder, schemas.DOCUMENTS),
                      extra_checks=[_known("lead_unit", _units_in(folder), "lead unit")])


def load_inspections(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Inspection problems with found, due and rectified dates (empty while open)."""
    folder = data_folder(folder)
    checks = [_known("unit", _units_in(folder), "unit"), _not_before("rectified_on", "found_on"), _not_before("due_on", "found_on")]
    return read_table(schemas.INSPECTIONS, _path(folder, schemas.INSPECTIONS), extra_checks=checks)


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
    return read_table(schemas.PILOTS, _path(folder, schemas.PILOTS), extra_checks=checks)


def load_recognitions(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Recognition of units' reforms by higher levels (the basis of bonus points)."""
    folder = data_folder(folder)
    return read_table(schemas.RECOGNITIONS, _path(folder, schemas.RECOGNITIONS),
                      extra_checks=[_known("unit", _units_in(folder), "unit")])


def load_ratings(folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Qualitative grades given to each unit by rater groups (self, peer, leader, public)."""
    folder = data_folder(folder)
    return read_table(schemas.RATINGS, _path(folder, schemas.RATINGS),
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


def write_table(df: pd.DataFrame, table: Table, folder: str | os.PathLike) -> Path:
    """Write ``df`` as ``table`` into ``folder`` atomically (CSV as UTF-8, Parquet for the panel)."""
    path = Path(folder) / table.file
    missing = [c for c in table.names if c not in df.columns]
    if missing:
        raise ValueError(f"cannot write {table.name}: columns missing {missing}")
    frame = _to_text_frame(df, table)
    if path.suffix == ".parquet":
        for c in table.columns:
            if c.kind in ("str", "month", "date"):
                frame[c.name] = frame[c.name].astype("string")
            elif c.kind == "bool":
                frame[c.name] = df[c.name].astype(bool)
        return atomic_write(path, lambda p: frame.to_parquet(p, index=False))
    return atomic_write(path, lambda p: frame.to_csv(p, index=False, encoding="utf-8", lineterminator="\n"))
