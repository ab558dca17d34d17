"""The brief's results and memo read as an official reads them, on the demonstration data:
the June memo never carries the document's year-end wording, the unit memo names units
and never prints a code, the veto stands beside 雨湖区's grade, tasks due this month and
unfinished are on the 督办清单, and the memo's figures are those of results.json."""
from __future__ import annotations

import re

import pandas as pd
import pytest

import reformlib as rl
from reformlib.briefs import content as brief
from reformlib.report.memo import memo_content
from reformlib.report.numbers import score
from reformlib.report.results import validate_results

pytestmark = pytest.mark.slow
CODES = re.compile(r"\b(?:4303\d\d|[a-z]{2,5})\b|[a-z]+_[a-z_]+")


def _results(data, pilots, reference, month: str, unit: str) -> dict:
    uc = unit or brief.CITY
    obs, ind, units = data["observations"], data["indicators"], data["units"]
    status, by_category = brief.task_progress(data["tasks"], data["progress"], month, unit=uc)
    sections = {
        "evaluation": brief.evaluation_section(data, month, uncertainty=False),
        "indicators_off_target": brief.off_target(obs, ind, units, month, unit=uc),
        "inspections": brief.inspections_summary(data["inspections"], month, unit=uc, units=units),
        "pilots": brief.pilots_summary(pilots, month, unit=uc),
        "supervision": brief.supervision_list(data["tasks"], status, month, units=units),
    }
    return validate_results(brief.results(
        month=month, lang="zh", unit=unit or None, headline_table=brief.headline(obs, ind, reference, month, unit=uc),
        status=status, by_category=by_category, synthetic=True, figures=[], sections=sections, units=units))


@pytest.fixture(scope="module")
def runs(demo):
    data, pilots, reference = rl.load_data(None), rl.load_pilots(None), rl.load_reference()
    return {key: _results(data, pilots, reference, *key) for key in (("2017-06", ""), ("2017-12", "430302"),
                                                                       ("2017-12", ""))}


def _text(c) -> str:
    parts = [c.title, *c.overview, *(h + t for h, t in c.problems + c.advice)]
    parts += [a[0] + "".join("".join(r) for r in a[2]) for a in c.attachments]
    return "\n".join(parts)


def test_june_memo_carries_no_year_end_wording(runs):
    res = runs[("2017-06", "")]
    text = _text(memo_content(res))
    for h in res["headline"]:
        if h["comparison"]:
            assert h["comparison"] not in text, h["comparison"]
    assert "其中0个" not in text


def test_unit_memo_names_units_and_prints_no_code(runs):
    res = runs[("2017-12", "430302")]
    text = _text(memo_content(res))
    assert "雨湖区" in text
    assert CODES.findall(text.replace("T0", "").replace("T1", "").replace("T2", "")) == []
    for h in res["headline"]:  # the city's year-end wording is never set against a district
        if h["comparison"]:
            assert h["comparison"] not in text


def test_veto_stands_beside_the_capped_grade(runs):
    res = runs[("2017-12", "430302")]
    yuhu = next(s for s in res["evaluation"]["scores"] if s["unit"] == "430302")
    assert yuhu["veto"] and "一票否决" in yuhu["veto"]
    c = memo_content(res)
    row = next(r for r in c.attachments[0][2] if r[0] == "雨湖区")
    assert row[2] == yuhu["grade"] and "一票否决" in row[3]
    # its grade is the veto's cap, not a low score: a problem of its own, the veto's text unbroken
    low = next(t for h, t in c.problems if h.endswith("评估等次受一票否决限定"))
    assert "湘乡市" not in low  # the unit's memo speaks of the unit
    # the rule and the event, the grade said once (not "等次最高为一般，评定为一般")
    assert (f"雨湖区得分{score(yuhu['score'])}分，因2017年9月14日发生一起重大安全生产责任事故（合成演示数据），"
            f"按重大责任事故一票否决的规定，等次定为{yuhu['grade']}（该规定允许的最高等次）。") in low
    assert low.count(yuhu["grade"]) == 1 and "评定为" not in low and "等次最高为" not in low
    assert "；" not in low


