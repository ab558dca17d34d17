"""Each number of the brief reads the same on the page, in the memo's attachment and in the
workbook, in the form a reader acts on: a band indicator's target as its band, a flow's
values said to be years to date, no codes, no fractional persons, "—" where a figure is
missing, a heading that names the year-end document only beside its figures, and a unit's
memo speaking of the unit. On the demonstration data, without papermill."""
from __future__ import annotations

import re

import openpyxl
import pytest

import reformlib as rl
from reformlib.briefs import content as brief
from reformlib.briefs import publish
from reformlib.i18n import HEADLINE_TEXT
from reformlib.report.memo import memo_content
from reformlib.report.numbers import difference, percent, quantity
from reformlib.report.page import headline_display, headline_heading
from reformlib.report.results import validate_results, write_results
from reformlib.report.tables import display_table, results_tables

pytestmark = pytest.mark.slow
WORDS = HEADLINE_TEXT["zh"]


@pytest.fixture(scope="module")
def data(demo):
    return rl.load_data(None), rl.load_reference()


def _brief(data, month: str, unit: str = "", *, scores: bool = False) -> tuple[dict, object]:
    tables, reference = data
    uc = unit or brief.CITY
    obs, ind, units = tables["observations"], tables["indicators"], tables["units"]
    status, by_category = brief.task_progress(tables["tasks"], tables["progress"], month, unit=uc)
    headline = brief.headline(obs, ind, reference, month, unit=uc, units=units)
    sections = {"indicators_off_target": brief.off_target(obs, ind, units, month, unit=uc),
                "supervision": brief.supervision_list(tables["tasks"], status, month, units=units),
                "pilots": {"available": True, "national": 3, "provincial": 3, "models": 2, "local": 15}}
    if scores:
        sections["evaluation"] = brief.evaluation_section(tables, month, lang="zh", uncertainty=False)
    res = validate_results(brief.results(
        month=month, lang="zh", unit=unit or None, headline_table=headline, status=status, by_category=by_category,
        synthetic=True, figures=[], sections=sections, units=units))
    return res, headline


@pytest.fixture(scope="module")
def june(data):
    return _brief(data, "2017-06")


@pytest.fixture(scope="module")
def yuhu(data):
    return _brief(data, "2017-12", "430302")


@pytest.fixture(scope="module")
def december(data):
    return _brief(data, "2017-12", scores=True)


def _page(styler) -> tuple[list[str], list[list[str]]]:
    table_html = styler.to_html()
    head = re.findall(r"<th [^>]*col_heading[^>]*>(.*?)</th>", table_html)
    rows = [re.findall(r"<td [^>]*>(.*?)</td>", tr) for tr in re.findall(r"<tr>(.*?)</tr>", table_html, re.S)[1:]]
    return head, rows


def _memo_headline(res: dict) -> tuple[list[str], list[list[str]]]:
    title = WORDS["att_headline_unit" if res["unit"] else "att_headline"]
    _, cols, body = next(a for a in memo_content(res).attachments if a[0] == title)
    return cols, body


def _workbook(res: dict, folder, monkeypatch) -> openpyxl.Workbook:
    monkeypatch.setenv(publish.MEMO_PDF_SWITCH, "off")
    write_results(res, folder / "results.json")
    publish.write_documents(folder, lang="zh")
    return openpyxl.load_workbook(folder / "tables.xlsx")


def _shown(cell) -> str:
    """A cell as Excel shows it: text as it is, a number under its format (quoted text around one number)."""
    if isinstance(cell.value, str):
        return cell.value
    sections, v = cell.number_format.split(";"), cell.value
    fmt = sections[1] if v < 0 and len(sections) > 1 else sections[0]
    v = abs(v) if v < 0 and len(sections) > 1 else v
    lead, sign, body, tail = re.match(r'^(?:"([^"]*)")?([+-]?)([#,0.]+)(?:"([^"]*)")?$', fmt).groups()
    decimals = len(body.partition(".")[2])
    value = f"{v:,.{decimals}f}" if "," in body else f"{v:.{decimals}f}"
    return (lead or "") + sign + value + (tail or "")


def _sheet(wb, title: str) -> tuple[list[str], list[list]]:
    rows = list(wb[title].iter_rows())
    return [c.value for c in rows[0]], [list(r) for r in rows[1:]]


def test_band_targets_read_as_the_band_on_page_memo_and_workbook(yuhu, tmp_path, monkeypatch):
    res, frame = yuhu
    rows = {h["code"]: h for h in res["headline"]}
    assert (rows["judge_quota_ratio"]["band_low"], rows["judge_quota_ratio"]["band_high"]) == (30.0, 39.0)
    assert (rows["reform_office_staff"]["band_low"], rows["reform_office_staff"]["band_high"]) == (3.0, 5.0)
    assert rows["land_transfer_rate"]["band_low"] is None  # not a band indicator
    want = {"judge_quota_ratio": "30–39%", "prosecutor_quota_ratio": "30–39%", "reform_office_staff": "3–5人"}
    official = {"judge_quota_ratio": "30%～39%", "prosecutor_quota_ratio": "30%～39%", "reform_office_staff": "3～5人"}
    head, cells = _page(headline_display(frame))
    cols, body = _memo_headline(res)
    header, sheet = _sheet(_workbook(res, tmp_path, monkeypatch), "主要指标")
    for i, h in enumerate(res["headline"]):
        if h["code"] in want:
            assert cells[i][head.index(WORDS["target"])] == want[h["code"]]
            assert body[i][cols.index(WORDS["target"])] == official[h["code"]]
            assert _shown(sheet[i][header.index(WORDS["target"])]) == want[h["code"]]


