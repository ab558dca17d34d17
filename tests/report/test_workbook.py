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


# ------------------------------------------------------------ a brief's workbook on the demo data
@pytest.fixture(scope="module")
def december(demo, tmp_path_factory):
    """The 2017-12 city brief's results (built by the brief's own functions, without papermill)
    and its documents written by the publishing step with LibreOffice off the PATH."""
    import json

    import reformlib as rl
    from reformlib.briefs import content as brief
    from reformlib.briefs import publish
    from reformlib.report.results import write_results

    data, pilots, reference = rl.load_data(None), rl.load_pilots(None), rl.load_reference()
    obs, ind, units, month = data["observations"], data["indicators"], data["units"], "2017-12"
    status, by_category = brief.task_progress(data["tasks"], data["progress"], month)
    sections = {"evaluation": brief.evaluation_section(data, month, uncertainty=False),
                "indicators_off_target": brief.off_target(obs, ind, units, month),
                "inspections": brief.inspections_summary(data["inspections"], month, units=units),
                "pilots": brief.pilots_summary(pilots, month),
                "supervision": brief.supervision_list(data["tasks"], status, month, units=units)}
    res = brief.results(month=month, lang="zh", unit=None, headline_table=brief.headline(obs, ind, reference, month, units=units),
                        status=status, by_category=by_category, synthetic=True, figures=[], sections=sections,
                        units=units)
    folder = tmp_path_factory.mktemp("december")
    write_results(res, folder / "results.json")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PATH", "/nonexistent")  # LibreOffice is not installed, as far as this step can tell
        env.setenv(publish.MEMO_PDF_SWITCH, "on")  # asked for, so the step tries and says why it could not
        documents = publish.write_documents(folder, lang="zh")
    return json.loads((folder / "results.json").read_text(encoding="utf-8")), folder, documents


def _sheet(folder, title):
    ws = openpyxl.load_workbook(folder / "tables.xlsx")[title]
    header = [c.value for c in ws[1]]
    return header, [dict(zip(header, row)) for row in ws.iter_rows(min_row=2)]


def test_headline_sheet_has_the_change_columns_formatted_as_the_page_writes_them(december):
    from reformlib.i18n import HEADLINE_TEXT
    from reformlib.report.numbers import difference, row_decimals, small_base

    res, folder, _ = december
    header, rows = _sheet(folder, "主要指标")
    value = HEADLINE_TEXT["zh"]["value"]
    assert header[header.index(value) + 1: header.index(value) + 3] == ["较上年末变化", "较上年同期增长"]
    assert len(rows) == len(res["headline"])
    shown = 0
    for row, h in zip(rows, res["headline"]):
        change, growth = row["较上年末变化"], row["较上年同期增长"]
        assert (change.value is None) == (h["change"] is None) and (growth.value is None) == (h["growth"] is None)
        if h["change"] is not None:
            assert change.data_type == "n" and change.value == pytest.approx(h["change"])
            text = difference(h["change"], h["unit"], "zh", signed=True, decimals=row_decimals(h))  # as the page
            unit = text.lstrip("+-0123456789,.")
            assert f'"{unit}"' in change.number_format and change.number_format.startswith("+#,##0"), text
            decimals = len(text[: len(text) - len(unit)].partition(".")[2])
            assert change.number_format.split(";")[0] == "+#,##0" + ("." + "0" * decimals if decimals else "") + f'"{unit}"'
            shown += 1
        if h["growth"] is not None and small_base(h):  # on a small base: the change in the unit
            assert growth.value == pytest.approx(h["value"] - h["year_earlier"]) and h["unit"] in growth.number_format
        elif h["growth"] is not None:
            assert growth.value == pytest.approx(h["growth"]) and growth.number_format == '0.0"%"'
    assert shown >= 5 and any(h["unit"] == "%" and h["change"] is not None for h in res["headline"])


def test_supervision_sheet_lists_every_task_of_the_results(december):
    from reformlib.i18n import MEMO

    res, folder, _ = december
    listed = res["tasks"]["supervision"]
    header, rows = _sheet(folder, "督办清单")
    assert header == ["任务编号", "任务名称", "牵头单位", "牵头领导", "完成时限", "进度", "状态", "逾期天数"]
    assert len(rows) == len(listed) > 10
    for row, r in zip(rows, listed):
        assert row["任务编号"].value == r["task_id"] and row["牵头单位"].value == r["lead_name"]
        assert row["状态"].value == MEMO["zh"]["status_" + r["status"]]
        assert row["完成时限"].value.date().isoformat() == r["deadline"]
        assert row["进度"].value == r["progress"] and row["进度"].number_format == '0"%"'  # the memo's "90%"
        assert (row["逾期天数"].value or 0) == r["days_overdue"]
    assert {r["status"] for r in listed} >= {"overdue", "due_this_month"}
    assert not any(c.value and str(c.value).startswith("level_") for row in rows for c in row.values())


def test_city_score_sheet_reports_the_city_unranked(december):
    res, folder, _ = december
    header, rows = _sheet(folder, "全市得分")
    city = res["evaluation"]["city"]
    assert len(rows) == 1 and rows[0]["单位"].value == city["name"] and rows[0]["等次"].value == city["grade"]
    assert rows[0]["得分"].value == pytest.approx(city["score"]) and rows[0]["得分"].number_format == "#,##0.00"
    assert f"{city['score']:.2f}" in rows[0]["说明"].value and "不参与" in rows[0]["说明"].value
    sheets = openpyxl.load_workbook(folder / "tables.xlsx").sheetnames
    assert sheets.index("督办清单") == sheets.index("逾期风险任务") + 1
    assert sheets.index("全市得分") == sheets.index("评估得分") + 1


