"""The synthetic demonstration data set: seeded, reproducible, labelled synthetic.

``build_demo()`` (``make data``) draws every table from one seed and publishes them into
``data/demo_synthetic/`` (and ``build_demo_store()`` puts that folder into the store
``data/demo_synthetic.duckdb``, which is not kept in the repository): the set is written to a staging folder, read back through the
validating loaders, and only then renamed into place, so a failure never leaves a
half-written data set. Every measured table carries ``synthetic = True`` on each row and
the folder's README says the data are synthetic. How each table is drawn is documented in
its module: :mod:`.panel` (observations), :mod:`.ledger` (tasks, progress, documents, and
how delays arise), :mod:`.events` (inspections, pilots, recognitions, ratings).

May import: numpy, pandas and :mod:`reformlib.data`; nothing from the model, tasks, stats,
report or briefs (the demonstration data know nothing of how they will be analysed).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from reformlib.data import io, schemas
from reformlib.data.dataset import DEMO_STORE, store_folder
from reformlib.data.paths import DEMO
from reformlib.synth.catalogue import DEPARTMENTS, TERRITORIAL, indicators_table, units_table
from reformlib.synth.events import build_inspections, build_pilots, build_ratings, build_recognitions
from reformlib.synth.ledger import build_documents, build_progress, build_tasks
from reformlib.synth.panel import build_observations

SEED = 20171231

README = """# Synthetic demonstration data (合成演示数据)

Everything in this folder except the unit list is SYNTHETIC: drawn by `reformlib.synth`
from seed {seed} (`make data` rebuilds it byte for byte). No per-unit or monthly series of
Xiangtan's reform programme is public; these tables imitate their shape, and the city's
(430300) 2017 values and the programme counts agree with the source document (see
`data/reference/document_figures.csv`). Do not cite any other figure from here as real.

Every measured table has a column `synthetic` that is true on every row. Replace a file with
a real export of the same name and columns (see `reformlib/data/schemas.py`) and the loaders
validate it the same way.
"""


def draw(seed: int = SEED) -> dict:
    """Draw every table of the demonstration set in memory (nothing is written)."""
    rng = np.random.default_rng(seed)
    progress_rng = np.random.default_rng([seed, 1])  # its own stream: the progress model can change alone
    quality = {u[0]: float(q) for u, q in zip(TERRITORIAL, rng.normal(0, 1, len(TERRITORIAL)))}
    quality.update({d[0]: float(q) for d, q in zip(DEPARTMENTS, rng.normal(0, 0.6, len(DEPARTMENTS)))})
    pilots = build_pilots(quality, rng)
    tasks, risk = build_tasks(quality, rng)
    return {
        "units": units_table(),
        "indicators": indicators_table(),
        "observations": build_observations(quality, pilots, rng),
        "tasks": tasks,
        "progress": build_progress(tasks, risk, progress_rng),
        "documents": build_documents(tasks, rng),
        "inspections": build_inspections(quality, rng),
        "pilots": pilots,
        "recognitions": build_recognitions(quality, pilots, rng),
        "ratings": build_ratings(quality, rng),
    }


def write_dataset(tables: dict, folder: str | Path) -> Path:
    """Write ``tables`` (name -> frame) into ``folder``, validated, replacing it only on success."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    staging.chmod(0o755)
    try:
        for name, frame in tables.items():
            io.write_table(frame, schemas.TABLES[name], staging)
        (staging / "README.md").write_text(README.format(seed=SEED), encoding="utf-8")
        for name in tables:
            io.LOADERS[name](staging)  # read back through the validating loaders
        io.swap_folder(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def build_demo(folder: str | Path = DEMO, seed: int = SEED) -> Path:
    """Draw the demonstration set from ``seed`` and publish it into ``folder``."""
    return write_dataset(draw(seed), folder)


def build_demo_store(folder: str | Path = DEMO, store: str | Path | None = None) -> Path:
    """Put the demonstration folder into a fresh store (default ``data/demo_synthetic.duckdb``),
    built beside it and renamed over it only when complete."""
    store = Path(store) if store is not None else DEMO_STORE
    store.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{store.name}.", dir=store.parent))
    try:
        store_folder(folder, tmp / store.name)
        os.replace(tmp / store.name, store)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return store