def test_tasks_due_this_month_and_unfinished_are_on_the_supervision_list(demo):
    data = rl.load_data(None)
    status, _ = brief.task_progress(data["tasks"], data["progress"], "2017-12")
    listed = brief.supervision_list(data["tasks"], status, "2017-12", units=data["units"])
    assert sum(r["status"] == "due_this_month" for r in listed) == 17  # the 17 tasks due 2017-12-31
    assert all(not CODES.search(r["lead_name"]) for r in listed)
    page = brief.supervision_frame(listed, lang="zh")
    assert list(page.columns) == ["任务", "牵头单位", "牵头领导", "完成时限", "进度", "状态", "逾期天数"]
    assert (page["状态"] == "本月到期未完成").sum() == 17 and "按期推进" not in set(page["状态"])
    assert not page["牵头单位"].str.fullmatch(r"[a-z0-9]+").any()
    due = status.merge(data["tasks"][["task_id", "deadline"]], on="task_id")
    unfinished = due[(due["deadline"].dt.to_period("M") == "2017-12") & (due["status"] != "completed")]
    on_list = {r["task_id"]: r["status"] for r in listed}
    assert {t: on_list.get(t) for t in unfinished["task_id"]} == {t: "due_this_month" for t in unfinished["task_id"]}
    overdue = set(status.loc[status["status"] == "overdue", "task_id"])
    assert {t for t, s in on_list.items() if s == "overdue"} == overdue


def test_memo_figures_are_those_of_results(runs):
    for res in runs.values():
        text = _text(memo_content(res))
        tasks = res["tasks"]
        if tasks["completed"] == tasks["total"]:
            assert f"{tasks['total']}项年度改革任务已全部完成，完成率{tasks['completion_rate']:.1f}%" in text
        else:
            assert f"{tasks['total']}项年度改革任务已完成{tasks['completed']}项，完成率{tasks['completion_rate']:.1f}%" in text
        for s in res["evaluation"]["scores"]:
            if s["unit"] != "430300":
                assert f"{s['name']}{score(s['score'])}{s['grade']}" in text.replace("\n", "")
        insp = res["inspections"]
        where = "在雨湖区" if res["unit"] == "430302" else ""
        assert f"督察{where}发现问题{insp['found']}个，已整改{insp['rectified']}个" in text


def test_document_wording_only_beside_the_city_in_december_2017(demo):
    data, reference = rl.load_data(None), rl.load_reference()
    obs, ind = data["observations"], data["indicators"]
    december = brief.headline(obs, ind, reference, "2017-12")
    assert (december["comparison"] != "").sum() >= 4
    assert "高出全国平均水平11.7个百分点" in set(december["comparison"])
    for month, unit in (("2017-06", "430300"), ("2017-12", "430302"), ("2016-12", "430300")):
        other = brief.headline(obs, ind, reference, month, unit=unit)
        assert set(other["comparison"]) == {""} and set(other["document_text"]) == {""}, (month, unit)


