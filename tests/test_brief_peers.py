"""The brief's evaluation ranks peers with peers and names its assessment; its early-warning list
states what its probabilities mean; the month's held-out check is made once and reused, never
for changed data. On the demonstration data, without papermill."""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

import reformlib as rl
from reformlib.briefs import content as brief
from reformlib.briefs import peers, risk
from reformlib.data.task_status import shown_schedule
from reformlib.errors import DataValidationError
from reformlib.report.results import validate_results
from reformlib.tasks import cache, warning

XIANGTAN_COUNTY = "430321"


@pytest.fixture(scope="module")
def data(demo):
    return rl.load_data(demo)


@pytest.fixture(scope="module")
def sections(data):
    return {m: brief.evaluation_section(data, m) for m in ("2017-06", "2017-12")}


@pytest.fixture()
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    cache.forget()
    yield tmp_path / "cache"
    cache.forget()


def test_peer_ranks_run_from_one_within_each_group_and_leave_the_city_out(sections, data):
    kinds = data["units"].set_index("unit")["kind"]
    for section in sections.values():
        scores = section["scores"]
        assert brief.CITY not in {s["unit"] for s in scores}
        assert sorted(s["rank"] for s in scores) == list(range(1, len(scores) + 1))
        groups: dict[str, list[dict]] = {}
        for s in scores:
            groups.setdefault(s["peer_group"], []).append(s)
            assert s["peer_group"] == rl.i18n.PEER_GROUP_OF[kinds[s["unit"]]]
        assert {g: len(m) for g, m in groups.items()} == {"county_district": 5, "park": 3}
        for members in groups.values():
            assert sorted(s["peer_rank"] for s in members) == list(range(1, len(members) + 1))
            assert all(s["peer_size"] == len(members) for s in members)
            assert all(1 <= s["peer_rank_p05"] <= s["peer_rank_p95"] <= len(members) for s in members)
            best = max(members, key=lambda s: s["score"])
            assert best["peer_rank"] == 1
        assert section["city"]["unit"] == brief.CITY and "rank" not in section["city"]
    yuetang = next(s for s in sections["2017-12"]["scores"] if s["unit"] == "430304")
    assert yuetang["peer_rank_text"] == "第1/5名（县市区）"


def test_rank_intervals_within_a_group_come_from_the_groups_own_ranks(sections, data):
    """Parks' interval recomputed among the three parks in each replication: bounded by 3, and
    equal to ranking the replication's scores of the parks alone."""
    result = rl.evaluate(rl.load_spec(indicators=data["indicators"]), data, period="2017-06")
    scores = result.rank_uncertainty().scores
    parks = ["xtjk", "xtgx", "tyjk"]
    ranks = scores[parks].round(9).rank(axis=1, method="min", ascending=False)
    for s in sections["2017-06"]["scores"]:
        if s["unit"] in parks:
            assert s["peer_rank_p05"] == pytest.approx(np.percentile(ranks[s["unit"]], 5))
            assert s["peer_rank_p95"] == pytest.approx(np.percentile(ranks[s["unit"]], 95))
    # a park's rank among all eight parts differs from its rank among the parks
    tyjk = next(s for s in sections["2017-06"]["scores"] if s["unit"] == "tyjk")
    assert tyjk["rank"] == 4 and tyjk["peer_rank"] == 1 and tyjk["rank_p95"] > tyjk["peer_rank_p95"]


def test_december_uses_the_year_end_assessment_and_june_the_monthly_one(sections, data):
    dec, jun = sections["2017-12"], sections["2017-06"]
    assert (dec["assessment"], dec["period"]) == ("year_end", "2017")
    assert "年终评估" in dec["assessment_label"] and "月度" not in dec["assessment_label"]
    assert (jun["assessment"], jun["period"]) == ("monthly", "2017-06")
    assert jun["assessment_label"] == "2017年6月月度评估"
    # the library call of notebooks/evaluation.ipynb for the year (phase "year", period 2017-12)
    spec = rl.load_spec(indicators=data["indicators"])
    year_end = rl.evaluate(spec, data, period="2017").combined.at[XIANGTAN_COUNTY, "score"]
    county = next(s for s in dec["scores"] if s["unit"] == XIANGTAN_COUNTY)
    assert county["score"] == pytest.approx(round(year_end, 2)) == pytest.approx(65.59)
    monthly_dec = brief.evaluation_section(data, "2017-12", assessment="monthly", uncertainty=False)
    assert next(s for s in monthly_dec["scores"] if s["unit"] == XIANGTAN_COUNTY)["score"] == pytest.approx(63.69)
    assert monthly_dec["assessment_label"] == "2017年12月月度评估"
    assert peers.assessment_label("year_end", "2017-12", "en").startswith("year-end assessment 2017")
    with pytest.raises(ValueError, match="year-end assessment is made in December"):
        peers.assessment_period("2017-06", "year_end")
    with pytest.raises(ValueError, match="assessment must be one of"):
        peers.assessment_period("2017-06", "annual")


