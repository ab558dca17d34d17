"""Excel workbook and CSV: safe sheet names, Chinese headers, typed cells, atomic write."""
from __future__ import annotations

import datetime as dt
import os
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reformlib.errors import ParameterError
from reformlib.report.workbook import (
    MAX_SHEET_NAME,
    safe_sheet_name,
    write_csv_for_excel,
    write_tables,
)

FORBIDDEN = set("[]:*?/\\")


def _scores() -> pd.DataFrame:
    """Synthetic demonstration scores of three units."""
    return pd.DataFrame({
        "unit": ["430321", "430382", "tyjk"],
        "name": ["湘潭县", "韶山市", "天易经开区"],
        "score": [92.4, np.nan, 71.3],
        "rank": pd.array([1, None, 3], dtype="Int64"),
        "month": pd.period_range("2017-10", periods=3, freq="M"),
        "reported": pd.to_datetime(["2017-12-01 08:30", "2017-12-02 00:00",
                                    "2017-12-03 17:00"]).tz_localize("Asia/Shanghai"),
        "weight_note": ["=SUM(A1:A3)", "ok", None],
    })


@pytest.mark.parametrize(("name", "expected"), [
    ("得分/排名 [2017]", "得分排名 2017"),
    ("a:b*c?d\\e", "abcde"),
    ("", "Sheet"),
    ("[]*?", "Sheet"),
    ("'quoted'", "quoted"),
    ("history", "History_"),
])
def test_safe_sheet_name_examples(name, expected):
    assert safe_sheet_name(name, ()) == expected


def test_chinese_names_are_trimmed_by_characters_and_deduplicated():
    long = "湘潭市全面深化改革工作绩效评估各单位得分与排名明细表（二〇一七年）"
    first = safe_sheet_name(long, ())
    assert len(first) == MAX_SHEET_NAME and long.startswith(first)
    taken = {first}
    second = safe_sheet_name(long, taken)
    assert second.endswith("(2)") and len(second) == MAX_SHEET_NAME
    third = safe_sheet_name(long, taken | {second})
    assert third.endswith("(3)")
    assert taken == {first}  # not modified
    assert safe_sheet_name("Scores", {"scores"}) == "Scores(2)"  # Excel ignores case


@given(st.lists(st.text(max_size=60), min_size=1, max_size=8))
def test_safe_sheet_names_are_always_valid_and_unique(names):
    taken: list[str] = []
    for name in names:
        out = safe_sheet_name(name, taken)
        assert 0 < len(out.encode("utf-16-le")) // 2 <= MAX_SHEET_NAME
        assert not FORBIDDEN & set(out)
        assert out.lower() not in {t.lower() for t in taken}
        taken.append(out)


def test_workbook_has_safe_sheets_chinese_headers_and_typed_cells(tmp_path):
    scores = _scores()
    original = scores.copy()
    tables = {"得分/排名 [2017]": scores, "得分/排名 [2017]?": scores,
              "x" * 40: scores.set_index("unit")}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sheets = write_tables(tables, tmp_path / "brief.xlsx",
                              headers={"weight_note": "备注"})
    pd.testing.assert_frame_equal(scores, original)  # input not mutated
    wb = openpyxl.load_workbook(tmp_path / "brief.xlsx")
    assert wb.sheetnames == list(sheets.values())
    assert len({s.lower() for s in wb.sheetnames}) == 3
    for title in wb.sheetnames:
        assert len(title) <= MAX_SHEET_NAME and not FORBIDDEN & set(title)
    ws = wb[sheets["得分/排名 [2017]"]]
    assert [c.value for c in ws[1]] == ["单位代码", "名称", "得分", "排名", "月份",
                                        "reported", "备注"]
    assert ws.freeze_panes == "A2"
    row2 = {ws.cell(1, c).value: ws.cell(2, c) for c in range(1, 8)}
    row3 = {ws.cell(1, c).value: ws.cell(3, c) for c in range(1, 8)}
    assert row2["单位代码"].value == "430321" and row2["单位代码"].data_type == "s"
    assert row2["得分"].value == pytest.approx(92.4) and row2["得分"].data_type == "n"
    assert row2["排名"].value == 1 and isinstance(row2["排名"].value, int)
    assert row3["得分"].value is None and row3["排名"].value is None
    assert row2["月份"].value == "2017-10"
    assert row2["reported"].value == dt.datetime(2017, 12, 1, 8, 30)  # local wall time
    assert row3["reported"].value == dt.datetime(2017, 12, 2)
    assert row2["备注"].value == "=SUM(A1:A3)" and row2["备注"].data_type == "s"
    indexed = wb[sheets["x" * 40]]
    assert indexed.cell(1, 1).value == "单位代码" and indexed.cell(2, 1).value == "430321"
    assert 8 <= indexed.column_dimensions["B"].width <= 60


def test_csv_for_excel_has_a_bom_and_chinese_headers(tmp_path):
    path = write_csv_for_excel(_scores(), tmp_path / "scores.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("单位代码,名称,得分,排名,月份")
    assert lines[1].startswith("430321,湘潭县,92.4,1,2017-10,2017-12-01 08:30:00")
    assert lines[2].startswith("430382,韶山市,,,2017-11,2017-12-02,")
    back = pd.read_csv(path, encoding="utf-8-sig", dtype={"单位代码": str})
    assert back["单位代码"].tolist() == ["430321", "430382", "tyjk"]


def test_english_keeps_raw_names_unless_mapped(tmp_path):
    write_tables({"s": _scores()}, tmp_path / "en.xlsx", lang="en", headers={"name": "Unit"})
    ws = openpyxl.load_workbook(tmp_path / "en.xlsx")["s"]
    assert [c.value for c in ws[1]][:3] == ["unit", "Unit", "score"]


def test_bad_arguments_are_named(tmp_path):
    with pytest.raises(ParameterError, match="tables"):
        write_tables({}, tmp_path / "a.xlsx")
    with pytest.raises(TypeError, match="tables\\['x'\\]"):
        write_tables({"x": [1, 2]}, tmp_path / "a.xlsx")  # type: ignore[dict-item]
    with pytest.raises(ParameterError, match="lang"):
        write_tables({"x": _scores()}, tmp_path / "a.xlsx", lang="fr")
    with pytest.raises(ParameterError, match="column 'v'"):
        write_tables({"x": pd.DataFrame({"v": [1.0, np.inf]})}, tmp_path / "a.xlsx")
    assert not (tmp_path / "a.xlsx").exists()


def test_failed_write_leaves_the_good_workbook_untouched(tmp_path):
    path = tmp_path / "brief.xlsx"
    write_tables({"得分": _scores()}, path)
    before = path.read_bytes()
    with pytest.raises(ParameterError):
        write_tables({"得分": pd.DataFrame({"v": [np.inf]})}, path)
    with pytest.raises(ParameterError):
        write_csv_for_excel(pd.DataFrame({"v": [-np.inf]}), tmp_path / "brief.xlsx")
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["brief.xlsx"]