def test_a_city_figure_the_document_reports_complete_names_the_units_that_are_not(demo):
    """December 2017: the city's 河长制工作方案出台率 stands beside the document's "…全部出台"
    while three units of the same page are listed below their target for it. The headline
    names every unit the page lists off target for that indicator, in ``units_behind``, apart
    from the document's words (which stay as the document wrote them); the page says so in a
    note under the table and the memo beside the words. Without the units table to name them,
    the document's words are left out."""
    from reformlib.i18n import MEMO
    from reformlib.report import page
    from reformlib.report.memo import _headline

    data, reference = rl.load_data(None), rl.load_reference()
    obs, ind, units = data["observations"], data["indicators"], data["units"]
    december = brief.headline(obs, ind, reference, "2017-12", units=units).set_index("code")
    off = brief.off_target(obs, ind, units, "2017-12")
    shown = december[(december["comparison"] != "") | (december["units_behind"] != "")]
    assert len(shown) >= 4
    for code, row in shown.iterrows():
        listed = off.loc[off["indicator"] == code, "unit_name"].tolist()
        assert row["units_behind"].split("、") == listed if listed else row["units_behind"] == "", (code, row["units_behind"])
        assert "本数据中" not in row["comparison"] and not any(name in row["comparison"] for name in listed), code
    river = december.loc["river_chief_plan_rate"]
    assert river["comparison"] == "5个县市区、3个园区和66个乡镇全部出台" and river["units_behind"] == "雨湖区、湘潭县、湘乡市"
    note = page.units_behind_note(december.reset_index(), "zh")
    assert note.startswith("注：“文件表述”是2017年全市年度总结的原文") and "河长制工作方案出台率（雨湖区、湘潭县、湘乡市）" in note
    # the memo: the city's value is the document's, quoted as the document's; the units below target apart
    city = {"month": "2017-12", "unit": None, "headline": [
        {"name": "河长制工作方案出台率", "value": river["value"], "unit": "%", "reference_value": river["document"],
         "comparison": river["comparison"], "units_behind": river["units_behind"]}]}
    assert _headline(city, MEMO["zh"], "zh") == [
        "全市以下主要指标的数值与2017年年度总结一致：河长制工作方案出台率100.0%（年度总结：5个县市区、3个园区和66个乡镇全部出台）。",
        "按单位看，河长制工作方案出台率有3个单位（雨湖区、湘潭县、湘乡市）本月未达到目标。"]
    unnamed = brief.headline(obs, ind, reference, "2017-12").set_index("code")
    assert unnamed.at["river_chief_plan_rate", "comparison"] == "" == unnamed.at["river_chief_plan_rate", "document_text"]


def test_results_hold_the_page_change_columns(runs, demo):
    data, reference = rl.load_data(None), rl.load_reference()
    frame = brief.headline(data["observations"], data["indicators"], reference, "2017-06")
    got = {h["code"]: (h["change"], h["growth"]) for h in runs[("2017-06", "")]["headline"]}
    for r in frame.itertuples(index=False):
        want = tuple(None if pd.isna(x) else pytest.approx(float(x)) for x in (r.change, r.growth))
        assert got[r.code] == want, r.code


def test_city_is_reported_not_ranked_among_its_parts(runs):
    for res in runs.values():
        scores = res["evaluation"]["scores"]
        assert "430300" not in {s["unit"] for s in scores} and res["evaluation"]["city"]["name"] == "湘潭市"
        assert sorted(s["rank"] for s in scores) == list(range(1, len(scores) + 1))


def test_unit_memo_shows_how_its_score_is_made_up(runs):
    """The unit memo's points lost, bonus and qualitative part add up to the score beside the
    grade (it listed 20.47 lost points beside 86.21 with nothing to reconcile them)."""
    res = runs[("2017-12", "430302")]
    yuhu = next(s for s in res["evaluation"]["scores"] if s["unit"] == "430302")
    assert yuhu["lost_points"] and all(p["lost"] > 0 and p["reason"] for p in yuhu["lost_points"])
    content = memo_content(res)
    title, header, rows = next(a for a in content.attachments if a[0].endswith("得分构成"))
    assert title == "雨湖区2017年度年终评估（含定性评价）得分构成" and header == ["项目", "分值", "说明"]  # December: year-end
    lines = {r[0]: r[1] for r in rows}
    assert [lines[f"失分：{p['item']}"] for p in yuhu["lost_points"]] == [f"-{p['lost']:.2f}" for p in yuhu["lost_points"]]
    assert (lines["基础分（适用考核项目满分）"], lines["基础得分"], lines["加分合计"], lines["定量得分"]) == (
        "100.00", "79.53", "+7.00", "86.53")
    assert (lines["定量得分×80%"], lines["定性评价得分×20%"], lines["综合得分"]) == ("69.22", "16.99", "86.21")
    assert lines["综合得分"] == score(yuhu["score"]) and not any(CODES.fullmatch(r[0]) for r in rows)
    said = next(s for s in content.overview if s.startswith("雨湖区2017年度年终评估（含定性评价）得分86.21分："))
    assert "失分20.47分" in said and "加分7.00分" in said and "按20%计16.99分" in said and said.endswith("合计86.21分。")
    june = memo_content(runs[("2017-06", "")]).attachments
    assert not any(a[0].endswith(("失分明细", "得分构成")) for a in june)  # the city's memo lists no unit's make-up


