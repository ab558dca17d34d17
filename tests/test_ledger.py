"""Task statuses, the status panel, milestones, completion rates and the ledger checks,
on small hand-made ledgers that can be checked by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reformlib.data import task_status as task_status_module
from reformlib.errors import DataValidationError
from reformlib.tasks import ledger


def _tasks() -> pd.DataFrame:
    # A: Jan-Apr (4 months); B: Mar-Jun; C: Jan-Feb, late; D: starts in July.
    return pd.DataFrame({
        "task_id": ["A", "B", "C", "D"], "category": ["C1", "C1", "C2", "C2"],
        "category_zh": ["经济", "经济", "园区", "园区"], "category_en": ["econ", "econ", "parks", "parks"],
        "subcategory": ["C1.1", "C1.2", "C2.1", "C2.1"], "subcategory_zh": ["a", "b", "c", "c"],
        "subcategory_en": ["a", "b", "c", "c"], "lead_unit": ["fgw", "fgw", "xtjk", "xtjk"],
        "key_task": [True, False, False, False], "leader_level": ["mayor", "unit_head", "county_head", "county_head"],
        "start": pd.to_datetime(["2017-01-01", "2017-03-01", "2017-01-01", "2017-07-01"]),
        "deadline": pd.to_datetime(["2017-04-30", "2017-06-30", "2017-02-28", "2017-12-31"]),
    })


def _progress() -> pd.DataFrame:
    rows = [("A", "2017-01", 25), ("A", "2017-02", 50), ("A", "2017-03", 75), ("A", "2017-04", 100),
            ("B", "2017-03", 0), ("B", "2017-04", 10), ("B", "2017-05", 20),
            ("C", "2017-01", 10), ("C", "2017-02", 40), ("C", "2017-03", 100)]
    return pd.DataFrame(rows, columns=["task_id", "period", "progress"]).assign(
        period=lambda d: pd.PeriodIndex(d["period"], freq="M"), progress=lambda d: d["progress"].astype(float))


def test_status_by_hand():
    s = task_status_module.task_status(_tasks(), _progress(), "2017-02").set_index("task_id")
    assert s.loc["A", "expected"] == 50 and s.loc["A", "status"] == "on_schedule"
    assert s.loc["B", "status"] == "not_started"
    assert s.loc["C", "expected"] == 100 and s.loc["C", "status"] == "behind"
    s = task_status_module.task_status(_tasks(), _progress(), "2017-05").set_index("task_id")
    assert s.loc["A", "status"] == "completed" and s.loc["C", "status"] == "completed"
    assert s.loc["B", "expected"] == 75 and s.loc["B", "status"] == "behind"
    assert task_status_module.task_status(_tasks(), _progress(), "2017-07").set_index("task_id").loc["B", "status"] == "overdue"


def test_a_task_due_this_month_and_unfinished_is_behind_whatever_the_tolerance():
    # B (Mar-Jun) at 95 in June: within any tolerance of a linear schedule, but due this month
    progress = pd.concat([_progress(), pd.DataFrame({"task_id": ["B"], "period": [pd.Period("2017-06", "M")],
                                                     "progress": [95.0]})])
    for tolerance in (10.0, 50.0, 100.0):
        s = task_status_module.task_status(_tasks(), progress, "2017-06", tolerance=tolerance).set_index("task_id")
        assert s.loc["B", "expected"] == 100 and s.loc["B", "status"] == "behind", tolerance
    # a month earlier its deadline is ahead: the tolerance spares it then
    s = task_status_module.task_status(_tasks(), progress, "2017-05", tolerance=60.0).set_index("task_id")
    assert s.loc["B", "status"] == "on_schedule"
    done = pd.concat([progress, pd.DataFrame({"task_id": ["B"], "period": [pd.Period("2017-07", "M")],
                                              "progress": [100.0]})])
    assert task_status_module.task_status(_tasks(), done, "2017-07").set_index("task_id").loc["B", "status"] == "completed"


def test_on_the_demo_data_no_task_due_in_its_month_and_unfinished_is_on_schedule(demo):
    import reformlib as rl

    data = rl.load_data(demo)
    deadline = data["tasks"].set_index("task_id")["deadline"].dt.to_period("M")
    for month in ("2017-06", "2017-12"):
        s = task_status_module.task_status(data["tasks"], data["progress"], month).set_index("task_id")
        due = s[(deadline.reindex(s.index) == pd.Period(month, "M")) & (s["progress"] < 100)]
        assert len(due) and (due["status"] == "behind").all(), month
    december = task_status_module.task_status(data["tasks"], data["progress"], "2017-12")["status"].value_counts()
    assert december["on_schedule"] == 0  # every task falls due in 2017: none unfinished is on schedule


def test_reports_after_the_month_are_ignored():
    late = pd.concat([_progress(), pd.DataFrame({"task_id": ["B"], "period": [pd.Period("2017-06", "M")], "progress": [100.0]})])
    a = task_status_module.task_status(_tasks(), _progress(), "2017-05")
    b = task_status_module.task_status(_tasks(), late, "2017-05")
    pd.testing.assert_frame_equal(a, b)


def test_milestones_replace_the_linear_schedule_and_interpolate():
    ms = pd.DataFrame({"task_id": ["B"], "period": [pd.Period("2017-05", "M")], "expected_progress": [20.0]})
    exp = task_status_module.expected_progress(_tasks(), "2017-04", milestones=ms)
    # B: 0 at the end of February (before the start), 20 at the end of May -> 40/3 in April
    assert exp["B"] == pytest.approx(40 / 3)
    assert exp["A"] == pytest.approx(100.0)  # untouched task keeps the linear schedule
    assert task_status_module.expected_progress(_tasks(), "2017-06", milestones=ms)["B"] == 100
    s = task_status_module.task_status(_tasks(), _progress(), "2017-05", milestones=ms).set_index("task_id")
    assert s.loc["B", "status"] == "on_schedule"


def test_panel_is_tidy_and_complete():
    panel = ledger.status_panel(_tasks(), _progress())
    assert len(panel) == 4 * 12
    assert not panel.duplicated(["task_id", "period"]).any()
    d = panel[panel["task_id"] == "D"]
    assert (d.loc[d["period"] < pd.Period("2017-07", "M"), "status"] == "not_started").all()


def test_outcomes_and_rates_by_hand():
    out = ledger.task_outcomes(_tasks(), _progress(), "2017-12").set_index("task_id")
    assert out.loc["A", "on_time"] and not out.loc["A", "missed"]
    assert out.loc["C", "completed"] and out.loc["C", "missed"]  # done in March, due in February
    assert out.loc["B", "missed"]  # never complete
    assert out.loc["D", "missed"]  # due December, not complete by December
    assert pd.isna(ledger.task_outcomes(_tasks(), _progress(), "2017-11").set_index("task_id").loc["D", "missed"])
    r = ledger.completion_rates(_tasks(), _progress(), "2017-05", by="category").set_index("category")
    assert r.loc["C1", ["tasks", "due", "completed", "on_time"]].tolist() == [2, 1, 1, 1]
    assert r.loc["C1", "completion_rate"] == 50.0 and r.loc["C1", "on_time_rate"] == 100.0
    assert r.loc["C2", ["due", "completed", "on_time"]].tolist() == [1, 1, 0]
    assert r.loc["C1", "name"] == "经济"
    monthly = ledger.completion_rates(_tasks(), _progress(), "2017-12", by="lead_unit", per="month")
    row = monthly[(monthly["lead_unit"] == "xtjk") & (monthly["period"] == pd.Period("2017-02", "M"))].iloc[0]
    assert (row["due"], row["on_time"], row["completed"]) == (1, 0, 1)
    assert ledger.completion_rates(_tasks(), _progress(), "2017-12", by="all")["on_time_rate"].iloc[0] == 25.0


def test_rate_with_nothing_due_is_nan_not_zero():
    r = ledger.completion_rates(_tasks(), _progress(), "2017-01", by="key_task").set_index("key_task")
    assert np.isnan(r.loc[True, "on_time_rate"])


@pytest.mark.parametrize("by", ["category", "subcategory", "lead_unit", "leader_level", "key_task"])
def test_rates_on_demo_data_are_consistent(demo, by):
    import reformlib as rl
    t, p = rl.load_tasks(demo), rl.load_progress(demo)
    r = ledger.completion_rates(t, p, "2017-12", by=by)
    assert r["tasks"].sum() == 213 and r["due"].sum() == 213
    done = p[p["progress"] >= 100].groupby("task_id")["period"].min()
    on_time = (t["task_id"].map(done) <= t["deadline"].dt.to_period("M")).sum()
    assert r["on_time"].sum() == on_time and 100 < on_time < 200
    assert ((r["on_time"] <= r["completed"]) & (r["completed"] <= r["tasks"])).all()


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="by must be one of"):
        ledger.completion_rates(_tasks(), _progress(), "2017-05", by="colour")
    with pytest.raises(ValueError, match="month must be"):
        task_status_module.task_status(_tasks(), _progress(), "September")


def _problems(err) -> list[tuple]:
    return [(p.row, p.column) for p in err.value.problems]


def test_progress_for_unknown_task_is_refused_naming_the_row():
    bad = pd.concat([_progress(), pd.DataFrame({"task_id": ["Z"], "period": [pd.Period("2017-03", "M")], "progress": [5.0]})],
                    ignore_index=True)
    with pytest.raises(DataValidationError) as err:
        task_status_module.task_status(_tasks(), bad, "2017-05")
    assert str(err.value.path) == "<progress>" and (11, "task_id") in _problems(err)


def test_progress_above_100_and_backwards_are_refused():
    bad = _progress().copy()
    bad.loc[1, "progress"] = 120.0
    bad.loc[6, "progress"] = 5.0  # B: 10 in April, 5 in May
    with pytest.raises(DataValidationError) as err:
        ledger.status_panel(_tasks(), bad)
    assert (2, "progress") in _problems(err) and (7, "progress") in _problems(err)
    assert "goes backwards for B" in str(err.value)


def test_deadline_before_start_is_refused():
    bad = _tasks().assign(deadline=lambda d: d["deadline"].where(d["task_id"] != "B", pd.Timestamp("2017-02-01")))
    with pytest.raises(DataValidationError) as err:
        task_status_module.task_status(bad, _progress(), "2017-05")
    assert str(err.value.path) == "<tasks>" and _problems(err) == [(2, "deadline")]


def test_report_before_start_and_duplicates_are_refused():
    bad = pd.concat([_progress(), _progress().iloc[[0]],
                     pd.DataFrame({"task_id": ["B"], "period": [pd.Period("2017-01", "M")], "progress": [0.0]})], ignore_index=True)
    with pytest.raises(DataValidationError) as err:
        task_status_module.check_ledger(_tasks(), bad)
    assert (11, "period") in _problems(err) and (12, "period") in _problems(err)


def test_inputs_are_not_mutated():
    t, p = _tasks(), _progress()
    t0, p0 = t.copy(), p.copy()
    ledger.status_panel(t, p)
    ledger.completion_rates(t, p, "2017-06", per="month")
    pd.testing.assert_frame_equal(t, t0)
    pd.testing.assert_frame_equal(p, p0)
