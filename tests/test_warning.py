"""Early warning: features use only reports up to the month, held-out validation against
the linear-extrapolation baseline, drivers and the brief's at-risk list."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import reformlib as rl
from reformlib.data import task_status as task_status_module
from reformlib.errors import DataValidationError
from reformlib.tasks import ledger, warning


@pytest.fixture(scope="module")
def ledger_data(demo):
    return rl.load_tasks(demo), rl.load_progress(demo), rl.load_units(demo)


@pytest.fixture(scope="module")
def validation(ledger_data):
    tasks, progress, units = ledger_data
    return warning.validate(tasks, progress, units=units, n_boot=200)  # percentile intervals of 200 task draws


def _rewrite_after(progress: pd.DataFrame, month: str) -> pd.DataFrame:
    """Every report after ``month`` changed: stalled tasks jump to 100, others drop the rest."""
    m = pd.Period(month, "M")
    later = progress["period"] > m
    changed = progress.assign(progress=progress["progress"].where(~later, 100.0))
    return changed[~later | (changed.groupby("task_id").cumcount() % 2 == 0)]


def test_features_use_no_report_after_the_month(ledger_data):
    tasks, progress, units = ledger_data
    altered = _rewrite_after(progress, "2017-08")
    assert not altered.equals(progress)
    a = warning.features(tasks, progress, "2017-08", units=units)
    b = warning.features(tasks, altered, "2017-08", units=units)
    pd.testing.assert_frame_equal(a, b)
    truncated = progress[progress["period"] <= pd.Period("2017-08", "M")]
    pd.testing.assert_frame_equal(a, warning.features(tasks, truncated, "2017-08", units=units))


def test_predictions_as_of_a_month_do_not_look_ahead(ledger_data):
    tasks, progress, units = ledger_data
    altered = _rewrite_after(progress, "2017-09")
    a = warning.at_risk(tasks, progress, "2017-09", units=units, top=20)
    b = warning.at_risk(tasks, altered, "2017-09", units=units, top=20)
    pd.testing.assert_frame_equal(a, b)
    assert (a["method"] == "model").all()
    # but predictions a month later do see the altered reports
    c = warning.at_risk(tasks, altered, "2017-10", units=units, top=20)
    d = warning.at_risk(tasks, progress, "2017-10", units=units, top=20)
    assert not c.equals(d)


def test_training_labels_are_known_at_the_cutoff(ledger_data):
    tasks, progress, units = ledger_data
    train = warning.training_frame(tasks, progress, "2017-08", units=units)
    due = train["task_id"].map(tasks.set_index("task_id")["deadline"].dt.to_period("M"))
    assert (due <= pd.Period("2017-08", "M")).all()
    assert (train["month"] < pd.Period("2017-08", "M")).all()
    truth = ledger.task_outcomes(tasks, progress, "2017-12").set_index("task_id")["missed"]
    assert (train["missed"] == train["task_id"].map(truth).astype(bool)).all()


def test_open_tasks_only(ledger_data):
    tasks, progress, units = ledger_data
    f = warning.features(tasks, progress, "2017-09", units=units)
    status = task_status_module.task_status(tasks, progress, "2017-09").set_index("task_id")["status"]
    assert set(status.loc[f["task_id"]]) <= {"on_schedule", "behind"}
    assert f[warning.FEATURES].notna().all().all()


def test_validation_scores_only_folds_where_the_model_was_fitted(validation):
    m = validation.metrics.set_index(["method", "horizon"])
    pred = validation.predictions
    fitted = pred[pred["method_used"] == "model"]
    assert 0 < len(fitted) < len(pred)
    assert m.loc[("model", "all"), "n"] == len(fitted)
    assert m.loc[("model", "all"), "rows_left_out"] == len(pred) - len(fitted)
    assert set(validation.metrics["method"]) == {"model", "baseline", "gap", "model_minus_baseline", "model_minus_gap"}
    assert set(validation.metrics["horizon"]) == {"all", "1", "2", "3"}
    for metric in ("auc", "brier"):
        assert (validation.metrics[f"{metric}_low"] <= validation.metrics[metric]).all()
        assert (validation.metrics[metric] <= validation.metrics[f"{metric}_high"]).all()
    diff = m.loc[("model_minus_gap", "all")]
    assert diff["auc"] == pytest.approx(m.loc[("model", "all"), "auc"] - m.loc[("gap", "all"), "auc"])


def test_validation_text_claims_only_what_its_intervals_back(validation):
    metrics = validation.metrics
    m = metrics[metrics["horizon"] == "all"].set_index("method")
    text = warning.validation_text(metrics, lang="en", synthetic=True)
    assert f"{m.at['model', 'auc']:.3f} ({m.at['model', 'auc_low']:.3f}, {m.at['model', 'auc_high']:.3f})" in text
    beats_gap = m.at["model_minus_gap", "auc_low"] > 0
    assert ("not shown to beat ranking by the gap to schedule" in text) == (not beats_gap)
    assert "planted by the data generator" in text
    assert "planted" not in warning.validation_text(metrics, lang="en")
    # labels shuffled across tasks: no claim beyond chance survives
    rng = np.random.default_rng(0)
    by_task = validation.predictions.groupby("task_id")["missed"].first()
    shuffled = dict(zip(by_task.index, rng.permutation(by_task.to_numpy())))
    pred = validation.predictions[validation.predictions["method_used"] == "model"]
    pred = pred.assign(missed=pred["task_id"].map(shuffled))
    from reformlib.tasks.scoring import bootstrap_scores
    noise = bootstrap_scores(pred, ["model", "baseline", "gap"], reference="model", n_boot=200).assign(
        horizon="all", n=len(pred), missed=int(pred["missed"].sum()), folds=3, folds_fitted=3, rows_left_out=0)
    for lang, claim in (("en", "better than chance (its"), ("zh", "模型排序优于随机")):
        said = warning.validation_text(noise, lang=lang)
        assert (claim in said) == bool(noise.set_index("method").at["model", "auc_low"] > 0.5)
    assert "is higher by" not in warning.validation_text(noise, lang="en")


def test_reliability_table_has_counts_and_wilson_intervals(validation):
    rel = validation.reliability
    assert set(rel["method"]) == {"model", "baseline", "gap"}
    model = rel[rel["method"] == "model"]
    assert model["n"].sum() == validation.metrics.set_index(["method", "horizon"]).at[("model", "all"), "n"]
    filled = model[model["n"] > 0]
    assert (filled["observed_low"] <= filled["observed"]).all() and (filled["observed"] <= filled["observed_high"]).all()
    from reformlib.tasks.scoring import wilson
    low, high = wilson(np.array([5]), np.array([31]))   # 5 of 31: Wilson 95 % about 7.1 % to 32.6 %
    assert low[0] == pytest.approx(0.0709, abs=1e-3) and high[0] == pytest.approx(0.3263, abs=1e-3)


def test_calibration_and_drivers_are_tidy(validation):
    cal = validation.calibration
    assert set(cal["method"]) == {"model", "baseline"}
    assert cal[["mean_predicted", "observed"]].apply(lambda s: s.between(0, 1).all()).all()
    drivers = validation.drivers
    assert set(drivers["feature"]) == set(warning.FEATURES)
    assert drivers["importance"].iloc[0] == drivers["importance"].max() > 0
    top = set(drivers["feature"].iloc[:4])
    assert top & {"log_need", "gap", "shortfall", "progress", "velocity_1", "velocity_2"}, top  # what the reports show
    assert top & {"key_task", "completion_form", "category", "leader_level", "workload"}, top  # what only the ledger shows


def test_at_risk_list_fits_the_brief(ledger_data):
    tasks, progress, units = ledger_data
    table = warning.at_risk(tasks, progress, "2017-09", units=units, top=10)
    assert len(table) == 10 and table["probability"].is_monotonic_decreasing
    assert table["probability"].between(0, 1).all()
    assert table["reason"].str.len().gt(0).all() and table["title"].eq(table["title_zh"]).all()
    status = task_status_module.task_status(tasks, progress, "2017-09").set_index("task_id")["status"]
    assert (status.loc[table["task_id"].iloc[:5]] == "behind").all()
    assert table["band"].isin(["0-10%", "10-30%", "30-50%", "50-70%", "70-100%"]).all()
    records = warning.at_risk_records(table)
    assert set(records[0]) == {"task_id", "title", "lead_unit", "probability", "reason"}
    en = warning.at_risk(tasks, progress, "2017-09", units=units, top=3, lang="en")
    assert en["reason"].str.contains("schedule|pace|lead unit|category|months", regex=True).all()


def test_at_risk_auto_uses_the_simpler_rule_unless_the_model_beats_it(ledger_data):
    tasks, progress, units = ledger_data
    check = warning.month_check(tasks, progress, "2017-11", units=units, n_boot=100, use_cache=False)
    table = warning.at_risk(tasks, progress, "2017-11", units=units, top=5, rule="auto", lang="en", check=check)
    note = table["rule_note"].iloc[0]
    by_gap = note.startswith("The list ranks tasks by how far they are behind schedule")
    assert by_gap or note.startswith("The list ranks tasks by the model")
    assert (table["method"] == ("gap_to_schedule" if by_gap else "model")).all()
    gap = warning.at_risk(tasks, progress, "2017-11", units=units, top=5, rule="gap", lang="en")
    assert gap["reason"].str.contains("behind schedule|ahead of schedule").all()
    f = warning.features(tasks, progress, "2017-11", units=units)
    assert set(gap["task_id"]) == set(f.nsmallest(5, "gap")["task_id"]) or gap["probability"].is_monotonic_decreasing
    with pytest.raises(ValueError, match="not of 2017-10"):  # a month's check serves that month only
        warning.choose_rule(tasks, progress, "2017-10", units=units, check=check)
    early = warning.choose_rule(tasks, progress, "2017-04", units=units, n_boot=50)
    assert early["rule"] == "gap" and early["folds_fitted"] == 0 and "too few tasks" in early["reason_en"]
    with pytest.raises(ValueError, match="rule"):
        warning.at_risk(tasks, progress, "2017-12", rule="best")


def test_contributions_add_up_to_the_log_odds(ledger_data):
    tasks, progress, units = ledger_data
    model = warning.fit(tasks, progress, "2017-09", units=units)
    f = warning.features(tasks, progress, "2017-09", units=units)
    contrib = warning.contributions(model, f)
    clf = model.pipeline.named_steps["clf"]
    centre_logit = clf.intercept_[0] + model.centre @ clf.coef_[0]
    p = warning.predict(model, f)
    np.testing.assert_allclose(contrib.sum(axis=1) + centre_logit, np.log(p / (1 - p)), rtol=1e-6, atol=1e-6)


def test_early_months_fall_back_to_the_baseline(ledger_data):
    tasks, progress, units = ledger_data
    model = warning.fit(tasks, progress, "2017-04", units=units)
    assert model.method == "baseline"
    table = warning.at_risk(tasks, progress, "2017-04", units=units, top=5)
    assert (table["method"] == "baseline").all() and table["probability"].between(0, 1).all()


def test_bad_input_is_refused(ledger_data):
    tasks, progress, _ = ledger_data
    bad = progress.copy()
    bad.loc[bad.index[3], "progress"] = 101.0
    with pytest.raises(DataValidationError) as err:
        warning.at_risk(tasks, bad, "2017-09")
    assert err.value.problems[0].row == 4 and err.value.problems[0].column == "progress"
    with pytest.raises(ValueError, match="top must be a positive integer"):
        warning.at_risk(tasks, progress, "2017-09", top=0)


def test_validation_as_of_an_early_month_says_the_baseline_was_used(ledger_data):
    tasks, progress, units = ledger_data
    known = progress[progress["period"] <= pd.Period("2017-09", "M")]
    v = warning.validate(tasks, known, units=units, n_boot=50, with_drivers=False)
    assert v.predictions["month"].max() <= pd.Period("2017-09", "M")
    assert (v.metrics["folds_fitted"] == 0).all()
    assert "baseline" in warning.validation_text(v.metrics, lang="en")