def _results(data, month: str, sections: dict) -> dict:
    status, by_category = brief.task_progress(data["tasks"], data["progress"], month)
    return validate_results(brief.results(
        month=month, lang="zh", unit=None, headline_table=pd.DataFrame(columns=["code", "name", "value", "measure_unit",
                                                                                "document", "comparison"]),
        status=status, by_category=by_category, synthetic=True, figures=[], sections=sections, units=data["units"]))


def test_results_carry_the_assessment_and_peer_ranks(sections, data):
    res = _results(data, "2017-12", {"evaluation": sections["2017-12"]})
    ev = res["evaluation"]
    assert ev["assessment"] == "year_end" and ev["assessment_label"] == sections["2017-12"]["assessment_label"]
    assert all(s["peer_rank_text"].startswith(f"第{s['peer_rank']}/{s['peer_size']}名") for s in ev["scores"])


def test_at_risk_list_under_rule_auto_says_its_rule_and_shows_what_ranks_it(data, own_cache):
    tasks, progress, units = data["tasks"], data["progress"], data["units"]
    check = warning.month_check(tasks, progress, "2017-11", units=units, n_boot=100)
    section = brief.at_risk_section(tasks, progress, "2017-11", units=units, top=5, check=check)
    meaning, records = section["warning"], section["at_risk"]
    choice = warning.choose_rule(tasks, progress, "2017-11", units=units, check=check)
    assert meaning["rule"] == choice["rule"] and meaning["rule_note"] == choice["reason_zh"]
    assert meaning["rule_note"] in meaning["text"]
    assert meaning["method"] == ("gap_to_schedule" if choice["rule"] == "gap" else "model")
    assert meaning["checked"] and meaning["auc_low"] <= meaning["auc"] <= meaning["auc_high"]
    assert "ROC AUC为" in meaning["text"]
    assert len(records) == 5
    status = rl.task_status(tasks, progress, "2017-11").set_index("task_id")
    for r in records:
        assert r["progress"] == round(status.at[r["task_id"], "progress"], 2)
        assert r["expected"] == round(status.at[r["task_id"], "expected"], 2)
        assert r["lead_name"] and r["lead_name"] != r["lead_unit"]
    frame = risk.risk_frame(records, lang="zh")
    if meaning["method"] == "model":  # the fitted model's probabilities: bands with their observed rates
        bands = {b["band"]: b for b in meaning["bands"]}
        assert "实际逾期率" in meaning["text"]
        for r in records:
            band = bands[r["band"]]
            assert r["band_n"] == band["n"] > 0 and r["band_observed"] == band["observed"]
            assert f"{r['band']}档{round(100 * band['observed'])}%（95%区间" in meaning["text"]
        assert list(frame.iloc[0])[2] == records[0]["band"]
    else:  # ranked by the gap to schedule (the demo data's November): no probability band anywhere
        assert all("band" not in r for r in records)
        assert "按档" not in meaning["text"] and "实际逾期率" not in meaning["text"]
        assert "逾期概率（档）" not in frame.columns and "该档实际逾期率（留出检验）" not in frame.columns
        first = records[0]
        p, e, gap = shown_schedule(first["progress"], first["expected"])
        assert list(frame.iloc[0])[2:5] == [f"{p}%", f"{e}%",
                                            f"落后{-gap}个百分点" if gap < 0 else f"超前{gap}个百分点" if gap else "与计划持平"]
    res = _results(data, "2017-11", {"at_risk": section})
    assert res["tasks"]["warning"]["text"] == meaning["text"] and res["tasks"]["at_risk"][0] == records[0]


