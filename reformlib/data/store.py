"""The store of record: an embedded DuckDB file (no server; default ``data/store.duckdb``,
``$REFORMLIB_STORE`` overrides it) holding the current value of every key and the full
history of revisions.

Tables (SQL names): ``observations`` (unit, indicator, period), ``progress`` (task_id,
period) and ``inspection_updates`` (problem_id) hold the current values, each with the
file it came from (``file_sha256``, ``file_name``, ``sheet``, ``cell``) and ``ingested_at``;
``<table>_history`` holds every value ever stored with the same columns; ``files`` lists
every file stored (its SHA-256, name, kind, rows, time).

Rules: a submission replaces the current values of what it covers (a unit's month of
indicators, a lead unit's month of progress, the problems it names) and leaves the old ones
in the history; a file whose SHA-256 is already stored changes nothing; each file is stored
in one transaction, so a process killed half-way leaves the store as it was; two writers are
serialised by an exclusive lock on ``<store>.lock`` (readers take it shared).

May import: pandas, duckdb, the standard library and :mod:`reformlib.data.paths`.
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

__all__ = ["COLUMNS", "DEFAULT_STORE", "Stored", "Store", "store_path"]

DEFAULT_STORE = DATA / "store.duckdb"
_PROV = "file_sha256 VARCHAR, file_name VARCHAR, sheet VARCHAR, cell VARCHAR, ingested_at TIMESTAMP"
#: Table per kind: its own columns (SQL) and key.
COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "indicators": ("observations", "unit VARCHAR, indicator VARCHAR, period VARCHAR, value DOUBLE", ("unit", "indicator", "period")),
    "progress": ("progress", "task_id VARCHAR, period VARCHAR, progress DOUBLE, unit VARCHAR", ("task_id", "period")),
    "inspections": ("inspection_updates", "problem_id VARCHAR, period VARCHAR, rectified_on DATE, unit VARCHAR", ("problem_id",)),
}


def store_path(path: str | os.PathLike | None = None) -> Path:
    """``path``, else ``$REFORMLIB_STORE``, else ``data/store.duckdb``."""
    if path is not None:
        return Path(path)
    env = os.environ.get("REFORMLIB_STORE")
    return Path(env) if env else DEFAULT_STORE


@dataclass(frozen=True)
class Stored:
    """What one ingest did: ``stored`` or ``unchanged`` (the same file was stored before)."""

    status: str
    rows: int
    replaced: int


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
        for table, cols, key in COLUMNS.values():
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols}, {_PROV}, PRIMARY KEY ({', '.join(key)}))")
            con.execute(f"CREATE TABLE IF NOT EXISTS {table}_history ({cols}, {_PROV})")

    def has_file(self, sha256: str) -> bool:
        if not self.path.exists():
            return False
        return bool(len(self.sql("SELECT 1 FROM files WHERE sha256 = ?", [sha256])))

    def ingest(self, kind: str, records: pd.DataFrame, *, sha256: str, file_name: str,
               on_stage: Callable[[str], None] | None = None) -> Stored:
        """Store one file's records in one transaction (see the module's rules)."""
        table, cols, key = COLUMNS[kind]
        names = [c.split()[0] for c in cols.split(", ")]
        frame = records.reindex(columns=[*names, "sheet", "cell"]).assign(
            file_sha256=sha256, file_name=file_name, ingested_at=dt.datetime.now())
        with self._locked(exclusive=True):
            con = duckdb.connect(str(self.path))
            begun = False
            try:
                self._create(con)
                if con.execute("SELECT 1 FROM files WHERE sha256 = ?", [sha256]).fetchone():
                    return Stored("unchanged", 0, 0)
                con.execute("BEGIN TRANSACTION")
                begun = True
                con.register("incoming", frame)
                replaced = self._replace(con, kind, table)
                order = ", ".join([*names, "file_sha256", "file_name", "sheet", "cell", "ingested_at"])
                con.execute(f"INSERT INTO {table} ({order}) SELECT {order} FROM incoming")
                con.execute(f"INSERT INTO {table}_history ({order}) SELECT {order} FROM incoming")
                con.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?)", [sha256, file_name, kind, len(frame), frame["ingested_at"].iloc[0]])
                if on_stage is not None:
                    on_stage("before commit")
                con.execute("COMMIT")
            except BaseException:
                if begun:
                    con.execute("ROLLBACK")
                raise
            finally:
                con.close()
        return Stored("stored", len(frame), replaced)

    @staticmethod
    def _replace(con: duckdb.DuckDBPyConnection, kind: str, table: str) -> int:
        """Delete the current values the incoming file covers; how many there were."""
        if kind == "inspections":
            cond = f"{table}.problem_id IN (SELECT problem_id FROM incoming)"
        else:
            cond = f"EXISTS (SELECT 1 FROM incoming i WHERE i.unit = {table}.unit AND i.period = {table}.period)"
            if kind == "progress":
                cond = f"({cond} OR {table}.task_id || {table}.period IN (SELECT task_id || period FROM incoming))"
        n = con.execute(f"SELECT count(*) FROM {table} WHERE {cond}").fetchone()[0]
        con.execute(f"DELETE FROM {table} WHERE {cond}")
        return int(n)

    def sql(self, query: str, params: list | None = None) -> pd.DataFrame:
        """Run a read-only SQL query on the store and return a DataFrame (for notebooks:
        ``Store().sql("SELECT * FROM observations WHERE period = '2017-12'")``)."""
        if not self.path.exists():
            raise FileNotFoundError(f"{self.path} does not exist: ingest submissions first (python -m reformlib ingest FILE...)")
        with self._locked(exclusive=False):
            con = duckdb.connect(str(self.path), read_only=True)
            try:
                return con.execute(query, params or []).df()
            finally:
                con.close()

    def current(self, kind: str) -> pd.DataFrame:
        """The current values of one kind (``indicators``, ``progress``, ``inspections``)."""
        table, _, key = COLUMNS[kind]
        return self.sql(f"SELECT * FROM {table} ORDER BY {', '.join(key)}")

    def history(self, kind: str) -> pd.DataFrame:
        """Every value of one kind ever stored, oldest first."""
        table, _, key = COLUMNS[kind]
        return self.sql(f"SELECT * FROM {table}_history ORDER BY {', '.join(key)}, ingested_at")
