"""Templates out and back in: a template filled in with openpyxl is ingested by the ordinary
ingestion and stores exactly the values written."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from reformlib.data.store import Store
from reformlib.errors import ParameterError
from reformlib.ingest import ingest
from reformlib.ingest.files import load_catalogue
from reformlib.ingest.templates import load_tables, write_template

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tables(demo):
    return load_tables(demo)


@pytest.fixture(scope="module")
def catalogue(demo):
    return load_catalogue(demo)


def _rows(ws, first_col: str):
    """(row number, row values) of the data rows: those with a key in ``first_col``'s column."""
    header = [c.value for c in ws[3]]
    return header, [(r[0].row, [c.value for c in r]) for r in ws.iter_rows(min_row=4) if isinstance(r[0].value, int)]


def test_indicator_template_layout(tables, tmp_path):
    path = write_template("2017-12", "430302", kind="indicators", out=tmp_path, tables=tables)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["填报说明", "雨湖区"]
    text = "\n".join(str(c.value) for c in wb["填报说明"]["A"] if c.value)
    assert "2018年1月10日" in text and "切勿填 0" in text and "耕地流转率（land_transfer_rate）：%，0 至 100" in text
    ws = wb["雨湖区"]
    assert ws["A2"].value == "填报单位：雨湖区" and ws["D2"].value == "报告期：2017年12月"
    header, rows = _rows(ws, "A")
    assert header == ["序号", "指标代码", "指标名称", "计量单位", "上月数值", "本月数值", "备注"]
    assert len(rows) == len(tables["indicators"])
    obs = tables["observations"].set_index(["unit", "indicator", "period"])["value"]
    code_at = {v[1]: (n, v) for n, v in rows}
    n, v = code_at["land_transfer_rate"]
    assert v[2] == "耕地流转率" and v[3] == "%" and v[4] == obs[("430302", "land_transfer_rate", pd.Period("2017-11", "M"))]
    assert ws.protection.sheet and ws["B3"].protection.locked and not ws.cell(n, 6).protection.locked
    rule = next(dv for dv in ws.data_validations.dataValidation if f"F{n}" in str(dv.sqref))
    assert (rule.type, rule.operator, rule.formula1, rule.formula2) == ("decimal", "between", "0", "100")
    assert ws.column_dimensions["C"].width >= 12


def test_filled_indicator_template_is_stored_exactly(tables, catalogue, tmp_path):
    path = write_template("2017-12", "430302", kind="indicators", out=tmp_path, tables=tables)
    wb = openpyxl.load_workbook(path)
    ws = wb["雨湖区"]
    _, rows = _rows(ws, "A")
    written = {}
    for k, (n, v) in enumerate(rows):
        if k == 3:
            continue  # left empty: not reported
        value = round((v[4] if v[4] is not None else 1.0) * 1.01 + k / 8, 3)
        ws.cell(n, 6).value = value
        written[v[1]] = value
    wb.save(path)
    store = tmp_path / "s.duckdb"
    [out] = ingest([path], store=store, catalogue=catalogue)
    assert out.status == "stored", out.message
    cur = Store(store).current("indicators").set_index("indicator")
    assert set(cur["unit"]) == {"430302"} and set(cur["period"]) == {"2017-12"}
    assert {k: cur.at[k, "value"] for k in written} == written
    assert rows[3][1][1] not in cur.index  # not reported: nothing stored for it
    assert "1 row(s) with an empty value cell, read as not reported" in out.message


def test_filled_progress_and_inspection_templates_are_stored_exactly(tables, catalogue, tmp_path):
    lead = tables["tasks"]["lead_unit"].value_counts().index[0]
    prog = write_template("2017-06", lead, kind="progress", out=tmp_path, tables=tables)
    wb = openpyxl.load_workbook(prog)
    ws = wb.worksheets[1]
    header, rows = _rows(ws, "A")
    assert header[6] == "累计完成进度(%)" and rows
    written = {}
    for n, v in rows:
        written[v[1]] = min(100.0, (v[5] or 0.0) + 7.5)
        ws.cell(n, 7).value = written[v[1]]
    wb.save(prog)
    unit = tables["inspections"].query("rectified_on.isna()")["unit"].iloc[0]
    insp = write_template("2017-12", unit, kind="inspections", out=tmp_path, tables=tables)
    wb = openpyxl.load_workbook(insp)
    ws = wb.worksheets[1]
    _, irows = _rows(ws, "A")
    n, v = irows[0]
    ws.cell(n, 6).value = dt.datetime(2017, 12, 20)
    wb.save(insp)
    store = tmp_path / "s.duckdb"
    outs = ingest([prog, insp], store=store, catalogue=catalogue)
    assert [o.status for o in outs] == ["stored", "stored"], [o.message for o in outs]
    cur = Store(store).current("progress").set_index("task_id")
    assert cur["progress"].to_dict() == written and set(cur["period"]) == {"2017-06"}
    fixed = Store(store).current("inspections").set_index("problem_id")["rectified_on"]
    assert fixed[v[1]] == pd.Timestamp("2017-12-20") and fixed.drop(v[1]).isna().all() and len(fixed) == len(irows)


def test_a_unit_with_nothing_to_report_is_refused(tables, tmp_path):
    with pytest.raises(ParameterError, match="reports no indicators"):
        write_template("2017-12", "fgw", kind="indicators", out=tmp_path, tables=tables)
    with pytest.raises(ParameterError, match="month must be"):
        write_template("2017-13", "430302", out=tmp_path, tables=tables)
    assert not list(tmp_path.iterdir())


def test_template_command_writes_every_unit_of_the_month(tmp_path):
    run = subprocess.run([sys.executable, "-m", "reformlib", "template", "--month", "2017-12", "--kind", "indicators",
                          "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{u}_indicators.xlsx" for u in
                                                              ["430300", "430302", "430304", "430321", "430381", "430382",
                                                               "xtjk", "xtgx", "tyjk"])
