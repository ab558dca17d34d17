"""Submissions in: the files units send (CSV in any common encoding, xlsx workbooks as
offices fill them, or reformlib's own templates) read, checked against the catalogue and
stored in the DuckDB store of record (:mod:`reformlib.data.store`).

:mod:`.values` reads a cell (numbers, percentages, multipliers, missing markers, months),
:mod:`.units` a unit's name or code, :mod:`.grid` a file into sheets of cells,
:mod:`.submission` a sheet into records, :mod:`.files` a whole file (all or nothing).
:func:`ingest` stores a batch of files in one transaction and reports what it stored and skipped.

May import: pandas, openpyxl, the standard library, :mod:`reformlib.errors` and
:mod:`reformlib.data`; nothing from the model, tasks, stats, report or briefs.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from reformlib.data.store import Store
from reformlib.errors import DataValidationError
from reformlib.ingest.backwards import STORED_PROGRESS, progress_verdicts
from reformlib.ingest.files import Submission, load_catalogue, read_submission, store_has_catalogue
from reformlib.ingest.submission import Catalogue

__all__ = ["Outcome", "ingest", "submission_files"]

SUFFIXES = (".csv", ".xlsx", ".xlsm", ".tsv", ".txt")
#: From this many files a batch is read by several processes (where processes can be forked).
PARALLEL_FROM = 200
_catalogue: Catalogue | None = None


@dataclass(frozen=True)
class Outcome:
    """One file's fate: ``stored``, ``unchanged`` (already stored) or ``refused`` (``error`` says why)."""

    path: Path
    status: str
    message: str
    error: DataValidationError | None = None


def submission_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The files named, folders expanded to their submission files (sorted, ~$ lock files left out)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.suffix.lower() in SUFFIXES and not f.name.startswith(("~$", ".")))
        else:
            out.append(p)
    return out


def _set_catalogue(catalogue: Catalogue) -> None:
    global _catalogue
    _catalogue = catalogue


def _read(path: Path, catalogue: Catalogue) -> Submission | tuple[Path, list]:
    """The submission, or the refusal as (path, problems): an exception with its own
    constructor does not travel back from a worker process."""
    try:
        return read_submission(path, catalogue)
    except DataValidationError as err:
        return (err.path, err.problems)


def _read_in_worker(path: Path) -> Submission | tuple[Path, list]:
    if _catalogue is None:
        raise RuntimeError("the worker was started without a catalogue")
    return _read(path, _catalogue)


def _as_result(res: Submission | tuple[Path, list]) -> Submission | DataValidationError:
    return res if isinstance(res, Submission) else DataValidationError(*res)


def ingest(paths: Iterable[str | os.PathLike], *, store: str | os.PathLike | None = None,
           catalogue: Catalogue | str | os.PathLike | None = None,
           workers: int | None = None, on_stage: Callable[[str], None] | None = None) -> list[Outcome]:
    """Read and check every file, then store the files read correctly in one transaction, with
    the result of storing them one by one (:meth:`Store.ingest_files`); a refused file stores
    nothing and the others are stored. Progress lower than a month stored before it is refused
    (:mod:`.backwards`).

    ``catalogue``: a :class:`Catalogue`, a data folder or a store; by default the store's own
    tables when it holds them, else the default data set. ``workers``: processes reading the
    files (default: up to two for a batch of :data:`PARALLEL_FROM` files or more, else one; one
    where the system cannot fork)."""
    db = Store(store)
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(db.path if catalogue is None and store_has_catalogue(db.path) else catalogue)
    files = submission_files(paths)
    workers = min(os.cpu_count() or 1, 2) if workers is None and len(files) >= PARALLEL_FROM else (workers or 1)
    if workers > 1 and len(files) > 1 and "fork" in multiprocessing.get_all_start_methods():
        # fork: a worker needs no import of the caller's main module (a script without a
        # __main__ guard, a notebook); it only reads files, and no store connection is open here
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_set_catalogue,
                                 initargs=(catalogue,)) as pool:
            read = list(zip(files, map(_as_result, pool.map(_read_in_worker, files, chunksize=max(1, len(files) // (8 * workers))))))
    else:
        read = [(path, _as_result(_read(path, catalogue))) for path in files]
    good = [(path, sub) for path, sub in read if isinstance(sub, Submission)]
    subs = [s for _, s in good]
    done = iter(db.ingest_files([(s.kind, s.records, s.sha256, p.name) for p, s in good], on_stage=on_stage,
                                admit=lambda sql: progress_verdicts(subs, sql(STORED_PROGRESS))) if good else [])
    out = []
    for path, sub in read:
        if isinstance(sub, DataValidationError):
            out.append(Outcome(path, "refused", str(sub), sub))
            continue
        stored = next(done)
        if stored.status == "refused":
            out.append(Outcome(path, "refused", str(stored.error), stored.error))
        elif stored.status == "unchanged":
            out.append(Outcome(path, "unchanged", f"{path.name}: already stored (same SHA-256), nothing changed"))
        else:
            extra = f"; replaced {stored.replaced} earlier value(s), kept in the history" if stored.replaced else ""
            out.append(Outcome(path, "stored", sub.summary() + extra))
    return out
