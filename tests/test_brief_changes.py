"""What changed since last month, and the values revised since the last published brief: the
brief's ``changes`` section on the demonstration data and on hand-built cases, and revisions
read from a real DuckDB store against a brief published in a reports folder."""
from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import pytest

import reformlib as rl
from reformlib.briefs import changes as ch
from reformlib.briefs import content as brief
from reformlib.briefs.publish import write_manifest
from reformlib.briefs.store import brief_lock, new_staging, promote
from reformlib.data.dataset import snapshot
from reformlib.data.store import Store
from reformlib.data.task_status import completion_month
from reformlib.report.memo import changes_summary, key_findings, revisions_summary
from reformlib.report.numbers import date_text
from reformlib.report.results import validate_results
from reformlib.report.tables import changes_frames, display_table

NO_RANKS = {"available": False, "note": "not evaluated in this test"}


@pytest.fixture(scope="module")
def data(demo):
    return rl.load_data(demo)


def _ids(rows: list[dict]) -> set[str]:
    return {r["task_id"] for r in rows}


# ------------------------------------------------------------------------------ tasks
def test_a_task_reaching_100_is_completed_in_that_month_and_not_the_next(data):
    done = completion_month(data["progress"])
    june = ch.changes_since(data, "2017-06", evaluation=NO_RANKS)
    july = ch.changes_since(data, "2017-07", evaluation=NO_RANKS)
    assert _ids(june["completed"]) == set(done[done == pd.Period("2017-06", "M")].index)
    assert _ids(july["completed"]) == set(done[done == pd.Period("2017-07", "M")].index)
    assert _ids(june["completed"]) and not _ids(june["completed"]) & _ids(july["completed"])
    names = data["units"].set_index("unit")["name_zh"]
    for r in june["completed"]:
        assert r["lead_name"] == names[r["lead_unit"]] and r["progress_before"] < 100


def test_newly_overdue_are_the_tasks_due_last_month_and_unfinished(data):
    tasks, done = data["tasks"].set_index("task_id"), completion_month(data["progress"])
    june = ch.changes_since(data, "2017-06", evaluation=NO_RANKS)
    due_may = tasks.index[tasks["deadline"].dt.to_period("M") == pd.Period("2017-05", "M")]
    expected = {t for t in due_may if not (t in done.index and done[t] <= pd.Period("2017-06", "M"))}
    assert _ids(june["newly_overdue"]) == expected and expected
    for r in june["newly_overdue"]:
        assert r["days_overdue"] == (pd.Timestamp("2017-06-30") - pd.Timestamp(r["deadline"])).days
    # overdue in June already: not new in July
    july = ch.changes_since(data, "2017-07", evaluation=NO_RANKS)
    assert not _ids(july["newly_overdue"]) & expected


def test_a_unit_brief_keeps_the_unit_s_own_tasks_and_problems(data):
    own = ch.changes_since(data, "2017-06", unit="430381", evaluation=NO_RANKS)
    city = ch.changes_since(data, "2017-06", evaluation=NO_RANKS)
    assert {r["lead_unit"] for r in own["completed"] + own["newly_overdue"]} <= {"430381"}
    assert own["rectified"] and {r["unit"] for r in own["rectified"]} == {"430381"}
    assert {r["problem_id"] for r in own["rectified"]} == {r["problem_id"] for r in city["rectified"] if r["unit"] == "430381"}
    assert {r["unit"] for r in own["crossed"]} <= {"430381"}


def test_problems_rectified_this_month(data):
    insp = data["inspections"]
    june = ch.changes_since(data, "2017-06", evaluation=NO_RANKS)
    in_june = insp[insp["rectified_on"].dt.to_period("M") == pd.Period("2017-06", "M")]
    assert {r["problem_id"] for r in june["rectified"]} == set(in_june["problem_id"])
    for r in june["rectified"]:
        row = insp.set_index("problem_id").loc[r["problem_id"]]
        assert r["days_open"] == (row["rectified_on"] - row["found_on"]).days
        assert r["late"] == (row["rectified_on"] > row["due_on"])