def test_flow_values_are_labelled_years_to_date(june, tmp_path, monkeypatch):
    res, frame = june
    assert any(h["code"] == "land_transfer_new_area" for h in res["headline"])  # a flow among the figures
    head, _ = _page(headline_display(frame))
    cols, _ = _memo_headline(res)
    header, _ = _sheet(_workbook(res, tmp_path, monkeypatch), "主要指标")
    for labels in (head, cols, header):
        for key in ("value", "previous_month", "year_earlier"):
            assert WORDS[key] in labels and "累计" in WORDS[key], (key, labels)
        assert "本月数值" not in labels and "数值" not in labels and "上月" not in labels


def test_heading_names_the_document_only_beside_its_figures(june, yuhu, december):
    assert "年度总结" not in headline_heading(june[1], "zh") and "年度目标" in headline_heading(june[1], "zh")
    assert "年度总结" not in headline_heading(yuhu[1], "zh")
    assert headline_heading(december[1], "zh") == "## 一、主要指标与年度总结对照"
    assert "year-end summary" not in headline_heading(june[1], "en")


#: A band as the memo writes it, and as the page and the workbook write it.
OFFICIAL = {"30%～39%": "30–39%", "3～5人": "3–5人"}


def test_every_number_reads_the_same_on_page_memo_and_workbook(december, tmp_path, monkeypatch):
    res, frame = december
    head, cells = _page(headline_display(frame))
    cols, body = _memo_headline(res)
    wb = _workbook(res, tmp_path, monkeypatch)
    header, sheet = _sheet(wb, "主要指标")
    debt = next(i for i, h in enumerate(res["headline"]) if h["code"] == "gov_debt_ratio")
    assert cells[debt][head.index(WORDS["value"])] == body[debt][cols.index(WORDS["value"])] == "87.0%"
    for i, h in enumerate(res["headline"]):
        for key in ("value", "target", "previous_month", "year_earlier"):
            page_cell, memo_cell = cells[i][head.index(WORDS[key])], body[i][cols.index(WORDS[key])]
            # the memo (a 公文 in GB2312 faces) writes a band with the 浪纹线: 30%～39% for the page's 30–39%
            assert page_cell == OFFICIAL.get(memo_cell, memo_cell) == _shown(sheet[i][header.index(WORDS[key])]), \
                (h["code"], key)
            assert not re.search(r"\d\.\d\d人", page_cell), page_cell  # persons: whole, or an average to one decimal
    staff = next(i for i, h in enumerate(res["headline"]) if h["code"] == "reform_office_staff")
    assert cells[staff][head.index(WORDS["year_earlier"])].startswith("平均")
    tables = results_tables(res, lang="zh")
    # the indicators off target: value, target and gap as the memo prints them
    off_head, off_rows = _page(display_table(tables["off_target"], lang="zh"))
    off_sheet_head, off_sheet = _sheet(wb, "未达标指标")
    assert off_head == off_sheet_head
    for o, page_row, sheet_row in zip(res["indicators_off_target"], off_rows, off_sheet):
        unit = o.get("measure_unit")
        want = [quantity(o["value"], unit), quantity(o["target"], unit), difference(o["gap"], unit, signed=True)]
        assert page_row[-3:] == want == [_shown(c) for c in sheet_row[-3:]], o
    # tasks by category: the completion rate as the workbook shows it
    cat_head, cat_rows = _page(display_table(tables["by_category"], lang="zh"))
    cat_sheet_head, cat_sheet = _sheet(wb, "分类任务进展")
    for r, page_row, sheet_row in zip(res["tasks"]["by_category"], cat_rows, cat_sheet):
        assert page_row[-1] == percent(r["completion_rate"]) == _shown(sheet_row[-1])
        assert page_row == [_shown(c) for c in sheet_row]


def test_no_codes_in_the_reader_facing_tables(december, tmp_path, monkeypatch):
    res, frame = december
    codes = ({h["code"] for h in res["headline"]} | {"430300"} | {o["indicator"] for o in res["indicators_off_target"]}
             | {o["unit"] for o in res["indicators_off_target"]} | {c["category"] for c in res["tasks"]["by_category"]})
    assert {"assoc_decoupled_rate", "C1"} <= codes and any(u.isalpha() for u in codes)
    tables = results_tables(res, lang="zh")
    wb = _workbook(res, tmp_path, monkeypatch)
    shown = [_page(headline_display(frame)), _page(display_table(tables["off_target"], lang="zh")),
             _page(display_table(tables["by_category"], lang="zh")),
             *(_sheet(wb, t) for t in ("主要指标", "未达标指标", "分类任务进展", "评估得分", "全市得分"))]
    assert len(_sheet(wb, "评估得分")[1]) == len(res["evaluation"]["scores"]) >= 8  # the scores, not a note
    for head, rows in shown:
        assert not any("代码" in str(h) for h in head), head
        texts = {c if isinstance(c, str) else getattr(c, "value", None) for r in rows for c in r}
        assert not texts & codes, texts & codes


