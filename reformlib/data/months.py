"""Reading only what a question needs: the observations of some months, units or indicators,
with the filter pushed down to the store or the Parquet file, and the facts of a data set
(its units, its months) read once, without loading the panel.

- :func:`load_months` returns exactly the rows, columns and types
  :func:`reformlib.data.io.load_observations` gives for the same filter (same order: a
  store's rows by unit, indicator and period; a folder's in file order). From a store it is
  one DuckDB query (``WHERE period BETWEEN ... AND unit IN ...``); from
  ``observations.parquet`` a ``pyarrow.dataset`` scan with the filter; a CSV panel is read
  whole by its loader and then filtered (CSV offers nothing to push a filter into). Text
  columns are converted through their distinct values (a few thousand codes, a few hundred
  months), never element by element.
- Validation: a store records each full validation of a table in its ``checks`` table
  (:func:`revalidate`); a store table checked since the last write is read without being
  checked again. Otherwise (a folder, a store never or no longer checked) the rows read are
  checked by the loader's rules for them: pattern and known unit, known indicator, a month
  ``YYYY-MM``, a finite value inside the catalogue's plausible range, the key once.
- :func:`revalidate` checks a whole store by every rule a folder's loaders apply (the panel
  in SQL, in one pass; the other tables through the loaders) and records the check.
- :func:`data_units`, :func:`data_months`, :func:`complete_months` answer from the store's
  tables or the folder's files without reading the panel into pandas.
- :func:`period_tables`: every table the evaluation reads, for one assessment period, the
  panel cut to the two years the period reads (:func:`period_months`).

May import: pandas, numpy, pyarrow, duckdb and the modules of :mod:`reformlib.data`,
:mod:`reformlib.errors` and :mod:`reformlib.provenance`.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from reformlib.data import io, schemas
from reformlib.data.dataset import is_store, snapshot, store_tables, tables_on, write_dataset
from reformlib.data.paths import DEMO, data_folder
from reformlib.data.periods import MONTH_PATTERN, as_month, as_period, is_month
from reformlib.data.store import Store
from reformlib.errors import DataValidationError, MissingDataError, Problem
from reformlib.provenance import file_sha256, frame_sha256

__all__ = ["RULES", "KeyProblem", "complete_months", "data_months", "data_units", "load_months", "observation_problems",
           "period_months", "period_tables", "revalidate", "schema_version", "typed_observations"]

#: Version of the rules beyond the schema that a check of the panel applies (known unit and
#: indicator, plausible range); a check recorded under other rules does not count.
RULES = "observations-rules-1"
_OBS = schemas.OBSERVATIONS


def schema_version(table: str) -> str:
    """What a recorded check of ``table`` must have been made under to count."""
    return f"{schemas.TABLES[table].version}+{RULES}" if table in schemas.TABLES else RULES


@dataclass(frozen=True)
class KeyProblem(Problem):
    """A problem in a stored or filtered row, located by its key (unit, indicator, period)."""

    key: tuple = ()
    table: str = "observations"

    def __str__(self) -> str:
        names = schemas.TABLES[self.table].key
        where = ", ".join(f"{n} {v}" for n, v in zip(names, self.key)) or "all rows"
        col = f", column {self.column!r}" if self.column else ""
        val = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}{col}: {self.rule}{val}"


# ----------------------------------------------------------------------------- filters
def _month_range(months) -> tuple[str, str] | None:
    """``None`` (every month), one month, or ``(first, last)``: the range as ``YYYY-MM`` text."""
    if months is None:
        return None
    if isinstance(months, tuple | list) and len(months) == 2:
        first, last = as_month(months[0], name="first month"), as_month(months[1], name="last month")
    else:
        first = last = as_month(months)
    if first > last:
        raise ValueError(f"the first month {first} is after the last {last}")
    return str(first), str(last)


def period_months(period: str | pd.Period) -> tuple[pd.Period, pd.Period]:
    """The months an assessment period reads: from January of the year before its year (the
    base of flows) to its last month (``2017-06`` reads 2016-01 to 2017-06)."""
    last = as_period(period).asfreq("M", how="end")
    return pd.Period(f"{last.year - 1}-01", "M"), last


def _codes(values: Iterable | None, what: str) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    out = [schemas.unit_code(v) if what == "unit" else str(v) for v in values]
    return list(dict.fromkeys(out))


# ----------------------------------------------------------------------------- types
def _words(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A text column as (distinct values as an object array with None last, index per row)."""
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not pa.types.is_dictionary(arr.type):
        arr = pc.dictionary_encode(arr)
    words = [w.strip() if isinstance(w, str) else w for w in arr.dictionary.to_pylist()]
    words = [None if w == "" else w for w in words]
    vocab = np.empty(len(words) + 1, dtype=object)
    vocab[:-1] = words
    return vocab, pc.fill_null(arr.indices, len(words)).to_numpy(zero_copy_only=False).astype(np.int64)


