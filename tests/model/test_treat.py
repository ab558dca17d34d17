"""Unit tests of denomination, imputation, screening and outlier treatment (synthetic data)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reformlib.errors import SpecError
from reformlib.model import denominate, impute, screen_units, treat_outliers

T = pd.DataFrame({"a": [1.0, np.nan, 3.0, 5.0], "b": [2.0, 4.0, np.nan, 8.0]}, index=["u1", "u2", "u3", "u4"])
KIND = pd.Series({"u1": "county", "u2": "county", "u3": "park", "u4": "park"})


def test_mean_and_median_with_log() -> None:
    out, log = impute(T, "mean")
    assert out.loc["u2", "a"] == 3.0 and out.loc["u3", "b"] == pytest.approx(14 / 3)
    assert list(log.columns) == ["unit", "indicator", "old", "new", "reason"]
    assert set(zip(log["unit"], log["indicator"])) == {("u2", "a"), ("u3", "b")}
    assert log["old"].isna().all() and (log["reason"] == "mean").all()
    assert impute(T, "median")[0].loc["u3", "b"] == 4.0


def test_group_mean_series_or_column() -> None:
    out, log = impute(T, "group_mean", groups=KIND)
    assert out.loc["u2", "a"] == 1.0 and out.loc["u3", "b"] == 8.0
    out2, _ = impute(T.assign(kind=KIND), "group_median", groups="kind")
    assert out2.loc["u2", "a"] == 1.0 and out2["kind"].tolist() == KIND.tolist()


def test_group_without_observation_is_logged_not_silent() -> None:
    x = T.copy()
    x.loc["u1", "a"] = np.nan
    out, log = impute(x, "group_mean", groups=KIND)
    assert np.isnan(out.loc["u1", "a"])
    left = log[log["new"].isna()]
    assert set(left["unit"]) == {"u1", "u2"} and left["reason"].str.contains("no value").all()


def test_regression_imputation() -> None:
    x = pd.DataFrame({"y": [2.0, 4.0, np.nan, 8.0], "x": [1.0, 2.0, 3.0, 4.0]})
    out, log = impute(x, "regression")
    assert out.loc[2, "y"] == pytest.approx(6.0)
    assert len(log) == 1
    with pytest.raises(SpecError, match="complete predictor"):
        impute(T, "regression")


def test_locf_on_a_long_panel() -> None:
    panel = pd.DataFrame({"unit": ["u1", "u1", "u1", "u2", "u2"],
                          "period": ["2017-03", "2017-01", "2017-02", "2017-01", "2017-02"],
                          "v": [np.nan, 5.0, np.nan, np.nan, 7.0]})
    out, log = impute(panel, "locf", panel=("unit", "period"))
    assert out["v"].tolist()[:3] == [5.0, 5.0, 5.0]
    assert np.isnan(out["v"].iloc[3])  # nothing to carry forward into the first period
    assert sorted(zip(log["unit"], log["period"])) == [("u1", "2017-02"), ("u1", "2017-03")]
    assert out.index.equals(panel.index)


def test_impute_does_not_mutate_and_errors() -> None:
    before = T.copy()
    impute(T, "mean")
    pd.testing.assert_frame_equal(T, before)
    with pytest.raises(SpecError, match="groups"):
        impute(T, "group_mean")
    with pytest.raises(SpecError, match="panel"):
        impute(T, "locf")
    with pytest.raises(SpecError, match="u4"):
        impute(T, "group_mean", groups={"u1": "a", "u2": "a", "u3": "b"})


def test_screen_units() -> None:
    kept, report = screen_units(T.assign(c=[np.nan, np.nan, 1.0, 1.0]), min_coverage=0.5)
    assert list(kept.index) == ["u1", "u3", "u4"]
    assert report.loc["u2", "coverage"] == pytest.approx(1 / 3) and not report.loc["u2", "kept"]


def test_denominate() -> None:
    den = pd.DataFrame({"pop": [1.0, 2.0, 4.0, 8.0]}, index=T.index)
    out = denominate(T, den, {"b": "pop"}, scale=10)
    assert out["b"].tolist()[:2] == [20.0, 20.0] and out["a"].equals(T["a"])
    with pytest.raises(SpecError, match="gdp"):
        denominate(T, den, {"b": "gdp"})


def test_winsorise_high_outlier_and_log_every_change() -> None:
    x = pd.DataFrame({"v": list(range(1, 11)) + [30.0, 100.0], "ok": list(range(12))})
    out, log = treat_outliers(x)
    assert out["ok"].equals(x["ok"].astype(float))
    assert out["v"].max() < 100
    assert abs(out["v"].skew()) < 2 or out["v"].kurt() < 3.5
    changed = x["v"] != out["v"]
    assert len(log) == changed.sum() and set(log["reason"]) == {"winsorised high"}
    assert log["old"].max() == 100.0


def test_low_side_and_cumulative_cap_with_log_fallback() -> None:
    x = pd.DataFrame({"v": [-1000.0, -900.0, -800.0, -700.0, -600.0, -500.0] + [0.0] * 30 + list(range(1, 31))})
    out, log = treat_outliers(x, winmax=2, count="cumulative")
    assert (log["reason"] == "log transform").all() and len(log) == len(x)
    out2, log2 = treat_outliers(x, winmax=2, count="cumulative", log_fallback=False)
    assert set(log2["reason"]) == {"winsorised low"}


def test_two_valued_indicator_never_becomes_missing() -> None:
    x = pd.DataFrame({"v": [0.0] * 30 + [1.0]})
    out, log = treat_outliers(x, log_fallback=False)
    assert out["v"].notna().all()
    out2, _ = treat_outliers(x)
    assert out2["v"].notna().all() and out2["v"].nunique() == 2
