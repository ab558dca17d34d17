"""Unit tests of aggregation and ranking on small synthetic tables checkable by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reformlib.errors import SpecError
from reformlib.model import aggregate, aggregate_hierarchy, rank

T = pd.DataFrame({"a": [1.0, 2.0, 4.0], "b": [4.0, 2.0, 1.0], "c": [2.0, 2.0, 2.0]}, index=["u1", "u2", "u3"])


def test_arithmetic_geometric_harmonic_by_hand() -> None:
    w = {"a": 1, "b": 1, "c": 2}
    assert aggregate(T, w, "arithmetic").tolist() == pytest.approx([9 / 4, 2.0, 9 / 4])
    assert aggregate(T, w, "geometric").tolist() == pytest.approx([(1 * 4 * 4) ** 0.25, 2.0, (4 * 1 * 4) ** 0.25])
    assert aggregate(T, w, "harmonic").tolist() == pytest.approx([4 / (1 + 0.25 + 1), 2.0, 4 / (0.25 + 1 + 1)])


def test_missing_values_renormalise_weights() -> None:
    x = T.copy()
    x.loc["u1", "c"] = np.nan
    score, info = aggregate(x, [1, 1, 2], return_details=True)
    assert score["u1"] == pytest.approx(2.5)  # (1 + 4) / 2
    assert info.loc["u1", "coverage"] == pytest.approx(2 / 3)


def test_min_coverage_gives_nan_and_reports_it() -> None:
    x = T.copy()
    x.loc["u1", ["a", "b"]] = np.nan
    score, info = aggregate(x, [1, 1, 1], min_coverage=0.5, return_details=True)
    assert np.isnan(score["u1"]) and score.notna().sum() == 2
    assert info.loc["u1", "scored"] == False  # noqa: E712
    assert info["coverage"].tolist() == pytest.approx([1 / 3, 1, 1])


def test_all_missing_unit_is_reported() -> None:
    x = T.copy()
    x.loc["u2"] = np.nan
    score, info = aggregate(x, [1, 1, 1], return_details=True)
    assert np.isnan(score["u2"]) and not info.loc["u2", "scored"]


def test_zero_weight_indicator_is_ignored() -> None:
    x = T.assign(d=[np.nan, -5.0, 100.0])
    score, info = aggregate(x, {"a": 1, "b": 1, "c": 0, "d": 0}, "geometric", return_details=True)
    assert score.tolist() == pytest.approx([2.0, 2.0, 2.0])
    assert (info["coverage"] == 1).all()


def test_geometric_refuses_non_positive_naming_cell() -> None:
    with pytest.raises(SpecError, match="u2"):
        aggregate(T.assign(a=[1.0, 0.0, 1.0]), [1, 1, 1], "geometric")


@pytest.mark.parametrize(("weights", "match"), [
    ([1, 1], "2 values for 3"), ({"a": 1, "b": 1}, "missing"), ([0, 0, 0], "sum to zero"), ([1, -1, 1], ">= 0"),
])
def test_bad_weights(weights, match: str) -> None:
    with pytest.raises(SpecError, match=match):
        aggregate(T, weights)


def test_hierarchy_scores_every_level() -> None:
    h = pd.DataFrame({"code": ["a", "b", "c", "P", "Q", "I"], "parent": ["P", "P", "Q", "I", "I", None],
                      "level": [1, 1, 1, 2, 2, 3], "weight": [1, 3, 1, 1, 1, 1]})
    out = aggregate_hierarchy(T, h)
    assert list(out.columns) == ["P", "Q", "I"]
    assert out["P"].tolist() == pytest.approx([3.25, 2.0, 1.75])
    assert out["I"].tolist() == pytest.approx([2.625, 2.0, 1.875])
    full = aggregate_hierarchy(T, h, keep_indicators=True, method={2: "geometric", 3: "arithmetic"})
    assert list(full.columns) == ["a", "b", "c", "P", "Q", "I"]
    assert full.loc["u2", "P"] == pytest.approx(2.0)


def test_hierarchy_missing_indicator() -> None:
    h = pd.DataFrame({"code": ["a", "z", "P"], "parent": ["P", "P", None], "level": [1, 1, 2]})
    with pytest.raises(SpecError, match="'z'"):
        aggregate_hierarchy(T, h)


def test_rank_overall_and_within_groups() -> None:
    s = pd.Series({"x1": 3.0, "x2": 5.0, "x3": 5.0, "x4": 1.0, "x5": np.nan})
    assert rank(s).tolist() == [3, 1, 1, 4, pd.NA]
    assert rank(s, ascending=True)["x4"] == 1
    kinds = {"x1": "county", "x2": "park", "x3": "county", "x4": "park", "x5": "park"}
    assert rank(s, groups=kinds).tolist()[:4] == [2, 1, 1, 2]
    with pytest.raises(SpecError, match="x5"):
        rank(s, groups={"x1": "county"})


def test_hierarchy_arithmetic_equals_effective_weights() -> None:
    """With complete data, the top score is the indicators weighted by their effective weights."""
    from reformlib.model import effective_weights

    h = pd.DataFrame({"code": ["a", "b", "c", "P", "I"], "parent": ["P", "P", "I", "I", None],
                      "level": [1, 1, 1, 2, 3], "weight": [2, 1, 1, 3, 1]})
    top = aggregate_hierarchy(T, h)["I"]
    eff = effective_weights(h)
    pd.testing.assert_series_equal(top, (T[eff.index] * eff).sum(axis=1), check_names=False)


def test_infinite_value_refused_naming_unit_and_column() -> None:
    x = T.assign(b=[4.0, np.inf, 1.0])
    with pytest.raises(SpecError, match=r"frame has 1 infinite value.*unit 'u2', column 'b': infinite value"):
        aggregate(x, [1, 1, 1])
    h = pd.DataFrame({"code": ["a", "b", "top"], "parent": ["top", "top", None], "level": [1, 1, 2]})
    with pytest.raises(SpecError, match=r"unit 'u2', column 'b': infinite value"):
        aggregate_hierarchy(x, h)
