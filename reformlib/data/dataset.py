"""A data set whole: the tables of a data folder, read from a folder or from a store, and
written as a folder in one step.

The rule for a path given as ``--data``, ``data_folder`` or any ``load_*``: **a path ending
in ``.duckdb``, or a path that is a file, is a store; anything else is a folder.** A store is
read through a snapshot of its current tables (:func:`snapshot`), written as an ordinary data
folder beside it (``.<store name>.tables/<version>/``) the first time a version of the store
is read, so the loaders, the model, the notebooks and the briefs read a store exactly as they
read a folder, and a brief's input hashes change exactly when the store's data do.

The current tables of a store (:func:`store_tables`): the catalogue and ledger tables as
stored; ``observations`` and ``progress`` from their current values (values submitted as
"not reported" are left out, as a folder leaves them out); ``inspections`` with each
problem's rectification date as last submitted (an update replaces the ledger's date).

The demonstration store ``data/demo_synthetic.duckdb`` (:data:`DEMO_STORE`) is built from
``data/demo_synthetic/`` by ``make data``, or on first use when it is missing; it is not kept
in the repository.

May import: pandas, the standard library and the modules of :mod:`reformlib.data`.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from reformlib.data import io, schemas
from reformlib.data.paths import DATA, DEMO
from reformlib.data.store import CATALOGUE, Store, Stored
from reformlib.errors import MissingDataError
from reformlib.provenance import frame_sha256

__all__ = ["DEMO_STORE", "FORMATS", "is_store", "load_folder", "snapshot", "store_folder", "store_tables", "tables_on",
           "write_dataset"]

#: The demonstration data set as a store (built from :data:`~reformlib.data.paths.DEMO`).
DEMO_STORE = DATA / "demo_synthetic.duckdb"
#: How a data set is written: ``folder`` (CSV, observations as Parquet: the layout of
#: ``data/demo_synthetic``), ``csv`` (every table CSV, UTF-8 with BOM for Excel) or ``parquet``.
FORMATS = ("folder", "csv", "parquet")
_KEEP = 3  # snapshots kept per store


def is_store(path: str | os.PathLike) -> bool:
    """True for a store: a path ending in ``.duckdb``, or a path that is a file."""
    p = Path(path)
    return p.suffix.lower() == ".duckdb" or p.is_file()


def load_folder(folder: str | os.PathLike) -> dict[str, pd.DataFrame]:
    """Every table of a data folder that is present, through the validating loaders."""
    folder = Path(folder)
    return {name: load(folder) for name, load in io.LOADERS.items() if io.table_path(folder, schemas.TABLES[name]).exists()}


def store_folder(folder: str | os.PathLike, store: str | os.PathLike) -> Stored:
    """Put every table of a data folder into a store (one transaction; the same data set
    twice changes nothing)."""
    tables = load_folder(folder)
    h = hashlib.sha256()
    for name in sorted(tables):
        h.update(name.encode())
        h.update(frame_sha256(tables[name]).encode())
    return Store(store).put_dataset(tables, sha256=h.hexdigest(), name=Path(folder).name)


def store_tables(store: str | os.PathLike, *, observations: bool = True) -> dict[str, pd.DataFrame]:
    """The current tables of a store, by table name (see the module's docstring); without
    ``observations``, every table but the panel (:func:`reformlib.data.months.load_months`
    reads the months a question needs)."""
    db = Store(store)
    with db.reading() as con:
        return tables_on(lambda q: con.execute(q).df(), db.path, observations=observations)


def tables_on(sql, path: Path, *, observations: bool = True) -> dict[str, pd.DataFrame]:
    """:func:`store_tables` through ``sql`` (a function running a query on one connection to
    the store at ``path`` and returning a DataFrame)."""
    present = set(sql("SELECT table_name FROM information_schema.tables")["table_name"])
    missing = [t for t in ("units", "indicators", "tasks") if t not in present]
    if missing:
        raise MissingDataError(f"the store {path} holds no {', '.join(missing)} table: put a data folder's tables into it with "
                               f"`python -m reformlib ingest --tables FOLDER --store {path}`")
    out = {t: sql(f"SELECT * FROM {t}") for t in CATALOGUE if t in present and t != "inspections"}
    if observations:
        out["observations"] = sql("SELECT unit, indicator, period, value, synthetic FROM observations "
                                  "WHERE value IS NOT NULL ORDER BY unit, indicator, period")
    out["progress"] = sql("SELECT task_id, period, progress, synthetic FROM progress WHERE progress IS NOT NULL "
                          "ORDER BY task_id, period")
    if "inspections" in present:
        # the schema's columns the store's table holds (an optional one, such as inspection_en, may be left out)
        held = set(sql("SELECT column_name FROM information_schema.columns WHERE table_name = 'inspections'")["column_name"])
        cols = ", ".join(f"i.{c}" if c != "rectified_on" else
                         "CASE WHEN u.problem_id IS NULL THEN i.rectified_on ELSE u.rectified_on END AS rectified_on"
                         for c in schemas.INSPECTIONS.names if c != "synthetic" and c in held)
        out["inspections"] = sql(f"SELECT {cols}, i.synthetic FROM inspections i LEFT JOIN inspection_updates u "
                                 "USING (problem_id) ORDER BY i.problem_id")
    return out


def write_dataset(tables: dict[str, pd.DataFrame], folder: str | os.PathLike, *, fmt: str = "folder") -> Path:
    """Write ``tables`` as a data folder in format ``fmt`` (:data:`FORMATS`), replacing
    ``folder`` only when every file is written (a staging folder renamed into place)."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        staging.chmod(0o755)
        for name, frame in tables.items():
            io.write_table(frame, schemas.TABLES[name], staging, suffix=None if fmt == "folder" else f".{fmt}", bom=fmt == "csv")
        io.swap_folder(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def _version(db: Store) -> str:
    files = db.sql("SELECT sha256, ingested_at FROM files ORDER BY ingested_at, sha256")
    return hashlib.sha256(files.to_csv(index=False).encode()).hexdigest()[:16]


_seen: dict[tuple, Path] = {}


def snapshot(store: str | os.PathLike, *, observations: bool = True) -> Path:
    """The data folder holding the store's current tables (written when this version of the
    store has none yet; older snapshots beyond the newest three are removed). Without
    ``observations``: every table but the panel, in ``.<store name>.catalogue/<version>/``
    (for a reader that takes its months from the store itself)."""
    path = Path(store)
    if not path.exists():
        if path.resolve() == DEMO_STORE.resolve() and (DEMO / "units.csv").exists():
            store_folder(DEMO, path)
        else:
            raise MissingDataError(f"the store {path} does not exist: create it with "
                                   f"`python -m reformlib ingest --tables FOLDER --store {path}`")
    stat = path.stat()
    wal = Path(f"{path}.wal")
    memo = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, wal.stat().st_mtime_ns if wal.exists() else None, observations)
    if memo in _seen and _seen[memo].exists():
        return _seen[memo]
    db = Store(path)
    root = path.parent / f".{path.name}.{'tables' if observations else 'catalogue'}"
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        version, tables = _version(db), store_tables(db.path, observations=observations)
        while _version(db) != version:  # a writer came in between: read again
            version, tables = _version(db), store_tables(db.path, observations=observations)
        target = root / version
        if not target.exists():
            write_dataset(tables, target)
            (target / "README.md").write_text(f"The current tables of the store {path.name}, written by reformlib to be read "
                                              "as a data folder. Do not edit: the store is the record.\n", encoding="utf-8")
            old = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime, reverse=True)
            for p in old[_KEEP:]:
                shutil.rmtree(p, ignore_errors=True)
    _seen[memo] = target
    return target