def _ranks(vocab: np.ndarray) -> np.ndarray:
    """Each distinct value's place in text order (None last), as the store orders text."""
    words = vocab[:-1]
    ranks = np.empty(len(vocab), dtype=np.int64)
    ranks[np.argsort(words.astype(str), kind="stable")] = np.arange(len(words))
    ranks[-1] = len(words)
    return ranks


def typed_observations(table: pa.Table, *, sort: bool = False) -> tuple[pd.DataFrame, np.ndarray]:
    """The loader's typed frame from an Arrow table (unit, indicator, period as ``YYYY-MM``
    text, value, synthetic), and a mask of rows whose period is not a month ``YYYY-MM``
    (left NaT). Text goes through its distinct values: one conversion per code or month.
    ``sort``: rows ordered by unit, indicator and period (as text), as a store lists them."""
    words = {name: _words(table.column(name)) for name in ("unit", "indicator", "period")}
    order = None
    if sort and table.num_rows:
        order = np.lexsort(tuple(_ranks(words[n][0])[words[n][1]] for n in ("period", "indicator", "unit")))
        words = {n: (vocab, idx[order]) for n, (vocab, idx) in words.items()}
    cols = {}
    for name in ("unit", "indicator"):
        vocab, idx = words[name]
        cols[name] = vocab[idx]
    vocab, idx = words["period"]
    ordinals = np.full(len(vocab), np.iinfo(np.int64).min, dtype=np.int64)
    ok = np.array([is_month(w) for w in vocab], dtype=bool)
    if ok.any():
        ordinals[ok] = pd.PeriodIndex(list(vocab[ok]), freq="M").asi8
    bad = ~ok[idx] & (vocab[idx] != None)  # noqa: E711 - elementwise comparison with None
    cols["period"] = pd.arrays.PeriodArray(ordinals[idx], dtype=pd.PeriodDtype("M"))
    cols["value"] = table.column("value").to_numpy().astype(float)
    if "synthetic" in table.column_names:
        cols["synthetic"] = pc.fill_null(table.column("synthetic").cast(pa.bool_()), False).to_numpy().astype(bool)
    else:
        cols["synthetic"] = np.zeros(table.num_rows, dtype=bool)
    if order is not None:
        cols["value"], cols["synthetic"] = cols["value"][order], cols["synthetic"][order]
    return pd.DataFrame(cols), bad


def typed_table(table: schemas.Table, frame: pd.DataFrame) -> pd.DataFrame:
    """A small table as read from a store by SQL, in the types its loader gives (text as
    ``str`` or None, dates as ``datetime64[ns]``, months as ``Period[M]``, a column the store
    lacks as the loader fills it), without checking its rules: for a table the store's
    recorded check covers."""
    out = {}
    for c in table.columns:
        s = frame[c.name] if c.name in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        if c.kind == "str":
            out[c.name] = s.astype(object).where(s.notna(), None)
        elif c.kind == "float":
            out[c.name] = pd.to_numeric(s).astype(float)
        elif c.kind == "int":
            out[c.name] = pd.to_numeric(s).astype("Int64")
        elif c.kind == "bool" and c.name not in frame.columns:
            out[c.name] = pd.Series(False, index=frame.index, dtype=bool)
        elif c.kind == "bool":
            out[c.name] = s.astype(bool) if not c.nullable else s.astype(object).where(s.notna(), None)
        elif c.kind == "date":
            out[c.name] = pd.to_datetime(s).astype("datetime64[ns]")
        else:  # month
            out[c.name] = pd.PeriodIndex(s.astype(object).where(s.notna(), None), freq="M").to_series(index=frame.index)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