def test_problems_past_their_rectification_deadline_are_reported(runs):
    """11 inspection problems are open past their 整改时限 at 2017-12-31, 湘乡市 with 3: the
    results count and list them, the memo states them as a problem citing the figures with a
    recommendation naming the units, and still keeps the open-over-90-days rule."""
    insp = runs[("2017-12", "")]["inspections"]
    assert insp["past_due"] == 11 == len(insp["past_due_items"]) == sum(r["past_due"] for r in insp["past_due_by_unit"])
    by_name = {r["name"]: r["past_due"] for r in insp["past_due_by_unit"]}
    assert by_name["湘乡市"] == 3 and by_name["湘潭经开区"] == 3
    days = [r["days_past_due"] for r in insp["past_due_items"]]
    assert days == sorted(days, reverse=True) and min(days) >= 1
    assert all(r["due_on"] < "2017-12-31" for r in insp["past_due_items"])
    c = memo_content(runs[("2017-12", "")])
    problems, advice = dict(c.problems), dict(c.advice)
    head = next(h for h in problems if h.endswith("督察问题超过整改时限未整改"))
    text = problems[head]
    assert text.startswith("截至2017年12月31日，督察发现的问题中有11个已超过整改时限仍未整改，其中湘乡市3个、湘潭经开区3个")
    longest = insp["past_due_items"][0]
    assert f"已超期{longest['days_past_due']}天" in text and longest["name"] in text
    ref = head[:head.index("）") + 1]
    said = next(v for h, v in advice.items() if h.endswith("限期整改超时限问题"))
    assert said.startswith(f"针对问题{ref}，建议湘乡市、湘潭经开区")
    assert all(("市本级" if r["unit"] == "430300" else r["name"]) in said for r in insp["past_due_by_unit"])
    assert "未整改的问题中，已超过整改时限的11个。" in c.overview
    title, header, rows = next(a for a in c.attachments if a[0] == "超过整改时限未整改的督察问题")
    assert header == ["单位", "督察", "发现日期", "整改时限", "超期天数"] and len(rows) == 11
    if insp["open_over_90_days"]:  # the 90-day rule stays, among the problems past their deadline: each reported once
        assert "上述超时限问题中，发现已超过90天仍未整改的有" in text
        assert not any(h.endswith("督察问题整改超期") for h in problems)
    unit = runs[("2017-12", "430302")]["inspections"]  # a unit's brief counts its own
    assert unit["past_due"] == 1 and [r["name"] for r in unit["past_due_by_unit"]] == ["雨湖区"]


# ------------------------------------------- December 2017: the memo reads true and as an office sends it
ZERO = re.compile(r"(?<![\d.,])0(?:项|个|名|天)")


def _body(c) -> str:
    return "\n".join([*c.overview, *(h + t for h, t in c.problems + c.advice)])


def test_december_memo_recommends_no_step_already_taken(runs):
    res = runs[("2017-12", "")]
    c = memo_content(res)
    assert any(s.endswith("已列入督办清单。") for s in c.overview)
    advice = next(t for h, t in c.advice if h.endswith("限期办结逾期任务"))
    assert "列入督办清单" not in advice and advice.startswith("针对问题（二），建议督促")
    leads = {r["lead_name"] for r in res["tasks"]["supervision"] if r["status"] in ("overdue", "due_this_month")}
    assert leads and all(name in advice for name in leads)


