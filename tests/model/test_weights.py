"""Unit tests of the weighting methods (synthetic tables unless a source is named)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reformlib.errors import SpecError
from reformlib.model import ahp_weights, combine_weights, effective_weights, weigh

T = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [10.0, 30.0, 20.0], "c": [4.0, 2.0, 8.0]},
                 index=["u1", "u2", "u3"])


def test_equal() -> None:
    assert weigh(T, "equal").tolist() == pytest.approx([1 / 3] * 3)


def test_sd_and_cv_by_hand() -> None:
    # sample sd: a 1, b 10, c sqrt(28/3); means 2, 20, 14/3
    sd_c = np.sqrt(28 / 3)
    assert weigh(T, "sd").tolist() == pytest.approx(np.array([1, 10, sd_c]) / (11 + sd_c))
    cv = np.array([0.5, 0.5, sd_c / (14 / 3)])
    assert weigh(T, "cv").tolist() == pytest.approx(cv / cv.sum())


def test_entropy_by_hand_two_columns() -> None:
    x = pd.DataFrame({"flat": [1.0, 1.0], "skewed": [1.0, 3.0]})
    w, details = weigh(x, "entropy", return_details=True)
    e = -(0.25 * np.log(0.25) + 0.75 * np.log(0.75)) / np.log(2)
    assert details["entropy"]["flat"] == pytest.approx(1.0)
    assert details["entropy"]["skewed"] == pytest.approx(e)
    assert w.tolist() == pytest.approx([0.0, 1.0])


def test_entropy_refuses_negative_values() -> None:
    with pytest.raises(SpecError, match="'b'|\\['b'\\]"):
        weigh(T.assign(b=[-1.0, 2.0, 3.0]), "entropy")


def test_entropy_cn_is_direction_aware_and_shift_option() -> None:
    w1 = weigh(T, "entropy_cn")
    w2 = weigh(T, "entropy_cn", direction={"c": -1})
    assert not np.allclose(w1, w2)
    assert weigh(T, "entropy_cn", entropy_shift=1.0).sum() == pytest.approx(1.0)
    # a constant column carries no information: weight 0
    assert weigh(T.assign(k=5.0), "entropy_cn")["k"] == pytest.approx(0.0)


def test_critic_constant_column_is_an_error() -> None:
    with pytest.raises(SpecError, match="'k'"):
        weigh(T.assign(k=5.0), "critic")


def test_pca_weights_follow_structure() -> None:
    rng = np.random.default_rng(7)  # synthetic: two blocks of correlated indicators
    f = rng.normal(size=(60, 2))
    x = pd.DataFrame({"a1": f[:, 0], "a2": f[:, 0] + 0.3 * rng.normal(size=60),
                      "b1": f[:, 1], "b2": f[:, 1] + 0.3 * rng.normal(size=60)})
    w, details = weigh(x, "pca", return_details=True)
    assert details["factor"]["a1"] == details["factor"]["a2"] != details["factor"]["b1"]
    assert w.sum() == pytest.approx(1.0) and (w > 0.15).all()
    assert weigh(x, "pca", n_components=1).sum() == pytest.approx(1.0)


def test_ahp_consistent_matrix() -> None:
    # a perfectly consistent matrix from weights 4:2:1
    p = pd.DataFrame([[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]], index=list("abc"), columns=list("abc"))
    w, d = ahp_weights(p, return_details=True)
    assert w.tolist() == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert d["lambda_max"] == pytest.approx(3.0) and d["CR"] == pytest.approx(0.0, abs=1e-9)
    assert weigh(None, "ahp", pairwise=p).tolist() == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert weigh(T, "ahp", pairwise=p, return_details=True)[1]["RI"] == 0.58


def test_ahp_saaty_textbook_inconsistency() -> None:
    p = pd.DataFrame([[1, 3, 1 / 3], [1 / 3, 1, 1 / 5], [3, 5, 1]], index=list("abc"), columns=list("abc"))
    _, d = ahp_weights(p, return_details=True)
    assert d["lambda_max"] > 3 and 0 < d["CR"] < 0.1


def test_ahp_refuses_non_reciprocal_naming_the_cell() -> None:
    p = pd.DataFrame([[1, 2, 4], [0.5, 1, 3], [0.25, 0.5, 1]], index=list("abc"), columns=list("abc"))
    with pytest.raises(SpecError, match=r"\['b', 'c'\]"):
        ahp_weights(p)


def test_expert_weights_validated() -> None:
    assert weigh(T, "expert", expert={"a": 2, "b": 1, "c": 1}).tolist() == [0.5, 0.25, 0.25]
    with pytest.raises(SpecError, match="missing \\['c'\\]"):
        weigh(T, "expert", expert={"a": 2, "b": 1})
    with pytest.raises(SpecError, match=">= 0"):
        weigh(T, "expert", expert={"a": -1, "b": 1, "c": 1})


def test_combine_weights() -> None:
    s = pd.Series({"a": 0.5, "b": 0.5})
    o = pd.Series({"a": 0.2, "b": 0.8})
    assert combine_weights(s, o, alpha=0.5).tolist() == pytest.approx([0.35, 0.65])
    assert combine_weights(s, o, method="multiplicative").tolist() == pytest.approx([0.2, 0.8])
    with pytest.raises(SpecError, match="alpha"):
        combine_weights(s, o, alpha=2)


def _hierarchy() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["i1", "i2", "i3", "i4", "s1", "s2", "cat", "overall"],
        "parent": ["s1", "s1", "s2", "cat", "cat", "cat", "overall", None],
        "level": [1, 1, 1, 1, 2, 2, 3, 4],
        "weight": [1, 3, 1, 2, 1, 1, 1, 1],
    })


def test_effective_weights_any_depth() -> None:
    w = effective_weights(_hierarchy())
    # cat has children i4 (2), s1 (1), s2 (1): shares 0.5, 0.25, 0.25
    assert w.to_dict() == pytest.approx({"i1": 0.0625, "i2": 0.1875, "i3": 0.25, "i4": 0.5})
    assert w.sum() == pytest.approx(1.0)
    assert effective_weights(_hierarchy(), {"i4": 0})["i4"] == 0.0


def test_hierarchy_errors_are_listed() -> None:
    bad = _hierarchy()
    bad.loc[0, "parent"] = "ghost"
    bad.loc[4, "level"] = 5
    with pytest.raises(SpecError, match="ghost.*|.*'s1'"):
        effective_weights(bad)


def test_unknown_method() -> None:
    with pytest.raises(SpecError, match="unknown method 'magic'"):
        weigh(T, "magic")


@pytest.mark.parametrize("method", ["sd", "std", "cv", "entropy", "entropy_cn", "critic"])
def test_all_missing_column_is_refused_by_name(method: str) -> None:
    # sd / cv used to return a NaN weight; entropy spoke of a column "summing to zero"
    with pytest.raises(SpecError, match=r"indicators \['m'\] are entirely missing"):
        weigh(T.assign(m=np.nan), method)


@pytest.mark.parametrize("method", ["sd", "cv"])
def test_single_observed_value_is_refused_by_name(method: str) -> None:
    with pytest.raises(SpecError, match=r"at least 2 observed values .* fewer in \['m'\]"):
        weigh(T.assign(m=[np.nan, 4.0, np.nan]), method)


def test_sd_and_entropy_use_each_column_s_observed_units() -> None:
    x = T.assign(a=[1.0, np.nan, 3.0])
    _, sd = weigh(x, "sd", return_details=True)
    assert sd["sd"]["a"] == pytest.approx(np.sqrt(2.0))  # sample sd of 1 and 3
    _, ent = weigh(x, "entropy", return_details=True)
    e = -(0.25 * np.log(0.25) + 0.75 * np.log(0.75)) / np.log(2)  # shares 1/4, 3/4 over m = 2 units
    assert ent["entropy"]["a"] == pytest.approx(e)


def test_infinite_value_refused_by_weigh() -> None:
    with pytest.raises(SpecError, match=r"columns \['c'\].*unit 'u1', column 'c': infinite value \(value -inf\)"):
        weigh(T.assign(c=[-np.inf, 2.0, 8.0]), "sd")
