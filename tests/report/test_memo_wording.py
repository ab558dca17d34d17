"""The memo's words as an official reads them: one word for a grade (等次), dates and ranges in
characters the memo's GB2312 faces have, a duration read one way, a weighted part that equals
its factors or says why not, a veto said once, the year-end summary quoted only where the
city's value is its figure, and the early warning's differences in percentage points."""
from __future__ import annotations

import docx
import pandas as pd
import pytest

import reformlib.i18n as i18n
from reformlib.report.makeup import agrees, make_up_rows, make_up_sentence
from reformlib.report.memo import key_findings, memo_content, write_memo
from reformlib.report.numbers import band, difference, quantity
from reformlib.report.workbook import DEFAULT_HEADERS
from reformlib.tasks.reasons import reason_text


def in_gb2312(ch: str) -> bool:
    """Whether the GB2312 faces (仿宋_GB2312, 楷体_GB2312, as Windows maps them through code page
    936) have ``ch``: ASCII, or a GBK code in GB2312's rows A1-F7 and cells A1-FE."""
    if ord(ch) < 128:
        return True
    try:
        code = ch.encode("gbk")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0xA1 <= code[0] <= 0xF7 and 0xA1 <= code[1] <= 0xFE


def docx_text(path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]
    parts += [p.text for s in d.sections for f in (s.footer, s.even_page_footer) for p in f.paragraphs]
    return "\n".join(parts)


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)


def test_one_word_for_a_grade_everywhere():
    """The memo said 等次 and the page and workbook headers 等级 for the same grade; 等次 is the
    word of Chinese assessment rules (考核等次) and the memo's."""
    words = [s for name in dir(i18n) if name.isupper() for s in _strings(getattr(i18n, name))]
    assert words and not [s for s in words if "等级" in s]
    assert DEFAULT_HEADERS["zh"]["grade"] == "等次"
    assert "等次" in i18n.PEERS_TEXT["zh"]["cols"] and "等次" in i18n.HEADINGS["zh"]["evaluation"]


def test_a_duration_in_months_reads_with_its_tenth_everywhere(results):
    """12.7个月 against a target of 12 read "12个月" in the off-target table and "12.0个月" in
    the headline: one reading, with one decimal."""
    assert quantity(12, "months", "zh") == quantity(12, "个月", "zh") == "12.0个月"
    assert quantity(12, "months", "en") == "12.0 months"
    assert difference(0.7, "个月", "zh", signed=True) == "+0.7个月"
    results["indicators_off_target"] = [
        {"unit": "430302", "unit_name": "雨湖区", "indicator": "housing_destock_months", "name": "商品房去化周期",
         "value": 12.7, "target": 12.0, "gap": 0.7, "measure_unit": "个月"}]
    c = memo_content(results)
    off = next(a for a in c.attachments if a[0] == "未达到目标的指标")
    assert off[2] == [["雨湖区", "商品房去化周期", "12.7个月", "12.0个月", "+0.7个月"]]
    gap = dict(c.problems)["（一）部分指标与目标差距较大"]
    assert "为12.7个月，目标12.0个月，差距0.7个月" in gap


def test_the_memo_uses_only_characters_of_its_gb2312_faces(results, tmp_path):
    """Dates were written 2017‑07‑24 with U+2011 and bands 30–39% with an en dash, neither of
    which 仿宋_GB2312 has: dates read 2017年7月24日 and bands 30%～39%, as a 公文 writes them."""
    results["headline"].append({"code": "judge_quota_ratio", "name": "首批入额法官比例", "value": 36.3, "unit": "%",
                                "reference_value": 36.3, "comparison": "不超过中央规定的39%", "target": 39.0,
                                "band_low": 30.0, "band_high": 39.0, "meets_target": True, "previous_month": 36.1,
                                "year_earlier": 36.2})
    results["tasks"]["supervision"] = [
        {"task_id": "T001", "title": "金融改革：出台文件", "lead_unit": "zjj", "lead_name": "市住建局",
         "leader_level": "unit_head", "deadline": "2017-09-30", "progress": 55.0, "status": "overdue",
         "days_overdue": 92}]
    results["inspections"].update(past_due=1, past_due_by_unit=[{"unit": "430302", "name": "雨湖区", "past_due": 1}],
                                  past_due_items=[{"problem_id": "P1", "unit": "430302", "name": "雨湖区",
                                                   "inspection": "市委中期督察", "found_on": "2017-07-24",
                                                   "due_on": "2017-09-22", "days_past_due": 100}])
    path = write_memo(results, tmp_path / "memo.docx")
    text = docx_text(path)
    assert sorted({ch for ch in text if not in_gb2312(ch)}) == []
    assert "2017年9月30日" in text and "2017年7月24日" in text and "2017年9月22日" in text
    assert "30%～39%" in text
    # the page keeps its own range mark; an English memo its ISO dates
    assert band(30, 39, "%", "zh") == "30–39%" and band(30, 39, "%", "zh", official=True) == "30%～39%"
    english = docx_text(write_memo(results, tmp_path / "memo_en.docx", lang="en"))
    assert "2017\u201109\u201130" in english