def test_december_gaps_are_ranked_by_their_share_of_the_target(runs):
    res = runs[("2017-12", "")]
    gaps = next(t for h, t in memo_content(res).problems if h.endswith("部分指标与目标差距较大"))
    assert "按差距占目标值的比例排序" in gaps
    shares = [float(x) for x in re.findall(r"占目标值的(\d+\.\d)%", gaps)]
    every = sorted((abs(o["gap"]) / abs(o["target"]) for o in res["indicators_off_target"] if o["target"]), reverse=True)
    assert len(shares) == 3 and shares == [round(100 * x, 1) for x in every[:3]]


def test_december_low_grades_leave_the_vetoed_grade_apart_and_say_dengci(runs):
    c = memo_content(runs[("2017-12", "")])
    low = next(t for h, t in c.problems if h.endswith("部分单位评估等次偏低"))
    listed, _, vetoed = low.partition("另有")
    assert "湘乡市60.12分（较差）" in listed and "雨湖区" not in listed
    assert vetoed.startswith("雨湖区得分86.21分，因2017年9月14日发生") and "；" not in vetoed and "评定为" not in vetoed
    text = _body(c) + "".join(a[0] + "".join(a[1]) for a in c.attachments)
    assert "等级" not in text


def test_december_inspection_problems_are_reported_once(runs):
    city = memo_content(runs[("2017-12", "")])
    assert sum("督察问题" in h for h, _ in city.problems) == 1
    unit = memo_content(runs[("2017-12", "430302")])
    assert [h[3:] for h, _ in unit.problems] == ["部分指标与目标差距较大", "评估等次受一票否决限定", "督察问题超过整改时限未整改"]
    assert len(unit.advice) == 3 and sum("超过整改时限" in t or "超期问题" in t for _, t in unit.advice) == 1


def test_no_memo_prints_a_count_of_zero(runs):
    for key, res in runs.items():
        assert ZERO.findall(_body(memo_content(res))) == [], key
    city = _body(memo_content(runs[("2017-12", "")]))
    assert "无按期推进中的任务" in city and "全市有目标的18项主要指标均达到年度目标（流量指标按月折算）" in city


def test_every_rank_in_the_unit_memo_names_its_assessment_group_and_base(runs):
    """The brief's year-end place (3rd of 8, 3rd of 5 县市区) and the changes section's monthly
    one (December 2nd, November 3rd, as changes_since finds them on these data) each with its
    assessment, group and base."""
    res = dict(runs[("2017-12", "430302")])
    res["changes"] = {"available": True, "month": "2017-12", "previous_month": "2017-11", "completed": [],
                      "newly_overdue": [], "crossed": [], "rectified": [],
                      "ranks": [{"unit": "430302", "name": "雨湖区", "rank_before": 3, "rank": 2, "rank_change": 1,
                                 "grade_before": "一般", "grade": "一般", "score_before": 75.79, "score": 86.53}]}
    text = _body(memo_content(validate_results(res)))
    assert "雨湖区在2017年度年终评估（含定性评价）中居县市区和园区第3/8名、县市区第3/5名。" in text
    assert "雨湖区2017年12月月度评估（不含定性评价）在县市区和园区中居第2/8名，2017年11月为第3/8名（上升1位），等次仍为一般" in text
    assert re.findall(r"第\d+名", text) == []  # every rank with its base


def test_a_units_changes_rank_it_within_its_peer_group(runs):
    """雨湖区 in June 2017: its monthly rank this month and last among the 县市区, as the page
    ranks it, not among all eight counties, districts and parks."""
    from reformlib.briefs.changes import changes_since
    from reformlib.report.memo import changes_summary

    june = runs[("2017-06", "")]["evaluation"]  # the month's monthly assessment, made once
    changes = changes_since(rl.load_data(None), "2017-06", unit="430302", evaluation=june)
    ranks = changes["ranks"]
    assert len(ranks) == 1 and ranks[0]["peer_group_name"] == "县市区" and ranks[0]["peer_size"] == 5
    assert ranks[0]["peer_rank"] == next(s["peer_rank"] for s in june["scores"] if s["unit"] == "430302")
    assert 1 <= ranks[0]["peer_rank_before"] <= ranks[0]["rank_before"]
    sentence = changes_summary({"month": "2017-06", "unit": "430302", "changes": {**changes, "available": True}})
    r = ranks[0]
    assert f"在县市区中居第{r['peer_rank']}/5名，2017年5月为第{r['peer_rank_before']}/5名" in sentence
    assert "县市区和园区中" not in sentence