# --------------------------------------------------------------------- crossed targets
def _tiny() -> dict[str, pd.DataFrame]:
    """Two units, four indicators (higher, lower, band, a flow held to its target pro rata)."""
    units = pd.DataFrame({"unit": ["430300", "430302", "430304"], "name_zh": ["湘潭市", "雨湖区", "岳塘区"],
                          "name_en": ["Xiangtan city", "Yuhu District", "Yuetang District"], "territorial": True})
    nan = float("nan")
    indicators = pd.DataFrame({
        "indicator": ["share", "months", "ratio", "flow"], "name_zh": ["流转率", "去化周期", "入额比例", "新增户数"],
        "name_en": ["share", "months", "ratio", "new entities"], "measure_unit": ["%", "months", "%", "entities"],
        "direction": ["higher", "lower", "band", "higher"], "band_low": [nan, nan, 30.0, nan],
        "band_high": [nan, nan, 39.0, nan], "annual": ["december", "december", "december", "sum"],
        "target": [50.0, 10.0, nan, 120.0]})
    rows = [("430302", "share", "2017-05", 48), ("430302", "share", "2017-06", 52),  # met now
            ("430304", "share", "2017-05", 55), ("430304", "share", "2017-06", 45),  # missed now
            ("430302", "months", "2017-05", 12), ("430302", "months", "2017-06", 9),  # lower: met now
            ("430304", "months", "2017-05", 9), ("430304", "months", "2017-06", 9),  # no change
            ("430302", "ratio", "2017-05", 35), ("430302", "ratio", "2017-06", 41),  # left the band
            ("430304", "ratio", "2017-05", 28), ("430304", "ratio", "2017-06", 31),  # entered it
            ("430300", "share", "2017-06", 40)]  # no value in May: nothing to compare
    rows += [("430302", "flow", f"2017-{m:02d}", 10) for m in range(1, 7)]  # 50 of 50, then 60 of 60
    rows += [("430304", "flow", f"2017-{m:02d}", 10 if m < 6 else 5) for m in range(1, 7)]  # 55 of 60 in June
    obs = pd.DataFrame(rows, columns=["unit", "indicator", "period", "value"])
    obs["period"] = pd.PeriodIndex(obs["period"], freq="M")
    tasks = pd.DataFrame({"task_id": ["T1"], "category": ["C1"], "category_zh": ["经济"], "category_en": ["economy"],
                          "title_zh": ["任务一"], "title_en": ["task one"], "lead_unit": ["430302"],
                          "start": pd.to_datetime(["2017-01-01"]), "deadline": pd.to_datetime(["2017-12-31"])})
    progress = pd.DataFrame({"task_id": ["T1"], "period": pd.PeriodIndex(["2017-03"], freq="M"), "progress": [40.0]})
    inspections = pd.DataFrame({"problem_id": pd.Series(dtype=str), "inspection_zh": pd.Series(dtype=str),
                                "unit": pd.Series(dtype=str), "category": pd.Series(dtype=str),
                                **{c: pd.Series(dtype="datetime64[ns]") for c in ("found_on", "due_on", "rectified_on")}})
    return {"units": units, "indicators": indicators, "observations": obs, "tasks": tasks, "progress": progress,
            "inspections": inspections}


def test_indicators_that_crossed_their_target_either_way():
    tiny = _tiny()
    crossed = ch.changes_since(tiny, "2017-06", evaluation=NO_RANKS)["crossed"]
    got = {(r["unit"], r["indicator"]): r for r in crossed}
    assert {k: r["now"] for k, r in got.items()} == {
        ("430302", "share"): "met", ("430304", "share"): "missed", ("430302", "months"): "met",
        ("430302", "ratio"): "missed", ("430304", "ratio"): "met", ("430304", "flow"): "missed"}
    flow = got[("430304", "flow")]
    assert (flow["value_before"], flow["target_before"], flow["value"], flow["target"]) == (50, 50, 55, 60)
    assert got[("430302", "ratio")]["target"] == 39 and got[("430304", "ratio")]["target"] == 30
    assert got[("430302", "ratio")]["band_low"] == 30 and got[("430302", "share")]["band_low"] is None
    assert got[("430302", "share")]["unit_name"] == "雨湖区" and got[("430302", "share")]["name"] == "流转率"
    # the same rule as the indicators off target: missed now = off target now, met now = off target before
    obs, ind, units = tiny["observations"], tiny["indicators"], tiny["units"]
    off_now = set(zip(*brief.off_target(obs, ind, units, "2017-06")[["unit", "indicator"]].T.values))
    off_may = set(zip(*brief.off_target(obs, ind, units, "2017-05")[["unit", "indicator"]].T.values))
    for key, r in got.items():
        assert (key in off_now) == (r["now"] == "missed") and (key in off_may) == (r["now"] == "met")
    one = ch.changes_since(tiny, "2017-06", unit="430304", evaluation=NO_RANKS)["crossed"]
    assert {(r["unit"], r["indicator"]) for r in one} == {("430304", "share"), ("430304", "ratio"), ("430304", "flow")}