# ----------------------------------------------------------------------------- checks
def observation_problems(frame: pd.DataFrame, units: Iterable[str], indicators: pd.DataFrame, *,
                         bad_period: np.ndarray | None = None) -> list[Problem]:
    """Every row of a typed observations frame breaking a rule of the loader (vectorised),
    located by its key: empty or malformed unit, unknown unit or indicator, a period that is
    not a month, a value missing, not finite or outside the plausible range, a key twice."""
    problems: list[Problem] = []
    unit, ind, value = frame["unit"], frame["indicator"], frame["value"].to_numpy(float)
    ranges = io.plausible_range(indicators)
    known_units = set(units)

    def add(mask: np.ndarray, column: str, rule, values) -> None:
        for i in np.flatnonzero(mask)[:1000]:
            key = (unit.iat[i], ind.iat[i], str(frame["period"].iat[i]))
            problems.append(KeyProblem(None, column, rule(i) if callable(rule) else rule, values[i], key=key))

    unit_ok = unit.str.fullmatch(r"[0-9a-z_]+").fillna(False).to_numpy(bool)
    add(unit.isna().to_numpy(), "unit", "must not be empty", unit.to_numpy())
    add(~unit_ok & unit.notna().to_numpy(), "unit", "must match ^[0-9a-z_]+$", unit.to_numpy())
    add(unit_ok & ~unit.isin(known_units).to_numpy(), "unit", "unknown unit", unit.to_numpy())
    add(ind.isna().to_numpy(), "indicator", "must not be empty", ind.to_numpy())
    add(ind.notna().to_numpy() & ~ind.isin(ranges.index).to_numpy(), "indicator", "unknown indicator (not in indicators.csv)",
        ind.to_numpy())
    if bad_period is not None:
        add(bad_period, "period", "must be a month YYYY-MM", frame["period"].astype(str).to_numpy())
    add(frame["period"].isna().to_numpy() & (bad_period is None or ~bad_period), "period", "must not be empty",
        np.full(len(frame), None))
    add(np.isnan(value), "value", "must not be empty", np.full(len(frame), None))
    add(np.isinf(value), "value", "must be a finite number", value)
    r = ranges.reindex(ind.to_numpy())
    low, high = r["low"].to_numpy(float), r["high"].to_numpy(float)
    outside = np.isfinite(value) & ((value < low) | (value > high))
    add(outside, "value", lambda i: f"outside the catalogue's plausible range {low[i]:g} to {high[i]:g} "
        f"{r['measure_unit'].iat[i]} for {ind.iat[i]}", value)
    dup = frame.duplicated(["unit", "indicator", "period"], keep=False).to_numpy()
    add(dup, None, "duplicate key (unit, indicator, period)", np.full(len(frame), None))
    return problems


def _store_catalogue(con) -> tuple[list[str], pd.DataFrame]:
    units = [r[0] for r in con.execute("SELECT unit FROM units").fetchall()]
    cat = con.execute("SELECT * FROM indicators").df().reindex(columns=schemas.INDICATORS.names)
    return units, cat