def test_the_memos_use_only_characters_of_their_gb2312_faces(runs, tmp_path):
    """The June, December and 雨湖区 memos, as written to Word: every character is one the GB2312
    faces (仿宋_GB2312, 楷体_GB2312) have, dates written 2017年9月30日 and bands 30%～39%."""
    import docx

    from reformlib.report.memo import write_memo

    def in_gb2312(ch: str) -> bool:  # as Windows maps the faces: GBK codes in GB2312's rows A1-F7
        code = ch.encode("gbk", errors="replace")
        return ord(ch) < 128 or (len(code) == 2 and 0xA1 <= code[0] <= 0xF7 and 0xA1 <= code[1] <= 0xFE)

    for (month, unit), res in runs.items():
        d = docx.Document(str(write_memo(res, tmp_path / f"{month}{unit}.docx")))
        text = "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])
        assert sorted({ch for ch in text if not in_gb2312(ch)}) == [], (month, unit)
        assert "\u2011" not in text and not re.search(r"\d{4}-\d{2}-\d{2}", text), (month, unit)


def test_targets_are_named_as_the_years_and_june_gaps_as_gaps_to_the_year_end(runs):
    """The catalogue holds one target an indicator, the year's: a stock (``annual`` december) is
    held to it in every month, a flow to it pro rata. June said "10项达到本月目标" and set
    雨湖区's 40.0 % 河长制工作方案出台率 against "目标100.0%" with advice to "赶超", though the
    rate is built up over the year; December keeps its plain wording."""
    from reformlib.i18n import HEADLINE_TEXT
    from reformlib.report.tables import HEADERS

    june = memo_content(runs[("2017-06", "")])
    text = _text(june) + "".join("".join(a[1]) for a in june.attachments)
    assert "本月目标" not in text and "赶超" not in text
    assert any("达到年度目标（流量指标按月折算）" in s for s in june.overview)
    gaps = next(t for h, t in june.problems if h.endswith("部分指标与目标差距较大"))
    # the count says it holds the whole city's own values beside the units' (8 of the 88 in June)
    listed = june_off = runs[("2017-06", "")]["indicators_off_target"]
    city_rows = sum(o["unit"] == "430300" for o in june_off)
    assert city_rows and city_rows < len(listed)
    assert gaps.startswith(f"本期全市和各县市区、园区未达到目标的指标共{len(listed)}项次（其中全市的数值{city_rows}项）")
    assert "雨湖区河长制工作方案出台率为40.0%" in gaps
    assert gaps.endswith("上述差距是距年度目标的差距（流量指标按月折算），距年底还有6个月。")
    advice = next(t for h, t in june.advice if h.endswith("对照目标补齐短板"))
    assert "对照年度目标" in advice and "确保年底前达到目标" in advice
    headline = next(a for a in june.attachments if a[0] == "主要指标与年度目标、上月、上年同期比较")
    assert headline[1][2:4] == ["年度目标（流量指标按月折算）", "是否达到目标"]
    off = next(a for a in june.attachments if a[0] == "未达到目标的指标")
    assert off[1][3] == "年度目标（流量指标按月折算）"
    for lang, words in (("zh", "年度目标（流量指标按月折算）"), ("en", "Annual target (flows: pro rata to the month)")):
        assert HEADERS[lang]["target"] == HEADLINE_TEXT[lang]["target"] == HEADERS[lang]["target_value"] == words
    december = memo_content(runs[("2017-12", "")])
    gaps = next(t for h, t in december.problems if h.endswith("部分指标与目标差距较大"))
    assert "距年底" not in gaps and "按差距占目标值的比例排序" in gaps
    assert "确保年底前" not in "".join(t for _, t in december.advice)
    english = memo_content(runs[("2017-06", "")], lang="en")
    gaps = next(t for h, t in english.problems if h.endswith("Indicators far from target"))
    assert gaps.endswith("These are gaps to the year's target (flows: pro rata to the month), with 6 months of the year left.")