def test_no_previous_month_in_the_data_says_so():
    out = ch.changes_since(_tiny(), "2017-01", evaluation=NO_RANKS)
    assert out["note"] == "数据中没有2016年12月的数值，无法与上月比较。" and not any(
        out[k] for k in ("completed", "newly_overdue", "ranks", "crossed", "rectified"))


# ------------------------------------------------------------------------------- ranks
@pytest.fixture(scope="module")
def june_evaluation(data):
    return brief.evaluation_section(data, "2017-06", uncertainty=False)


def test_rank_changes_carry_their_sign_and_list_only_what_changed(data, june_evaluation):
    may = {s["unit"]: s for s in brief.evaluation_section(data, "2017-05", uncertainty=False)["scores"]}
    june = {s["unit"]: s for s in june_evaluation["scores"]}
    ranks = ch.changes_since(data, "2017-06", evaluation=june_evaluation)["ranks"]
    # a move is within the unit's peer group (县市区 or 园区), as the page ranks it
    changed = {u for u in june if u in may and (june[u]["peer_rank"] != may[u]["peer_rank"]
                                                or june[u]["grade"] != may[u]["grade"])}
    assert {r["unit"] for r in ranks} == changed and changed
    assert any(r["rank_change"] > 0 for r in ranks) and any(r["rank_change"] < 0 for r in ranks)
    for r in ranks:
        assert r["rank_before"] == may[r["unit"]]["rank"] and r["rank"] == june[r["unit"]]["rank"]
        assert r["rank_change"] == r["rank_before"] - r["rank"]  # positive: moved up (a smaller rank)
        assert r["grade_before"] == may[r["unit"]]["grade"] and r["name"] == june[r["unit"]]["name"]
    assert "430300" not in {r["unit"] for r in ranks}  # the city is not ranked among its parts
    frame, _ = changes_frames({"unit": None, "changes": {**NO_RANKS, "available": True, "month": "2017-06",
                                                        "previous_month": "2017-05", "completed": [], "newly_overdue": [],
                                                        "ranks": ranks, "crossed": [], "rectified": []}})
    up = next(r for r in ranks if r["peer_rank_before"] > r["peer_rank"])
    row = frame[frame["unit_name"] == up["name"]].iloc[0]
    assert row["note"].startswith(f"上升{up['peer_rank_before'] - up['peer_rank']}位")
    assert row["now"].startswith(f"{up['peer_group_name']}第{up['peer_rank']}/{up['peer_size']}名")


def test_december_sets_its_monthly_assessment_against_november_not_the_year_end(data):
    """December's brief scores the year-end assessment; month-to-month changes still compare
    the two months' monthly assessments."""
    year_end = brief.evaluation_section(data, "2017-12", uncertainty=False)
    assert year_end["assessment"] == "year_end"
    monthly = {s["unit"]: s for s in brief.evaluation_section(data, "2017-12", uncertainty=False,
                                                               assessment="monthly")["scores"]}
    own = ch.changes_since(data, "2017-12", unit="430321", evaluation=year_end)["ranks"]
    assert [r["unit"] for r in own] == ["430321"]
    assert own[0]["score"] == round(monthly["430321"]["score"], 2) and own[0]["rank"] == monthly["430321"]["rank"]
    assert own[0]["score"] != round(next(s for s in year_end["scores"] if s["unit"] == "430321")["score"], 2)


