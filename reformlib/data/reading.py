"""Reading one table file: text or Parquet to a typed, validated DataFrame (see
:mod:`reformlib.data.io` for what a file may be and the loaders built on this).

May import: pandas, numpy, pandera and the modules of :mod:`reformlib.data` below it.
"""
from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors

from reformlib.data.paths import DEMO
from reformlib.data.periods import month_column
from reformlib.data.schemas import Column, Table
from reformlib.data.textfile import FileProblem, read_csv_records, records_frame
from reformlib.errors import DataValidationError, MissingDataError, Problem

__all__ = ["absent_values", "read_table"]

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH_ONLY = re.compile(r"[0-9]{4}-[0-9]{2}")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


# ----------------------------------------------------------------------------- reading
def _missing(path: Path) -> MissingDataError:
    if path.parent.resolve() == DEMO.resolve():
        return MissingDataError(f"{path} does not exist. Build the demonstration data with `make data` "
                                "(or `python -m reformlib data`).")
    return MissingDataError(f"{path} does not exist: the data folder {path.parent} must hold {path.name} "
                            "(reformlib/data/schemas.py lists each table's file and columns).")


def _read_parquet(path: Path) -> pd.DataFrame:
    if path.stat().st_size == 0:
        raise DataValidationError(path, [Problem(None, None, "the file is empty (0 bytes)")])
    try:
        return pd.read_parquet(path).reset_index(drop=True)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError or others for a damaged file
        raise DataValidationError(path, [Problem(None, None, f"not a readable Parquet file (truncated or damaged?): {exc}")]) from None


def _read_raw(path: Path) -> tuple[pd.DataFrame, list[int] | None]:
    """The file's columns (text for CSV) and, for CSV, the line each data row starts on."""
    if not path.exists():
        raise _missing(path)
    if path.suffix == ".parquet":
        return _read_parquet(path), None
    rec = read_csv_records(path)
    return records_frame(rec, path), rec.lines


def _blank(s: pd.Series) -> pd.Series:
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        return s.isna() | (s.astype(str).str.strip() == "")
    return s.isna()


def _ascii(s: pd.Series) -> pd.Series:
    return s.map(lambda v: not isinstance(v, str) or v.isascii()).astype(bool)


def _convert(s: pd.Series, col: Column, problems: list[Problem]) -> pd.Series:
    """Convert one column to its type, adding a problem for every value that does not convert."""
    blank = _blank(s)

    def bad(mask: pd.Series, rule: str) -> None:
        for i in np.flatnonzero(mask.to_numpy()):
            problems.append(Problem(int(i) + 1, col.name, rule, s.iloc[i]))

    text = s.dtype == object or pd.api.types.is_string_dtype(s)
    if col.kind == "str":
        if not text:
            problems.append(Problem(None, col.name, f"must be stored as text (codes are strings such as '430300'), found {s.dtype}"))
            s = s.astype(str)
        out = s.astype(object).where(~blank, None)
        return out.map(lambda v: v.strip() if isinstance(v, str) else v)
    if col.kind in ("float", "int"):
        if text:
            ok = s.map(lambda v: not isinstance(v, str) or _NUMBER.fullmatch(v.strip()) is not None).astype(bool)
            bad(~ok & ~blank, "must be a number written with ASCII digits (such as 53.2)")
            out = pd.to_numeric(s.where(ok & ~blank, None), errors="coerce").astype(float)
        else:
            out = pd.to_numeric(s.where(~blank, None), errors="coerce").astype(float)
            bad(out.isna() & ~blank, "must be a number")
        bad(pd.Series(np.isinf(out.to_numpy()), index=s.index), "must be a finite number")
        out = out.where(~np.isinf(out))
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
        return _dates(s, col, blank, bad)
    if col.kind == "month":
        if isinstance(s.dtype, pd.PeriodDtype):
            return s
        wide = ~_ascii(s) & ~blank
        bad(wide, "must be a month YYYY-MM in ASCII digits")
        months, wrong = month_column(s.where(~wide, None))
        bad(wrong, "must be a month YYYY-MM")
        return months
    raise ValueError(f"unknown column kind {col.kind!r}")


