"""Staggered adoption: the imputation estimator (Borusyak, Jaravel & Spiess 2024) against
the 2x2 difference in differences it must reduce to, against effects that grow after
adoption (where TWFE fails), and against the did2s reference value on ``df_het``."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reformlib.errors import SpecError
from reformlib.stats import StaggeredAdoptionWarning, imputation_effects, staggered_weights, twfe

#: did2s's example data (Butts & Gardner 2022), ``data/df_het.dta`` of the did2s Stata package,
#: where its README reports the static effect 2.380208 (state and year effects).
DF_HET = Path(__file__).resolve().parent / "reference" / "did2s_df_het" / "df_het.csv.gz"


def cohort_panel(*, seed: int, cohorts: tuple, n_units: int = 40, periods: int = 24, slope: float = 0.0,
                 effect: float = 2.0) -> pd.DataFrame:
    """Units in cohorts (first treated period, or None), effect ``effect + slope * k`` at
    event time k >= 0, unit and period effects, i.i.d. noise; ``tau`` is the true effect."""
    rng = np.random.default_rng(seed)
    period_fe = rng.normal(0, 1, periods)
    rows = []
    for i in range(n_units):
        first, level = cohorts[i % len(cohorts)], rng.normal(0, 2)
        for t in range(periods):
            tau = effect + slope * (t - first) if first is not None and t >= first else 0.0
            rows.append({"unit": f"u{i}", "t": t, "first": np.nan if first is None else float(first),
                         "d": int(tau != 0.0 or (first is not None and t >= first)), "tau": tau,
                         "y": level + period_fe[t] + tau + rng.normal(0, 1)})
    return pd.DataFrame(rows)


def test_one_cohort_reduces_to_the_two_by_two_difference_in_differences():
    frame = cohort_panel(seed=1, cohorts=(12, None))
    est = imputation_effects(frame, outcome="y", unit="unit", period="t", first_treated="first")
    overall = est.set_index("term").loc["overall"]
    means = frame.assign(post=frame["t"] >= 12, treated=frame["first"].notna()).groupby(["treated", "post"])["y"].mean()
    did = (means[True, True] - means[True, False]) - (means[False, True] - means[False, False])
    assert overall["estimate"] == pytest.approx(did, rel=1e-9)
    row = twfe(frame, outcome="y", treatment="d", unit="unit", period="t").iloc[0]
    assert overall["estimate"] == pytest.approx(row["estimate"], rel=1e-9)
    assert list(est["term"][:3]) == ["overall", "event_time=0", "event_time=1"]


def test_growing_effects_under_staggered_adoption_imputation_recovers_what_twfe_misses():
    frame = cohort_panel(seed=2, cohorts=(4, 10, 16, None), slope=0.5, effect=1.0)
    truth = frame.loc[frame["d"] == 1, "tau"].mean()
    est = imputation_effects(frame, outcome="y", unit="unit", period="t", first_treated="first")
    overall = est.set_index("term").loc["overall"]
    assert abs(overall["estimate"] - truth) < 0.05 * truth
    assert overall["ci_low"] < truth < overall["ci_high"]
    with pytest.warns(StaggeredAdoptionWarning):
        biased = twfe(frame, outcome="y", treatment="d", unit="unit", period="t").iloc[0]
    assert abs(biased["estimate"] - truth) > 0.2 * truth
    weights = staggered_weights(frame["d"], frame["unit"], frame["t"])["weight"]
    assert weights.sum() == pytest.approx(1.0) and (weights < 0).any()


def test_imputation_refuses_cells_without_untreated_observations():
    frame = cohort_panel(seed=3, cohorts=(0, 12))   # a cohort treated from the first period
    with pytest.raises(SpecError, match="no untreated observation"):
        imputation_effects(frame, outcome="y", unit="unit", period="t", first_treated="first")


def test_did2s_reference_value_on_df_het():
    """The did2s README's static estimate on its df_het panel (tests/reference/did2s_df_het:
    the data, their source and licence): 2.152 on 46,500 observations, first stage state and
    year effects. The README prints three decimals, so the match is to half a unit in the last."""
    data = pd.read_csv(DF_HET)
    assert len(data) == 46_500
    data = data.assign(g=data["g"].where(data["g"] > 0))   # g = 0 marks never-treated units
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = imputation_effects(data, outcome="dep_var", unit="state", period="year", first_treated="g",
                                 horizons=[0, 10]).set_index("term")
    assert est.at["overall", "estimate"] == pytest.approx(2.152, abs=5e-4)
    assert est.at["overall", "n_clusters"] == 40
    assert 0 < est.at["overall", "std_error"] < 0.1