def test_without_libreoffice_the_manifest_says_why_there_is_no_pdf(december):
    from reformlib.briefs import publish

    _, folder, documents = december
    assert not (folder / "memo.pdf").exists() and (folder / "memo.docx").stat().st_size > 0
    said = documents["memo.pdf"]
    assert said["made"] is False and "LibreOffice" in said["reason"] and "not installed" in said["reason"]
    assert [p for p in publish.check_outputs(folder, documents) if "memo.pdf" in p] == []
    unexplained = {**documents, "memo.pdf": {"made": False, "reason": ""}}
    assert "memo.pdf was not made and the manifest does not say why" in publish.check_outputs(folder, unexplained)
    assert any("memo.pdf is missing" in p for p in publish.check_outputs(folder, {}))


def test_mismatched_formats_are_refused(tmp_path):
    with pytest.raises(ParameterError, match="formats"):
        write_tables({"x": pd.DataFrame({"v": [1.0, 2.0]})}, tmp_path / "a.xlsx", formats={"x": {"v": ["0"]}})


def test_document_figures_stand_only_beside_the_city_at_the_documents_month(december):
    from reformlib.report.tables import results_tables
    from reformlib.report.workbook import headline_changes

    res, folder, _ = december
    header, rows = _sheet(folder, "主要指标")
    assert any(r["2017年文件数值"].value is not None for r in rows)  # the city in December: the document's month
    for other in ({**res, "month": "2017-06"}, {**res, "unit": "430302"}):
        frame, _ = headline_changes(results_tables(other, lang="zh")["headline"], other, lang="zh")
        assert frame["reference_value"].isna().all() and frame["comparison"].isna().all()
        assert frame["headline_value"].notna().any()


def test_scores_sheet_gives_the_peer_rank_and_the_veto_beside_the_capped_grade(december):
    res, folder, _ = december
    header, rows = _sheet(folder, "评估得分")
    assert {"同类排名", "一票否决"} <= set(header)
    by_name = {r["单位"].value: r for r in rows}
    for s in res["evaluation"]["scores"]:
        row = by_name[s["name"]]
        assert row["同类排名"].value == s["peer_rank_text"] and row["等次"].value == s["grade"]
        assert (row["一票否决"].value or None) == s.get("veto")
    assert by_name["雨湖区"]["一票否决"].value.startswith("一票否决（重大责任事故）：2017年9月14日")


def test_make_up_sheet_adds_up_to_every_score(december):
    """The city's workbook sets out how each unit's score is made up; the points, printed with
    two decimals, add up to the score of the 评估得分 sheet."""
    res, folder, _ = december
    header, rows = _sheet(folder, "得分构成")
    assert header == ["单位", "项目", "分值", "说明"]
    scores = {s["name"]: s for s in res["evaluation"]["scores"]}
    last = {}
    for row in rows:
        assert row["分值"].data_type == "n" and row["分值"].number_format in ("#,##0.00", "+#,##0.00;-#,##0.00;0.00")
        last[row["单位"].value] = row
    assert set(last) == set(scores)
    for name, row in last.items():
        assert row["项目"].value == "综合得分" and row["分值"].value == pytest.approx(scores[name]["score"])
    yuhu = [r for r in rows if r["单位"].value == "雨湖区"]
    assert [r["分值"].value for r in yuhu if r["项目"].value.startswith("失分：")] == [-16.47, -2.0, -2.0]


def test_supervision_sheet_marks_key_tasks_as_the_page_and_memo_do(december):
    import copy

    from reformlib.briefs.content import supervision_frame
    from reformlib.i18n import MEMO
    from reformlib.report.workbook import supervision_sheet

    res, _, _ = december
    res = copy.deepcopy(res)
    listed = res["tasks"]["supervision"]
    listed[1]["key_task"] = True  # December's list holds no key task of the demo ledger: mark one
    frame, _ = supervision_sheet(res, lang="zh")
    page = supervision_frame(listed, lang="zh")
    assert list(frame["title"]) == list(page["任务"])  # as the page shows it
    assert frame["title"][1] == listed[1]["title"] + MEMO["zh"]["key_mark"]
    assert sum(t.endswith(MEMO["zh"]["key_mark"]) for t in frame["title"]) == sum(r["key_task"] for r in listed) == 1


def test_problems_past_their_rectification_deadline_have_a_sheet_and_a_count(december):
    res, folder, _ = december
    insp = res["inspections"]
    header, rows = _sheet(folder, "超过整改时限未整改的督察问题")
    assert header == ["单位", "督察", "发现日期", "整改时限", "超期天数"] and len(rows) == insp["past_due"] == 11
    assert [r["单位"].value for r in rows] == [("市本级" if r["unit"] == "430300" else r["name"]) for r in insp["past_due_items"]]
    assert [r["超期天数"].value for r in rows] == [r["days_past_due"] for r in insp["past_due_items"]]
    assert rows[0]["整改时限"].value.date().isoformat() == insp["past_due_items"][0]["due_on"]
    header, rows = _sheet(folder, "督察整改")
    assert rows[0]["超过整改时限未整改"].value == 11 and rows[0]["超90天未整改"].value == insp["open_over_90_days"]