def test_a_unit_brief_always_shows_the_unit_s_rank(data, june_evaluation):
    own = ch.changes_since(data, "2017-06", unit="430302", evaluation=june_evaluation)["ranks"]
    assert [r["unit"] for r in own] == ["430302"]
    res = {"unit": "430302", "changes": {"available": True, "month": "2017-06", "previous_month": "2017-05",
                                         "completed": [], "newly_overdue": [], "ranks": own, "crossed": [], "rectified": []}}
    r = own[0]
    k = r["peer_rank_before"] - r["peer_rank"]
    moved = "上升" if k > 0 else "下降" if k < 0 else "名次未变"
    # ranked within its peer group, as the page ranks it, with the group's size as the base
    assert "雨湖区2017年6月月度评估（不含定性评价）在县市区中居" in changes_summary(res) and moved in changes_summary(res)
    assert f"居第{r['peer_rank']}/5名，2017年5月为第{r['peer_rank_before']}/5名" in changes_summary(res)
    assert "in the monthly assessment of June 2017 (without the" in changes_summary(res, lang="en")


def test_the_rank_sentence_names_the_monthly_assessment_so_december_s_year_end_scores_are_not_read_into_it(data):
    """December's brief scores the year-end assessment in its evaluation; the changes sentence
    compares monthly assessments and says so, in both languages and in the changes table."""
    ranks = ch.changes_since(data, "2017-12", evaluation=brief.evaluation_section(data, "2017-12", uncertainty=False))["ranks"]
    assert ranks
    res = {"unit": None, "changes": {"available": True, "month": "2017-12", "previous_month": "2017-11", "completed": [],
                                     "newly_overdue": [], "ranks": ranks, "crossed": [], "rectified": []}}
    assert f"{len(ranks)}个单位月度评估排名或等次发生变化" in changes_summary(res)
    assert f"{len(ranks)} units changed monthly assessment rank or grade" in changes_summary(res, lang="en")
    frame, _ = changes_frames(res)
    assert (frame["change"] == "月度评估排名或等次变化").all() and (frame["item"] == "月度评估").all()
    # each unit's place is within its peer group (县市区 or 园区), as the scores table ranks it
    assert all(r.get("peer_rank") for r in ranks)
    for r, before, now, note in zip(ranks, frame["before"], frame["now"], frame["note"]):
        assert now == f"{r['peer_group_name']}第{r['peer_rank']}/{r['peer_size']}名（{r['grade']}）", now
        assert before == f"{r['peer_group_name']}第{r['peer_rank_before']}/{r['peer_size']}名（{r['grade_before']}）"
        k = r["peer_rank_before"] - r["peer_rank"]
        assert note.startswith(f"上升{k}位" if k > 0 else f"下降{-k}位" if k < 0 else "排名不变"), note
    english, _ = changes_frames(res, lang="en")
    assert all(f" of {r['peer_size']} {r['peer_group_name']} (" in now for r, now in zip(ranks, english["now"]))


@pytest.mark.parametrize("month, late", [("2017-12", {"T009", "T047", "T057", "T058"}), ("2017-06", {"T089", "T187"})])
def test_a_task_completed_after_its_deadline_month_reads_completed_late(data, month, late):
    """Late is a completion month after the deadline month, not "overdue the month before": a
    task due in November and completed in December was only behind in November."""
    completed = {r["task_id"]: r for r in ch.changes_since(data, month, evaluation=NO_RANKS)["completed"]}
    m = pd.Period(month, "M")
    assert late <= set(completed)
    for t, r in completed.items():
        assert r["completed_late"] is (pd.Period(r["deadline"], "M") < m), t
    assert {t for t, r in completed.items() if r["completed_late"]} >= late
    res = {"unit": None, "changes": {"available": True, "month": month, "previous_month": str(m - 1),
                                     "completed": list(completed.values()), "newly_overdue": [], "ranks": [],
                                     "crossed": [], "rectified": []}}
    frame, _ = changes_frames(res)
    notes = dict(zip([r["task_id"] for r in completed.values()], frame["note"]))
    for t in late:
        assert notes[t] == f"完成时限{date_text(completed[t]['deadline'], 'zh')}，逾期后完成", t
    on_time = [t for t, r in completed.items() if not r["completed_late"]]
    assert on_time and all(notes[t] == f"完成时限{date_text(completed[t]['deadline'], 'zh')}" for t in on_time)
    assert any(not completed[t]["was_overdue"] for t in late)  # behind, not overdue, the month before


