"""The store of record: an embedded DuckDB file (no server; default ``data/store.duckdb``,
``$REFORMLIB_STORE`` overrides it) holding a whole data set, the current value of every
key and the full history of revisions.

Tables (SQL names): the catalogue and ledger tables of a data folder (``units``,
``indicators``, ``tasks``, ``documents``, ``inspections``, ``pilots``, ``recognitions``,
``ratings``: the columns of :mod:`reformlib.data.schemas`, dates as DATE); the submitted
values ``observations`` (unit, indicator, period), ``progress`` (task_id, period) and
``inspection_updates`` (problem_id), each with ``synthetic`` and the file it came from
(``file_sha256``, ``file_name``, ``sheet``, ``cell``) and ``ingested_at``;
``<table>_history`` holds every value ever stored with the same columns; ``files`` lists
every file or data set stored (its SHA-256, name, kind, rows, time); ``checks`` records each
full validation of a table (:func:`reformlib.data.months.revalidate`): the table's schema
version, rows, a hash of its content, the store's version (:meth:`Store.version`, which every
write changes) and the time, so a reader trusts a table checked since the last write instead
of checking it again (:meth:`Store.checked`).

Rules: a submission replaces the current values of what it covers (a unit's month of
indicators, a lead unit's month of progress, the problems it names) and leaves the old ones
in the history; a file whose SHA-256 is already stored changes nothing; a batch of files is
stored in one transaction with the result of storing them one by one (:meth:`Store.ingest_files`),
so a process killed half-way leaves the store as it was; two writers are serialised by an exclusive lock on ``<store>.lock`` (readers take it shared).
:mod:`reformlib.data.dataset` reads a store as a data folder.

May import: pandas, duckdb, the standard library, :mod:`reformlib.data.paths` and
:mod:`reformlib.data.schemas`.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from reformlib.data.paths import DATA
from reformlib.data.schemas import TABLES

__all__ = ["CATALOGUE", "CHECK_COLUMNS", "COLUMNS", "CONNECTION", "DEFAULT_STORE", "Stored", "Store", "connect", "store_path"]

DEFAULT_STORE = DATA / "store.duckdb"
_PROV = "file_sha256 VARCHAR, file_name VARCHAR, sheet VARCHAR, cell VARCHAR, ingested_at TIMESTAMP"
#: Table per kind: its own columns (SQL), key and value column.
COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "indicators": ("observations", "unit VARCHAR, indicator VARCHAR, period VARCHAR, value DOUBLE, synthetic BOOLEAN",
                   ("unit", "indicator", "period")),
    "progress": ("progress", "task_id VARCHAR, period VARCHAR, progress DOUBLE, unit VARCHAR, synthetic BOOLEAN", ("task_id", "period")),
    "inspections": ("inspection_updates", "problem_id VARCHAR, period VARCHAR, rectified_on DATE, unit VARCHAR", ("problem_id",)),
}
VALUE = {"indicators": "value", "progress": "progress", "inspections": "rectified_on"}
#: What a submission covers (and replaces): current rows ``o`` matching its scope rows ``s``.
SCOPE = {"indicators": ("unit", "period"), "progress": ("unit", "task_id", "period"), "inspections": ("problem_id",)}
MATCH = {"indicators": "o.unit = s.unit AND o.period = s.period",
         "progress": "o.period = s.period AND (o.unit = s.unit OR o.task_id = s.task_id)",
         "inspections": "o.problem_id = s.problem_id"}
#: Files of a batch sharing one of these go in separate rounds (so each sees the one before it).
ROUND = {"indicators": ("unit", "period"), "progress": ("period",), "inspections": ("problem_id",)}
#: The tables of a data folder kept in the store as they are (not submitted value by value).
CATALOGUE = ("units", "indicators", "tasks", "documents", "inspections", "pilots", "recognitions", "ratings")
#: The ``checks`` table: one row per table and validation.
CHECK_COLUMNS = ("table_name VARCHAR, schema_version VARCHAR, rows BIGINT, table_hash VARCHAR, store_version VARCHAR, "
                 "rules VARCHAR, checked_at TIMESTAMP")
_VERSION = "SELECT count(*) || '-' || coalesce(bit_xor(hash(sha256, ingested_at)), 0) FROM files"


def store_path(path: str | os.PathLike | None = None) -> Path:
    """``path``, else ``$REFORMLIB_STORE``, else ``data/store.duckdb``."""
    if path is not None:
        return Path(path)
    env = os.environ.get("REFORMLIB_STORE")
    return Path(env) if env else DEFAULT_STORE


#: Every connection's settings: no progress bar (DuckDB draws one on stdout for a query of more
#: than 2 s, which at national scale ran into a quiet command's output and a notebook's cells).
CONNECTION = "SET enable_progress_bar = false"


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the store file ``path`` with the settings :data:`CONNECTION` (in a
    Jupyter kernel DuckDB refuses to change the setting without ipywidgets, and draws no bar there)."""
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        con.execute(CONNECTION)
    except duckdb.InvalidInputException:
        pass
    return con


