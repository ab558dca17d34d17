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
    return warning.validate(tasks, progress, units=units)


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


def test_model_beats_the_baseline_on_held_out_months(validation):
    """On the demonstration data the ledger's own columns (category, completion form,
    workload, leadership) carry warning that extrapolating the reports cannot see."""
    m = validation.metrics.set_index(["method", "horizon"])
    auc_m, auc_b = m.loc[("model", "all"), "auc"], m.loc[("baseline", "all"), "auc"]
    brier_m, brier_b = m.loc[("model", "all"), "brier"], m.loc[("baseline", "all"), "brier"]
    assert auc_m > 0.7 and auc_b > 0.7
    assert auc_m > auc_b - 0.005 and brier_m < brier_b
    assert set(validation.metrics["horizon"]) == {"all", "1", "2", "3"}
    text = warning.validation_text(validation.metrics, lang="en")
    assert f"{auc_m:.3f}" in text and f"{auc_b:.3f}" in text
    assert text.endswith(("The model beats the baseline.", "The model beats the baseline on one measure only."))


def test_validation_text_says_plainly_when_the_model_loses():
    metrics = pd.DataFrame({"method": ["model", "baseline"], "horizon": ["all", "all"], "auc": [0.70, 0.80],
                            "brier": [0.20, 0.15], "n": [100, 100], "missed": [30, 30]})
    assert "没有优于简单基准" in warning.validation_text(metrics, lang="zh")
    assert "does not beat the plain baseline" in warning.validation_text(metrics, lang="en")
    better = metrics.assign(auc=[0.9, 0.8], brier=[0.1, 0.15])
    assert warning.validation_text(better, lang="en").endswith("The model beats the baseline.")


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
    records = warning.at_risk_records(table)
    assert set(records[0]) == {"task_id", "title", "lead_unit", "probability", "reason"}
    en = warning.at_risk(tasks, progress, "2017-09", units=units, top=3, lang="en")
    assert en["reason"].str.contains("schedule|pace|lead unit|category|months", regex=True).all()


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
    v = warning.validate(tasks, known, units=units)
    assert v.predictions["month"].max() <= pd.Period("2017-09", "M")
    assert (v.metrics["folds_fitted"] == 0).all()
    assert "baseline" in warning.validation_text(v.metrics, lang="en")
