"""evaluate(spec, data) on the demonstration data: one result with every table, rebuilt
identically; monotone in each indicator's better direction; vetoes; uncertainty; brief rows."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reformlib.model as model
from reformlib.errors import SpecError
from reformlib.model.evaluate import evaluate, load_data, phased_assessment
from reformlib.model.spec import load_spec
from reformlib.model.uncertainty.robustness import nominal_design_scores
from reformlib.report.tables import brief_scores


@pytest.fixture(scope="module")
def data(demo):
    return load_data(demo)


@pytest.fixture(scope="module")
def spec():
    return load_spec()


@pytest.fixture(scope="module")
def result(spec, data):
    return evaluate(spec, data)


def test_result_carries_every_table(result, spec):
    assert result.spec is spec and result.period == "2017"
    units = ["430300", "430302", "430304", "430321", "430381", "430382", "xtjk", "xtgx", "tyjk"]
    for name in ("raw", "prepared", "treated", "normalised", "scores", "combined", "kpi"):
        assert sorted(getattr(result, name).index) == sorted(units), name
    assert list(result.normalised.columns) == spec.indicators
    assert {"INDEX", "ECO", "ECO.1"} <= set(result.scores.columns)
    assert result.effective_weights.sum() == pytest.approx(1.0)
    assert not result.combined[["score", "quantitative", "qualitative"]].isna().any().any()
    assert result.combined["rank"].min() == 1 and result.combined["grade"].notna().all()
    assert result.points.groupby("unit")["points"].sum().to_dict() == pytest.approx(result.kpi["quantitative"].to_dict())
    assert {"stats", "correlations", "alpha", "pca"} <= set(result.audit)
    assert result.provenance["seed"] == spec.seed and len(result.provenance["data"]) == 8
    assert [step for step, _ in result.log][:3] == ["period_matrix", "treat", "normalise"]
    # annual rule: the city's 2017 tax cut is the sum of its months, its debt ratio December's
    assert result.raw.loc["430300", "tax_fee_cut"] == pytest.approx(8.0)
    assert result.raw.loc["430300", "gov_debt_ratio"] == pytest.approx(87.0)
    # parks have no land co-operatives: that sub-category does not apply to them, no NaN score
    assert np.isnan(result.scores.loc["xtjk", "RUR.2"]) and not np.isnan(result.scores.loc["xtjk", "RUR"])


def test_rebuild_gives_identical_tables(result, spec, demo):
    again = evaluate(spec, demo)  # from the folder this time
    for name, table in result.tables().items():
        other = again.tables()[name]
        if isinstance(table, pd.Series):
            pd.testing.assert_series_equal(table, other, obj=name)
        else:
            pd.testing.assert_frame_equal(table, other, obj=name)
    assert again.provenance["spec_files"] == result.provenance["spec_files"]


def test_synthetic_veto_caps_the_grade(result):
    row = result.combined.loc["430302"]
    order = ["excellent", "good", "fair", "poor"]
    assert order.index(row["grade_by_score"]) < order.index("fair"), "the veto must be what lowers the grade here"
    assert row["grade"] == "fair"
    assert "veto" in row["grade_reason"]
    assert (result.points.query("unit == '430302' and kind == 'veto'")["reason_zh"].str.contains("合成").all())


def test_unranked_veto_removes_the_unit_from_the_ranking(spec, data):
    vetoes = pd.concat([spec.vetoes, pd.DataFrame({
        "unit": ["430382"], "item": ["false_reporting"], "date": pd.to_datetime(["2017-11-01"]),
        "reason_zh": ["测试"], "reason_en": ["test"], "synthetic": [True]})], ignore_index=True)
    res = evaluate(dataclasses.replace(spec, vetoes=vetoes), data, audit=False)
    assert pd.isna(res.combined.loc["430382", "rank"]) and res.combined.loc["430382", "grade"] == "poor"
    assert sorted(res.combined["rank"].dropna().astype(int)) == list(range(1, 9))
    assert "430382" not in {r["unit"] for r in brief_scores(res, lang="en")}


MOVABLE = ["land_transfer_rate", "gov_debt_ratio", "housing_destock_months", "party_coverage_social",
           "market_entities_new", "school_places_new", "approval_items_investment", "legal_point_rate"]


@pytest.fixture(scope="module")
def plain(spec, data):
    """The spec with outlier treatment off, and every unit's score under it (the scores every
    example below starts from)."""
    plain = dataclasses.replace(spec, outliers={"method": "none"})
    return plain, evaluate(plain, data, audit=False).combined["score"]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(unit=st.sampled_from(["430300", "430321", "430381", "xtgx", "tyjk"]), indicator=st.sampled_from(MOVABLE),
       step=st.floats(0.05, 0.6))
def test_improving_an_indicator_never_lowers_the_score(plain, data, unit, indicator, step):
    """Property, with outlier treatment off (winsorising and its log fallback rescale an
    indicator from the data, so they are not monotone unit by unit)."""
    plain, scores = plain
    before = scores.loc[unit]
    obs = data["observations"]
    direction = data["indicators"].set_index("indicator").at[indicator, "direction"]
    hit = (obs["unit"] == unit) & (obs["indicator"] == indicator) & (obs["period"] == pd.Period("2017-12", "M"))
    factor = 1 + step if direction == "higher" else 1 - step
    better = obs.assign(value=obs["value"].where(~hit, obs["value"] * factor))
    after = evaluate(plain, {**data, "observations": better}, audit=False).combined.loc[unit, "score"]
    assert after >= before - 1e-9


def test_monthly_evaluation_uses_year_to_date_flows(spec, data):
    june = evaluate(spec, data, period="2017-06", audit=False)
    obs = data["observations"]
    ytd = obs[(obs["unit"] == "430300") & (obs["indicator"] == "tax_fee_cut")
              & (obs["period"] >= pd.Period("2017-01", "M")) & (obs["period"] <= pd.Period("2017-06", "M"))]["value"].sum()
    assert june.raw.loc["430300", "tax_fee_cut"] == pytest.approx(ytd)
    assert june.qualitative is None and june.combined["score"].equals(june.combined["quantitative"].rename("score"))


def test_other_weightings_run(spec, data):
    for method in ("equal", "ahp", "entropy_cn", "critic"):
        res = evaluate(dataclasses.replace(spec, weighting=method), data, audit=False)
        assert res.combined["score"].notna().all(), method
    with pytest.raises(SpecError, match="entropy weights need values >= 0"):
        evaluate(dataclasses.replace(spec, weighting="entropy"), data, audit=False)


def test_phased_assessment_of_the_year(spec, data, result):
    phased = phased_assessment(spec, data, until="2017-12")
    assert list(phased.quarter.columns) == ["2017Q1", "2017Q2", "2017Q3", "2017Q4"]
    pd.testing.assert_series_equal(phased.year["year_end"], result.combined["score"], check_names=False)
    assert phased.monthly["2017-12"].to_dict() == pytest.approx(result.combined["quantitative"].to_dict())


def test_uncertainty_reproduces_the_nominal_and_gives_intervals(result):
    assert np.abs(nominal_design_scores(result) - result.combined["score"].to_numpy()).max() < 1e-9
    u = result.rank_uncertainty(n=32)
    s = u.summary
    assert (s["rank_p05"] <= s["median_rank"]).all() and (s["median_rank"] <= s["rank_p95"]).all()
    assert (s["nominal_rank"] == result.combined["rank"].astype(int)).all()
    assert set(u.sensitivity.index) == {"normalisation", "aggregation", "imputation", "weighting", "weights", "exclusion"}
    again = result.rank_uncertainty(n=32)
    pd.testing.assert_frame_equal(u.summary, again.summary)
    rows = brief_scores(result, lang="zh", uncertainty=u)
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows) and rows[0]["rank"] == 1
    assert all(1 <= r["rank_p05"] <= r["rank_p95"] for r in rows)
    assert {r["grade"] for r in rows} <= {"优秀", "良好", "一般", "较差"}


def test_brief_rows_without_uncertainty(result):
    rows = brief_scores(result, lang="en")
    assert rows[0].keys() == {"unit", "name", "score", "grade", "rank", "rank_p05", "rank_p95"}
    assert all(r["rank_p05"] is None and isinstance(r["rank"], int) for r in rows)
    assert rows[0]["name"] == result.units.at[rows[0]["unit"], "name_en"]


def test_package_exports_the_evaluation():
    for name in ("evaluate", "EvaluationResult", "Spec", "load_spec", "phased_assessment",
                 "rank_uncertainty", "uncertainty"):
        assert name in model.__all__, name
    assert callable(model.uncertainty.uncertainty_analysis)


def test_the_01_names_still_work_with_a_deprecation_warning(result):
    with pytest.warns(DeprecationWarning, match="points"):
        assert result.ledger is result.points
    with pytest.warns(DeprecationWarning, match="rank_uncertainty"):
        assert result.uncertainty(n=8).summary.shape[0] == len(result.combined)
    with pytest.warns(DeprecationWarning, match="report.tables"):
        assert model.brief_scores is brief_scores
