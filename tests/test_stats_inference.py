"""Small-sample inference of reformlib.stats: Driscoll-Kraay degrees of freedom and a hand
computation, the refusal of clustered errors with few clusters, the wild cluster bootstrap,
Holm / Benjamini-Hochberg on a vector checked by hand, the joint pre-trend test, AR(1) GLS
and randomisation inference. Size and coverage by simulation are in bench/bench_calibrate.py;
the few simulations here are seeded and small."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from reformlib.errors import SpecError
from reformlib.stats import (
    MIN_CLUSTERS,
    StaggeredAdoptionWarning,
    did,
    event_study,
    interrupted_time_series,
    p_adjust,
    randomization_test,
    twfe,
)
from reformlib.stats.serial import ar1_gls

MONTHS = pd.period_range("2016-01", "2017-12", freq="M")


def ar1(rng: np.random.Generator, n: int, rho: float) -> np.ndarray:
    e = np.empty(n)
    e[0] = rng.normal() / np.sqrt(1 - rho**2)
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal()
    return e


def panel(n_units: int, *, treated: int = 1, start: int = 12, effect: float = 0.0, seed: int = 0,
          rho: float = 0.0) -> pd.DataFrame:
    """Units x 24 months: unit and month effects, AR(1) noise; the first ``treated`` units
    treated from month ``start``."""
    rng = np.random.default_rng(seed)
    month_fe = rng.normal(0, 1, len(MONTHS))
    rows = []
    for i in range(n_units):
        noise, level = ar1(rng, len(MONTHS), rho), rng.normal(0, 2)
        for t, m in enumerate(MONTHS):
            d = int(i < treated and t >= start)
            rows.append({"unit": f"u{i}", "period": m, "t": t, "d": d,
                         "y": level + month_fe[t] + effect * d + noise[t]})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- Driscoll-Kraay


def _driscoll_kraay_by_hand(frame: pd.DataFrame, lags: int) -> tuple[float, float]:
    """Coefficient and SE of ``d`` from the formulas (Driscoll & Kraay 1998; Hoechle 2007,
    *Stata Journal* 7(3): 281-312, eq. 7-8): period sums of the scores, Bartlett weights
    1 - l/(L+1), and the small-sample factor T/(T-1) (N-1)/(N-K)."""
    X = pd.get_dummies(frame[["unit", "period"]].astype(str), drop_first=True).astype(float)
    X = np.column_stack([np.ones(len(frame)), frame["d"].to_numpy(float), X.to_numpy()])
    y = frame["y"].to_numpy(float)
    bread = np.linalg.inv(X.T @ X)
    beta = bread @ X.T @ y
    scores = X * (y - X @ beta)[:, None]
    h = pd.DataFrame(scores).groupby(frame["t"].to_numpy()).sum().to_numpy()
    S = h.T @ h
    for lag in range(1, lags + 1):
        gamma = h[lag:].T @ h[:-lag]
        S += (1 - lag / (lags + 1)) * (gamma + gamma.T)
    n_t, (n, k) = h.shape[0], X.shape
    cov = bread @ S @ bread * n_t / (n_t - 1) * (n - 1) / (n - k)
    return beta[1], float(np.sqrt(cov[1, 1]))


def test_driscoll_kraay_matches_the_formula_and_uses_periods_minus_one_df():
    frame = panel(3, seed=1, effect=1.0, rho=0.5)
    row = twfe(frame, outcome="y", treatment="d", unit="unit", period="period",
               cov_type="driscoll_kraay", hac_lags=2).iloc[0]
    est, se = _driscoll_kraay_by_hand(frame, 2)
    assert row["estimate"] == pytest.approx(est, rel=1e-9)
    assert row["std_error"] == pytest.approx(se, rel=1e-9)
    df = 24 - 1    # periods - 1, not units - 1 (= 2, whose t critical value is 4.30)
    assert row["p_value"] == pytest.approx(2 * sps.t.sf(abs(est / se), df), rel=1e-9)
    assert row["ci_high"] - row["estimate"] == pytest.approx(sps.t.ppf(0.975, df) * se, rel=1e-9)


# ---------------------------------------------------------------- clustering


def test_clustered_errors_are_refused_with_few_clusters_naming_counts_and_alternatives():
    frame = panel(9, seed=2)
    with pytest.raises(SpecError, match=r"got 9 cluster\(s\), 1 treated.*driscoll_kraay.*wild_bootstrap"):
        twfe(frame, outcome="y", treatment="d", unit="unit", period="period", cov_type="cluster")
    auto = twfe(frame, outcome="y", treatment="d", unit="unit", period="period").iloc[0]
    assert auto["cov_type"].startswith("driscoll_kraay")    # the default falls back and says so
    many = panel(MIN_CLUSTERS, treated=10, seed=3)
    row = twfe(many, outcome="y", treatment="d", unit="unit", period="period").iloc[0]
    assert row["n_clusters"] == MIN_CLUSTERS and row["cov_type"] == "cluster(unit)"
    two = panel(2, seed=4).assign(post=lambda f: (f["t"] >= 12).astype(int),
                                  treated=lambda f: (f["unit"] == "u0").astype(int))
    with pytest.raises(SpecError, match=r"got 2 cluster"):
        did(two, outcome="y", treated="treated", post="post", unit="unit")


def test_did_without_clusters_uses_t_critical_values():
    frame = panel(4, treated=2, seed=5).assign(post=lambda f: (f["t"] >= 12).astype(int),
                                               treated=lambda f: f["unit"].isin(["u0", "u1"]).astype(int))
    row = did(frame, outcome="y", treated="treated", post="post").set_index("term").loc["treated:post"]
    half = row["ci_high"] - row["estimate"]
    assert half == pytest.approx(sps.t.ppf(0.975, len(frame) - 4) * row["std_error"], rel=1e-9)


def test_wild_cluster_bootstrap_gives_a_p_value_and_a_wider_interval_than_cr1():
    frame = panel(8, treated=4, seed=6, effect=0.0, rho=0.5)
    row = twfe(frame, outcome="y", treatment="d", unit="unit", period="period",
               cov_type="wild_bootstrap", n_boot=999).iloc[0]
    assert row["cov_type"].startswith("wild_bootstrap") and row["n_clusters"] == 8
    assert 0 < row["p_value"] <= 1 and row["ci_low"] < row["estimate"] < row["ci_high"]
    # the CR1 interval with t(G-1) is refused here; the bootstrap one is wider than CR1's normal one
    assert row["ci_high"] - row["estimate"] > 1.96 * row["std_error"]


# ---------------------------------------------------------------- staggered adoption warning


def test_twfe_warns_under_staggered_adoption_with_negative_weights():
    frame = panel(24, treated=0, seed=7)
    start = {f"u{i}": (4, 10, 16, None)[i % 4] for i in range(24)}
    d = [int(start[u] is not None and t >= start[u]) for u, t in zip(frame["unit"], frame["t"])]
    frame = frame.assign(d=d)
    with pytest.warns(StaggeredAdoptionWarning, match="negatively"):
        row = twfe(frame, outcome="y", treatment="d", unit="unit", period="period",
                   cov_type="driscoll_kraay").iloc[0]
    assert 0 < row["negative_weight_share"] < 1
    common = panel(24, treated=12, seed=8)
    with warnings.catch_warnings():
        warnings.simplefilter("error", StaggeredAdoptionWarning)
        row = twfe(common, outcome="y", treatment="d", unit="unit", period="period").iloc[0]
    assert row["negative_weight_share"] == 0


# ---------------------------------------------------------------- multiple testing


def test_holm_and_benjamini_hochberg_on_a_vector_checked_by_hand():
    p = [0.01, 0.04, 0.03, 0.20, np.nan]
    # Holm: sorted 0.01, 0.03, 0.04, 0.20 times 4, 3, 2, 1 -> 0.04, 0.09, 0.08 -> running max 0.09, 0.20
    np.testing.assert_allclose(p_adjust(p, method="holm"), [0.04, 0.09, 0.09, 0.20, np.nan])
    # BH: p * 4 / rank = 0.04, 0.08/1.5... -> 0.04, 0.0533, 0.0533 (min from the top), 0.20
    np.testing.assert_allclose(p_adjust(p, method="bh"), [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.20, np.nan])
    with pytest.raises(ValueError, match="method"):
        p_adjust(p, method="bonferroni")


# ---------------------------------------------------------------- event study


def test_event_study_reports_a_joint_pretrend_test_and_driscoll_kraay():
    frame = panel(24, treated=0, seed=9)
    first = {f"u{i}": (8, 12, 16, None)[i % 4] for i in range(24)}
    frame = frame.assign(first=frame["unit"].map(first).astype(float))   # float with NaN: month numbers
    flat = event_study(frame, outcome="y", unit="unit", period="t", first_treated="first", window=(-3, 3),
                       cov_type="driscoll_kraay")
    assert flat["cov_type"].iloc[0].startswith("driscoll_kraay") and flat["pretrend_df"].iloc[0] == 2
    assert flat["pretrend_p_value"].iloc[0] > 0.05
    rel = frame["t"] - frame["first"]
    early = frame.assign(y=frame["y"] + np.where((rel >= -3) & (rel <= -2), 3.0, 0.0))   # moves before the start
    steep = event_study(early, outcome="y", unit="unit", period="t", first_treated="first", window=(-3, 3),
                        cov_type="driscoll_kraay")
    assert steep["pretrend_p_value"].iloc[0] < 0.01


# ---------------------------------------------------------------- AR(1) GLS and ITS


def test_ar1_gls_equals_statsmodels_gls_at_the_reml_autocorrelation():
    import statsmodels.api as sm

    rng = np.random.default_rng(10)
    t = np.arange(36)
    X = np.column_stack([np.ones(36), t, t >= 18])
    y = X @ [1.0, 0.1, 2.0] + ar1(rng, 36, 0.6)
    fit = ar1_gls(y, X)
    gls = sm.GLS(y, X, sigma=fit.rho ** np.abs(t[:, None] - t[None, :])).fit()
    np.testing.assert_allclose(fit.params, gls.params, rtol=1e-9)
    np.testing.assert_allclose(fit.cov, gls.cov_params(), rtol=1e-9)
    assert 0.2 < fit.rho < 0.9 and fit.df == 36 - 3 - 1


def test_its_ar1_bootstrap_rejects_few_true_nulls_where_hac_rejects_many():
    rejected = {"ar1_bootstrap": 0, "HAC": 0}
    for seed in range(20):
        rng = np.random.default_rng(100 + seed)
        obs = pd.DataFrame({"unit": "u", "indicator": "a", "period": MONTHS,
                            "value": 0.1 * np.arange(24) + ar1(rng, 24, 0.6)})
        for cov in rejected:
            eff = interrupted_time_series(obs, indicator="a", unit="u", reform_date="2017-01", cov_type=cov,
                                          n_boot=99).effects.set_index("term")
            rejected[cov] += eff.at["level_change", "p_value"] < 0.05
    assert rejected["ar1_bootstrap"] <= 4          # 5 of 20 or more at a true 5 %: probability 0.3 %
    assert rejected["HAC"] >= rejected["ar1_bootstrap"]


# ---------------------------------------------------------------- randomisation inference


def test_randomization_test_counts_placebos_and_finds_a_large_effect():
    frame = panel(4, seed=11, effect=4.0)
    wide = frame.pivot(index="t", columns="unit", values="y")
    res = randomization_test(wide, "u0", 12, min_periods=3)
    assert res["n_placebos"] == 4 * (24 - 3 - 3 + 1)
    assert res["p_value"] == pytest.approx(1 / res["n_placebos"])
    null = randomization_test(panel(4, seed=12).pivot(index="t", columns="unit", values="y"), "u0", 12)
    assert null["p_value"] > 0.05
    with pytest.raises(SpecError, match="months on one side"):
        randomization_test(wide, "u0", 22)