def test_the_citys_own_problems_are_the_city_level_departments_and_its_score_says_where_it_lost(runs):
    """June 2017: 湘潭市 was asked to report to its own leading group ("建议湘潭市、湘乡市、雨湖区…
    说明原因", "其中湘潭市2个"), and its 59.23 stood below every one of its parts with nothing to
    explain it. The city's own problems are 市本级's; its score is told with its largest
    deductions, those of the model's make-up, in the memo, the page and the workbook alike."""
    from reformlib.briefs import peers
    from reformlib.report.workbook import city_score_sheet

    res = runs[("2017-06", "")]
    c = memo_content(res)
    problems, advice = dict(c.problems), dict(c.advice)
    late = next(t for h, t in problems.items() if h.endswith("督察问题超过整改时限未整改"))
    assert "其中市本级2个、湘乡市2个、雨湖区1个" in late and "湘潭市2个" not in late
    said = next(t for h, t in advice.items() if h.endswith("限期整改超时限问题"))
    assert said.startswith("针对问题（四），建议市本级、湘乡市、雨湖区")
    assert "建议湘潭市" not in _body(c) and "湘潭市、" not in "".join(advice.values())
    rows = next(a for a in c.attachments if a[0] == "超过整改时限未整改的督察问题")[2]
    city_rows = [r for r in res["inspections"]["past_due_items"] if r["unit"] == "430300"]
    assert len(city_rows) == 2 and [r[0] for r in rows].count("市本级") == 2 and "湘潭市" not in [r[0] for r in rows]
    off = next(a for a in c.attachments if a[0] == "未达到目标的指标")[2]  # the whole city's figures stay the city's
    assert "湘潭市" in {r[0] for r in off} and "市本级" not in {r[0] for r in off}
    city = res["evaluation"]["city"]
    lost = sorted(city["lost_points"], key=lambda p: -p["lost"])
    assert city["score"] == 59.23 and min(s["score"] for s in res["evaluation"]["scores"]) > city["score"]
    assert [(p["item"], p["lost"]) for p in lost[:3]] == [("改革成效指数", 17.51), ("按期完成任务", 10.0), ("督察整改", 10.0)]
    assert lost[3]["lost"] < 10.0  # no tie left out
    # what the city's score counts, its largest deductions with their reasons, and its make-up adding up (bonus too)
    sentence = ("全市（按全市指标及市本级牵头任务、市本级督察问题计）得分59.23分（较差），不参与县市区和园区排名。"
                "失分最多的是改革成效指数失分17.51分（改革成效指数56.7（标准化1～100）；完成度56.2%，得22.49分）；"
                "按期完成任务失分10.00分（未按期完成任务11项，每个扣2分，扣10.00分（扣完为止））；"
                "督察整改失分10.00分（督察问题未整改6个，每个扣2分，扣10.00分（扣完为止））。")
    assert sentence in c.overview
    made = c.overview[c.overview.index(sentence) + 1]
    assert made == ("湘潭市2017年6月月度评估得分59.23分：基础分100.00分，失分44.77分，基础得分55.23分；加分4.00分；"
                    "合计59.23分（月度评估不含定性评价）。"), made
    assert round(100 - sum(p["lost"] for p in city["lost_points"]) + city["make_up"]["bonus"], 2) == city["score"]
    assert sentence.split("。")[1] + "。" in peers.scores_note(res["evaluation"], "zh")
    assert city_score_sheet(res, lang="zh").at[0, "note"] == sentence


