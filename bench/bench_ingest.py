"""Benchmark of ingestion into the store of record (reformlib.ingest, reformlib.data.store).

Run: ``.venv/bin/python bench/bench_ingest.py [--units N]`` (part of ``make bench``).

1. One month of filled templates: the demonstration store (data/demo_synthetic, SYNTHETIC),
   the 2017-06 indicator templates of the 9 territorial units and the progress templates of
   the 30 units leading the most open tasks (29 departments and one county), filled in with
   openpyxl (indicators 1 % above last month; progress as last month, since the demonstration
   data hold later months and cumulative progress may not pass them), ingested by ``ingest``
   into a copy of the store. Goal: under 10 s.
2. A national-size month, SYNTHETIC: 2,850 units x 60 indicators, one GBK CSV file per unit
   (60 rows each) in one folder, ingested into a store holding that catalogue (read by two
   processes, stored set-based in one transaction). Goal: under 60 s.
3. One month for all units read back from the national store: by SQL (``Store.sql``) and
   through the loaders (``load_observations(store)``: snapshot folder written, then read and
   validated).

Times are wall-clock seconds of one run each on this machine (os.cpu_count() and the load
average at the start are printed: other work on the machine slows every figure).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from reformlib.data import io, schemas
from reformlib.data.dataset import store_folder
from reformlib.data.paths import DEMO
from reformlib.data.store import Store
from reformlib.ingest import ingest
from reformlib.ingest.templates import load_tables, template_rows, write_template

MONTH = "2017-06"


def _fill(path: Path, column: int, values) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]
    for r in ws.iter_rows(min_row=4):
        if isinstance(r[0].value, int):
            last = r[column - 2].value
            ws.cell(r[0].row, column).value = values(last)
    wb.save(path)


def demo_month(work: Path) -> tuple[float, int, int]:
    store = work / "demo.duckdb"
    store_folder(DEMO, store)
    tables = load_tables(store)
    units = tables["units"]
    territorial = units.loc[units["territorial"], "unit"].tolist()
    open_tasks = {u: len(template_rows(tables, MONTH, u, "progress").rows) for u in units["unit"]}
    leads = sorted((u for u in open_tasks if open_tasks[u]), key=lambda u: (units.set_index("unit").at[u, "territorial"], -open_tasks[u]))[:30]
    files = []
    for u in territorial:
        p = write_template(MONTH, u, kind="indicators", out=work / "month", tables=tables)
        _fill(p, 6, lambda last: round((last or 1.0) * 1.01, 4))
        files.append(p)
    for u in leads:
        p = write_template(MONTH, u, kind="progress", out=work / "month", tables=tables)
        _fill(p, 7, lambda last: last or 0.0)  # last month's progress: more could pass a later month already stored
        files.append(p)
    start = time.perf_counter()
    outcomes = ingest(files, store=store)
    seconds = time.perf_counter() - start
    bad = [o.message for o in outcomes if o.status != "stored"]
    if bad:
        sys.exit("demo month refused:\n" + "\n".join(bad))
    return seconds, len(files), sum(1 for _ in files)


def national_catalogue(folder: Path, n_units: int, n_ind: int) -> None:
    """A SYNTHETIC catalogue of national size, written as a data folder."""
    codes = [f"u{k:05d}" for k in range(n_units)]
    units = pd.DataFrame({"unit": codes, "name_zh": [f"合成单位{k:05d}" for k in range(n_units)], "name_en": codes,
                          "kind": "county", "parent": None, "territorial": True})
    inds = [f"ind{k:02d}" for k in range(n_ind)]
    indicators = pd.DataFrame({"indicator": inds, "name_zh": [f"合成指标{k:02d}" for k in range(n_ind)], "name_en": inds,
                               "measure_unit": "%", "direction": "higher", "band_low": np.nan, "band_high": np.nan,
                               "family": "economy", "annual": "december", "target": np.nan, "in_document": False,
                               "source": "synthetic benchmark catalogue", "valid_min": np.nan, "valid_max": np.nan})
    tasks = io.load_tasks(DEMO).head(1).assign(lead_unit=codes[0])
    obs = pd.DataFrame({"unit": [codes[0]], "indicator": [inds[0]], "period": [pd.Period("2017-11", "M")], "value": [50.0],
                        "synthetic": [True]})
    for name, frame in (("units", units), ("indicators", indicators), ("tasks", tasks), ("observations", obs)):
        io.write_table(frame, schemas.TABLES[name], folder)


def national_month(work: Path, n_units: int, n_ind: int) -> tuple[float, float, float, int]:
    cat = work / "national_catalogue"
    national_catalogue(cat, n_units, n_ind)
    store = work / "national.duckdb"
    store_folder(cat, store)
    files = work / "national_month"
    files.mkdir()
    rng = np.random.default_rng(2017)
    names = [f"合成指标{k:02d}" for k in range(n_ind)]
    for k in range(n_units):
        lines = ["单位名称,指标,报告期,数值"] + [f"u{k:05d},{n},2017年12月,{v:.1f}%" for n, v in zip(names, rng.uniform(5, 95, n_ind))]
        (files / f"u{k:05d}.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    start = time.perf_counter()
    outcomes = ingest([files], store=store)
    ingest_s = time.perf_counter() - start
    bad = [o.message for o in outcomes if o.status != "stored"]
    if bad:
        sys.exit(f"{len(bad)} national file(s) refused, first:\n{bad[0]}")
    start = time.perf_counter()
    month = Store(store).sql("SELECT unit, indicator, value FROM observations WHERE period = '2017-12'")
    sql_s = time.perf_counter() - start
    assert len(month) == n_units * n_ind, len(month)
    start = time.perf_counter()
    obs = io.load_observations(store)
    loaders_s = time.perf_counter() - start
    assert (obs["period"] == pd.Period("2017-12", "M")).sum() == n_units * n_ind
    return ingest_s, sql_s, loaders_s, len(outcomes)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--units", type=int, default=2850, help="units of the national-size month (default 2,850)")
    p.add_argument("--indicators", type=int, default=60)
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_ingest."))
    try:
        print(f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}; work folder {work} (removed at the end)")
        seconds, n, _ = demo_month(work)
        print(f"1. one month of filled templates (demonstration data, SYNTHETIC): {n} files ingested in {seconds:.1f} s "
              f"(goal < 10 s: {'met' if seconds < 10 else 'MISSED'})")
        ingest_s, sql_s, loaders_s, files = national_month(work, args.units, args.indicators)
        print(f"2. national-size month (SYNTHETIC: {args.units:,} units x {args.indicators} indicators, {files:,} CSV files): "
              f"ingested in {ingest_s:.1f} s (goal < 60 s: {'met' if ingest_s < 60 else 'MISSED'})")
        print(f"3. one month for all units read back: {sql_s:.2f} s by SQL, {loaders_s:.1f} s through the loaders "
              "(snapshot written, read and validated)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