def test_a_grade_set_by_a_veto_is_said_once_with_the_rule_and_the_event(results):
    """"…；等次最高为一般，评定为一般" said the grade twice; the rule, the event and the grade once."""
    results["evaluation"]["scores"][2].update(
        grade="一般", veto="一票否决（重大责任事故）：2017年9月14日发生一起重大安全生产责任事故（合成演示数据）；等次最高为一般")
    low = dict(memo_content(results).problems)["（三）部分单位评估等次偏低"]
    sentence = low.partition("另有")[2]
    assert sentence == ("雨湖区得分84.00分，因2017年9月14日发生一起重大安全生产责任事故（合成演示数据），"
                        "按重大责任事故一票否决的规定，等次定为一般（该规定允许的最高等次）。")
    results["evaluation"]["scores"][2]["veto"] = ("veto (major accident): 2017-09-14: a major work-safety accident "
                                                  "(synthetic demonstration record); grade at most fair")
    results["evaluation"]["scores"][2].update(grade="fair", name="Yuhu District")
    for s in results["evaluation"]["scores"]:
        s["grade"] = {"优秀": "excellent", "一般": "fair"}.get(s["grade"], s["grade"])
    english = " ".join(t for _, t in memo_content(results, lang="en").problems)
    assert ("Yuhu District scored 84.00; after a major work-safety accident (synthetic demonstration record) on "
            "14 September 2017, the one-vote veto for a major accident sets its grade at fair, the highest that "
            "veto allows") in english
    assert "grade at most" not in english


def _record(quantitative: float, qualitative: float, q_part: float, l_part: float, score: float) -> dict:
    return {"full": 100.0, "base_points": 100.0, "terms": [{"part": "item", "item": "改革成效指数", "points": -3.17,
                                                            "reason": "完成度"}],
            "base": 96.83, "bonus": 0.0, "quantitative": quantitative, "qualitative": qualitative, "share": 0.2,
            "quantitative_part": q_part, "qualitative_part": l_part, "score": score}


def test_a_weighted_part_equals_its_shown_factors_or_says_why_not():
    """96.83分×80% is 77.464, shown 77.46; a part shown 77.47 (from the unrounded 96.834) beside
    "96.83分×80%" did not add up: the line gives the product and says how the part was rounded."""
    assert not agrees(96.83, 0.8, 77.47) and agrees(96.83, 0.8, 77.46) and agrees(85.92, 0.2, 17.18)
    record = _record(96.83, 85.92, 77.47, 17.18, 94.65)
    rows = {r[0]: r for r in make_up_rows(record, lang="zh")}
    assert rows["定量得分×80%"][1:] == ["77.47", "96.83分×80%＝77.464分；本行按未四舍五入的得分计算，"
                                                "末位按各部分之和等于综合得分取舍"]
    assert rows["定性评价得分×20%"][1:] == ["17.18", "85.92分×20%"]
    sentence = make_up_sentence(record, name="岳塘区", assessment="2017年度年终评估", lang="zh")
    assert sentence.endswith("合计94.65分（各部分按未四舍五入的得分计算，末位按合计等于综合得分取舍）。")
    assert "96.83 x 80% = 77.464" in make_up_rows(record, lang="en")[-3][2]
    agreeing = _record(86.53, 84.94, 69.22, 16.99, 86.21)
    assert "取舍" not in make_up_sentence(agreeing, name="雨湖区", assessment="年终评估", lang="zh")
    assert [r[2] for r in make_up_rows(agreeing, lang="zh")[-3:-1]] == ["86.53分×80%", "84.94分×20%"]