def test_june_s_list_without_a_fitted_model_shows_the_gap_to_schedule_not_probability_bands(data, own_cache):
    """June 2017: the model is not fitted and the list is ranked by the gap to schedule; the
    page, the workbook and the memo show each task's progress against its schedule, labelled so,
    and no probability band, and the text does not speak of the list's probabilities."""
    from reformlib.report.memo import memo_content
    from reformlib.report.tables import HEADERS, results_tables

    section = brief.at_risk_section(data["tasks"], data["progress"], "2017-06", units=data["units"])
    meaning, records = section["warning"], section["at_risk"]
    assert meaning["model_fitted"] is False and meaning["method"] == "gap_to_schedule" and records
    assert "因此未启用" in meaning["text"] and "名单中的概率" not in meaning["text"] and "按档显示" not in meaning["text"]
    assert all("band" not in r and r["expected"] >= r["progress"] for r in records)
    page = risk.risk_frame(records, lang="zh", units=data["units"])
    assert list(page.columns) == ["title", "lead_unit", "进度", "按计划本月底应达进度", "与计划相比", "reason"]
    assert page["与计划相比"].str.match(r"^(落后\d+个百分点|与计划持平)$").all()
    res = _results(data, "2017-06", {"at_risk": section})
    sheet = results_tables(res)["at_risk"]
    assert list(sheet.columns) == ["task_id", "title", "lead_name", "task_progress", "schedule_expected", "schedule_gap",
                                   "reason"]
    assert [HEADERS["zh"][c] for c in ("task_progress", "schedule_expected", "schedule_gap")] == list(page.columns[2:5])
    assert list(sheet["schedule_gap"]) == list(page["与计划相比"])
    english = risk.risk_frame(section["at_risk"], lang="en")
    assert "Probability of missing (band)" not in english.columns and "Against the schedule" in english.columns
    att = next(a for a in memo_content(res).attachments if a[0] == "存在逾期风险的任务")
    assert "逾期概率（档）" not in att[1] and att[1][2:5] == ["进度", "按计划本月底应达进度", "与计划相比"]


def test_an_unfitted_month_says_so_instead_of_passing_a_rule_off_as_the_model(data, own_cache):
    section = brief.at_risk_section(data["tasks"], data["progress"], "2017-03", units=data["units"], lang="en")
    meaning = section["warning"]
    assert meaning["model_fitted"] is False and meaning["rule"] == "gap" and not meaning["checked"]
    assert "the early-warning model needs the history of at least 60 tasks past their deadline" in meaning["text"]
    assert "so it is not used" in meaning["text"] and "held out" not in meaning["text"]
    assert all("band" not in r and r.get("band_observed") is None and "expected" in r for r in section["at_risk"])


def test_a_list_ranked_by_the_gap_says_once_plainly_what_it_is(data, own_cache):
    """June 2017: no model is fitted and the list is ranked by the gap to schedule; the note says
    so once, in plain words (it said three times, in the words of model validation, that the
    model was not fitted, not fitted on any held-out month and the order not checked)."""
    from reformlib.data.task_status import shown_schedule
    from reformlib.i18n import WARNING_TEXT

    section = brief.at_risk_section(data["tasks"], data["progress"], "2017-06", units=data["units"])
    meaning, listed = section["warning"], section["at_risk"]
    assert meaning["model_fitted"] is False and meaning["method"] == "gap_to_schedule" and not meaning["checked"]
    words = WARNING_TEXT["zh"]
    assert meaning["text"] == words["unfitted_plain"].format(min_tasks=warning.MIN_TASKS) + words["synthetic"]
    assert meaning["text"].startswith("名单按进度落后于计划的程度排序，列出各项任务的进度和按计划本月底应达到的进度；")
    assert "预警模型须有至少60项已到期任务的历史数据，截至本月不足，因此未启用" in meaning["text"]
    for jargon in ("留出", "拟合", "未经检验", "模型未"):
        assert jargon not in meaning["text"], jargon
    gaps = [shown_schedule(r["progress"], r["expected"])[2] for r in listed]  # ordered as it says: most behind first
    assert len(gaps) == 10 and gaps == sorted(gaps) and all(g < 0 for g in gaps)
    due = (data["tasks"]["deadline"] <= pd.Timestamp("2017-06-30")).sum()  # "截至本月不足": true of the ledger
    assert 0 < due < warning.MIN_TASKS == 60
    english = brief.at_risk_section(data["tasks"], data["progress"], "2017-06", units=data["units"], lang="en")
    assert english["warning"]["text"].startswith("The list ranks tasks by how far their progress is behind schedule")


