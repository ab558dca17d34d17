"""The demonstration data generator: seeded, labelled synthetic, published atomically, and
with delays that depend on observable features."""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

import reformlib as rl
from reformlib.synth import build_demo, draw, write_dataset


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes(tmp_path, demo):
    build_demo(tmp_path / "a")
    assert _digest(tmp_path / "a") == _digest(demo), "data/demo_synthetic is not what `make data` builds"


def test_other_seed_other_data(tmp_path):
    a, b = draw(1), draw(2)
    assert not a["observations"]["value"].equals(b["observations"]["value"])


def test_synthetic_is_said_in_folder_readme_and_rows(demo):
    assert "synthetic" in demo.name
    assert "SYNTHETIC" in (demo / "README.md").read_text(encoding="utf-8")
    for name in ("observations", "tasks", "progress", "documents", "inspections", "pilots", "recognitions", "ratings"):
        df = getattr(rl, f"load_{name}")(demo)
        assert df["synthetic"].all(), name


def test_failed_build_leaves_the_published_set_intact(tmp_path, demo):
    target = tmp_path / "set"
    build_demo(target)
    before = _digest(target)
    tables = draw()
    tables["progress"] = tables["progress"].assign(progress=lambda d: d["progress"] + 50)  # above 100: invalid
    with pytest.raises(rl.errors.DataValidationError):
        write_dataset(tables, target)
    assert _digest(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["set"]


def _outcomes(demo) -> pd.DataFrame:
    tasks, progress = rl.load_tasks(demo), rl.load_progress(demo)
    done = progress[progress["progress"] >= 100].groupby("task_id")["period"].min()
    t = tasks.assign(done=tasks["task_id"].map(done))
    t["late"] = (t["done"].isna() | (t["done"] > t["deadline"].dt.to_period("M"))).astype(int)
    t["workload"] = t.groupby("lead_unit")["task_id"].transform("count")
    early = progress[progress["period"] == pd.Period("2017-03", "M")].set_index("task_id")["progress"]
    t["progress_march"] = t["task_id"].map(early)
    return t


def test_about_a_quarter_of_tasks_are_late(demo):
    share = _outcomes(demo)["late"].mean()
    assert 0.15 < share < 0.4


def test_delays_depend_on_observable_features(demo):
    t = _outcomes(demo)
    fit = smf.logit("late ~ key_task + workload + C(category)", data=t.assign(key_task=t["key_task"].astype(int))).fit(disp=0)
    assert fit.params["key_task"] < 0  # key tasks get attention
    assert fit.params["workload"] > 0  # busy lead units fall behind
    jan = t[(t["start"].dt.month == 1) & t["progress_march"].notna()]
    slow = jan["progress_march"] < jan["progress_march"].median()
    assert jan.loc[slow, "late"].mean() > jan.loc[~slow, "late"].mean() + 0.1  # slow early progress warns


def test_pilots_shift_their_indicators_in_the_better_direction(demo):
    obs = rl.load_observations(demo)
    ind = rl.load_indicators(demo).set_index("indicator")
    pilots = rl.load_pilots(demo)
    wide = obs.pivot_table(index=["indicator", "period"], columns="unit", values="value")
    gaps = []
    for p in pilots[pilots["target_indicators"].notna() & (pilots["unit"] != "430300")].itertuples():
        code = p.target_indicators
        start = pd.Timestamp(p.start).to_period("M")
        if ind.at[code, "annual"] != "december" or ind.at[code, "direction"] == "band":
            continue
        before, after = start - 2, start + 5
        if before < pd.Period("2016-01", "M") or after > pd.Period("2017-12", "M"):
            continue
        sign = -1 if ind.at[code, "direction"] == "lower" else 1
        change = (wide.loc[(code, after)] - wide.loc[(code, before)]) * sign / abs(wide.loc[(code, after)]).mean()
        others = change.drop(["430300", p.unit]).dropna()
        if p.unit in change and pd.notna(change[p.unit]) and len(others):
            gaps.append(change[p.unit] - others.mean())
    assert len(gaps) >= 8
    assert np.mean(gaps) > 0.02 and np.mean(np.array(gaps) > 0) > 0.6
