"""Unit tests of the normalisers on a 3 x 3 table checkable by hand (synthetic numbers)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reformlib.errors import SpecError
from reformlib.model import NORMALISERS, normalise
from reformlib.model.normalise import (
    max_columns,
    minmax_columns,
    percentile_coinr_columns,
    percentile_handbook_columns,
    rank_columns,
    sum_columns,
    vector_columns,
    zscore_columns,
)

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


# one column of four units with a tie: 5 is shared by u1 and u3
TIE = pd.DataFrame({"v": [5.0, 1.0, 5.0, 3.0]}, index=["u1", "u2", "u3", "u4"])


def test_percentile_conventions_by_hand_with_a_tie() -> None:
    # COINr n_prank: rank with ties "min" = 3, 1, 3, 2; (rank - 1) / (4 - 1)
    assert normalise(TIE, "percentile_coinr")["v"].tolist() == pytest.approx([2 / 3, 0.0, 2 / 3, 1 / 3])
    # Handbook: rank with ties "average" = 3.5, 1, 3.5, 2; rank / 4
    assert normalise(TIE, "percentile_handbook")["v"].tolist() == [0.875, 0.25, 0.875, 0.5]
    # cost direction, ranks of -v: with ties "min" 1, 4, 1, 3; with ties "average" 1.5, 4, 1.5, 3
    rev = {"v": -1}
    assert normalise(TIE, "percentile_coinr", direction=rev)["v"].tolist() == pytest.approx([0.0, 1.0, 0.0, 2 / 3])
    assert normalise(TIE, "percentile_handbook", direction=rev)["v"].tolist() == [0.375, 1.0, 0.375, 0.75]


def test_percentile_keeps_its_old_results_as_the_coinr_convention() -> None:
    for frame in (T, TIE, T.assign(k=7.0)):
        pd.testing.assert_frame_equal(normalise(frame, "percentile"), normalise(frame, "percentile_coinr"))
    assert normalise(TIE, "percentile_handbook", scale=(0, 100))["v"].tolist() == [87.5, 25.0, 87.5, 50.0]


# golden values from pymcdm 1.4.0 (pymcdm.normalizations.vector_normalization,
# max_normalization, sum_normalization, with cost=False / cost=True) on x = 2, 3, 6;
# by hand: sqrt(4 + 9 + 36) = 7, max 6, sum 11, sum of 1/x = 1/2 + 1/3 + 1/6 = 1
X236 = pd.DataFrame({"x": [2.0, 3.0, 6.0]}, index=["u1", "u2", "u3"])
PYMCDM = {
    "vector": ([0.2857142857142857, 0.42857142857142855, 0.8571428571428571],
               [0.7142857142857143, 0.5714285714285714, 0.1428571428571429]),
    "max": ([0.3333333333333333, 0.5, 1.0], [0.6666666666666667, 0.5, 0.0]),
    "sum": ([0.18181818181818182, 0.2727272727272727, 0.5454545454545454],
            [0.5000000000000001, 0.33333333333333337, 0.16666666666666669]),
}
BY_HAND = {"vector": ([2 / 7, 3 / 7, 6 / 7], [5 / 7, 4 / 7, 1 / 7]), "max": ([1 / 3, 0.5, 1.0], [2 / 3, 0.5, 0.0]),
           "sum": ([2 / 11, 3 / 11, 6 / 11], [0.5, 1 / 3, 1 / 6])}


@pytest.mark.parametrize("method", ["vector", "max", "sum"])
def test_vector_max_sum_benefit_and_cost_match_pymcdm(method: str) -> None:
    benefit, cost = PYMCDM[method]
    assert normalise(X236, method)["x"].tolist() == pytest.approx(benefit, rel=1e-12)
    assert normalise(X236, method, direction={"x": -1})["x"].tolist() == pytest.approx(cost, rel=1e-12)
    assert benefit == pytest.approx(BY_HAND[method][0]) and cost == pytest.approx(BY_HAND[method][1])


def test_vector_max_sum_skip_missing_values() -> None:
    x = pd.DataFrame({"x": [2.0, np.nan, 3.0, 6.0]})
    assert normalise(x, "vector")["x"].tolist()[::2] == pytest.approx([2 / 7, 3 / 7])
    assert np.isnan(normalise(x, "sum", direction={"x": -1})["x"].iloc[1])


@pytest.mark.parametrize(("method", "column", "match"), [
    ("vector", [0.0, 0.0, 0.0], "'k' is all zero"),
    ("max", [-1.0, -2.0, 0.0], "'k' has no value > 0"),
    ("sum", [1.0, 0.0, 2.0], r"'k' has values <= 0 for units \['u2'\]"),
])
def test_vector_max_sum_refuse_columns_outside_their_domain(method: str, column: list, match: str) -> None:
    with pytest.raises(SpecError, match=match):
        normalise(T.assign(k=column), method)


def test_target_cap_for_cost_indicator_at_or_below_zero() -> None:
    x = pd.DataFrame({"c": [0.0, -2.0, 4.0, 8.0]})
    out = normalise(x, "target", target={"c": 4.0}, direction={"c": -1}, scale=(0, 100))
    assert out["c"].tolist() == [100.0, 100.0, 100.0, 50.0]  # at or below zero: target met
    with pytest.raises(SpecError, match="'c' has values <= 0"):
        normalise(x, "target", target={"c": 4.0}, direction={"c": -1}, cap=False)


def test_infinite_value_refused_naming_frame_column_and_unit() -> None:
    x = T.copy()
    x.loc["u3", "b"] = np.inf
    with pytest.raises(SpecError, match=r"frame has 1 infinite value\(s\) in columns \['b'\]") as err:
        normalise(x, "minmax")  # used to give b = 0, 0, NaN
    assert "unit 'u3', column 'b': infinite value (value inf)" in str(err.value)


# a 4 x 3 table with a tie and gaps, for the array kernels
A = np.array([[5.0, 1.0, np.nan], [1.0, 2.0, 3.0], [5.0, np.nan, 1.0], [3.0, 4.0, 1.5]])
KERNELS = {"rank": rank_columns, "percentile_coinr": percentile_coinr_columns,
           "percentile_handbook": percentile_handbook_columns, "minmax": minmax_columns,
           "zscore": zscore_columns, "vector": vector_columns, "max": max_columns, "sum": sum_columns}


@pytest.mark.parametrize("method", sorted(KERNELS))
def test_array_kernel_is_the_normaliser_column_by_column(method: str) -> None:
    frame = pd.DataFrame(A, columns=list("abc"))
    out = KERNELS[method](A)
    np.testing.assert_allclose(out, normalise(frame, method).to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(KERNELS[method](A[:, 2]), out[:, 2], rtol=1e-12)  # 1-D works too
    assert np.array_equal(np.isnan(out), np.isnan(A))


def test_cost_flags_per_column_in_array_kernels() -> None:
    frame = pd.DataFrame(A, columns=list("abc"))
    for method in ("vector", "max", "sum"):
        out = KERNELS[method](A, cost=[True, False, True])
        expected = normalise(frame, method, direction={"a": -1, "c": -1}).to_numpy()
        np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_rank_kernels_reproduce_the_uncertainty_formulas() -> None:
    # the uncertainty analysis ranks with scipy (average ties, NaN omitted) and takes
    # 100 * rank / n as its percentile: rank_columns(ties="average") and
    # percentile_handbook_columns are those formulas
    from scipy.stats import rankdata

    ranks = rankdata(A, method="average", axis=0, nan_policy="omit")
    np.testing.assert_array_equal(rank_columns(A, ties="average"), ranks)
    percentiles = 100.0 * ranks / np.sum(~np.isnan(A), axis=0)  # equal up to the order of * and /
    np.testing.assert_allclose(100 * percentile_handbook_columns(A), percentiles, rtol=1e-15)
    assert rank_columns(TIE["v"].to_numpy()).tolist() == [3.0, 1.0, 3.0, 2.0]  # default ties "min"
