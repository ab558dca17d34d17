"""The memo as a 公文: situation, problems found by written rules, recommendations naming the
units, attachments; GB/T 9704-2012 layout and official faces; names, never codes."""
from __future__ import annotations

import os
import re

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from reformlib.errors import DataValidationError, ParameterError
from reformlib.report.memo import key_findings, memo_content, write_memo
from reformlib.report.memo_layout import FONTS, LATIN_FONT
from reformlib.report.results import SECTIONS

THEME_ATTRS = [qn(a) for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")]
CODES = re.compile(r"\b(?:4303\d\d|zjj|jw|czj|xtgx|xtjk|tyjk)\b|[a-z]+_[a-z_]+")


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def _runs(document):
    paragraphs = list(document.paragraphs)
    paragraphs += [p for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    return [run for p in paragraphs for run in p.runs]


@pytest.fixture
def full(results):
    """Results with the optional fields of a real run: names, the 督办清单, a veto, the units
    of the old inspection problems, measure units and the city among the scores."""
    results["names"] = {"zjj": "市住建局", "jw": "市纪委"}
    results["tasks"]["supervision"] = [
        {"task_id": "T001", "title": "金融改革:出台文件", "lead_unit": "zjj", "lead_name": "市住建局",
         "leader_level": "unit_head", "deadline": "2017-09-30", "progress": 55.0, "status": "overdue",
         "days_overdue": 92},
        {"task_id": "T002", "title": "纪检派驻改革", "lead_unit": "jw", "lead_name": "市纪委",
         "leader_level": "group_leader", "deadline": "2017-12-31", "progress": 70.0,
         "status": "due_this_month", "days_overdue": 0},
    ]
    results["evaluation"]["scores"][2].update(grade="一般", veto="一票否决：发生一起较大安全生产责任事故；等次最高为一般")
    results["evaluation"]["scores"].append(
        {"unit": "430300", "name": "湘潭市", "score": 60.0, "grade": "较差", "rank": 5})
    results["indicators_off_target"] = [
        {"unit": "430304", "unit_name": "岳塘区", "indicator": "party_coverage_social", "name": "社会组织党组织覆盖率",
         "value": 66.0, "target": 70.0, "gap": -4.0, "measure_unit": "%"},
        {"unit": "430321", "unit_name": "湘潭县", "indicator": "land_transfer_new_area", "name": "新增耕地流转面积",
         "value": 11906.0, "target": 20000.0, "gap": -8094.0, "measure_unit": "mu"},
    ]
    results["inspections"]["over_90_by_unit"] = [
        {"unit": "430381", "name": "湘乡市", "open_over_90_days": 2},
        {"unit": "xtjk", "name": "湘潭经开区", "open_over_90_days": 1}]
    return results


def test_memo_reads_as_a_memo(tmp_path, full):
    document = docx.Document(str(write_memo(full, tmp_path / "memo.docx")))
    paragraphs = [p.text for p in document.paragraphs]
    text = _text(document)
    assert "关于2017年12月全面深化改革推进情况的报告" in "".join(paragraphs[:4])
    assert "市委全面深化改革领导小组：" in paragraphs
    heads = [paragraphs.index(h) for h in ("一、总体情况", "二、存在问题", "三、下步建议")]
    assert heads == sorted(heads)
    assert paragraphs[-1 - len(document.tables) * 4:].count("2018年1月5日") == 0 or "2018年1月5日" in text
    assert "2018年1月5日" in paragraphs and "湘潭市改革数据应用研究中心" in paragraphs
    assert "附件：1. 各县市区和园区月度评估得分与等次" in paragraphs
    # GB/T 9704 7.3.6: 附件 two characters in, and a long attachment name wraps to its own first character
    from reformlib.report.memo_layout import text_width
    em = 16.0
    listed = [p for p in document.paragraphs if re.match(r"^(附件：)?\d+\. ", p.text)]
    assert len(listed) >= 2
    for p in listed:
        left, first = p.paragraph_format.left_indent.pt, p.paragraph_format.first_line_indent.pt
        word, number = re.match(r"^(附件：)?(\d+\. )", p.text).groups()
        assert abs(left + first - (2 * em if word else 5 * em)) < 0.1, p.text
        # the name starts where its lines wrap (a full-width colon takes no extra space before a figure)
        lead = (3 * em if word else 0) + text_width(number) * em / 12
        assert abs(left + first + lead - left) < 0.1, p.text
    assert "合成演示数据" in text
    assert "213项年度改革任务已完成186项，完成率87.3%" in text
    props = document.core_properties
    assert props.author == "湘潭市改革数据应用研究中心" and props.created.isoformat().startswith("2018-01-05T01:30")


def test_each_problem_cites_its_figures_and_each_recommendation_names_its_units(full):
    c = memo_content(full)
    problems = dict(c.problems)
    advice = dict(c.advice)
    gaps = problems["（一）部分指标与目标差距较大"]
    # the largest relative gap first: 8,094 of 20,000 亩 (40 %) before 4 of 70 % (6 %)
    assert gaps.index("湘潭县新增耕地流转面积为11,906亩，目标20,000亩，差距8,094亩") < gaps.index("岳塘区社会组织")
    assert "目标70.0%，差距4.0个百分点" in gaps  # percentage points, never percent
    overdue = problems["（二）部分改革任务逾期未完成"]
    assert "任务4项" in overdue and "“金融改革:出台文件”（牵头单位市住建局，逾期92天，进度55%）" in overdue
    assert "本月到期尚未完成的任务1项" in overdue
    assert "进度滞后的任务中，有1项本月到期尚未完成，已列入督办清单。" in c.overview
    assert "建议督促市住建局、市纪委对督办清单所列逾期任务" in advice["（二）限期办结逾期任务"]
    low = problems["（三）部分单位评估等次偏低"]
    assert "等次为“一般”或“较差”的有1个单位：天易经开区71.30分（一般）。" in low
    assert "另有雨湖区得分84.00分，因一票否决：发生一起较大安全生产责任事故，等次定为一般（该一票否决允许的最高等次）。" in low
    old = problems["（四）督察问题整改超期"]
    assert "3个超过90天" in old and "湘乡市2个" in old and "湘潭经开区1个" in old
    assert advice["（四）督促超期问题销号"].startswith("针对问题（四），建议湘乡市、湘潭经开区")
    assert [h[:3] for h, _ in c.advice] == ["（一）", "（二）", "（三）", "（四）"]


def _overdue(task_id: str, days: int, *, key: bool = False) -> dict:
    return {"task_id": task_id, "title": f"任务{task_id}", "lead_unit": "zjj", "lead_name": "市住建局",
            "leader_level": "unit_head", "deadline": "2017-09-30", "progress": 90.0, "status": "overdue",
            "days_overdue": days, "key_task": key}


def test_the_longest_overdue_names_every_task_tied_at_the_last_days_named(full):
    full["tasks"]["supervision"] = [_overdue("T156", 122), _overdue("T003", 92), _overdue("T013", 92),
                                    _overdue("T014", 92), _overdue("T015", 92, key=True), _overdue("T020", 61)]
    full["tasks"]["overdue"] = 6
    overdue = dict(memo_content(full).problems)["（二）部分改革任务逾期未完成"]
    for t in ("T156", "T003", "T013", "T014", "T015"):
        assert f"“任务{t}”" in overdue, t
    assert "“任务T020”" not in overdue and "同样逾期" not in overdue
    # too many tied to name: the first three are named and the rest of the tie counted
    full["tasks"]["supervision"] = [_overdue(f"T{i:03d}", 92) for i in range(1, 9)]
    full["tasks"]["overdue"] = 8
    overdue = dict(memo_content(full).problems)["（二）部分改革任务逾期未完成"]
    assert sum(f"“任务T{i:03d}”" in overdue for i in range(1, 9)) == 3
    assert "；另有5项同样逾期92天" in overdue
    english = dict(memo_content(full, lang="en").problems)
    assert any("; 5 more also 92 days overdue" in v for v in english.values())


def test_key_tasks_on_the_supervision_list_are_marked_in_the_memo_and_the_page(full):
    from reformlib.briefs.content import supervision_frame

    full["tasks"]["supervision"][0]["key_task"] = True
    full["tasks"]["supervision"][1]["key_task"] = False
    c = memo_content(full)
    overdue = dict(c.problems)["（二）部分改革任务逾期未完成"]
    assert "“金融改革:出台文件”（重点任务，牵头单位市住建局，逾期92天，进度55%）" in overdue
    table = next(rows for title, _, rows in c.attachments if title == "督办清单")
    assert table[0][0] == "金融改革:出台文件（重点任务）" and table[1][0] == "纪检派驻改革"
    page = supervision_frame(full["tasks"]["supervision"], lang="zh")
    assert list(page["任务"]) == ["金融改革:出台文件（重点任务）", "纪检派驻改革"]
    assert "(key task, lead unit" in dict(memo_content(full, lang="en").problems).get(
        next(h for h, _ in memo_content(full, lang="en").problems if "overdue" in h.lower()), "")


def test_no_code_appears_in_the_chinese_memo(tmp_path, full):
    text = _text(docx.Document(str(write_memo(full, tmp_path / "memo.docx"))))
    assert "市住建局" in text and "湘潭高新区" not in text  # the 督办清单 replaces the risk table
    assert CODES.findall(text) == []


def test_city_is_reported_not_ranked(full):
    c = memo_content(full)
    scores = c.attachments[0]
    assert scores[0] == "各县市区和园区月度评估得分与等次"
    assert [r[0] for r in scores[2]] == ["湘潭县", "韶山市", "雨湖区", "天易经开区"]
    assert "全市（按全市指标及市本级牵头任务、市本级督察问题计）得分60.00分（较差），不参与县市区和园区排名。" in c.overview  # scores keep two decimals
    assert "湘潭市60" not in "".join(t for _, t in c.problems)
    assert "4个县市区和园区中得分最高的是湘潭县" in "".join(c.overview)


def test_document_comparison_only_for_the_city_in_december_2017(full):
    december = "".join(key_findings(full))
    assert "全市以下主要指标的数值与2017年年度总结一致：耕地流转率53.0%（年度总结：高于全国平均11.7个百分点）。" in december
    full["month"] = "2017-06"
    june = "".join(key_findings(full))
    assert "高于全国平均" not in june and "2017年6月" in june
    full["month"], full["unit"] = "2017-12", "430302"
    assert "高于全国平均" not in "".join(key_findings(full))
    assert memo_content(full).title.startswith("关于雨湖区2017年12月")


def test_no_zero_count_of_old_problems_and_readable_english(full):
    full["inspections"] = {"found": 89, "rectified": 80, "open": 9, "open_over_90_days": 0}
    zh = "".join(key_findings(full))
    assert "尚有9个未整改，均未超过90天" in zh and "其中0个" not in zh
    en = memo_content(full, lang="en")
    words = " ".join(key_findings(full, lang="en")) + " ".join(t for _, t in en.problems + en.advice)
    assert "(s)" not in words and not re.search(r"\d[a-z]", words)
    assert "186 of the 213 annual reform tasks were completed (87.3%)" in words
    assert "11,906 mu against a target of 20,000 mu" in words
    assert en.headings[0] == "1. Overall situation"


def test_nothing_found_says_so(results):
    results["indicators_off_target"] = []
    results["inspections"] = {"found": 5, "rectified": 5, "open": 0, "open_over_90_days": 0}
    results["tasks"].update(overdue=0)
    results["evaluation"]["scores"] = results["evaluation"]["scores"][:2]
    c = memo_content(results)
    assert c.problems == [("", "本期未发现需要提请领导小组关注的突出问题。")]
    assert "已全部整改" in "".join(c.overview)


def test_missing_sections_are_said_to_be_not_yet_available(tmp_path, results):
    results["evaluation"] = {"available": False, "note": "权重尚在论证"}
    for name in ("tasks", "indicators_off_target", "inspections", "pilots", "figures"):
        del results[name]
    text = _text(docx.Document(str(write_memo(results, tmp_path / "memo.docx"))))
    assert "评估模型结果尚未纳入本期报告（权重尚在论证）" in text
    assert "改革任务台账数据尚未纳入本期报告" in text
    assert any("not yet included" in s and "权重尚在论证" in s for s in key_findings(results, lang="en"))


def test_layout_and_official_faces(tmp_path, full):
    document = docx.Document(str(write_memo(full, tmp_path / "memo.docx")))
    sec = document.sections[0]
    mm = pytest.approx
    assert (sec.page_width.mm, sec.page_height.mm) == (mm(210, abs=0.1), mm(297, abs=0.1))
    assert sec.top_margin.mm == mm(37, abs=0.1) and sec.left_margin.mm == mm(28, abs=0.1)
    assert sec.page_width.mm - sec.left_margin.mm - sec.right_margin.mm == mm(156, abs=0.1)
    assert sec.page_height.mm - sec.top_margin.mm - sec.bottom_margin.mm == mm(225, abs=0.1)
    runs = _runs(document)
    for run in runs:
        fonts = run._r.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) in FONTS.values(), run.text
        assert fonts.get(qn("w:ascii")) == LATIN_FONT and not any(a in fonts.attrib for a in THEME_ATTRS)
    by_text = {r.text: r for r in runs}
    title = next(r for r in runs if r.text.startswith("关于"))
    assert title._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体" and title.font.size == Pt(22)
    assert by_text["一、总体情况"]._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert by_text["（一）部分指标与目标差距较大。"]._r.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    body = next(r for r in runs if r.text.startswith("截至"))
    assert body._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and body.font.size == Pt(16)
    assert body._parent.paragraph_format.first_line_indent == Pt(32)
    footer = sec.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "— " in footer and " —" in footer and 'w:sz w:val="28"' in footer


def test_bad_arguments_and_failed_writes_leave_the_good_memo(tmp_path, results):
    path = write_memo(results, tmp_path / "memo.docx")
    before = path.read_bytes()
    with pytest.raises(ParameterError, match="lang"):
        write_memo(results, path, lang="fr")
    broken = {**results, "tasks": {**results["tasks"], "completion_rate": 187.3}}
    with pytest.raises(DataValidationError):
        write_memo(broken, path)
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["memo.docx"]


def test_real_data_carry_no_synthetic_notice(tmp_path, results):
    results["synthetic"] = False
    assert "合成" not in _text(docx.Document(str(write_memo(results, tmp_path / "m.docx"))))


def test_sections_constant_covers_the_optional_sections():
    assert SECTIONS[0] == "tasks" and "evaluation" in SECTIONS


# ------------------------------------------------ the memo reads true and as an office sends it
ZERO = re.compile(r"(?<![\d.,])0(?:项|个|名|天)")


def _memo_text(c) -> str:
    return "\n".join([*c.overview, *(h + t for h, t in c.problems + c.advice)])


def test_a_recommendation_never_asks_for_what_the_overview_says_is_done(full):
    c = memo_content(full)
    assert any(s.endswith("已列入督办清单。") for s in c.overview)
    advice = dict(c.advice)["（二）限期办结逾期任务"]
    assert "列入督办清单" not in advice  # already on it: the action is to finish them, naming the leads
    assert "建议督促市住建局、市纪委" in advice and "限期办结" in advice


def test_gaps_in_different_units_are_ranked_by_their_share_of_the_target_and_say_so(full):
    full["indicators_off_target"] = [
        {"unit": "430381", "unit_name": "湘乡市", "indicator": "approval_items", "name": "投资报建审批事项",
         "value": 39.0, "target": 35.0, "gap": 4.0, "measure_unit": "项"},
        {"unit": "430302", "unit_name": "雨湖区", "indicator": "river_chief_rate", "name": "河长制工作方案出台率",
         "value": 85.0, "target": 100.0, "gap": -15.0, "measure_unit": "%"},
        {"unit": "tyjk", "unit_name": "天易经开区", "indicator": "approval_items", "name": "投资报建审批事项",
         "value": 41.0, "target": 35.0, "gap": 6.0, "measure_unit": "项"},
    ]
    gaps = dict(memo_content(full).problems)["（一）部分指标与目标差距较大"]
    assert "按差距占目标值的比例排序，差距最大的是：" in gaps
    shares = [float(x) for x in re.findall(r"占目标值的(\d+\.\d)%", gaps)]
    assert shares == [17.1, 15.0, 11.4]  # 6 of 35 项, 15 of 100 %, 4 of 35 项
    assert gaps.index("差距6项") < gaps.index("差距15.0个百分点") < gaps.index("差距4项")
    for o in full["indicators_off_target"]:
        o["target"], o["gap"] = 0.0, o["value"]
    listed = dict(memo_content(full).problems)["（一）部分指标与目标差距较大"]
    assert "最大" not in listed and "占目标值" not in listed  # no share to rank by: none is called largest


def test_a_grade_capped_by_a_veto_stands_apart_from_the_low_scores_and_the_word_is_dengci(full):
    c = memo_content(full)
    low = dict(c.problems)["（三）部分单位评估等次偏低"]
    listed, _, vetoed = low.partition("另有")
    assert "天易经开区" in listed and "雨湖区" not in listed  # 84.00 is no low score
    assert "雨湖区" in vetoed and "一票否决" in vetoed and "；" not in vetoed
    text = _memo_text(c) + "".join(a[0] + "".join(a[1]) for a in c.attachments)
    assert "等级" not in text and "等次" in text
    full["evaluation"]["scores"][3]["grade"] = "良好"  # only the capped grade is left
    c = memo_content(full)
    heads = [h for h, _ in c.problems]
    assert "（三）评估等次受一票否决限定" in heads and not any("偏低" in h for h in heads)
    assert dict(c.advice)["（三）针对一票否决事项抓好整改"].startswith("针对问题（三），建议雨湖区针对一票否决事项")


def _late(pid: str, unit: str, name: str, found: str, due: str, days: int) -> dict:
    return {"problem_id": pid, "unit": unit, "name": name, "inspection": "市委中期督察", "found_on": found,
            "due_on": due, "days_past_due": days}


def test_each_inspection_problem_is_reported_once(full):
    items = [_late("P1", "xtjk", "湘潭经开区", "2017-07-15", "2017-08-14", 139),
             _late("P2", "430302", "雨湖区", "2017-07-24", "2017-09-22", 100),
             _late("P3", "430381", "湘乡市", "2017-11-24", "2017-12-24", 7)]
    full["inspections"].update(open_over_90_days=3, past_due=3, past_due_items=items,
                               past_due_by_unit=[{"unit": r["unit"], "name": r["name"], "past_due": 1} for r in items])
    c = memo_content(full)
    insp = [(h, t) for h, t in c.problems if "督察问题" in h]
    assert len(insp) == 1 and len(c.problems) == len(c.advice) == 4
    text = insp[0][1]
    # past due 3; of them found over 90 days ago 2; the third over 90 days is still within its deadline
    assert "有3个已超过整改时限" in text and "上述超时限问题中，发现已超过90天仍未整改的有2个（湘潭经开区1个、雨湖区1个）" in text
    assert text.endswith("；另有1个发现已超过90天，尚在整改时限内。")
    # a unit's memo: its one problem, one problem and one recommendation
    full["unit"] = "430302"
    full["inspections"].update(found=4, rectified=3, open=1, open_over_90_days=1, past_due=1, past_due_items=items[1:2],
                               over_90_by_unit=[{"unit": "430302", "name": "雨湖区", "open_over_90_days": 1}],
                               past_due_by_unit=[{"unit": "430302", "name": "雨湖区", "past_due": 1}])
    c = memo_content(full)
    insp = [t for h, t in c.problems if "督察问题" in h]
    assert len(insp) == 1 and len(c.problems) == len(c.advice)
    assert sum("超过整改时限" in t or "超期问题" in t for _, t in c.advice) == 1
    assert "有1个已超过整改时限仍未整改，为雨湖区在市委中期督察中发现的问题" in insp[0]
    assert insp[0].endswith("该问题发现已超过90天。") and "最久" not in insp[0]


def test_no_count_of_zero_is_printed(full):
    full["tasks"].update(total=213, completed=182, on_schedule=0, behind=17, overdue=14, completion_rate=85.4)
    full["headline"] = [{**h, "target": 1.0, "meets_target": True} for h in full["headline"]]
    full["pilots"] = {"national": 0, "provincial": 3, "models": 0, "local": 0}
    text = _memo_text(memo_content(full))
    assert ZERO.findall(text) == []
    assert "进度滞后17项，逾期未完成14项，无按期推进中的任务。" in text
    assert "有目标的2项主要指标均达到年度目标（流量指标按月折算）" in text and "承担省级改革试点3项。" in text
    full["tasks"].update(completed=213, on_schedule=0, behind=0, overdue=0, completion_rate=100.0,
                         supervision=[])
    text = _memo_text(memo_content(full))
    assert "213项年度改革任务已全部完成，完成率100.0%。" in text and ZERO.findall(text) == []
    english = _memo_text(memo_content(full, lang="en"))
    assert "all 213 annual reform tasks were completed" in english and " 0 " not in english


def test_every_rank_names_its_assessment_its_group_and_its_base(full):
    full["unit"] = "430302"
    full["evaluation"]["scores"][2].update(peer_group_name="县市区", peer_rank=2, peer_size=3)
    full["changes"] = {"available": True, "month": "2017-12", "previous_month": "2017-11", "completed": [],
                       "newly_overdue": [], "crossed": [], "rectified": [],
                       "ranks": [{"unit": "430302", "name": "雨湖区", "rank_before": 2, "rank": 3, "rank_change": -1,
                                  "grade_before": "一般", "grade": "一般", "score_before": 80.0, "score": 84.0}]}
    text = _memo_text(memo_content(full))
    assert "雨湖区在本月月度评估中居县市区和园区第3/4名、县市区第2/3名。" in text
    assert "雨湖区2017年12月月度评估（不含定性评价）在县市区和园区中居第3/4名，2017年11月为第2/4名（下降1位）" in text
    assert re.findall(r"第\d+名", text) == []  # no rank without its base


def test_a_curly_quote_around_latin_text_is_set_in_the_latin_face():
    """The English memo printed “health care: set up a mechanism (T179)” with full-width quotes in
    the Chinese face; quotes around Chinese text keep the Chinese face."""
    from reformlib.report.memo_layout import FONTS, LATIN_FONT, _run

    p = docx.Document().add_paragraph()
    _run(p, "the task “health care (T179)” and 任务“医药卫生改革”")
    faces = [(r.text, r._r.rPr.rFonts.get(qn("w:eastAsia"))) for r in p.runs]
    assert "".join(t for t, _ in faces) == "the task “health care (T179)” and 任务“医药卫生改革”"
    assert [t for t, face in faces if face == LATIN_FONT] == ["“", "”"]
    assert faces[-1] == (" and 任务“医药卫生改革”", FONTS["body"])