_OBS_CHECK = f"""
SELECT o.unit, o.indicator, o.period, o.value,
  CASE WHEN o.unit IS NULL THEN 'unit|must not be empty'
       WHEN NOT regexp_full_match(o.unit, '[0-9a-z_]+') THEN 'unit|must match ^[0-9a-z_]+$'
       WHEN u.unit IS NULL THEN 'unit|unknown unit'
       WHEN o.indicator IS NULL THEN 'indicator|must not be empty'
       WHEN r.indicator IS NULL THEN 'indicator|unknown indicator (not in indicators.csv)'
       WHEN o.period IS NULL THEN 'period|must not be empty'
       WHEN NOT regexp_full_match(o.period, '{MONTH_PATTERN}') THEN 'period|must be a month YYYY-MM'
       WHEN NOT isfinite(o.value) THEN 'value|must be a finite number'
       WHEN o.value < r.low OR o.value > r.high THEN
            'value|outside the catalogue''s plausible range ' || r.low_text || ' to ' || r.high_text || ' '
            || r.measure_unit || ' for ' || o.indicator
  END AS problem
FROM observations o LEFT JOIN (SELECT DISTINCT unit FROM units) u ON u.unit = o.unit
     LEFT JOIN ranges r ON r.indicator = o.indicator
WHERE o.value IS NOT NULL AND problem IS NOT NULL
ORDER BY o.unit, o.indicator, o.period LIMIT 1000"""


def revalidate(store: str | os.PathLike) -> dict[str, int]:
    """Check a whole store by every rule a data folder's loaders apply and record the check
    (``checks``: table, schema version, rows, content hash, store version, time); the rows
    checked per table. Raises :class:`~reformlib.errors.DataValidationError` naming the store
    and, for each problem, the table, the row (by key for the panel), column and rule; nothing
    is recorded then. The panel is checked in SQL in one pass; the other tables are written
    to a temporary folder and read back through the loaders."""
    db = Store(store)
    if not db.path.exists():
        raise MissingDataError(f"the store {db.path} does not exist")
    for _ in range(5):
        with db.reading() as con:
            version = db.version(con)
            units, cat = _store_catalogue(con)
            ranges = io.plausible_range(cat).reset_index()
            ranges["low_text"] = ranges["low"].map(lambda v: f"{v:g}")
            ranges["high_text"] = ranges["high"].map(lambda v: f"{v:g}")
            con.register("ranges", ranges)
            found = con.execute(_OBS_CHECK).df()
            obs_rows, obs_hash = con.execute("SELECT count(*), coalesce(bit_xor(hash(unit, indicator, period, value, "
                                             "synthetic)), 0) FROM observations").fetchone()
            present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            hashes = {t: con.execute(f"SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM {t} t").fetchone()
                      for t in (*schemas.TABLES, "inspection_updates") if t in present and t != "observations"}
        tables = store_tables(db.path, observations=False)
        with db.reading() as con:
            if db.version(con) == version:
                break
    else:
        raise RuntimeError(f"{db.path} kept changing while it was checked: try again when no ingestion runs")
    problems: list[Problem] = []
    for rec in found.itertuples(index=False):
        column, rule = rec.problem.split("|", 1)
        value = rec.value if column == "value" else getattr(rec, column)
        problems.append(KeyProblem(None, column, f"table observations: {rule}", value, key=(rec.unit, rec.indicator, rec.period)))
    with tempfile.TemporaryDirectory(prefix=".revalidate.", dir=db.path.parent) as tmp:
        folder = write_dataset(tables, Path(tmp) / "tables", fmt="csv")
        for name in tables:
            try:
                io.LOADERS[name](folder)
            except DataValidationError as err:
                problems += [Problem(p.row, p.column, f"table {name}: {p.rule}", p.value) for p in err.problems]
    if problems:
        raise DataValidationError(db.path, problems)
    checks = [("observations", schema_version("observations"), int(obs_rows), f"{obs_hash:016x}", RULES)]
    checks += [(t, schema_version(t), int(n), f"{h:016x}", RULES)
               for t, (n, h) in hashes.items()]
    db.record_checks(checks, version=version)
    return {t: n for t, _, n, _, _ in checks}