def test_the_months_check_is_made_once_and_never_served_for_changed_reports(data, own_cache):
    tasks, progress, units = data["tasks"], data["progress"], data["units"]
    start = time.perf_counter()
    first = warning.month_check(tasks, progress, "2017-07", units=units, n_boot=50)
    made = time.perf_counter() - start
    start = time.perf_counter()
    again = warning.month_check(tasks, progress, "2017-07", units=units, n_boot=50)
    reused = time.perf_counter() - start
    assert reused < min(0.2, made / 5), (made, reused)
    assert list(own_cache.glob("*.json")) == [own_cache / f"{first.key}.json"]
    cache.forget()  # from the file, as another brief's process would read it
    from_file = warning.month_check(tasks, progress, "2017-07", units=units, n_boot=50)
    for check in (again, from_file):
        pd.testing.assert_frame_equal(check.metrics, first.metrics)
        pd.testing.assert_frame_equal(check.reliability, first.reliability)
    # reports after the month do not enter its check; a changed report up to it does
    later = progress[progress["period"] <= pd.Period("2017-07", "M")]
    assert warning.month_check(tasks, later, "2017-07", units=units, n_boot=50).key == first.key
    changed = progress.copy()
    assert warning.month_check(tasks, changed, "2017-07", units=units, n_boot=50).key == first.key
    june, july = (progress[progress["period"] == pd.Period(m, "M")].set_index("task_id")["progress"]
                  for m in ("2017-06", "2017-07"))
    task = (july - june).dropna().loc[lambda d: d >= 2].index[0]  # one more point in June stays below July
    changed.loc[(changed["task_id"] == task) & (changed["period"] == pd.Period("2017-06", "M")), "progress"] += 1
    fresh = warning.month_check(tasks, changed, "2017-07", units=units, n_boot=50)
    assert fresh.key != first.key
    direct = warning.month_check(tasks, changed, "2017-07", units=units, n_boot=50, use_cache=False)
    pd.testing.assert_frame_equal(fresh.metrics, direct.metrics)


def test_december_has_no_open_task_to_warn_of_and_makes_no_check(data, own_cache):
    section = brief.at_risk_section(data["tasks"], data["progress"], "2017-12", units=data["units"])
    assert section == {"at_risk": [], "warning": None}  # every task falls due in December
    assert not own_cache.exists() or not list(own_cache.glob("*.json"))
    res = _results(data, "2017-12", {"at_risk": section})
    assert res["tasks"]["at_risk"] == [] and "warning" not in res["tasks"]


def test_peer_ranks_that_do_not_add_up_are_refused(sections, data):
    res = _results(data, "2017-06", {"evaluation": sections["2017-06"]})
    first = res["evaluation"]["scores"][0]
    first["peer_rank"], first["peer_rank_p05"] = first["peer_size"] + 1, first["peer_rank_p95"] + 1
    with pytest.raises(DataValidationError) as info:
        validate_results(res)
    said = [str(p) for p in info.value.problems]
    assert any("peer_rank (" in p and "exceeds peer_size" in p for p in said)
    assert any("peer_rank_p05" in p and "exceeds peer_rank_p95" in p for p in said)


def test_every_sentence_of_the_warning_text_is_used():
    """No sentence of WARNING_TEXT lies unused (one said the list's probabilities came from a
    simple rule, while a list made without a fitted model shows no probability at all)."""
    from pathlib import Path

    import reformlib
    from reformlib.i18n import WARNING_TEXT

    root = Path(reformlib.__file__).parent
    code = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py") if p.name != "i18n.py")
    assert set(WARNING_TEXT["zh"]) == set(WARNING_TEXT["en"])
    unused = [k for k in WARNING_TEXT["zh"] if f'"{k}"' not in code and f"'{k}'" not in code]
    assert unused == [] and "unfitted" not in WARNING_TEXT["zh"]



def test_the_page_gives_the_citys_own_score_beside_the_ranked_units(sections, data):
    """The note above the score table says the city is reported on its own, and reports it:
    its score and grade as the memo gives them."""
    from reformlib.report.memo import memo_content
    from reformlib.report.numbers import score

    evaluation = sections["2017-12"]
    city = evaluation["city"]
    note = peers.scores_note(evaluation, "zh")
    assert f"全市（按全市指标及市本级牵头任务、市本级督察问题计）得分{score(city['score'])}分（{city['grade']}）" in note
    assert "不参与排名" in note
    assert all(s["unit"] != brief.CITY for s in evaluation["scores"])
    memo = memo_content(_results(data, "2017-12", {"evaluation": evaluation}))
    assert any(score(city["score"]) in line for line in memo.overview)


def test_a_rank_in_a_long_league_is_written_as_the_memo_writes_its_numbers():
    """第1,200/1,200名（县市区） on the page, as the memo writes 第996/2,850名: never 1200/1200 beside 2,850."""
    from reformlib.briefs.peers import peer_ranks

    codes = [f"u{i:04d}" for i in range(1200)]
    combined = pd.DataFrame({"score": np.linspace(90, 50, 1200), "kind": "county", "unranked": False}, index=codes)
    out = peer_ranks(combined, lang="zh")
    assert out.loc["u1199", "peer_rank_text"] == "第1,200/1,200名（县市区）"
    assert out.loc["u0000", "peer_rank_text"] == "第1/1,200名（县市区）"