def test_the_year_end_summary_is_quoted_only_where_the_citys_value_is_its_figure(results):
    """"主要指标与年度总结一致" stood before notes of units below target: the sentence says that
    the city's values are the summary's figures, and the units below target stand apart."""
    results["headline"][0]["units_behind"] = "雨湖区、湘乡市"
    results["headline"].append({"code": "gov_debt_ratio", "name": "政府综合债务率", "value": 87.0, "unit": "%",
                                "reference_value": -5.0, "comparison": "下降5个百分点"})
    overview = key_findings(results)
    assert overview[0] == "全市以下主要指标的数值与2017年年度总结一致：耕地流转率53.0%（年度总结：高于全国平均11.7个百分点）。"
    assert overview[1] == "按单位看，耕地流转率有2个单位（雨湖区、湘乡市）本月未达到目标。"
    results["headline"][0].update(name="farmland transfer rate", units_behind="Yuhu District, Xiangxiang")
    english = key_findings(results, lang="en")
    assert english[1] == "By unit, 2 units for farmland transfer rate (Yuhu District, Xiangxiang) missed this month's target."
    assert english[0].startswith("The city's values of these headline figures are those of the 2017 year-end summary")


def test_the_early_warnings_differences_are_percentage_points():
    """Progress and its schedule are percentages: their difference is in percentage points, never "points"."""
    row = pd.Series({"progress": 40.0, "gap": -12.0, "velocity_1": 1.0, "velocity_2": 3.0, "months_since_start": 5.0,
                     "months_to_deadline": 1.0, "planned_months": 6.0, "share_elapsed": 0.8, "shortfall": 30.0,
                     "key_task": False, "workload": 4.0, "unit_behind_share": 0.25, "category": "C1",
                     "leader_level": "unit_head", "completion_form": "document", "lead_kind": "department"})
    contrib = pd.Series({"gap": 3.0, "velocity_1": 2.0, "velocity_2": 1.0})
    en = reason_text(row, contrib, pd.Series({"category_en": "economy"}), lang="en")
    assert en == ("12 percentage points behind schedule; 1 percentage point gained last month; "
                  "3 percentage points a month over two months")
    zh = reason_text(row, contrib, pd.Series({"category_zh": "经济"}), lang="zh")
    assert zh == "进度比计划落后12个百分点；上月推进1个百分点；近两月月均推进3个百分点"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_units_memo_counts_the_tasks_its_unit_leads(results, lang):
    results["unit"] = "430302"
    results["evaluation"]["scores"][2]["name"] = "雨湖区" if lang == "zh" else "Yuhu District"
    results["tasks"].update(total=5, completed=5, on_schedule=0, behind=0, overdue=0, completion_rate=100.0)
    text = "".join(key_findings(results, lang=lang))
    assert ("雨湖区牵头的5项年度改革任务已全部完成" if lang == "zh" else "all 5 annual reform tasks led by Yuhu District") in text


def _changes(row: dict) -> dict:
    return {"available": True, "month": "2017-12", "previous_month": "2017-11", "completed": [], "newly_overdue": [],
            "ranks": [row], "crossed": [], "rectified": []}


def test_a_units_rank_change_is_within_its_peer_group(results):
    """A unit's memo ranked it among all 8 territorial units in its changes sentence; the page
    ranks it among its peers (县市区 or 园区), and so does the memo when the row carries them."""
    results["unit"] = "430302"
    row = {"unit": "430302", "name": "雨湖区", "rank_before": 3, "rank": 2, "rank_change": 1, "grade_before": "一般",
           "grade": "一般", "score_before": 78.1, "score": 79.2}
    peer = {"peer_group_name": "县市区", "peer_size": 5, "peer_rank": 2, "peer_rank_before": 3}
    results["changes"] = _changes({**row, **peer})
    text = "".join(key_findings(results))
    assert ("雨湖区2017年12月月度评估（不含定性评价）在县市区中居第2/5名，2017年11月为第3/5名（上升1位），等次仍为一般"
            in text)
    assert "县市区和园区中居" not in text and "/8" not in text
    english = "".join(key_findings(results, lang="en"))
    assert "ranks 2/5 among the 县市区 in the monthly assessment of December 2017" in english


def test_units_whose_names_hold_a_comma_are_listed_apart(results):
    """"press Education Bureau, Culture, Radio, Film and Press Bureau, Xiangtan County" reads as
    six units: names holding a comma are set apart by semicolons."""
    results["names"] = {"wgx": "Culture, Radio, Film and Press Bureau", "jyj": "Education Bureau"}
    results["tasks"]["overdue"] = 2
    results["tasks"]["supervision"] = [
        {"task_id": f"T00{i}", "title": f"task {i}", "lead_unit": u, "lead_name": results["names"][u],
         "leader_level": "unit_head", "deadline": "2017-09-30", "progress": 55.0, "status": "overdue",
         "days_overdue": 92} for i, u in enumerate(("jyj", "wgx"))]
    advice = " ".join(t for _, t in memo_content(results, lang="en").advice)
    assert "press Education Bureau; Culture, Radio, Film and Press Bureau to set a date" in advice
    assert "建议督促Education Bureau、Culture, Radio, Film and Press Bureau对督办清单" in \
        " ".join(t for _, t in memo_content(results).advice)


