"""Qualitative assessment: rater grades -> points -> weighted score, combined with the
quantitative score; hand-computed values."""
from __future__ import annotations

import pandas as pd
import pytest

from reformlib.errors import SpecError
from reformlib.model.qualitative import combine, qualitative_scores

RATERS = pd.DataFrame({"rater_group": ["self", "peer", "leader", "public"], "weight": [0.1, 0.3, 0.4, 0.2]})
POINTS = pd.DataFrame({"grade": ["excellent", "good", "fair", "poor"], "points": [95.0, 85, 70, 55]})


def _ratings(rows):
    return pd.DataFrame(rows, columns=["unit", "rater_group", "rater_id", "grade"])


def test_weighted_mean_of_group_means_by_hand():
    ratings = _ratings([
        ("x", "self", "s", "excellent"), ("x", "peer", "p1", "good"), ("x", "peer", "p2", "fair"),
        ("x", "leader", "l", "good"), ("x", "public", "q", "poor"),
        ("y", "self", "s", "good"), ("y", "peer", "p1", "good"), ("y", "leader", "l", "excellent"),
    ])
    out = qualitative_scores(ratings, raters=RATERS, rating_points=POINTS, units=["x", "y"])
    # x: 0.1x95 + 0.3x(85+70)/2 + 0.4x85 + 0.2x55 = 77.75
    # y: no public rating -> weights renormalised over 0.8: (0.1x85 + 0.3x85 + 0.4x95) / 0.8 = 90
    assert out["qualitative"].to_dict() == pytest.approx({"x": 77.75, "y": 90.0})
    assert out.loc["y", "coverage"] == pytest.approx(0.8)
    assert out.loc["x", "peer"] == 77.5 and out.loc["x", "n_ratings"] == 5


def test_combined_score_takes_the_share():
    q = pd.Series({"x": 80.0, "y": 60.0})
    assert combine(q, pd.Series({"x": 90.0, "y": 70.0}), share=0.2).to_dict() == pytest.approx({"x": 82.0, "y": 62.0})
    assert combine(q, None, share=0.2).equals(q.rename("score"))


def test_unrated_unit_and_unknown_grade_are_errors():
    ratings = _ratings([("x", "self", "s", "excellent")])
    with pytest.raises(SpecError, match=r"no qualitative ratings for units \['y'\]"):
        qualitative_scores(ratings, raters=RATERS, rating_points=POINTS, units=["x", "y"])
    with pytest.raises(SpecError, match="without points"):
        qualitative_scores(_ratings([("x", "self", "s", "superb")]), raters=RATERS, rating_points=POINTS, units=["x"])
    with pytest.raises(SpecError, match="share"):
        combine(pd.Series({"x": 1.0}), None, share=1.5)