# ----------------------------------------------------------------------------- reading
def _where(span: tuple[str, str] | None, units: list[str] | None, indicators: list[str] | None, *,
           table: str = "") -> tuple[str, list]:
    t = f"{table}." if table else ""
    clauses, params = [f"{t}value IS NOT NULL"], []
    if span is not None:
        clauses.append(f"{t}period BETWEEN ? AND ?")
        params += list(span)
    for name, values in (("unit", units), ("indicator", indicators)):
        if values is not None:
            clauses.append(f"{t}{name} IN (SELECT unnest(?))")
            params.append(values)
    return " AND ".join(clauses), params


def _from_store(path: Path, span, units, indicators, con=None) -> tuple[pd.DataFrame, dict | None]:
    if con is None:
        with Store(path).reading() as con:
            return _from_store(path, span, units, indicators, con)
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "observations" not in present:
        raise MissingDataError(f"the store {path} holds no observations table: ingest indicator values first")
    check = Store.checked(con, "observations", schema_version("observations"))
    if check is not None:  # checked: every code is in its table and every period a month, so read numbers only
        return _checked_rows(con, *_where(span, units, indicators, table="o")), check
    where, params = _where(span, units, indicators)
    arrow = con.execute(f"SELECT unit, indicator, period, value, synthetic FROM observations WHERE {where}",
                        params).to_arrow_table()
    catalogue = _store_catalogue(con)
    frame, bad = typed_observations(arrow, sort=True)  # in numpy: faster than the query's ORDER BY
    problems = observation_problems(frame, catalogue[0], catalogue[1], bad_period=bad)
    if problems:
        raise DataValidationError(path, problems)
    return frame, check


def _checked_rows(con, where: str, params: list) -> pd.DataFrame:
    """The rows of a checked panel as numbers: each code as its place among its table's
    codes in text order, each period as its month number; then sorted and typed in numpy."""
    units = np.asarray([r[0] for r in con.execute("SELECT DISTINCT unit FROM units ORDER BY unit").fetchall()], dtype=object)
    inds = np.asarray([r[0] for r in con.execute("SELECT DISTINCT indicator FROM indicators ORDER BY indicator").fetchall()],
                      dtype=object)
    cols = con.execute(f"""
        SELECT u.k AS u, i.k AS i,
               (CAST(substr(o.period, 1, 4) AS INTEGER) - 1970) * 12 + CAST(substr(o.period, 6, 2) AS INTEGER) - 1 AS p,
               o.value AS value, coalesce(o.synthetic, false) AS synthetic
        FROM observations o
        JOIN (SELECT unit, CAST(row_number() OVER (ORDER BY unit) - 1 AS INTEGER) AS k FROM (SELECT DISTINCT unit FROM units)) u
          ON o.unit = u.unit
        JOIN (SELECT indicator, CAST(row_number() OVER (ORDER BY indicator) - 1 AS INTEGER) AS k
              FROM (SELECT DISTINCT indicator FROM indicators)) i ON o.indicator = i.indicator
        WHERE {where}""", params).fetchnumpy()
    u, i, per = (np.asarray(cols[c]) for c in ("u", "i", "p"))
    order = np.lexsort((per, i, u))
    return pd.DataFrame({"unit": units[u[order]], "indicator": inds[i[order]],
                         "period": pd.arrays.PeriodArray(per[order].astype(np.int64), dtype=pd.PeriodDtype("M")),
                         "value": np.asarray(cols["value"], dtype=float)[order],
                         "synthetic": np.asarray(cols["synthetic"], dtype=bool)[order]})


