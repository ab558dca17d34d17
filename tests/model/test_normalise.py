"""Unit tests of the normalisers on a 3 x 3 table checkable by hand (synthetic numbers)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reformlib.errors import SpecError
from reformlib.model import NORMALISERS, normalise

# synthetic 3 x 3 table: a rises 1-2-3, b is 10-30-20, c is 4-2-8
T = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [10.0, 30.0, 20.0], "c": [4.0, 2.0, 8.0]},
                 index=pd.Index(["u1", "u2", "u3"], name="unit"))


def test_minmax_by_hand() -> None:
    out = normalise(T, "minmax", direction={"c": -1})
    assert out["a"].tolist() == [0.0, 0.5, 1.0]
    assert out["b"].tolist() == [0.0, 1.0, 0.5]
    assert out["c"].tolist() == pytest.approx([4 / 6, 1.0, 0.0])


def test_minmax_output_range() -> None:
    assert normalise(T, "minmax", scale=(0, 100))["a"].tolist() == [0.0, 50.0, 100.0]
    assert normalise(T, "minmax", scale=(1, 100))["a"].tolist() == [1.0, 50.5, 100.0]


def test_zscore_by_hand_and_rescaled() -> None:
    assert normalise(T, "zscore")["a"].tolist() == [-1.0, 0.0, 1.0]  # sample sd of 1, 2, 3 is 1
    assert normalise(T, "zscore", m_sd=(10, 2), direction={"a": -1})["a"].tolist() == [12.0, 10.0, 8.0]


def test_rank_ties_and_start() -> None:
    x = pd.DataFrame({"v": [5.0, 1.0, 5.0, 3.0]})
    assert normalise(x, "rank")["v"].tolist() == [3.0, 1.0, 3.0, 2.0]
    assert normalise(x, "rank", ties="average")["v"].tolist() == [3.5, 1.0, 3.5, 2.0]
    assert normalise(x, "borda")["v"].tolist() == [2.0, 0.0, 2.0, 1.0]
    assert normalise(x, "rank", direction={"v": -1})["v"].tolist() == [1.0, 4.0, 1.0, 3.0]


def test_percentile() -> None:
    assert normalise(T, "percentile")["b"].tolist() == [0.0, 1.0, 0.5]


def test_reference_unit_and_values() -> None:
    assert normalise(T, "ref_ratio", reference="u2")["b"].tolist() == pytest.approx([1 / 3, 1.0, 2 / 3])
    assert normalise(T, "ref_ratio", reference="u2", direction={"b": -1})["b"].tolist() == pytest.approx([3.0, 1.0, 1.5])
    out = normalise(T, "ref_difference", reference={"a": 2.0, "b": 20.0, "c": 4.0})
    assert out["a"].tolist() == [-0.5, 0.0, 0.5]


def test_above_below_mean() -> None:
    # a: mean 2, ratios 0.5 / 1 / 1.5 with threshold 0.2
    assert normalise(T, "above_below_mean")["a"].tolist() == [-1.0, 0.0, 1.0]
    assert normalise(T, "above_below_mean", direction={"a": -1})["a"].tolist() == [1.0, 0.0, -1.0]
    assert normalise(T, "above_below_mean", threshold=0.6)["a"].tolist() == [0.0, 0.0, 0.0]


def test_categorical_value_and_percentile_cuts() -> None:
    out = normalise(T, "categorical", bands=[15.0, 25.0], cut_kind="value", scale=(0, 100))
    assert out["b"].tolist() == [0.0, 100.0, 50.0]
    assert normalise(T, "categorical", bands=[0.5])["a"].tolist() == [0.0, 1.0, 1.0]


def test_goalposts_cap_and_reverse() -> None:
    gp = {"a": (0.0, 2.0), "b": (0.0, 40.0), "c": (0.0, 8.0)}
    capped = normalise(T, "goalposts", goalposts=gp)
    assert capped["a"].tolist() == [0.5, 1.0, 1.0]
    assert normalise(T, "goalposts", goalposts=gp, cap=False)["a"].tolist() == [0.5, 1.0, 1.5]
    assert normalise(T, "goalposts", goalposts=gp, direction={"c": -1})["c"].tolist() == [0.5, 0.75, 0.0]


def test_target_distance() -> None:
    out = normalise(T, "target", target={"a": 2.0, "b": 20.0, "c": 4.0}, direction={"c": -1})
    assert out["a"].tolist() == [0.5, 1.0, 1.0]
    assert out["c"].tolist() == [1.0, 1.0, 0.5]


def test_band_judge_quota_cap() -> None:
    """Quota ratio of judges: best inside 30-39 %, worse above the 39 % cap (synthetic values)."""
    q = pd.DataFrame({"judge_quota_ratio": [36.3, 42.0, 25.0, 45.0]})
    out = normalise(q, "band", bands={"judge_quota_ratio": (30.0, 39.0)},
                    goalposts={"judge_quota_ratio": (20.0, 45.0)}, scale=(0, 100))
    assert out["judge_quota_ratio"].tolist() == pytest.approx([100.0, 50.0, 50.0, 0.0])


def test_nan_stays_nan_and_nothing_else_missing() -> None:
    x = T.copy()
    x.loc["u2", "a"] = np.nan
    out = normalise(x, "minmax")
    assert out.isna().equals(x.isna())
    assert out["a"].tolist()[::2] == [0.0, 1.0]


def test_input_not_mutated() -> None:
    before = T.copy()
    normalise(T, "zscore", direction={"b": -1})
    pd.testing.assert_frame_equal(T, before)


@pytest.mark.parametrize("method", ["minmax", "zscore"])
def test_constant_column_is_an_error_naming_it(method: str) -> None:
    x = T.assign(k=[7.0, 7.0, 7.0])
    with pytest.raises(SpecError, match="'k'"):
        normalise(x, method)


def test_constant_column_defined_for_rank_methods() -> None:
    x = pd.DataFrame({"k": [7.0, 7.0, 7.0]})
    assert normalise(x, "rank")["k"].tolist() == [1.0, 1.0, 1.0]
    assert normalise(x, "percentile")["k"].tolist() == [0.0, 0.0, 0.0]


def test_all_missing_column_is_an_error() -> None:
    with pytest.raises(SpecError, match="'m'"):
        normalise(T.assign(m=np.nan), "minmax")


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"method": "nope"}, "unknown method"),
    ({"method": "minmax", "direction": {"a": 2}}, r"direction\['a'\]"),
    ({"method": "minmax", "direction": {"zz": 1}}, "zz"),
    ({"method": "goalposts"}, "goalposts is missing for indicator 'a'"),
    ({"method": "goalposts", "goalposts": {"a": (3, 1), "b": (0, 1), "c": (0, 1)}}, "lower < upper"),
    ({"method": "ref_ratio", "reference": "nobody"}, "nobody"),
    ({"method": "minmax", "scale": (1, 0)}, "scale"),
])
def test_bad_arguments(kwargs: dict, match: str) -> None:
    with pytest.raises(SpecError, match=match):
        normalise(T, **kwargs)


def test_non_numeric_column_refused() -> None:
    with pytest.raises(SpecError, match="non-numeric"):
        normalise(T.assign(name=["x", "y", "z"]), "minmax")


def test_registry_is_a_plain_dict() -> None:
    assert isinstance(NORMALISERS, dict)
    assert {"minmax", "zscore", "rank", "percentile", "ref_ratio", "ref_difference", "above_below_mean",
            "categorical", "goalposts", "target", "band"} <= set(NORMALISERS)
