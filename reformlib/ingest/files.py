"""A submission file read whole: every sheet, every problem at once, and nothing returned
unless the whole file is right (:class:`~reformlib.errors.DataValidationError` otherwise)."""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reformlib.data.dataset import is_store
from reformlib.data.io import load_indicators, load_inspections, load_tasks, load_units, plausible_range
from reformlib.data.paths import data_folder
from reformlib.data.store import Store
from reformlib.data.textfile import FileProblem
from reformlib.errors import DataValidationError
from reformlib.ingest.grid import read_grids
from reformlib.ingest.submission import Catalogue, read_sheet
from reformlib.ingest.units import UnitNames, load_aliases

__all__ = ["KEYS", "Submission", "load_catalogue", "read_submission", "store_has_catalogue"]

#: The key of a current value in each kind of submission.
KEYS = {"indicators": ("unit", "indicator", "period"), "progress": ("task_id", "period"), "inspections": ("problem_id",)}


@dataclass(frozen=True)
class Submission:
    """A file read correctly: its hash, its kind, its records and what was skipped."""

    path: Path
    sha256: str
    kind: str
    records: pd.DataFrame
    skipped: tuple[str, ...]

    def summary(self) -> str:
        per = Counter(zip(self.records["unit"], self.records["period"]))
        stored = "; ".join(f"{u} {p}: {n} row(s)" for (u, p), n in sorted(per.items()))
        skipped = "".join(f"\n  skipped: {s}" for s in self.skipped)
        return f"{self.path.name}: {self.kind}, {stored}{skipped}"


def load_catalogue(folder: str | os.PathLike | None = None) -> Catalogue:
    """The catalogue a submission is checked against, from a data folder or a store (its
    tables as stored, validated when they were put in; rectification updates applied)."""
    if folder is not None and is_store(folder):
        db = Store(folder)
        tables = set(db.tables())
        units, ind = db.sql("SELECT * FROM units"), db.sql("SELECT * FROM indicators")
        tasks = db.sql("SELECT task_id, lead_unit FROM tasks") if "tasks" in tables else pd.DataFrame(columns=["task_id", "lead_unit"])
        problems = (db.sql("SELECT problem_id, unit, found_on FROM inspections") if "inspections" in tables
                    else pd.DataFrame(columns=["problem_id", "unit", "found_on"]))
        aliases: tuple = ()
    else:
        folder = data_folder(folder)
        units, ind, tasks = load_units(folder), load_indicators(folder), load_tasks(folder)[["task_id", "lead_unit"]]
        problems = load_inspections(folder)[["problem_id", "unit", "found_on"]]
        aliases = (folder,)
    ranges = plausible_range(ind)
    ind = ind[["indicator", "name_zh", "measure_unit"]].assign(low=ind["indicator"].map(ranges["low"]),
                                                               high=ind["indicator"].map(ranges["high"]))
    return Catalogue(UnitNames(units, load_aliases(*aliases)), ind, tasks, problems)


def store_has_catalogue(store: str | os.PathLike | None) -> bool:
    """True when the store exists and holds its own units and indicators."""
    db = Store(store)
    return db.path.exists() and {"units", "indicators"} <= set(db.tables())


def read_submission(path: str | os.PathLike, catalogue: Catalogue) -> Submission:
    """Read and check one submission; :class:`DataValidationError` listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise DataValidationError(path, [FileProblem(None, None, "no such file")])
    data = path.read_bytes()
    grids, skipped, problems = read_grids(path)
    kinds, records, unfilled = set(), [], 0
    for grid in grids:
        res = read_sheet(grid, catalogue)
        problems += res.problems
        skipped += res.skipped
        unfilled += res.unfilled
        if res.kind:
            kinds.add(res.kind)
            records += res.records
    if len(kinds) > 1:
        problems.append(FileProblem(None, None, f"sheets of different kinds in one file ({', '.join(sorted(kinds))}): send one kind per file"))
    if not problems and not records:
        problems.append(FileProblem(None, None, f"nothing filled in: all {unfilled} data row(s) have an empty value cell "
                                    "(a template sent back unfilled?)" if unfilled else "no data rows found"))
    if problems:
        raise DataValidationError(path, problems)
    kind = kinds.pop()
    keys = Counter(tuple(r[k] for k in KEYS[kind]) for r in records)
    if len(keys) < len(records):
        raise DataValidationError(path, [FileProblem(None, None, f"given twice: {', '.join(str(r[k]) for k in KEYS[kind])}",
                                                     sheet=r["sheet"], cell=r["cell"])
                                         for r in records if keys[tuple(r[k] for k in KEYS[kind])] > 1])
    frame = pd.DataFrame({k: [r[k] for r in records] for k in records[0]})  # columns, not dicts: several times faster
    frame["period"] = [str(p) for p in frame["period"]]
    return Submission(path, hashlib.sha256(data).hexdigest(), kind, frame, tuple(skipped))
