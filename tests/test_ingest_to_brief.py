"""From an office's folder to a published brief with two commands: a month of files as offices
send them (a filled template, a GBK CSV, a workbook with title rows, a merged header and a 合计
row) ingested into a copy of the demonstration store, then 雨湖区's brief run on that store
(units.ipynb for that one unit: the unit whose figure changed); the published results.json
holds the value that was changed."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from corpus.submissions import csv_long, workbook

from reformlib.data.dataset import DEMO_STORE, snapshot
from reformlib.data.store import Store
from reformlib.ingest.templates import load_tables, write_template
from reformlib.report.results import read_results

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2017-12"


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LANG": "C.UTF-8"}
    return subprocess.run([sys.executable, "-m", "reformlib", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def _office_month(store: Path, folder: Path, changed: tuple[str, str, float]) -> None:
    """The month's files: every indicator of 雨湖区 in its filled template (``changed`` set to a
    new value), of 岳塘区 in a GBK CSV, of 湘潭县 in an office workbook with a 合计 row."""
    db = Store(store)
    cur = db.sql(f"SELECT o.unit, o.indicator, i.name_zh, i.measure_unit, o.value FROM observations o JOIN indicators i "
                 f"USING (indicator) WHERE o.period = '{MONTH}' AND o.value IS NOT NULL ORDER BY o.unit, o.indicator")
    values = {(r.unit, r.indicator): r.value for r in cur.itertuples()}
    values[changed[:2]] = changed[2]
    folder.mkdir()
    path = write_template(MONTH, "430302", kind="indicators", out=folder, tables=load_tables(store))
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]
    for row in ws.iter_rows(min_row=4):
        if isinstance(row[0].value, int):
            row[5].value = values.get(("430302", row[1].value))
    wb.save(path)
    rows = cur[cur["unit"] == "430304"]
    csv_long(folder / "岳塘区12月.csv", [("岳塘区", r.name_zh, "2017年12月", f"{r.value}%" if r.measure_unit == "%" else f"{r.value}")
                                        for r in rows.itertuples()])
    rows = cur[cur["unit"] == "430321"]
    book = workbook(folder / "湘潭县.xlsx", unit="湘潭县", rows=[(r.name_zh, r.value, None) for r in rows.itertuples()])
    wb = openpyxl.load_workbook(book)
    ws = wb["湘潭县"]
    at = next(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("注"))
    ws.insert_rows(at)
    ws.cell(at, 2, "合计")
    ws.cell(at, 3, float(rows["value"].sum()))
    wb.save(book)


@pytest.mark.slow
def test_an_office_month_goes_from_folder_to_store_to_brief(demo, tmp_path):
    snapshot(DEMO_STORE)  # builds the demonstration store when missing
    store = tmp_path / "office.duckdb"
    shutil.copyfile(DEMO_STORE, store)
    [[target]] = Store(store).sql("SELECT target FROM indicators WHERE indicator = 'land_transfer_rate'").values
    new = round(float(target) - 7.5, 1)  # below target: listed among the indicators off target
    old = Store(store).sql(f"SELECT value FROM observations WHERE unit = '430302' AND indicator = 'land_transfer_rate' "
                           f"AND period = '{MONTH}'")["value"].iloc[0]
    assert old != new
    _office_month(store, tmp_path / "month", ("430302", "land_transfer_rate", new))

    done = _run("ingest", str(tmp_path / "month"), "--store", str(store))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("2017-12:") == 3 and "total row(s) dropped" in done.stdout and "hidden" in done.stdout, done.stdout
    assert "replaced" in done.stdout

    brief = _run("brief", "--month", MONTH, "--unit", "430302", "--data", str(store), "--reports",
                 str(tmp_path / "reports"), "--quiet")
    assert brief.returncode == 0, brief.stderr
    res = read_results(tmp_path / "reports" / MONTH / "430302" / "current" / "results.json")
    off = {(o["unit"], o["indicator"]): o["value"] for o in res["indicators_off_target"]}
    assert off[("430302", "land_transfer_rate")] == pytest.approx(new)
    assert res["month"] == MONTH and res["unit"] == "430302"
