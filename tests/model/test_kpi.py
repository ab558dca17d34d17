"""Key-indicator rubric: a golden example computed by hand (3 units), grades, quota, vetoes,
and the measures read from the task ledger and inspections."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reformlib.model.kpi import assign_grades, kpi_measures, lost_points, score_rubric

COLS = ["item", "kind", "basis", "points", "cap", "per_occurrence", "floor", "grade_cap", "unranked", "name_zh", "name_en"]
RUBRIC = pd.DataFrame([
    ("idx", "completion", "INDEX", 50, np.nan, np.nan, np.nan, None, None, "指数", "index"),
    ("done", "completion", "tasks", 20, 20, np.nan, np.nan, None, None, "完成", "done"),
    ("sched", "schedule", "tasks", 10, np.nan, np.nan, np.nan, None, None, "进度", "schedule"),
    ("ded", "deduction", "open_problems", 20, np.nan, 3, 0, None, None, "整改", "problems"),
    ("nm", "bonus", "national_media", np.nan, 3, 2, np.nan, None, None, "央媒", "media"),
    ("min", "bonus", "ministry", np.nan, 5, 1, np.nan, None, None, "部委", "ministry"),
    ("v1", "veto", "vetoes", np.nan, np.nan, np.nan, np.nan, "fair", False, "否决", "veto"),
], columns=COLS)
GRADES = pd.DataFrame({"grade": ["excellent", "good", "fair", "poor"], "name_zh": ["优秀", "良好", "一般", "较差"],
                       "name_en": ["excellent", "good", "fair", "poor"], "min_score": [90.0, 80, 60, 0],
                       "quota": [0.34, np.nan, np.nan, np.nan]})


def _measures() -> pd.DataFrame:
    rows = {  # basis: (A, B, C); values are shares, counts are occurrences
        "INDEX": ("value", (0.8, 0.9, np.nan)), "tasks": ("value", (1.0, 1.0, 0.5)),
        "schedule:tasks": ("value", (0.9, 1.0, 1.0)), "open_problems": ("count", (0, 2, 9)),
        "national_media": ("count", (2, 1, 0)), "ministry": ("count", (3, 0, 0)), "veto:v1": ("count", (0, 1, 0)),
    }
    out = []
    for basis, (col, vals) in rows.items():
        for unit, v in zip("ABC", vals):
            out.append({"unit": unit, "basis": basis, "value": v if col == "value" else np.nan,
                        "count": v if col == "count" else np.nan, "detail_zh": "", "detail_en": ""})
    return pd.DataFrame(out)


def test_golden_three_units_by_hand():
    """Hand computation (this file's RUBRIC and _measures):
    A: 50x0.8 + 20x1.0 + 10x0.9 + 20 = 89; bonus 2x2=4 -> item cap 3, + 3x1 = 6 -> total cap 4: 93.
    B: 45 + 20 + 10 + (20 - 2x3) = 89; bonus 2: 91 (excellent by score, veto caps it at fair).
    C: index n/a; 10 + 10 + max(20 - 27, 0) = 20 of 50 applicable -> 40 of 100; no bonus: 40.
    """
    ledger, summary = score_rubric(RUBRIC, _measures(), units=list("ABC"), base_points=100, bonus_cap=4)
    assert summary["quantitative"].to_dict() == pytest.approx({"A": 93.0, "B": 91.0, "C": 40.0})
    assert summary["base_max"].to_dict() == {"A": 100.0, "B": 100.0, "C": 50.0}
    assert summary["bonus"].to_dict() == {"A": 4.0, "B": 2.0, "C": 0.0}
    # the ledger of points adds up to each unit's score
    assert ledger.groupby("unit")["points"].sum().to_dict() == pytest.approx(summary["quantitative"].to_dict())
    row = ledger.set_index(["unit", "item"])
    assert row.loc[("A", "nm"), "capped"] and row.loc[("A", "nm"), "points"] == 3
    assert row.loc[("A", "bonus_total"), "points"] == -2
    assert row.loc[("C", "ded"), "points"] == 0 and row.loc[("C", "ded"), "capped"]
    assert not row.loc[("C", "idx"), "applicable"] and row.loc[("C", "base_rescale"), "points"] == 20
    assert "扣完为止" in row.loc[("C", "ded"), "reason_zh"]
    assert summary.loc["B", "vetoes"] == "v1" and summary.loc["B", "grade_cap"] == ["fair"]
    assert summary.loc["A", "grade_cap"] is None
    grades = assign_grades(summary["quantitative"], GRADES, caps=summary["grade_cap"])
    assert grades["by_score"].to_dict() == {"A": "excellent", "B": "excellent", "C": "poor"}
    assert grades["grade"].to_dict() == {"A": "excellent", "B": "fair", "C": "poor"}
    assert grades.loc["B", "reason"].startswith("veto")
    lost = lost_points(ledger)
    assert set(lost.loc[lost["unit"] == "A", "item"]) == {"idx", "sched"}
    assert lost.loc[lost["unit"] == "C", "lost"].max() == 20


def test_quota_demotes_the_lower_of_two_top_scores():
    grades = assign_grades(pd.Series({"A": 95.0, "B": 92.0, "C": 50.0}), GRADES)
    assert grades["grade"].to_dict() == {"A": "excellent", "B": "good", "C": "poor"}
    assert grades.loc["B", "reason"].startswith("quota")


def test_grading_refuses_a_missing_score():
    with pytest.raises(ValueError, match="without a score"):
        assign_grades(pd.Series({"A": np.nan}), GRADES)


@settings(max_examples=60, deadline=None)
@given(scores=st.lists(st.floats(0, 120), min_size=1, max_size=8),
       cap=st.sampled_from(["excellent", "good", "fair", "poor"]))
def test_a_veto_caps_the_grade(scores, cap):
    s = pd.Series(scores, index=[f"u{i}" for i in range(len(scores))])
    caps = pd.Series([[cap]] + [None] * (len(s) - 1), index=s.index, dtype=object)
    order = list(GRADES["grade"])
    out = assign_grades(s, GRADES, caps=caps)
    assert order.index(out.loc["u0", "grade"]) >= order.index(cap)
    assert order.index(out.loc["u0", "grade"]) >= order.index(out.loc["u0", "by_score"])


def test_measures_from_tasks_problems_and_recognitions():
    units = pd.DataFrame({"unit": ["a", "b", "dep"], "parent": [None, None, "a"]})
    tasks = pd.DataFrame({
        "task_id": ["T1", "T2", "T3"], "category": "C1", "category_zh": "", "category_en": "",
        "lead_unit": ["a", "dep", "b"], "key_task": [True, False, False],
        "start": pd.to_datetime(["2017-01-01", "2017-01-01", "2017-07-01"]),
        "deadline": pd.to_datetime(["2017-03-31", "2017-06-30", "2017-12-31"]),
    })
    progress = pd.DataFrame({"task_id": ["T1", "T1", "T2", "T3"],
                             "period": pd.PeriodIndex(["2017-02", "2017-05", "2017-06", "2017-07"], freq="M"),
                             "progress": [50.0, 100.0, 40.0, 10.0]})
    inspections = pd.DataFrame({"unit": ["a", "a", "b"], "found_on": pd.to_datetime(["2017-02-01", "2017-08-01", "2017-03-01"]),
                                "due_on": pd.to_datetime(["2017-04-01", "2017-09-01", "2017-04-01"]),
                                "rectified_on": pd.to_datetime(["2017-05-01", None, "2017-06-10"])})
    recognitions = pd.DataFrame({"unit": ["a", "a", "b"], "level": ["ministry", "ministry", "pilot_model"],
                                 "date": pd.to_datetime(["2017-02-01", "2017-07-01", "2016-12-01"])})
    vetoes = pd.DataFrame({"unit": ["b"], "item": ["v"], "date": pd.to_datetime(["2017-05-01"]),
                           "reason_zh": ["事故"], "reason_en": ["accident"]})
    m = kpi_measures(["a", "b"], period="2017-06", unit_table=units, tasks=tasks, progress=progress,
                     inspections=inspections, recognitions=recognitions, vetoes=vetoes)
    get = m.set_index(["unit", "basis"])
    # a owns T1 (done in May, deadline March: late) and T2 (its department's, due June, 40 %)
    assert get.loc[("a", "tasks"), "value"] == 0.5 and get.loc[("a", "tasks"), "count"] == 2
    assert get.loc[("a", "overdue_tasks"), "count"] == 2
    assert get.loc[("a", "key_tasks"), "value"] == 1.0
    assert np.isnan(get.loc[("b", "tasks"), "value"])  # T3 not yet due, not started in June
    assert get.loc[("a", "open_problems"), "count"] == 0 and get.loc[("b", "open_problems"), "count"] == 0
    assert get.loc[("a", "ministry"), "count"] == 1  # the July one is after June
    assert ("b", "pilot_model") not in get.index or get.loc[("b", "pilot_model"), "count"] == 0
    assert get.loc[("b", "veto:v"), "count"] == 1
    year = kpi_measures(["a", "b"], period="2017", unit_table=units, tasks=tasks, progress=progress,
                        inspections=inspections, recognitions=recognitions, vetoes=vetoes).set_index(["unit", "basis"])
    assert year.loc[("a", "open_problems"), "count"] == 1 and year.loc[("a", "ministry"), "count"] == 2
    # the English reasons take the number their count takes
    assert get.loc[("a", "ministry"), "detail_en"] == "1 time"
    assert year.loc[("a", "ministry"), "detail_en"] == "2 times"
    assert get.loc[("a", "overdue_tasks"), "detail_en"] == "2 tasks missed their deadline"
    assert get.loc[("a", "key_tasks"), "detail_en"] == "1 task due, 1 complete"
    assert year.loc[("a", "open_problems"), "detail_en"] == "1 inspection problem open"
    assert not m["detail_en"].str.contains(r"\(s\)").any()