def _dates(s: pd.Series, col: Column, blank: pd.Series, bad: Callable[[pd.Series, str], None]) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.astype("datetime64[ns]")
    text = s.astype(object).where(~blank, None).map(lambda v: v.strip() if isinstance(v, str) else v)
    is_day = text.map(lambda v: isinstance(v, str) and _DATE.fullmatch(v) is not None).astype(bool)
    is_month = text.map(lambda v: isinstance(v, str) and _MONTH_ONLY.fullmatch(v) is not None).astype(bool)
    out = pd.to_datetime(text.where(is_day, None), format="%Y-%m-%d", errors="coerce")
    if col.month_means == "end":
        ends = pd.to_datetime(text.where(is_month, None), format="%Y-%m", errors="coerce") + pd.offsets.MonthEnd(0)
        out = out.where(~is_month, ends)
    else:
        bad(is_month, "names only a month: write the day, YYYY-MM-DD (a month is not read as its 1st)")
    bad(out.isna() & ~blank & ~(is_month & (col.month_means is None)), "must be a date YYYY-MM-DD")
    return out.astype("datetime64[ns]")


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


def _located(problems: list[Problem], lines: list[int] | None) -> list[Problem]:
    """Each problem with the file line of its row (CSV), sorted by row and column."""
    out = []
    for p in sorted(problems, key=lambda p: (p.row or 0, p.column or "")):
        if lines is not None and p.row is not None and not isinstance(p, FileProblem) and 1 <= p.row <= len(lines):
            p = FileProblem(p.row, p.column, p.rule, p.value, line=lines[p.row - 1])
        out.append(p)
    return out


def absent_values(table: Table, index: pd.Index) -> dict[str, pd.Series]:
    """The values of optional columns a file leaves out: False for a bool, else empty."""
    return {c.name: pd.Series(False if c.kind == "bool" else None, index=index, dtype=bool if c.kind == "bool" else object)
            for c in table.columns if c.optional}


#: Files read and checked as a table in this process, by (table, absolute path, SHA-256 of the
#: bytes), as converted and checked against the table before any ``extra_checks``; the last
#: :data:`_KEEP` of them, files up to :data:`_KEEP_BYTES` only.
_READ: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_KEEP = 32
_KEEP_BYTES = 4 * 2**20  # a data folder's small tables; a panel of millions of rows is read each time


def _cache_key(table: Table, path: Path) -> tuple | None:
    """The key of a file's reading in :data:`_READ`; None for a file not kept (absent or large)."""
    if not path.is_file() or path.stat().st_size > _KEEP_BYTES:
        return None
    return table, str(path.resolve()), hashlib.sha256(path.read_bytes()).hexdigest()


def _typed(table: Table, path: Path) -> tuple[pd.DataFrame, list[int] | None, list[Problem]]:
    """The file converted to the table's types, the line of each row (CSV), and the problems
    found by the conversion and the table's schema (a missing column or too few rows raise)."""
    raw, lines = _read_raw(path)
    missing = [c.name for c in table.columns if c.name not in raw.columns and not c.optional]
    if missing:
        raise DataValidationError(path, [Problem(None, c, "required column is missing") for c in missing])
    if len(raw) < table.min_rows:
        raise DataValidationError(path, [Problem(None, None, f"the file has no data rows: a {table.name} table needs at least "
                                                 f"{table.min_rows} row(s)")])
    problems: list[Problem] = []
    defaults = absent_values(table, raw.index)
    typed = pd.DataFrame({c.name: _convert(raw[c.name], c, problems) if c.name in raw.columns else defaults[c.name]
                          for c in table.columns}, index=raw.index)
    seen = {(p.row, p.column) for p in problems}
    problems += _pandera_problems(typed, table, seen)
    if not problems:
        for c in table.columns:
            if c.kind == "bool" and not c.nullable:
                typed[c.name] = typed[c.name].astype(bool)
            elif c.kind == "float" and c.name not in raw.columns:
                typed[c.name] = typed[c.name].astype(float)
    return typed, lines, problems


def read_table(table: Table, path: Path, *, extra_checks: Iterable[Callable[[pd.DataFrame], list[Problem]]] = ()) -> pd.DataFrame:
    """Read ``path`` as ``table``: convert, validate, and return the typed frame.

    Raises :class:`DataValidationError` listing every problem, or :class:`MissingDataError`.
    A file read before in this process as the same table, with the same bytes (by SHA-256),
    is not converted and checked against its table again: the caller gets a copy of that
    reading, and ``extra_checks`` (which may read other files) run every time.
    """
    key = _cache_key(table, path)
    kept = _READ.get(key) if key is not None else None
    lines = None
    if kept is not None:
        _READ.move_to_end(key)
        typed, problems = kept.copy(), []
    else:
        typed, lines, problems = _typed(table, path)
        if key is not None and not problems:
            _READ[key] = typed.copy()
            while len(_READ) > _KEEP:
                _READ.popitem(last=False)
    if not problems:
        for check in extra_checks:
            problems += check(typed)
    if problems:
        if lines is None and kept is not None:
            lines = _read_raw(path)[1]
        raise DataValidationError(path, _located(problems, lines))
    return typed