def test_comparison_without_document_words_has_no_leading_separator(december):
    from reformlib.report.memo import key_findings

    res, frame = december
    overview = key_findings(res)
    behind = [h for h in res["headline"] if h.get("units_behind")]
    assert behind  # the memo's words: the document's beside the city's figures, the units that missed apart
    sentence = next(s for s in overview if s.startswith("按单位看，"))
    for h in behind:
        assert f"{h['name']}有" in sentence and f"个单位（{h['units_behind']}）" in sentence
    assert not any(p in "".join(overview) for p in ("（；", "（;", "：；")), overview
    assert not any(w.startswith(("；", ";")) for w in frame["comparison"] if w)
    assert not any("本数据中" in w for w in frame["comparison"] if w)  # the page's column: the document's words only


def test_missing_comparisons_read_as_a_dash(data):
    res, frame = _brief(data, "2017-01")
    flows = [i for i, h in enumerate(res["headline"]) if h["previous_month"] is None]
    assert flows  # a flow's year to date starts again in January: no previous month
    head, cells = _page(headline_display(frame))
    cols, body = _memo_headline(res)
    for i in flows:
        assert cells[i][head.index(WORDS["previous_month"])] == "—"
        assert body[i][cols.index(WORDS["previous_month"])] == "—"
    assert not any(c == "" for row in cells for c in row)


def test_unit_memo_speaks_of_the_unit_not_of_every_unit(yuhu):
    res, _ = yuhu
    text = "".join(memo_content(res).overview) + "".join(p for _, p in memo_content(res).problems)
    assert "各单位自主推出改革" not in text and "本期各单位未达到目标" not in text
    assert "本单位自主推出改革15项" in text and "雨湖区承担" in text
    assert "本期雨湖区未达到目标的指标共" in text


def test_one_indicator_reads_with_one_number_of_decimals_on_page_and_workbook(december, yuhu, tmp_path, monkeypatch):
    """8亿元 | 6.74亿元 | 5.2亿元 and 9.9个月 | -4个月 read with one number of decimals; the city's
    persons are an average on every figure; in English 亿元 reads in millions of yuan; growth
    from a base below 5 is the change in count; the document's figure as the page prints it."""
    res, frame = december
    head, cells = _page(headline_display(frame))
    row = {h["code"]: (i, h) for i, h in enumerate(res["headline"])}
    i = row["tax_fee_cut"][0]
    assert [cells[i][head.index(WORDS[k])] for k in ("value", "previous_month", "year_earlier")] == [
        "8.00亿元", "6.74亿元", "5.20亿元"]
    i = row["housing_destock_months"][0]
    assert cells[i][head.index("较上年末变化")] == "-4.0个月" and cells[i][head.index(WORDS["value"])] == "9.9个月"
    i = row["reform_office_staff"][0]
    assert cells[i][head.index(WORDS["value"])] == "平均4.0人"
    en_head, en_cells = _page(headline_display(frame, lang="en"))
    value = HEADLINE_TEXT["en"]["value"]
    assert en_cells[row["tax_fee_cut"][0]][en_head.index(value)] == "800 million yuan"
    assert not any("100 million" in c for r in en_cells for c in r)
    header, sheet = _sheet(_workbook(res, tmp_path, monkeypatch), "主要指标")
    assert _shown(sheet[row["tax_fee_cut"][0]][header.index(WORDS["year_earlier"])]) == "5.20亿元"
    assert header[0] == "指标"  # the indicator, not a generic 名称
    document = [sheet[row[c][0]][header.index("2017年文件数值")].value for c in ("reform_office_staff", "tax_fee_cut")]
    assert document == [row["reform_office_staff"][1]["document_text"], row["tax_fee_cut"][1]["document_text"]]
    assert document[0] == "3–5"
    unit_res, unit_frame = yuhu
    head, cells = _page(headline_display(unit_frame))
    for i, h in enumerate(unit_res["headline"]):
        if h.get("growth") is not None and h["unit"] == "项" and h["year_earlier"] < 5:
            assert cells[i][head.index("较上年同期增长")] == f"{h['value'] - h['year_earlier']:+.0f}项", h["code"]
            assert "%" not in cells[i][head.index("较上年同期增长")]


def test_english_names_of_the_data_carry_no_chinese(data):
    tables, _ = data
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for column in ("category_en", "subcategory_en", "title_en"):
        assert not tables["tasks"][column].str.contains(cjk).any(), column