@dataclass(frozen=True)
class Stored:
    """What one ingest did: ``stored``, ``unchanged`` (the same file was stored before) or
    ``refused`` (by the ``admit`` check of :meth:`Store.ingest_files`; ``error`` says why)."""

    status: str
    rows: int
    replaced: int
    error: Exception | None = None


def _names(kind: str) -> list[str]:
    return [c.split()[0] for c in COLUMNS[kind][1].split(", ")]


class Store:
    """One DuckDB store file."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = store_path(path)

    @contextmanager
    def _locked(self, *, exclusive: bool) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{self.path}.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @staticmethod
    def _create(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CREATE TABLE IF NOT EXISTS files (sha256 VARCHAR PRIMARY KEY, name VARCHAR, kind VARCHAR, rows INTEGER, "
                    "ingested_at TIMESTAMP)")
        con.execute(f"CREATE TABLE IF NOT EXISTS checks ({CHECK_COLUMNS})")
        for table, cols, key in COLUMNS.values():
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols}, {_PROV}, PRIMARY KEY ({', '.join(key)}))")
            con.execute(f"CREATE TABLE IF NOT EXISTS {table}_history ({cols}, {_PROV})")

    @contextmanager
    def _writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One connection and one transaction under the exclusive lock (rolled back on any error)."""
        with self._locked(exclusive=True):
            con = connect(self.path)
            try:
                self._create(con)
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
            finally:
                con.close()

    def has_file(self, sha256: str) -> bool:
        if not self.path.exists():
            return False
        return bool(len(self.sql("SELECT 1 FROM files WHERE sha256 = ?", [sha256])))

    def ingest(self, kind: str, records: pd.DataFrame, *, sha256: str, file_name: str,
               on_stage: Callable[[str], None] | None = None) -> Stored:
        """Store one file's records (see the module's rules)."""
        return self.ingest_files([(kind, records, sha256, file_name)], on_stage=on_stage)[0]

    def ingest_files(self, files: list[tuple[str, pd.DataFrame, str, str]], *,
                     admit: Callable[[Callable[[str], pd.DataFrame]], list[Exception | None]] | None = None,
                     on_stage: Callable[[str], None] | None = None) -> list[Stored]:
        """Store several files, each ``(kind, records, sha256, file_name)``, in one transaction,
        with the result of storing them one after the other: each file replaces what it covers
        as stored before it (earlier files of the batch included), a file already stored (or
        earlier in the batch) changes nothing, and each file gets its own ingestion time.
        Done set-based: the files of a kind go into one staging table, applied in rounds of files
        that touch disjoint keys (one round unless a batch holds two files for the same unit and
        month, or progress files of the same month).

        ``admit``: called inside the transaction with a function running a query on the store;
        returns, per file, None or the exception refusing it (a refused file stores nothing)."""
        now = dt.datetime.now()
        out: list[Stored | None] = [None] * len(files)
        with self._writing() as con:
            shas = [sha for _, _, sha, _ in files]
            known = {r[0] for r in con.execute("SELECT sha256 FROM files WHERE sha256 IN (SELECT unnest(?))", [shas]).fetchall()}
            verdicts = admit(lambda q: con.execute(q).df()) if admit is not None else [None] * len(files)
            todo: dict[str, list[tuple[int, pd.DataFrame, str, str, dt.datetime]]] = {}
            for i, (kind, records, sha, name) in enumerate(files):
                if sha in known:
                    out[i] = Stored("unchanged", 0, 0)
                    continue
                if verdicts[i] is not None:
                    out[i] = Stored("refused", 0, 0, verdicts[i])
                    continue
                known.add(sha)
                todo.setdefault(kind, []).append((i, records, sha, name, now + dt.timedelta(microseconds=i)))
            for kind, batch in todo.items():
                replaced = self._put(con, kind, batch)
                for i, records, *_ in batch:
                    out[i] = Stored("stored", len(records), replaced.get(i, 0))
            stored = [(sha, name, kind, len(records), now + dt.timedelta(microseconds=i))
                      for i, (kind, records, sha, name) in enumerate(files) if out[i].status == "stored"]
            if stored:
                con.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?)", stored)
            if on_stage is not None:
                on_stage("before commit")
        return out  # type: ignore[return-value]

    def put_dataset(self, tables: dict[str, pd.DataFrame], *, sha256: str, name: str) -> Stored:
        """Store a data folder's tables (as the loaders return them) in one transaction: the
        catalogue tables replace those stored, observations and progress are stored value by
        value (replacing the same keys, history kept). The same data set twice changes nothing."""
        now = dt.datetime.now()
        rows = replaced = 0
        with self._writing() as con:
            if con.execute("SELECT 1 FROM files WHERE sha256 = ?", [sha256]).fetchone():
                return Stored("unchanged", 0, 0)
            rows += self._put_catalogue(con, tables)
            for kind, table in (("indicators", "observations"), ("progress", "progress")):
                if table in tables:
                    frame = tables[table].assign(period=lambda d: d["period"].astype(str))
                    batch = [(0, frame, sha256, f"{name}/{TABLES[table].file}", now)]
                    replaced += sum(self._put(con, kind, batch, exact=True).values())
                    rows += len(frame)
            con.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?)", [sha256, name, "dataset", rows, now])
        return Stored("stored", rows, replaced)

    @staticmethod
    def _put_catalogue(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> int:
        """Replace the catalogue tables given; the number of rows written."""
        rows = 0
        for table in CATALOGUE:
            if table in tables:
                frame = tables[table]
                con.register("incoming", frame)
                cols = ", ".join(f"CAST({c.name} AS DATE) AS {c.name}" if c.kind == "date" else c.name
                                 for c in TABLES[table].columns if c.name in frame.columns)
                con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {cols} FROM incoming")
                con.unregister("incoming")
                rows += len(frame)
        return rows

    def put_new(self, tables: dict[str, pd.DataFrame], observations, *, sha256: str, name: str) -> Stored:
        """Fill an empty store in one transaction: the catalogue and ledger ``tables`` (as the
        loaders return them, progress included) and the ``observations`` given whole, as an
        Arrow table or anything DuckDB scans (columns unit, indicator, period as ``YYYY-MM``,
        value, synthetic), stored in the order given (a panel in period order is read back a
        month at a time from few row groups) without the row-by-row staging of
        :meth:`put_dataset`, its key's index built once at the end (the way a large generated
        panel goes in). Refuses a store that
        already holds a file or data set."""
        now = dt.datetime.now()
        with self._writing() as con:
            if con.execute("SELECT count(*) FROM files").fetchone()[0]:
                raise ValueError(f"{self.path} already holds data: put_new fills an empty store only")
            rows = self._put_catalogue(con, tables)
            if "progress" in tables:
                frame = tables["progress"].assign(period=lambda d: d["period"].astype(str))
                self._put(con, "progress", [(0, frame, sha256, f"{name}/{TABLES['progress'].file}", now)], exact=True)
                rows += len(frame)
            con.execute("SET enable_progress_bar = false")
            con.register("incoming", observations)
            table, cols, key = COLUMNS["indicators"]
            names = _names("indicators")
            order = ", ".join([*names, "file_sha256", "file_name", "sheet", "cell", "ingested_at"])
            select = (f"SELECT {', '.join(names)}, ? AS file_sha256, ? AS file_name, NULL AS sheet, NULL AS cell, "
                      "CAST(? AS TIMESTAMP) AS ingested_at FROM incoming")
            params = [sha256, f"{name}/{TABLES['observations'].file}", now]
            # the key's index is built once over the whole panel (faster than row by row as it goes in)
            con.execute(f"DROP TABLE {table}")
            con.execute(f"CREATE TABLE {table} ({cols}, {_PROV})")
            for target in (table, f"{table}_history"):
                con.execute(f"INSERT INTO {target} ({order}) {select}", params)
            con.execute(f"ALTER TABLE {table} ADD PRIMARY KEY ({', '.join(key)})")
            con.unregister("incoming")
            rows += con.execute("SELECT count(*) FROM observations").fetchone()[0]
            con.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?)", [sha256, name, "dataset", rows, now])
        return Stored("stored", rows, 0)

    @staticmethod
    def _put(con: duckdb.DuckDBPyConnection, kind: str, batch: list[tuple[int, pd.DataFrame, str, str, dt.datetime]], *,
             exact: bool = False) -> dict[int, int]:
        """Store the records of ``batch`` (``(file number, records, sha256, file name, time)``, in
        order) round by round; the number of current values each file replaced."""
        table, _, key = COLUMNS[kind]
        names = _names(kind)
        scope = key if exact else SCOPE[kind]
        rounds, taken, r = [], set(), 0
        for _, records, *_ in batch:
            touched = set(zip(*(records[c] for c in ROUND[kind])))
            if taken & touched:
                r, taken = r + 1, set()
            taken |= touched
            rounds.append(r)
        frame = pd.concat([b[1] for b in batch], ignore_index=True).reindex(columns=[*names, "sheet", "cell"])
        lengths = [len(b[1]) for b in batch]
        for k, col in ((2, "file_sha256"), (3, "file_name"), (4, "ingested_at"), (0, "f")):
            frame[col] = pd.Series([b[k] for b in batch]).repeat(lengths).to_numpy()
        frame["rnd"] = pd.Series(rounds, dtype="int64").repeat(lengths).to_numpy()
        if "synthetic" in names:
            frame["synthetic"] = frame["synthetic"].eq(True)  # True, numpy True or 1.0; missing is False
        con.register("incoming", frame)
        con.execute("CREATE OR REPLACE TEMP TABLE staged AS SELECT * FROM incoming")
        con.unregister("incoming")
        order = ", ".join([*names, "file_sha256", "file_name", "sheet", "cell", "ingested_at"])
        match = MATCH[kind] if not exact else " AND ".join(f"o.{k} = s.{k}" for k in key)
        replaced: dict[int, int] = {}
        for rnd in range(r + 1):
            con.execute(f"""CREATE OR REPLACE TEMP TABLE gone AS SELECT DISTINCT s.f, {', '.join(f'o.{k}' for k in key)}
                            FROM {table} o JOIN (SELECT DISTINCT f, {', '.join(scope)} FROM staged WHERE rnd = ?) s ON {match}""", [rnd])
            replaced.update(con.execute("SELECT f, count(*) FROM gone GROUP BY f").fetchall())
            con.execute(f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM gone g WHERE "
                        f"{' AND '.join(f'g.{k} = {table}.{k}' for k in key)})")
            for target in (table, f"{table}_history"):
                con.execute(f"INSERT INTO {target} ({order}) SELECT {order} FROM staged WHERE rnd = ? ORDER BY f", [rnd])
        con.execute("DROP TABLE staged")
        con.execute("DROP TABLE gone")
        return replaced

    def sql(self, query: str, params: list | None = None) -> pd.DataFrame:
        """Run a read-only SQL query on the store and return a DataFrame (for notebooks:
        ``Store().sql("SELECT * FROM observations WHERE period = '2017-12'")``)."""
        if not self.path.exists():
            raise FileNotFoundError(f"{self.path} does not exist: ingest submissions first (python -m reformlib ingest FILE...)")
        with self._locked(exclusive=False):
            con = connect(self.path, read_only=True)
            try:
                return con.execute(query, params or []).df()
            finally:
                con.close()

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection under the shared lock, for several queries that must see one
        version of the store."""
        if not self.path.exists():
            raise FileNotFoundError(f"{self.path} does not exist: ingest submissions first (python -m reformlib ingest FILE...)")
        with self._locked(exclusive=False):
            con = connect(self.path, read_only=True)
            try:
                yield con
            finally:
                con.close()

    @staticmethod
    def version(con: duckdb.DuckDBPyConnection) -> str:
        """The store's version: changes with every file or data set stored (read on ``con``)."""
        return con.execute(_VERSION).fetchone()[0]

    @staticmethod
    def checked(con: duckdb.DuckDBPyConnection, table: str, schema_version: str) -> dict | None:
        """The last check of ``table`` if it still holds: made under ``schema_version``, with
        the store at its present version and the table at the rows checked; else None."""
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "checks" not in present or table not in present:
            return None
        row = con.execute("SELECT * FROM checks WHERE table_name = ? ORDER BY checked_at DESC LIMIT 1", [table]).df()
        if row.empty:
            return None
        rec = row.iloc[0].to_dict()
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        if rec["schema_version"] != schema_version or rec["store_version"] != Store.version(con) or rec["rows"] != rows:
            return None
        return rec

    def record_checks(self, checks: list[tuple[str, str, int, str, str]], *, version: str) -> bool:
        """Record full validations, each ``(table, schema_version, rows, table_hash, rules)``,
        made on the store at ``version``; recorded only if no write came in since (returns
        whether they were)."""
        now = dt.datetime.now()
        with self._writing() as con:
            if self.version(con) != version:
                return False
            con.executemany("INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [(t, sv, rows, h, version, rules, now) for t, sv, rows, h, rules in checks])
        return True

    def tables(self) -> list[str]:
        """The names of the tables in the store."""
        return sorted(self.sql("SELECT table_name FROM information_schema.tables")["table_name"])

    def current(self, kind: str) -> pd.DataFrame:
        """The current values of one kind (``indicators``, ``progress``, ``inspections``)."""
        table, _, key = COLUMNS[kind]
        return self.sql(f"SELECT * FROM {table} ORDER BY {', '.join(key)}")

    def history(self, kind: str) -> pd.DataFrame:
        """Every value of one kind ever stored, oldest first."""
        table, _, key = COLUMNS[kind]
        return self.sql(f"SELECT * FROM {table}_history ORDER BY {', '.join(key)}, ingested_at")

    def revisions_since(self, since: dt.datetime | str, *, month: str | None = None, unit: str | None = None) -> pd.DataFrame:
        """Values revised after ``since``: every stored value that replaced an earlier, different
        value of the same key, ingested after ``since`` (a brief passes the time of its last
        publication). ``month`` (YYYY-MM) and ``unit`` keep only that month's or unit's values.

        One row per revision: ``kind``, ``key`` (indicator, task or problem), ``unit``,
        ``period``, ``old_value``, ``new_value``, and each value's source (``old_file``,
        ``old_cell``, ``old_ingested_at``, ``new_file``, ``new_sheet``, ``new_cell``,
        ``new_ingested_at``), oldest first.
        """
        parts = []
        for kind, (table, _, key) in COLUMNS.items():
            kind_key = {"indicators": "indicator", "progress": "task_id", "inspections": "problem_id"}[kind]
            value = VALUE[kind]
            parts.append(f"""
              SELECT '{kind}' AS kind, {kind_key} AS key, unit, period,
                     CAST(old_value AS VARCHAR) AS old_value, CAST({value} AS VARCHAR) AS new_value,
                     old_file, old_cell, old_ingested_at, file_name AS new_file, sheet AS new_sheet, cell AS new_cell,
                     ingested_at AS new_ingested_at
              FROM (SELECT *, lag({value}) OVER w AS old_value, lag(file_name) OVER w AS old_file,
                           lag(coalesce(sheet || '!', '') || cell) OVER w AS old_cell, lag(ingested_at) OVER w AS old_ingested_at,
                           row_number() OVER w AS n
                    FROM {table}_history WINDOW w AS (PARTITION BY {', '.join(key)} ORDER BY ingested_at))
              WHERE n > 1 AND ingested_at > CAST(? AS TIMESTAMP) AND old_value IS DISTINCT FROM {value}""")
        query = " UNION ALL ".join(parts)
        params: list = [str(pd.Timestamp(since))] * len(parts)
        where = []
        if month is not None:
            where.append("period = ?")
            params.append(str(pd.Period(month, "M")))
        if unit is not None:
            where.append("unit = ?")
            params.append(str(unit))
        query = f"SELECT * FROM ({query}) {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY new_ingested_at, kind, key"
        if not self.path.exists():
            raise FileNotFoundError(f"{self.path} does not exist")
        return self.sql(query, params)
