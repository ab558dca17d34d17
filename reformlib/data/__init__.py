"""The data layer: where the files are (:mod:`.paths`), what each table holds (:mod:`.schemas`),
how a month is read (:mod:`.periods`), how a file's text is decoded and split into records
(:mod:`.textfile`), how a file becomes a validated DataFrame (:mod:`.reading`, :mod:`.io`),
each task's status in a month (:mod:`.task_status`), the one reading of the task ledger
that the model and the task analytics share, the store of record (:mod:`.store`), a data
set read from a folder or a store and written whole (:mod:`.dataset`), and the months, units
or indicators a question needs read with the filter pushed down, a store's recorded checks
and its full re-validation (:mod:`.months`).

May import: pandas, numpy, pandera, pyarrow, duckdb, :mod:`reformlib.errors` and
:mod:`reformlib.provenance`; nothing from the model, tasks, stats, report or briefs.
"""
from reformlib.data import paths


def _snapshot(path):  # noqa: ANN001, ANN202 - paths.read_stores_with's reader
    # the store's modules (pandas, pandera, DuckDB) are imported when a store is first read,
    # so that ``reformlib.data.paths`` stays cheap to import (a command's first step)
    from reformlib.data.dataset import snapshot

    return snapshot(path)


paths.read_stores_with(_snapshot)  # data_folder() reads a store through its snapshot