# ------------------------------------------------------- the section in results and memo
def test_results_page_table_and_memo_sentence_agree(data, demo):
    status, by_category = brief.task_progress(data["tasks"], data["progress"], "2017-06")
    changes = ch.changes_section(data, "2017-06", evaluation=NO_RANKS, data_path=str(demo))
    res = validate_results(brief.results(month="2017-06", lang="zh", unit=None, headline_table=pd.DataFrame(
        columns=["code", "name", "value", "measure_unit", "document", "comparison"]), status=status,
        by_category=by_category, synthetic=True, figures=[], sections={"changes": changes}, units=data["units"]))
    c = res["changes"]
    met = sum(r["now"] == "met" for r in c["crossed"])
    sentence = changes_summary(res)
    assert sentence == (f"与2017年5月相比，本月完成任务{len(c['completed'])}项，新增逾期任务{len(c['newly_overdue'])}项，"
                        f"{met}项次指标转为达标，{len(c['crossed']) - met}项次指标转为未达标，"
                        f"督察问题整改销号{len(c['rectified'])}个。")
    assert key_findings(res)[-1] == sentence
    frame, revisions = changes_frames(res)
    assert len(frame) == sum(len(c[k]) for k in ("completed", "newly_overdue", "ranks", "crossed", "rectified"))
    assert not frame["item"].str.contains(r"\b(?:land|share)_[a-z_]+\b").any()  # indicator names, not codes
    assert revisions_summary(res) == c["revisions"]["note"] and "文件夹" in c["revisions"]["note"]
    assert not c["revisions"]["traceable"] and list(revisions.columns) == ["note"]
    bad = {**res, "changes": {**c, "ranks": [{"unit": "x", "name": "x", "rank_before": 3, "rank": 1, "rank_change": -2,
                                              "grade_before": "一般", "grade": "良好", "score_before": 1, "score": 2}]}}
    with pytest.raises(rl.errors.DataValidationError, match="rank_change"):
        validate_results(bad)


def test_names_in_the_changes_table_are_escaped_on_the_page():
    changes = {"available": True, "month": "2017-06", "previous_month": "2017-05", "completed": [], "newly_overdue": [],
               "ranks": [], "rectified": [], "crossed": [{
                   "unit": "u", "unit_name": "<script>alert(1)</script>", "indicator": "i", "name": "<b>x</b>",
                   "direction": "higher", "now": "met", "value_before": 1, "target_before": 2, "value": 3, "target": 2,
                   "band_low": None, "band_high": None, "measure_unit": "%"}]}
    frame, _ = changes_frames({"unit": None, "changes": changes})
    page = display_table(frame).to_html()
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "3.0%（目标2.0%）" in page