def _from_folder(folder: Path, span, units, indicators) -> pd.DataFrame:
    path = io.table_path(folder, _OBS)
    if not path.exists():
        io.load_observations(folder)  # raises the loader's MissingDataError
    text = False
    if path.suffix == ".parquet":
        try:
            dataset = ds.dataset(path, format="parquet")
            schema = dataset.schema
            text = all(n in schema.names and (pa.types.is_string(schema.field(n).type) or pa.types.is_large_string(
                schema.field(n).type)) for n in ("unit", "indicator", "period"))
        except (pa.ArrowInvalid, OSError):
            text = False
    if not text:  # CSV, or a Parquet file the loader must interpret: read whole, then filter
        frame = io.load_observations(folder)
        keep = np.ones(len(frame), dtype=bool)
        if span is not None:
            keep &= ((frame["period"] >= pd.Period(span[0], "M")) & (frame["period"] <= pd.Period(span[1], "M"))).to_numpy()
        if units is not None:
            keep &= frame["unit"].isin(units).to_numpy()
        if indicators is not None:
            keep &= frame["indicator"].isin(indicators).to_numpy()
        return frame[keep].reset_index(drop=True)
    flt = None
    conditions = []
    if span is not None:
        conditions += [ds.field("period") >= span[0], ds.field("period") <= span[1]]
    if units is not None:
        conditions.append(ds.field("unit").isin(units))
    if indicators is not None:
        conditions.append(ds.field("indicator").isin(indicators))
    for c in conditions:
        flt = c if flt is None else flt & c
    columns = [c for c in ("unit", "indicator", "period", "value", "synthetic") if c in schema.names]
    try:
        arrow = dataset.to_table(columns=columns, filter=flt)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataValidationError(path, [Problem(None, None, f"not a readable Parquet file (truncated or damaged?): {exc}")]) from None
    frame, bad = typed_observations(arrow)
    problems = observation_problems(frame, io.load_units(folder)["unit"], io.load_indicators(folder), bad_period=bad)
    if problems:
        raise DataValidationError(path, problems)
    return frame


def load_months(data: str | os.PathLike | None = None, months=None, *, units: Iterable | None = None,
                indicators: Iterable | None = None) -> pd.DataFrame:
    """The observations of ``months`` (one month ``YYYY-MM``, or ``(first, last)``; None:
    all), of ``units`` and ``indicators`` (None: all) from a store or a data folder (default:
    the demonstration set): the frame :func:`~reformlib.data.io.load_observations` returns,
    cut to those rows (index 0..n-1), read with the filter pushed down (see the module).

    >>> load_months("data/national_synthetic.duckdb", "2017-12", units=["110121"])  # doctest: +SKIP
    """
    span = _month_range(months)
    unit_codes, ind_codes = _codes(units, "unit"), _codes(indicators, "indicator")
    path = Path(data) if data is not None else Path(os.environ.get("REFORMLIB_DATA") or DEMO)
    if is_store(path):
        if not path.exists():
            data_folder(path)  # builds the demonstration store, or raises naming the store
        return _from_store(path, span, unit_codes, ind_codes)[0]
    return _from_folder(path, span, unit_codes, ind_codes)


def period_tables(data: str | os.PathLike, names: Sequence[str], *, period: str | pd.Period,
                  indicators: Iterable[str] | None = None) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """For a store: the tables ``names`` one assessment ``period`` reads, the panel cut to
    :func:`period_months` (and to ``indicators``); the other tables by SQL when the store's
    recorded checks cover them all (:func:`typed_table`), else from its catalogue snapshot
    through their loaders. And what identifies each: the content hash the store's check
    recorded, else the SHA-256 of its snapshot file (for the panel: of the rows read), with
    the months read."""
    path = Path(data)
    first, last = period_months(period)
    ind = _codes(indicators, "indicator")
    frames, hashes = {}, {}
    small = [n for n in names if n != "observations"]
    window = None
    with Store(path).reading() as con:  # one connection, one version of the store
        checks = {n: Store.checked(con, n, schema_version(n)) for n in (*small, "inspection_updates")}
        trusted = all(checks[n] is not None for n in small) and ("inspections" not in small or checks["inspection_updates"])
        if trusted:  # every table checked since the last write: read by SQL, not checked again
            tables = tables_on(lambda q: con.execute(q).df(), path, observations=False)
            for name in small:
                frames[name] = typed_table(schemas.TABLES[name], tables[name])
                hashes[schemas.TABLES[name].file] = f"checked table {checks[name]['table_hash']}"
        if "observations" in names:
            window = _from_store(path, (str(first), str(last)), None, ind, con)
    folder = None if trusted else snapshot(path, observations=False)
    for name in names:
        if name in frames:
            continue
        if name == "observations":
            frame, check = window
            frames[name] = frame
            scope = f"{first}..{last}" + (f", {len(ind)} indicators" if ind is not None else "")
            hashes[_OBS.file] = (f"checked table {check['table_hash']} ({scope})" if check is not None
                                 else f"{frame_sha256(frame)} ({scope})")
        else:
            frames[name] = io.LOADERS[name](folder)
            hashes[schemas.TABLES[name].file] = file_sha256(io.table_path(folder, schemas.TABLES[name]))
    return frames, hashes


