"""Unit tests of TOPSIS and VIKOR on synthetic tables checkable by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reformlib.errors import SpecError
from reformlib.model import topsis, vikor

T = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0]}, index=["u1", "u2", "u3"])


def test_topsis_minmax_by_hand() -> None:
    c = topsis(T, [0.5, 0.5], {"b": -1}, normalisation="minmax")
    assert c.tolist() == pytest.approx([0.0, 0.5, 1.0])
    c2 = topsis(T, [0.5, 0.5], None, normalisation="minmax")
    assert c2.tolist() == pytest.approx([0.5, 0.5, 0.5])


def test_topsis_details() -> None:
    c, d = topsis(T, [1, 1], {"b": -1}, return_details=True)
    assert d["ideal"].tolist() == pytest.approx(d["weighted"].loc["u3"].tolist())
    assert d["rank"].tolist() == [3, 2, 1]
    assert (d["d_plus"] + d["d_minus"] > 0).all()


def test_vikor_by_hand_and_compromise() -> None:
    q, d = vikor(T, [0.5, 0.5], {"b": -1}, return_details=True)
    assert d["table"]["S"].tolist() == pytest.approx([1.0, 0.5, 0.0])
    assert q.tolist() == pytest.approx([1.0, 0.5, 0.0])
    assert d["advantage"] and d["stability"] and d["compromise"] == ["u3"]


def test_vikor_compromise_set_when_advantage_fails() -> None:
    x = pd.DataFrame({"a": [10.0, 9.9, 0.0, 5.0], "b": [10.0, 9.9, 0.0, 5.0]}, index=list("pqrs"))
    _, d = vikor(x, [0.5, 0.5], None, return_details=True)
    assert not d["advantage"]
    assert d["compromise"] == ["p", "q"]


def test_vikor_v_range() -> None:
    with pytest.raises(SpecError, match="v must"):
        vikor(T, [1, 1], None, v=1.5)


def test_missing_values_refused() -> None:
    x = T.copy()
    x.loc["u2", "a"] = np.nan
    with pytest.raises(SpecError, match="u2"):
        topsis(x, [1, 1])


def test_constant_column_in_minmax_topsis() -> None:
    with pytest.raises(SpecError, match="'k'"):
        topsis(T.assign(k=1.0), [1, 1, 1], normalisation="minmax")
    # VIKOR: a criterion without spread contributes 0
    assert vikor(T.assign(k=1.0), [1, 1, 1]).notna().all()


def test_unknown_normalisation() -> None:
    with pytest.raises(SpecError, match="normalisation"):
        topsis(T, [1, 1], normalisation="sum")


@pytest.mark.parametrize("method", [topsis, vikor])
def test_infinite_value_refused_naming_unit_and_column(method) -> None:
    x = T.assign(a=[1.0, np.inf, 3.0])
    with pytest.raises(SpecError, match=r"columns \['a'\].*unit 'u2', column 'a': infinite value"):
        method(x, [1, 1])


def test_topsis_vector_is_the_normalise_method() -> None:
    from reformlib.model import normalise

    _, d = topsis(T, [1, 1], return_details=True)
    pd.testing.assert_frame_equal(d["normalised"], normalise(T, "vector"))
    # pymcdm's cost form 1 - r with ideal = max gives the same closeness as ideal = min on r
    c = topsis(T, [1, 2], {"b": -1})
    v = normalise(T, "vector", direction={"b": -1}) * pd.Series({"a": 1 / 3, "b": 2 / 3})
    d_plus, d_minus = np.sqrt(((v - v.max()) ** 2).sum(axis=1)), np.sqrt(((v - v.min()) ** 2).sum(axis=1))
    assert c.tolist() == pytest.approx((d_minus / (d_plus + d_minus)).tolist())


def test_vikor_tie_in_q_puts_both_units_in_the_compromise() -> None:
    # p and q mirror each other: S = 0.5, 0.5, 1 and R = 0.5 everywhere, so Q = 0, 0, 0.5
    x = pd.DataFrame({"a": [1.0, 0.0, 0.0], "b": [0.0, 1.0, 0.0]}, index=list("pqr"))
    q, d = vikor(x, [1, 1], return_details=True)
    assert q.tolist() == pytest.approx([0.0, 0.0, 0.5])
    assert d["table"]["rank_Q"].tolist() == [1, 1, 3]
    assert not d["advantage"] and d["compromise"] == ["p", "q"]  # row order only orders the list
    _, swapped = vikor(x.loc[["q", "p", "r"]], [1, 1], return_details=True)
    assert swapped["compromise"] == ["q", "p"]