# ------------------------------------------------------------------ revisions in a store
def _publish(reports, month: str, unit: str = "") -> dict:
    """A published brief's folder as a run leaves it (only its manifest matters here)."""
    folder = reports / month / unit if unit else reports / month
    run_id = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    manifest = {"run_id": run_id, "status": "published", "parameters": {"month": month, "lang": "zh", "unit": unit},
                "published_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}
    with brief_lock(folder) as lock:
        staging = new_staging(lock, run_id)
        write_manifest(staging, manifest)
        promote(lock, staging)
    return manifest


def _resubmit(store: Store, unit: str, month: str, change: dict[str, float], name: str) -> None:
    """A unit's month of indicators submitted again, with ``change`` (indicator -> value)."""
    now = store.current("indicators")
    rows = now[(now["unit"] == unit) & (now["period"] == month)][["unit", "indicator", "period", "value", "synthetic"]]
    rows = rows.assign(value=[change.get(i, v) for i, v in zip(rows["indicator"], rows["value"])],
                       sheet="指标", cell=[f"D{i + 3}" for i in range(len(rows))]).reset_index(drop=True)
    store.ingest("indicators", rows, sha256=f"{name}-{sorted(change.items())}", file_name=name)


def test_values_revised_since_the_last_published_brief(tmp_path, data, demo):
    path = tmp_path / "store.duckdb"
    store = Store(path)
    obs = data["observations"][data["observations"]["period"].dt.year == 2017]
    store.put_dataset({**{k: data[k] for k in ("units", "indicators", "tasks")}, "observations": obs},
                      sha256="dataset", name="demo_2017")
    reports = tmp_path / "reports"
    folder_data = ch.revisions_section(data, "2017-06", data_path=demo, reports=reports)
    assert folder_data["traceable"] is False and "文件夹" in folder_data["note"]
    none_yet = ch.revisions_section(data, "2017-06", data_path=path, reports=reports)
    assert none_yet["since"] is None and none_yet["items"] == [] and none_yet["note"]

    published = _publish(reports, "2017-06")
    assert ch.revisions_section(data, "2017-06", data_path=path, reports=reports)["items"] == []
    old = float(obs[(obs["unit"] == "430302") & (obs["indicator"] == "land_transfer_rate")
                    & (obs["period"] == pd.Period("2017-06", "M"))]["value"].iloc[0])
    _resubmit(store, "430302", "2017-06", {"land_transfer_rate": old + 1.5}, "雨湖区2017年6月指标（更正）.xlsx")

    # read as a brief reads a store: through its snapshot folder
    revised = ch.revisions_section(data, "2017-06", data_path=snapshot(path), reports=reports)
    assert revised["since"]["published_at"] == published["published_at"] and revised["since"]["month"] == "2017-06"
    [item] = revised["items"]
    assert (item["kind"], item["name"], item["unit_name"], item["period"]) == ("indicators", "耕地流转率", "雨湖区", "2017-06")
    assert item["old_value"] == pytest.approx(old) and item["new_value"] == pytest.approx(old + 1.5)
    assert item["source"].startswith("雨湖区2017年6月指标（更正）.xlsx 指标!D") and item["measure_unit"] == "%"
    assert dt.datetime.fromisoformat(item["revised_at"]) >= dt.datetime.fromisoformat(published["published_at"])
    # July has no brief yet: compared with June's; another unit's brief has none to compare with
    assert [i["key"] for i in ch.revisions_section(data, "2017-07", data_path=path, reports=reports)["items"]] == [
        "land_transfer_rate"]
    other = ch.revisions_section(data, "2017-06", unit="430304", data_path=path, reports=reports)
    assert other["since"] is None and other["items"] == []
    assert ch.revisions_section(data, "2017-05", data_path=path, reports=reports)["items"] == []  # May's values untouched

    res = {"unit": None, "changes": {**ch.changes_since(_tiny(), "2017-06", evaluation=NO_RANKS), "revisions": revised}}
    assert revisions_summary(res) == (f"自2017年6月简报发布（{published['published_at'][:16].replace('T', ' ')} UTC）以来，"
                                      "本简报所用的数据中有1个数值被修订，见下表。")
    _, table = changes_frames(res)
    assert table.iloc[0][["item", "unit_name", "old", "new"]].tolist() == [
        "耕地流转率", "雨湖区", f"{old:.1f}%", f"{old + 1.5:.1f}%"]

    # a brief published after the revision; then the same values sent again: nothing to report
    time.sleep(1.1)  # publication times are kept to the second
    _publish(reports, "2017-06")
    _resubmit(store, "430302", "2017-06", {"land_transfer_rate": old + 1.5}, "雨湖区2017年6月指标（再报）.xlsx")
    again = ch.revisions_section(data, "2017-06", data_path=path, reports=reports)
    assert again["since"] is not None and again["items"] == []
    assert "没有修订" in revisions_summary({"unit": None, "changes": {**res["changes"], "revisions": again}})


def test_january_briefs_say_why_they_list_no_rank_changes(demo):
    """January 2017: last December's monthly assessment cannot be made (the flows of 2016 are
    not in the data), so the brief lists no rank changes and says why, instead of failing
    (the city's brief and every unit brief of the month failed); the other changes stand."""
    from reformlib.briefs import units as unit_briefs
    from reformlib.report.memo import changes_summary

    data = rl.load_data(None)
    city = ch.changes_section(data, "2017-01", lang="zh")
    assert city["ranks"] == [] and "2016年12月的月度评估" in city["ranks_note"]
    results = unit_briefs.unit_results({**data, "pilots": rl.load_pilots(None)}, "2017-01", lang="zh", units=["430302"],
                                       reference=rl.load_reference())["430302"]
    changes = results["changes"]
    assert changes["ranks"] == [] and changes["ranks_note"] == city["ranks_note"]
    assert changes_summary(results).endswith(city["ranks_note"])
