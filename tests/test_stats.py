"""Tests of reformlib.stats on small seeded synthetic panels whose true effects are known."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from reformlib.errors import SpecError  # noqa: E402
from reformlib.i18n import EVENT_STUDY_LABELS_EN  # noqa: E402
from reformlib.report.plots import plot_event_study  # noqa: E402
from reformlib.stats import (  # noqa: E402
    PILOT_STATUSES,
    did,
    did_table,
    event_study,
    interrupted_time_series,
    pilot_effects,
    trend,
    twfe,
)

MONTHS = pd.period_range("2016-01", "2017-12", freq="M")
TIDY = ["term", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high", "n"]

# ---------------------------------------------------------------- synthetic data builders


def synthetic_units() -> pd.DataFrame:
    """The nine territorial units of the demo set plus one department (synthetic table)."""
    rows = [("430300", "city", None), ("430302", "district", "430300"),
            ("430304", "district", "430300"), ("430321", "county", "430300"),
            ("430381", "county_city", "430300"), ("430382", "county_city", "430300"),
            ("xtjk", "park", "430300"), ("xtgx", "park", "430300"), ("tyjk", "park", "430300"),
            ("fgw", "department", None)]
    frame = pd.DataFrame(rows, columns=["unit", "kind", "parent"])
    return frame.assign(territorial=frame["kind"] != "department")


def synthetic_observations(effects: dict[tuple[str, str], tuple[str, float]] | None = None,
                           *, seed: int = 0, noise: float = 0.5) -> pd.DataFrame:
    """Long table (unit, indicator, period, value, synthetic) for indicators ``a`` and ``b``:
    unit level + common month shock + noise, plus ``effect`` from ``start`` on for the
    (unit, indicator) pairs in ``effects``."""
    rng = np.random.default_rng(seed)
    units = synthetic_units().query("territorial")["unit"]
    effects = effects or {}
    parts = []
    for ind in ("a", "b"):
        shock = rng.normal(0, 1, len(MONTHS)).cumsum() * 0.3
        for u in units:
            value = 50 + rng.normal(0, 5) + shock + rng.normal(0, noise, len(MONTHS))
            if (u, ind) in effects:
                start, size = effects[(u, ind)]
                value = value + size * (MONTHS >= pd.Period(start, "M"))
            parts.append(pd.DataFrame({"unit": u, "indicator": ind, "period": MONTHS,
                                       "value": value, "synthetic": True}))
    return pd.concat(parts, ignore_index=True)


def ar1(rng: np.random.Generator, n: int, rho: float, sd: float) -> np.ndarray:
    e = np.empty(n)
    e[0] = rng.normal(0, sd / np.sqrt(1 - rho**2))
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal(0, sd)
    return e


def did_panel(effect: float, *, seed: int, n_units: int = 40, rho: float = 0.0,
              unit_sd: float = 1.0, time_sd: float = 1.0) -> pd.DataFrame:
    """Synthetic unit x month panel: half the units treated from month 12 on."""
    rng = np.random.default_rng(seed)
    rows = []
    time_fe = rng.normal(0, time_sd, len(MONTHS))
    for i in range(n_units):
        treated = int(i < n_units // 2)
        noise = ar1(rng, len(MONTHS), rho, 1.0)
        alpha = rng.normal(0, unit_sd)
        for t, m in enumerate(MONTHS):
            post = int(t >= 12)
            rows.append({"unit": f"u{i:02d}", "period": m, "treated": treated, "post": post,
                         "d": treated * post,
                         "y": 10 + alpha + time_fe[t] + effect * treated * post + noise[t]})
    return pd.DataFrame(rows)


def staggered_panel(effect: float, *, seed: int) -> pd.DataFrame:
    """Synthetic panel with staggered adoption (three cohorts and never-treated units)."""
    rng = np.random.default_rng(seed)
    cohorts = [pd.Period("2016-09", "M"), pd.Period("2017-01", "M"), pd.Period("2017-05", "M"), pd.NaT]
    rows = []
    time_fe = rng.normal(0, 1, len(MONTHS))
    for i in range(48):
        first = cohorts[i % 4]
        alpha = rng.normal(0, 2)
        for t, m in enumerate(MONTHS):
            on = first is not pd.NaT and m >= first
            rows.append({"unit": f"u{i:02d}", "period": m, "first": first,
                         "y": alpha + time_fe[t] + effect * on + rng.normal(0, 1)})
    frame = pd.DataFrame(rows)
    return frame.assign(first=frame["first"].astype("period[M]"))


# ---------------------------------------------------------------- 1. trend


def test_trend_linear_recovers_slope_and_band_covers_truth():
    rng = np.random.default_rng(1)
    t = np.arange(len(MONTHS))
    obs = pd.DataFrame({"unit": "430302", "indicator": "a", "period": MONTHS,
                        "value": 2 + 0.5 * t + rng.normal(0, 1, len(t))})
    res = trend(obs, indicator="a")
    slope = res.slopes.iloc[0]
    assert slope["term"] == "slope_per_month" and slope["n"] == 24
    assert slope["ci_low"] < 0.5 < slope["ci_high"]
    assert abs(slope["estimate"] - 0.5) < 0.1
    fit = res.fitted
    assert list(fit["period"]) == list(MONTHS)
    assert ((fit["ci_low"] < fit["fitted"]) & (fit["fitted"] < fit["ci_high"])).all()
    truth = 2 + 0.5 * t
    assert ((fit["ci_low"] <= truth) & (truth <= fit["ci_high"])).mean() > 0.9


def test_trend_local_follows_a_curve_and_keeps_input():
    obs = synthetic_observations()
    before = obs.copy()
    res = trend(obs, indicator="b", unit=["430321", "xtjk"], method="local", bandwidth=3)
    assert set(res.fitted["unit"]) == {"430321", "xtjk"}
    assert len(res.fitted) == 48 and len(res.slopes) == 2
    assert res.fitted[["fitted", "ci_low", "ci_high"]].notna().all().all()
    assert (res.fitted["ci_high"] - res.fitted["ci_low"] > 0).all()
    pd.testing.assert_frame_equal(obs, before)
    # a local fit tracks a non-linear course better than a straight line
    lin = trend(obs, indicator="b", unit=["430321", "xtjk"])
    sse = lambda f: ((f["value"] - f["fitted"]) ** 2).sum()  # noqa: E731
    assert sse(res.fitted) < sse(lin.fitted)


# ---------------------------------------------------------------- 2. interrupted time series


def its_observations(level: float, *, seed: int, rho: float = 0.6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(len(MONTHS))
    post = (t >= 12).astype(float)
    value = 20 + 0.2 * t + level * post + 0.3 * post * (t - 12) + ar1(rng, len(t), rho, 0.7)
    return pd.DataFrame({"unit": "430381", "indicator": "a", "period": MONTHS, "value": value})


def test_its_recovers_level_change_of_five_within_ci():
    res = interrupted_time_series(its_observations(5.0, seed=3), indicator="a", unit="430381",
                                  reform_date="2017-01-15", hac_lags=2)
    eff = res.effects.set_index("term")
    assert list(eff.index) == ["level_change", "slope_change"]
    assert eff.at["level_change", "ci_low"] < 5 < eff.at["level_change", "ci_high"]
    assert eff.at["slope_change", "ci_low"] < 0.3 < eff.at["slope_change", "ci_high"]
    fit = res.fitted
    assert (~fit["post"].iloc[:12]).all() and fit["post"].iloc[12:].all()
    np.testing.assert_allclose(fit["fitted"].iloc[:12], fit["counterfactual"].iloc[:12])
    assert fit["fitted"].iloc[12] - fit["counterfactual"].iloc[12] == pytest.approx(
        eff.at["level_change", "estimate"])


def test_its_placebo_gives_about_zero():
    rows = pd.concat([
        interrupted_time_series(its_observations(0.0, seed=seed, rho=0.3), indicator="a",
                                unit="430381", reform_date="2017-01", n_boot=99).effects
        for seed in range(20)
    ]).query("term == 'level_change'")
    assert abs(rows["estimate"].mean()) < 0.4          # sd of the mean is about 0.17
    covered = ((rows["ci_low"] < 0) & (0 < rows["ci_high"])).sum()
    assert covered >= 16   # the AR(1) bootstrap interval: about 95 % expected here
    assert rows["cov_type"].str.startswith("ar1_bootstrap").all() and rows["rho"].notna().all()


def test_its_hac_and_ols_standard_errors_differ_under_autocorrelation():
    obs = its_observations(5.0, seed=7, rho=0.8)
    hac = interrupted_time_series(obs, indicator="a", unit="430381", reform_date="2017-01",
                                  cov_type="HAC", hac_lags=3).effects.set_index("term")
    ols = interrupted_time_series(obs, indicator="a", unit="430381", reform_date="2017-01",
                                  cov_type="nonrobust").effects.set_index("term")
    assert hac["estimate"].to_numpy() == pytest.approx(ols["estimate"].to_numpy())
    ratio = hac["std_error"] / ols["std_error"]
    assert (abs(ratio - 1) > 0.05).all(), ratio


def test_its_seasonal_dummies_are_estimable():
    # with two calendar years a January reform is collinear with time + month dummies
    with pytest.raises(SpecError, match="collinear"):
        interrupted_time_series(its_observations(5.0, seed=3), indicator="a", unit="430381",
                                reform_date="2017-01", seasonal=True)
    res = interrupted_time_series(its_observations(5.0, seed=3), indicator="a", unit="430381",
                                  reform_date="2017-03", seasonal=True)
    assert res.coefficients["term"].str.startswith("C(month)").sum() == 11
    assert res.effects["std_error"].gt(0).all()


# ---------------------------------------------------------------- 3. 2x2 DiD


def test_did_recovers_effect_and_placebo():
    est = did(did_panel(5.0, seed=11), outcome="y", treated="treated", post="post", unit="unit")
    row = est.set_index("term").loc["treated:post"]
    assert list(est.columns[:8]) == TIDY
    assert row["ci_low"] < 5 < row["ci_high"] and abs(row["estimate"] - 5) < 0.5
    assert est["cov_type"].iloc[0] == "cluster(unit)" and est["n_clusters"].iloc[0] == 40
    placebo = did(did_panel(0.0, seed=12), outcome="y", treated="treated", post="post",
                  unit="unit").set_index("term").loc["treated:post"]
    assert placebo["ci_low"] < 0 < placebo["ci_high"] and abs(placebo["estimate"]) < 0.5


def test_did_clustering_widens_standard_errors_with_correlated_errors():
    panel = did_panel(2.0, seed=13, rho=0.8, unit_sd=0.0, time_sd=0.0)   # AR(1) errors
    hc1 = did(panel, outcome="y", treated="treated", post="post").set_index("term")
    cl = did(panel, outcome="y", treated="treated", post="post",
             cluster="unit").set_index("term")
    assert hc1.at["treated:post", "estimate"] == pytest.approx(cl.at["treated:post", "estimate"])
    assert hc1.at["treated:post", "cov_type"] == "HC1"
    assert cl.at["treated", "std_error"] > 1.5 * hc1.at["treated", "std_error"]
    assert cl.at["treated:post", "std_error"] > 1.3 * hc1.at["treated:post", "std_error"]


def test_did_table_matches_hand_computed_means():
    frame = pd.DataFrame({"unit": ["a", "b", "c", "d"] * 2, "g": [0, 0, 1, 1] * 2,
                          "p": [0] * 4 + [1] * 4, "y": [1, 3, 2, 4, 2, 4, 6, np.nan]})
    tab = did_table(frame, outcome="y", treated="g", post="p", unit="unit").set_index(["row", "group"])
    assert tab.at[("before", "control"), "estimate"] == 2
    assert tab.at[("after", "treated"), "n"] == 1
    assert tab.at[("change", "difference"), "estimate"] == pytest.approx((6 - 3) - (3 - 2))
    assert tab.at[("change_balanced", "treated"), "estimate"] == 4  # unit c only
    assert tab.at[("change_balanced", "difference"), "estimate"] == 3
    assert tab.at[("before", "difference"), "std_error"] == pytest.approx(np.sqrt(1 + 1))


# ---------------------------------------------------------------- 4. TWFE and event study


def test_twfe_recovers_effect_and_clusters_by_unit():
    row = twfe(did_panel(5.0, seed=21, rho=0.5), outcome="y", treatment="d", unit="unit",
               period="period").iloc[0]
    assert row["term"] == "d" and row["n_clusters"] == 40 and row["n_periods"] == 24
    assert row["ci_low"] < 5 < row["ci_high"]
    placebo = twfe(did_panel(0.0, seed=22), outcome="y", treatment="d", unit="unit",
                   period="period").iloc[0]
    assert placebo["ci_low"] < 0 < placebo["ci_high"]


def test_twfe_refuses_treatment_absorbed_by_fixed_effects():
    panel = did_panel(1.0, seed=23)
    with pytest.raises(SpecError, match="collinear"):
        twfe(panel, outcome="y", treatment="treated", unit="unit", period="period")


def test_event_study_leads_near_zero_lags_near_effect():
    panel = staggered_panel(3.0, seed=31)
    table = event_study(panel, outcome="y", unit="unit", period="period",
                        first_treated="first", window=(-4, 4), reference=-1)
    assert list(table["event_time"]) == list(range(-4, 5))
    ref = table.loc[table["reference"]]
    assert len(ref) == 1 and ref["estimate"].iloc[0] == 0 and ref["event_time"].iloc[0] == -1
    est = table.loc[~table["reference"]].set_index("event_time")
    lags = est.loc[0:4]
    assert ((lags["ci_low"] < 3) & (3 < lags["ci_high"])).all()
    assert (abs(lags["estimate"] - 3) < 0.6).all()
    leads = est.loc[-4:-2]
    assert ((leads["ci_low"] < 0) & (0 < leads["ci_high"])).all()
    assert table["binned_endpoint"].sum() == 2


def test_event_study_with_relative_period_column_matches():
    panel = staggered_panel(3.0, seed=32)
    rel = (panel["period"].array.asi8 - panel["first"].array.asi8).astype(float)
    rel[panel["first"].isna().to_numpy()] = np.nan
    a = event_study(panel, outcome="y", unit="unit", period="period", first_treated="first",
                    window=(-3, 3))
    b = event_study(panel.assign(rel=rel), outcome="y", unit="unit", period="period",
                    event_period_col="rel", window=(-3, 3))
    pd.testing.assert_frame_equal(a, b)


def test_plot_event_study_returns_axes_with_labels():
    table = event_study(staggered_panel(3.0, seed=33), outcome="y", unit="unit", period="period",
                        first_treated="first", window=(-3, 3))
    ax = plot_event_study(table)
    assert ax.get_xlabel() == "相对改革起始的月份"
    fig, ax2 = plt.subplots()
    out = plot_event_study(table, ax=ax2, labels=EVENT_STUDY_LABELS_EN | {"title": "Pilot X"})
    assert out is ax2 and out.get_title() == "Pilot X"
    assert list(out.get_xticks()) == list(range(-3, 4))
    with pytest.raises(SpecError, match="labels"):
        plot_event_study(table, labels={"titel": "x"})
    plt.close("all")


# ---------------------------------------------------------------- 5. pilot effects


def synthetic_pilots(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["pilot_id", "unit", "level", "start", "target_indicators"]
                        ).assign(start=lambda f: pd.to_datetime(f["start"]), synthetic=True)


def test_pilot_effects_recovers_effect_and_reports_statuses():
    obs = synthetic_observations({("430302", "a"): ("2017-01", 5.0)}, seed=41)
    pilots = synthetic_pilots([
        ("P1", "430302", "provincial", "2017-01-10", "a"),
        ("P2", "430300", "national", "2016-07-01", "a;b"),
        ("P3", "xtjk", "local", "2016-05-01", "b; missing_code"),
        ("P4", "430321", "local", "2017-11-01", "b"),
        ("P5", "fgw", "local", "2016-05-01", "b"),
    ])
    units = synthetic_units()
    res = pilot_effects(obs, pilots, units, comparison="territorial")
    assert set(res["status"]) <= set(PILOT_STATUSES)
    by = res.set_index(["pilot_id", "indicator"])
    p1 = by.loc[("P1", "a")]
    assert p1["status"] == "ok"
    assert p1["ci_low"] < 5 < p1["ci_high"] and abs(p1["estimate"] - 5) < 1
    # the city contains every other unit and has a pilot on 'a': neither is a comparison
    assert "430300" not in p1["comparison_units"].split(";")
    assert p1["n_comparison_units"] == 7 and p1["cov_type"].startswith("ar1_bootstrap")
    assert by.loc[("P2", "a"), "status"] == "no_comparison_units"
    assert by.loc[("P3", "missing_code"), "status"] == "indicator_not_observed"
    assert by.loc[("P4", "b"), "status"] == "no_post_period"
    assert by.loc[("P5", "b"), "status"] == "not_territorial"
    # placebo: the pilot's other indicator 'b' (P3 at xtjk) shows about nothing
    p3 = by.loc[("P3", "b")]
    assert p3["status"] == "ok" and p3["ci_low"] < 0 < p3["ci_high"]


def test_pilot_effects_kind_rule_and_cluster_option():
    obs = synthetic_observations({("430302", "a"): ("2017-01", 5.0)}, seed=42)
    pilots = synthetic_pilots([("P1", "430302", "provincial", "2017-01-01", "a"),
                               ("P2", "430381", "local", "2016-10-01", "b")])
    res = pilot_effects(obs, pilots, synthetic_units()).set_index("pilot_id")
    assert res.at["P1", "comparison_units"] == "430304"
    assert res.at["P2", "comparison_units"] == "430321;430382"   # county-level cities ~ counties
    assert abs(res.at["P1", "estimate"] - 5) < 1.5
    with pytest.raises(SpecError, match="1 treated unit.*'driscoll_kraay'"):
        pilot_effects(obs, pilots, synthetic_units(), cov_type="cluster")
    dk = pilot_effects(obs, pilots, synthetic_units(), cov_type="driscoll_kraay",
                       comparison="territorial").set_index("pilot_id")
    assert dk.at["P1", "status"] == "ok" and dk.at["P1", "cov_type"].startswith("driscoll_kraay")
    assert abs(dk.at["P1", "estimate"] - 5) < 1.5
    # a rival pilot on the same indicator removes the only peer
    rival = synthetic_pilots([("P1", "430302", "provincial", "2017-01-01", "a"),
                              ("P9", "430304", "local", "2017-06-01", "a")])
    res2 = pilot_effects(obs, rival, synthetic_units(), indicator="a").set_index("pilot_id")
    assert res2.at["P1", "status"] == "no_comparison_units"


def test_pilot_effects_rule_falls_back_to_driscoll_kraay_when_months_are_missing_and_adjusts_p():
    obs = synthetic_observations({("430302", "a"): ("2017-01", 5.0)}, seed=43)
    gap = obs.drop(obs.index[(obs["unit"] == "430302") & (obs["indicator"] == "a")
                             & (obs["period"] == pd.Period("2016-05", "M"))])
    pilots = synthetic_pilots([("P1", "430302", "provincial", "2017-01-01", "a"),
                               ("P2", "430381", "local", "2016-10-01", "b")])
    full = pilot_effects(obs, pilots, synthetic_units()).set_index("pilot_id")
    holed = pilot_effects(gap, pilots, synthetic_units()).set_index("pilot_id")
    assert full.at["P1", "cov_type"].startswith("ar1_bootstrap")
    assert holed.at["P1", "cov_type"].startswith("driscoll_kraay") and holed.at["P1", "status"] == "ok"
    assert holed.at["P2", "cov_type"].startswith("ar1_bootstrap")
    p = full["p_value"].to_numpy()
    assert full["p_holm"].to_numpy() == pytest.approx(np.minimum(1, np.maximum.accumulate(
        np.sort(p) * [2, 1]))[np.argsort(np.argsort(p))])
    assert (full["p_bh"] >= full["p_value"]).all() and (full["p_holm"] >= full["p_bh"]).all()


def test_pilot_effects_on_demo_data_if_available():
    reformlib = pytest.importorskip("reformlib")
    if not all(hasattr(reformlib, f) for f in ("load_observations", "load_pilots", "load_units")):
        pytest.skip("the demonstration data loaders are not part of this build")
    try:
        obs, pilots, units = (reformlib.load_observations(), reformlib.load_pilots(),
                              reformlib.load_units())
    except FileNotFoundError as exc:
        pytest.skip(f"demonstration data not built: {exc}")
    res = pilot_effects(obs, pilots.head(40), units, comparison="territorial")
    assert len(res) > 0 and set(res["status"]) <= set(PILOT_STATUSES)
    assert (res["term"] == "effect").all() and res["note"].notna().all()
    ok = res.loc[res["status"] == "ok"]
    assert ok[["estimate", "std_error", "ci_low", "ci_high"]].notna().all().all()


# ---------------------------------------------------------------- 6. bad input


@pytest.mark.parametrize("call, match", [
    (lambda o: trend(o, indicator="nope"), "indicator"),
    (lambda o: trend(o, indicator="a", unit="999999"), "unit"),
    (lambda o: trend(o.drop(columns="period"), indicator="a"), "period"),
    (lambda o: trend(o, indicator="a", method="spline"), "method"),
    (lambda o: interrupted_time_series(o, indicator="a", unit="430302", reform_date="2018-03"),
     "reform_date"),
    (lambda o: interrupted_time_series(o, indicator="a", unit="430302", reform_date="2016-02"),
     "reform_date"),
    (lambda o: interrupted_time_series(o, indicator="a", unit="430302", reform_date="soon"),
     "reform_date"),
    (lambda o: interrupted_time_series(o, indicator="a", unit="430302", reform_date="2017-01",
                                       hac_lags=-1), "hac_lags"),
    (lambda o: trend(o.assign(value=3.0), indicator="a"), "constant"),
    (lambda o: pilot_effects(o, synthetic_pilots([("P", "430302", "local", "2017-01-01", "a")]),
                             synthetic_units(), indicator="zzz"), "indicator"),
    (lambda o: pilot_effects(o, synthetic_pilots([("P", "999", "local", "2017-01-01", "a")]),
                             synthetic_units()), "pilots\\['unit'\\]"),
    (lambda o: pilot_effects(o, synthetic_pilots([("P", "430302", "local", "2017-01-01", "a")]),
                             synthetic_units(), cov_type="ols"), "cov_type"),
])
def test_bad_observation_arguments_raise_naming_them(call, match):
    obs = synthetic_observations()
    with pytest.raises(ValueError, match=match):
        call(obs)


@pytest.mark.parametrize("call, match", [
    (lambda p: did(p, outcome="y", treated="treated", post="nope"), "nope"),
    (lambda p: did(p.assign(post=0), outcome="y", treated="treated", post="post"), "cells?"),
    (lambda p: did(p.assign(y=1.0), outcome="y", treated="treated", post="post"), "constant"),
    (lambda p: did(p.assign(treated=p["treated"] * 2), outcome="y", treated="treated",
                   post="post"), "0/1"),
    (lambda p: did_table(p, outcome="y", treated="treated", post="post", unit="unit"), "repeats"),
    (lambda p: twfe(p, outcome="y", treatment="d", unit="unit", period="nope"), "nope"),
    (lambda p: event_study(p, outcome="y", unit="unit", period="period", window=(-2, 2)),
     "exactly one"),
    (lambda p: event_study(p.assign(f=pd.NaT), outcome="y", unit="unit", period="period",
                           first_treated="f"), "ever treated"),
    (lambda p: event_study(p.assign(f=pd.Period("2017-01", "M")), outcome="y", unit="unit",
                           period="period", first_treated="f", window=(1, 3)), "window"),
])
def test_bad_panel_arguments_raise_naming_them(call, match):
    panel = did_panel(1.0, seed=51, n_units=6)
    with pytest.raises(ValueError, match=match):
        call(panel)