# ----------------------------------------------------------------------------- facts
def data_units(data: str | os.PathLike | None = None) -> pd.DataFrame:
    """The units table of a data set (a store's own table by SQL, a folder's ``units.csv``
    through its loader): unit, names, kind, parent, territorial, in the data's order."""
    path = Path(data) if data is not None else Path(os.environ.get("REFORMLIB_DATA") or DEMO)
    if is_store(path) and path.exists():
        with Store(path).reading() as con:
            present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            if "units" not in present:
                raise MissingDataError(f"the store {path} holds no units table: put a data folder's tables into it with "
                                       f"`python -m reformlib ingest --tables FOLDER --store {path}`")
            frame = con.execute("SELECT * FROM units").df()
        frame = frame.reindex(columns=schemas.UNITS.names)
        frame["territorial"] = frame["territorial"].fillna(False).astype(bool)
        frame["parent"] = frame["parent"].astype(object).where(frame["parent"].notna(), None)
        return frame
    return io.load_units(data_folder(path))


def _series_counts(data) -> tuple[int, pd.DataFrame]:
    """The number of (unit, indicator) series with a value, and per month how many have one
    (one read: a store by SQL, ``observations.parquet`` by its four columns, a CSV panel
    through its loader)."""
    path = Path(data) if data is not None else Path(os.environ.get("REFORMLIB_DATA") or DEMO)
    if is_store(path) and path.exists():
        with Store(path).reading() as con:
            series = con.execute("SELECT count(DISTINCT (unit, indicator)) FROM observations WHERE value IS NOT NULL").fetchone()[0]
            counts = con.execute("SELECT period, count(DISTINCT (unit, indicator)) AS n FROM observations "
                                 "WHERE value IS NOT NULL GROUP BY period ORDER BY period").df()
        return int(series), counts
    folder = data_folder(path)
    file = io.table_path(folder, _OBS)
    if file.suffix == ".parquet" and file.exists():
        try:
            obs = pd.read_parquet(file, columns=["unit", "indicator", "period", "value"])
        except Exception as exc:  # noqa: BLE001 - pyarrow raises many kinds for a damaged file
            cause = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DataValidationError(file, [Problem(None, None, f"cannot be read as Parquet: {cause}")]) from None
        obs = obs[obs["value"].notna()].assign(period=lambda d: d["period"].astype(str))
    else:
        obs = io.load_observations(folder).assign(period=lambda d: d["period"].astype(str))
    series = obs.groupby(["unit", "indicator"]).ngroups
    counts = obs.drop_duplicates(["unit", "indicator", "period"]).groupby("period").size().rename("n").reset_index()
    return series, counts.sort_values("period", ignore_index=True)


def data_months(data: str | os.PathLike | None = None) -> list[str]:
    """The months with any observation, ``YYYY-MM``, in order."""
    return [str(p) for p in _series_counts(data)[1]["period"]]


def complete_months(data: str | os.PathLike | None = None) -> list[str]:
    """Months in which every unit x indicator series of the data set has a value (from a
    store by SQL; from ``observations.parquet`` by its four columns; from a CSV panel
    through its loader)."""
    series, counts = _series_counts(data)
    return sorted(counts.loc[counts["n"] == series, "period"].astype(str))