def test_english_outputs_name_inspections_in_english(demo, tmp_path):
    """The English memo said "found in Xiangxiang by the 户籍制度改革督察": the synthetic data now
    carry each inspection's English name (``inspection_en``), which the English outputs use; data
    without it have the Chinese name quoted as the inspection's own title."""
    from reformlib.i18n import MEMO
    from reformlib.report.memo import _past_due, names_of
    from reformlib.synth import draw

    data = rl.load_data(None)
    insp = data["inspections"]
    assert insp["inspection_en"].notna().all() and not insp["inspection_en"].str.contains(r"[\u4e00-\u9fff]").any()
    assert insp.groupby("inspection_id")["inspection_en"].nunique().eq(1).all()
    drawn = draw()["inspections"]  # the generator's, as the file holds it
    assert list(drawn["inspection_en"]) == list(insp["inspection_en"])
    english = brief.inspections_summary(insp, "2017-06", units=data["units"], lang="en")
    named = {r["problem_id"]: r["inspection"] for r in english["past_due_items"]}
    assert named and all(not re.search(r"[\u4e00-\u9fff]", v) for v in named.values())
    assert "inspection of household registration reform" in named.values()
    res = {"month": "2017-06", "unit": None, "inspections": english}
    problem, _ = _past_due(res, MEMO["en"], "en", names_of(res, "en"))
    assert "found in Xiangxiang by the inspection of household registration reform" in problem
    assert not re.search(r"[\u4e00-\u9fff]", problem)
    chinese = brief.inspections_summary(insp, "2017-06", units=data["units"], lang="zh")
    assert "户籍制度改革督察" in {r["inspection"] for r in chinese["past_due_items"]}
    # data without the English name: the Chinese name, quoted as the inspection's title
    bare = brief.inspections_summary(insp.drop(columns="inspection_en"), "2017-06", units=data["units"], lang="en")
    assert "inspection “户籍制度改革督察”" in {r["inspection"] for r in bare["past_due_items"]}


def test_the_page_and_workbook_list_the_citys_problems_as_the_city_level_departments(runs):
    """The page's and the workbook's list of problems past their deadline name the city's own
    as the memo does: 市本级, never 湘潭市."""
    from reformlib.report.workbook import past_due_sheet

    res = runs[("2017-06", "")]
    city = sum(r["unit"] == "430300" for r in res["inspections"]["past_due_items"])
    for frame in (brief.past_due_frame(res["inspections"], lang="zh"), past_due_sheet(res, lang="zh")):
        units = list(frame["单位"])
        assert city == 2 and units.count("市本级") == city and "湘潭市" not in units


def test_no_problem_found_is_said_in_words_not_as_zero_problems_all_rectified(runs):
    import copy

    res = copy.deepcopy(runs[("2017-12", "430302")])
    res["inspections"].update(found=0, rectified=0, open=0, open_over_90_days=0, past_due=0, over_90_by_unit=[],
                              past_due_by_unit=[], past_due_items=[])
    body = _body(memo_content(res))
    assert "截至2017年12月，督察未在雨湖区发现问题。" in body
    assert "发现问题0" not in body and "已全部整改" not in body


def test_a_rank_in_a_group_that_is_the_whole_league_is_said_once(runs):
    import copy

    res = copy.deepcopy(runs[("2017-12", "430302")])
    assert "县市区第" in _body(memo_content(res))  # 2nd of the 5 县市区 beside the rank among all 8
    own = next(s for s in res["evaluation"]["scores"] if s["unit"] == "430302")
    size = res["evaluation"].get("league_size") or len(res["evaluation"]["scores"])
    own.update(peer_size=size, peer_rank=own["rank"])  # a league of 县市区 only, as a national one
    body = _body(memo_content(res))
    assert f"第{own['rank']}/{size}名" in body and "县市区第" not in body


def test_one_task_all_done_is_said_of_one_task(runs):
    import copy

    res = copy.deepcopy(runs[("2017-12", "430302")])
    res["tasks"].update(total=1, completed=1, on_schedule=0, behind=0, overdue=0, completion_rate=100.0)
    res["tasks"]["supervision"] = []
    assert "截至2017年12月，雨湖区牵头的1项年度改革任务已完成，完成率100.0%。" in _body(memo_content(res))
    english = _body(memo_content({**res, "lang": "en"}, lang="en"))
    assert "the one annual reform task led by" in english and "all 1 " not in english