def test_a_units_memo_says_whose_figures_and_problems_it_counts(results):
    """"有目标的18项主要指标中…" and "督察发现问题4个…" in 雨湖区's memo read as the city's: the
    sentences name the unit."""
    results["unit"] = "430302"
    results["headline"][0].update(target=50.0, meets_target=True)
    results["headline"][1].update(target=12.0, meets_target=False)
    text = "".join(key_findings(results))
    assert "雨湖区有目标的2项主要指标中，1项达到年度目标（流量指标按月折算），1项未达到" in text
    assert "督察在雨湖区发现问题89个，已整改80个" in text
    results["evaluation"]["scores"][2]["name"] = "Yuhu District"
    english = "".join(key_findings(results, lang="en"))
    assert "Of the 2 headline figures of Yuhu District with a target" in english
    assert "Inspections found 89 problems in Yuhu District:" in english
    results["unit"] = None
    assert "督察发现问题89个" in "".join(key_findings(results))


def test_a_units_own_indicators_below_target_are_counted_as_items(results):
    """项次 counts a unit by an indicator: one unit's indicators below target are 项."""
    results["unit"] = "430304"
    results["indicators_off_target"][0]["unit_name"] = "岳塘区"
    gap = dict(memo_content(results).problems)["（一）部分指标与目标差距较大"]
    assert gap.startswith("本期岳塘区未达到目标的指标共1项，") and "项次" not in gap
    results["unit"] = None
    assert "指标共1项次" in dict(memo_content(results).problems)["（一）部分指标与目标差距较大"]


def test_the_pages_task_sentence_counts_as_the_memo_does_and_prints_no_zero():
    """The page said "…进度滞后18项，逾期未完成2项，尚未启动0项" and left out the 145 on schedule."""
    from reformlib.report.page import task_sentence

    counts = {"total": 213, "completed": 48, "on_schedule": 145, "behind": 18, "overdue": 2}
    assert task_sentence(counts, "2017-06") == ("截至2017年6月底，213项年度改革任务中已完成48项（完成率22.5%）；"
                                                "按期推进145项，进度滞后18项，逾期未完成2项。")
    assert task_sentence(counts, "2017-06", lang="en") == (
        "By the end of June 2017, 48 of the 213 annual reform tasks were complete (22.5%); 145 on schedule, "
        "18 behind schedule, 2 overdue.")
    frame = pd.DataFrame({"status": ["completed"] * 3 + ["not_started"]})
    assert task_sentence(frame, "2017-12") == "截至2017年12月底，4项年度改革任务中已完成3项（完成率75.0%）；尚未启动1项。"
    assert "0项" not in task_sentence({**counts, "completed": 213, "on_schedule": 0, "behind": 0, "overdue": 0}, "2017-12")


def test_the_pages_title_names_the_month_and_the_unit():
    from reformlib.report.page import title_markdown

    assert title_markdown("2017-06", "zh", "湘潭市", False) == "# 改革简报 · 2017年6月 · 湘潭市"
    assert title_markdown("2017-06", "en", "<b>Yuhu</b>", True).startswith("# Reform brief · June 2017 · \\<b\\>Yuhu\\<\\/b\\>\n\n> **Note")


def test_an_english_memo_says_its_inspection_names_are_the_datas_chinese_ones(results):
    results["inspections"].update(past_due=1, past_due_by_unit=[{"unit": "430302", "name": "雨湖区", "past_due": 1}],
                                  past_due_items=[{"problem_id": "P1", "unit": "430302", "name": "雨湖区",
                                                   "inspection": "市委中期督察", "found_on": "2017-07-24",
                                                   "due_on": "2017-09-22", "days_past_due": 100}])
    english = next(a for a in memo_content(results, lang="en").attachments if a[0].startswith("Inspection problems"))
    assert english[1][1] == "Inspection (named as in the data, in Chinese)" and english[2][0][1] == "市委中期督察"
    chinese = next(a for a in memo_content(results).attachments if a[0] == "超过整改时限未整改的督察问题")
    assert chinese[1] == ["单位", "督察", "发现日期", "整改时限", "超期天数"]
    # names the data give in English are not said to be Chinese
    results["inspections"]["past_due_items"][0]["inspection"] = "mid-term inspection by the municipal Party committee"
    english = next(a for a in memo_content(results, lang="en").attachments if a[0].startswith("Inspection problems"))
    assert "Chinese" not in english[1][1]
