"""Phased assessment: months -> quarters -> halves -> year, by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reformlib.errors import SpecError
from reformlib.model.phased import phase_label, phased_scores

WEIGHTS = {"quarter": [1, 1, 2], "half": [1, 3], "year": {"quarters": [1, 1, 1, 1], "phased": 0.4, "year_end": 0.6}}


def _monthly(until: str) -> pd.DataFrame:
    months = pd.period_range("2017-01", until, freq="M")
    return pd.DataFrame({m: [float(m.month), 10.0] for m in months}, index=["a", "b"])


def test_full_year_by_hand():
    out = phased_scores(_monthly("2017-12"), weights=WEIGHTS, year_end=pd.Series({"a": 10.0, "b": 20.0}))
    # a: Q1 = (1 + 2 + 2x3) / 4 = 2.25; Q2 5.25; Q3 8.25; Q4 11.25; H1 = (2.25 + 3x5.25) / 4 = 4.5
    assert out.quarter.loc["a"].tolist() == [2.25, 5.25, 8.25, 11.25]
    assert out.half.loc["a"].tolist() == [4.5, 10.5]
    assert out.year.loc["a", "phased"] == pytest.approx(6.75)
    assert out.year.loc["a", "year"] == pytest.approx(0.4 * 6.75 + 0.6 * 10)
    assert out.year.loc["b", "year"] == pytest.approx(0.4 * 10 + 0.6 * 20)
    assert out.score("2017-05", "quarter").loc["a"] == 5.25
    assert out.score("2017-12", "year").loc["b"] == pytest.approx(16.0)


def test_period_in_progress_uses_the_months_it_has():
    out = phased_scores(_monthly("2017-05"), weights=WEIGHTS)
    assert out.quarter.loc["a", "2017Q2"] == 4.5  # months 4 and 5, weights 1 and 1
    assert out.months.to_dict() == {"2017Q1": 3, "2017Q2": 2, "2017Q3": 0, "2017Q4": 0}
    assert np.isnan(out.year.loc["a", "year"])
    with pytest.raises(SpecError, match="no half score for 2017H2"):
        out.score("2017-08", "half")


def test_labels_and_bad_input():
    assert [phase_label("2017-08", p) for p in ("month", "quarter", "half", "year")] == ["2017-08", "2017Q3", "2017H2", "2017"]
    with pytest.raises(SpecError, match="phase"):
        phase_label("2017-08", "week")
    two_years = pd.DataFrame({pd.Period("2016-12", "M"): [1.0], pd.Period("2017-01", "M"): [1.0]})
    with pytest.raises(SpecError, match="one year"):
        phased_scores(two_years, weights=WEIGHTS)
