"""Unit tests of the statistical audit (synthetic data)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reformlib.errors import SpecError
from reformlib.model import correlations, cronbach_alpha, indicator_stats, pca_variance

RNG = np.random.default_rng(3)
F = RNG.normal(size=40)
X = pd.DataFrame({"i1": F, "i2": F + 0.01 * RNG.normal(size=40), "i3": -F + RNG.normal(size=40),
                  "i4": RNG.normal(size=40)})
H = pd.DataFrame({"code": ["i1", "i2", "i3", "i4", "P", "Q"], "parent": ["P", "P", "P", "Q", None, None],
                  "level": [1, 1, 1, 1, 2, 2]})


def test_indicator_stats() -> None:
    x = pd.DataFrame({"a": [1.0, 2.0, 3.0, np.nan], "b": [1.0, 1.0, 1.0, 10.0]})
    s = indicator_stats(x)
    assert s.loc["a", "availability"] == 0.75 and s.loc["a", "mean"] == 2.0 and s.loc["a", "sd"] == 1.0
    assert s.loc["b", "skew"] == pytest.approx(2.0)
    assert s.loc["a", "min"] == 1.0 and s.loc["b", "max"] == 10.0
    assert {"kurtosis", "median", "outlier_flag"} <= set(s.columns)


def test_correlation_flags() -> None:
    frame = X.assign(P=X[["i1", "i2", "i3"]].mean(axis=1), Q=X["i4"])
    c = correlations(frame, H)
    pair = c[(c["a"] == "i1") & (c["b"] == "i2")].iloc[0]
    assert pair["relation"] == "same parent" and "collinear" in pair["flag"]
    neg = c[(c["a"] == "i1") & (c["b"] == "i3")].iloc[0]
    assert "negative within group" in neg["flag"]
    assert c[(c["a"] == "i1") & (c["b"] == "i4")].iloc[0]["relation"] == "other parent"
    to_parent = c[(c["a"] == "i3") & (c["b"] == "P")].iloc[0]
    assert to_parent["relation"] == "parent" and to_parent["flag"] == "weak with parent"


def test_cronbach_alpha() -> None:
    same = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [1.0, 2.0, 3.0, 4.0]})
    assert cronbach_alpha(same) == pytest.approx(1.0)
    per_group = cronbach_alpha(X, H)
    assert per_group.index.tolist() == ["P", "Q"] and np.isnan(per_group["Q"])


def test_pca_variance() -> None:
    v = pca_variance(X)
    assert v["explained"].sum() == pytest.approx(1.0) and v["cumulative"].iloc[-1] == pytest.approx(1.0)
    assert v["eigenvalue"].is_monotonic_decreasing and v["eigenvalue"].iloc[0] > 2
    with pytest.raises(SpecError, match="k"):
        pca_variance(X.assign(k=1.0))
