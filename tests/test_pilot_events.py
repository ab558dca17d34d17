"""Pilots as events (reformlib.stats.pilot_events): target rows, first-treated months and the
event study of pilot starts, on frames small enough to check by hand and on the demonstration
data against the event study assembled by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import reformlib as rl
from reformlib.errors import SpecError
from reformlib.stats import event_study
from reformlib.stats.pilot_events import first_treated, pilot_event_study, pilot_targets

PILOTS = pd.DataFrame({
    "pilot_id": ["P1", "P2", "P3", "P4"], "unit": ["a", "b", "a", "c"],
    "start": pd.to_datetime(["2017-03-15", "2017-06-01", "2017-01-01", "2017-08-01"]),
    "target_indicators": ["debt;land", "debt", " land ", None]})


def test_pilot_targets_one_row_per_pilot_and_indicator():
    out = pilot_targets(PILOTS)
    assert list(zip(out["pilot_id"], out["indicator"])) == [("P1", "debt"), ("P1", "land"), ("P2", "debt"), ("P3", "land")]
    assert out.loc[0, "start_month"] == pd.Period("2017-03", "M")


def test_pilot_targets_by_month_and_order():
    # to 2017-06 with 3 months: started in 2017-04 or earlier
    out = pilot_targets(PILOTS, month="2017-06", min_months=3, pilot_ids=["P3", "P2", "P1"])
    assert list(out["pilot_id"]) == ["P3", "P1", "P1"]
    assert pilot_targets(PILOTS, month="2016-12").empty
    with pytest.raises(SpecError, match="unknown pilot"):
        pilot_targets(PILOTS, pilot_ids=["P9"])
    with pytest.raises(SpecError, match="min_months"):
        pilot_targets(PILOTS, min_months=0)
    with pytest.raises(SpecError, match="target_indicators"):
        pilot_targets(PILOTS.drop(columns="target_indicators"))


def test_first_treated_is_the_earliest_start_per_unit():
    extra = pd.concat([PILOTS, pd.DataFrame({"pilot_id": ["P5"], "unit": ["a"], "start": pd.to_datetime(["2016-11-20"]),
                                             "target_indicators": ["debt"]})], ignore_index=True)
    first = first_treated(extra, indicator="debt")
    assert first.to_dict() == {"a": pd.Period("2016-11", "M"), "b": pd.Period("2017-06", "M")}
    assert first_treated(PILOTS, indicator="nothing").empty
    with pytest.raises(SpecError, match="indicator"):
        first_treated(PILOTS, indicator="")


def test_pilot_event_study_matches_the_event_study_by_hand():
    rng = np.random.default_rng(7)
    months = pd.period_range("2016-07", "2017-12", freq="M")
    rows = [{"unit": u, "indicator": "debt", "period": m, "value": rng.normal() + (2.0 if u == "a" and m >= pd.Period("2017-03", "M") else 0)}
            for u in ["a", "b", "c", "d"] for m in months]
    obs = pd.DataFrame(rows)
    units = pd.DataFrame({"unit": ["a", "b", "c", "d", "dept"], "territorial": [True, True, True, True, False]})
    es = pilot_event_study(obs, PILOTS, units, indicator="debt", window=(-3, 3))
    panel = obs.assign(first_treated=obs["unit"].map({"a": pd.Period("2017-03", "M"), "b": pd.Period("2017-06", "M")}))
    by_hand = event_study(panel, outcome="value", unit="unit", period="period", first_treated="first_treated", window=(-3, 3))
    pd.testing.assert_frame_equal(es, by_hand)
    with pytest.raises(SpecError, match="no pilot targets"):
        pilot_event_study(obs.assign(indicator="land"), PILOTS.iloc[[1]], units, indicator="land")
    with pytest.raises(SpecError, match="no observations"):
        pilot_event_study(obs, PILOTS, units, indicator="land")


def test_pilot_event_study_on_the_demonstration_data(demo):
    obs, pilots, units = rl.load_observations(demo), rl.load_pilots(demo), rl.load_units(demo)
    obs = obs[obs["period"] <= pd.Period("2017-09", "M")]
    es = pilot_event_study(obs, pilots[pilots["start"] <= "2017-09-30"], units, indicator="gov_debt_ratio")
    assert list(es["event_time"]) == list(range(-6, 7))
    assert es.loc[es["reference"], "event_time"].tolist() == [-1]
