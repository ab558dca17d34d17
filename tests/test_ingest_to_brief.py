"""From an office's folder to a published brief with two commands: a month of files as offices
send them (a filled template, a GBK CSV, a workbook with title rows, a merged header and a 合计
row) ingested into a copy of the demonstration store, then 雨湖区's brief run on that store in
English, as a user runs one unit's brief (papermill runs units.ipynb for that one unit: the
unit whose figure changed); the published results.json holds the value that was changed, and
the brief is the unit's own: its page, figures, memo and workbook drawn from its results."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import openpyxl
import pytest
from corpus.submissions import csv_long, workbook

from reformlib.briefs.run import check_executed
from reformlib.data.dataset import DEMO_STORE, snapshot
from reformlib.data.store import Store
from reformlib.ingest.templates import load_tables, write_template
from reformlib.report.results import read_results

ROOT = Path(__file__).resolve().parents[1]
MONTH = "2017-09"  # a month with open tasks before their deadline: the unit's at-risk list is not empty
PERIOD = "2017年9月"  # the month as the offices write it


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
    csv_long(folder / "岳塘区9月.csv", [("岳塘区", r.name_zh, PERIOD, f"{r.value}%" if r.measure_unit == "%" else f"{r.value}")
                                        for r in rows.itertuples()])
    rows = cur[cur["unit"] == "430321"]
    book = workbook(folder / "湘潭县.xlsx", unit="湘潭县", month=PERIOD,
                    rows=[(r.name_zh, r.value, None) for r in rows.itertuples()])
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
    assert done.stdout.count(f"{MONTH}:") == 3 and "total row(s) dropped" in done.stdout and "hidden" in done.stdout, done.stdout
    assert "replaced" in done.stdout

    reports = tmp_path / "reports"
    brief = _run("brief", "--month", MONTH, "--lang", "en", "--unit", "430302", "--data", str(store), "--reports",
                 str(reports), "--quiet")
    assert brief.returncode == 0, brief.stderr
    folder = reports / MONTH / "430302" / "en" / "current"
    res = read_results(folder / "results.json")
    off = {(o["unit"], o["indicator"]): o["value"] for o in res["indicators_off_target"]}
    assert off[("430302", "land_transfer_rate")] == pytest.approx(new)
    assert res["month"] == MONTH and res["unit"] == "430302" and res["lang"] == "en"

    # the unit's own brief, in English
    html = (folder / "brief.html").read_text(encoding="utf-8")
    assert "Reform brief" in html and "Yuhu District" in html
    # the unit's figures are now the office's own: neither the results nor the page call them synthetic
    assert res["synthetic"] is False and "SYNTHETIC" not in html
    assert 0 < res["tasks"]["total"] < 213
    assert {o["unit"] for o in res["indicators_off_target"]} <= {"430302"}
    assert res["tasks"]["at_risk"] and all(r["lead_unit"] == "430302" for r in res["tasks"]["at_risk"])
    # the record: the one run of units.ipynb that computed it, for this unit alone
    record = folder / "notebooks" / "units.ipynb"
    assert check_executed(record) == [] and not (folder / "notebooks" / "brief.ipynb").exists()
    nb = nbformat.read(record, as_version=4)
    assert nb.metadata["papermill"]["parameters"]["units"] == "430302"
    assert "1 unit written" in json.dumps([c.get("outputs") for c in nb.cells])
    man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert man["computed_by"]["notebook"] == "notebooks/units.ipynb" and man["computed_by"]["units"] == 1
    assert list(man["inputs"]["notebooks"]) == ["units.ipynb"]
    assert {p.name for p in (folder / "figures").iterdir()} == {f["path"].split("/")[-1] for f in res["figures"]}
    assert not (reports / ".units").exists()  # the run's folder is gone once the brief is published
