"""Scheduled briefs: the schedule file is checked before anything runs, briefs run in
parallel processes, one failure does not stop the others, the summary names each brief's
fate, and a brief already published for the same inputs is skipped."""
from __future__ import annotations

import fcntl
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from reformlib.briefs import publish
from reformlib.briefs.freshness import brief_inputs
from reformlib.briefs.run import templates_for
from reformlib.briefs.schedule import (
    BriefJob,
    Outcome,
    complete_months,
    explain,
    load_config,
    plan,
    run_batch,
    summary,
)
from reformlib.data.paths import DEMO, NOTEBOOKS, ROOT
from reformlib.data.schemas import TERRITORIAL_UNITS
from reformlib.errors import ParameterError, RunError


def _config(tmp_path: Path, body: dict) -> Path:
    path = tmp_path / "briefs.yml"
    path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return path


def test_plan_expands_units_months_and_languages(tmp_path, demo):
    config = load_config(_config(tmp_path, {"briefs": [
        {"months": "latest", "units": ["city", "all"], "langs": ["zh"]},
        {"months": ["2017-06", "latest"], "units": ["430302"], "langs": ["zh", "en"]}]}))
    jobs = plan(config)
    first = [BriefJob("2017-12", "", "zh")] + [BriefJob("2017-12", u, "zh") for u in TERRITORIAL_UNITS[1:]]
    assert jobs[:9] == first  # "all" holds the city (430300 is the city brief), which is not repeated
    # 2017-12 430302 zh was already planned by the first entry
    assert jobs[9:] == [BriefJob("2017-06", "430302", "zh"), BriefJob("2017-06", "430302", "en"),
                        BriefJob("2017-12", "430302", "en")]
    assert config["timeout"] == 600


@pytest.mark.parametrize("body, words", [
    ({"briefs": [{"months": "latest", "units": [430302], "langs": ["zh"]}]}, "in quotes"),
    ({"briefs": [{"months": "latest", "units": ["999"], "langs": ["zh"]}]}, "is not city, all or one of"),
    ({"briefs": [{"months": "latest", "units": ["city"], "langs": ["fr"]}]}, "langs: 'fr'"),
    ({"briefs": [{"months": "latest", "units": ["city"]}]}, "must have exactly the keys"),
    ({"briefs": [], "workers": 2}, "unknown key"),
    ({"briefs": [{"months": "latest", "units": ["city"], "langs": ["zh"]}], "timeout": 0}, "timeout must be"),
    ({"schedule": []}, "'briefs' list"),
])
def test_bad_schedules_are_refused_with_the_item_named(tmp_path, body, words):
    with pytest.raises(ParameterError, match=words):
        load_config(_config(tmp_path, body))


def test_a_month_outside_the_data_is_refused_before_anything_runs(tmp_path, demo):
    config = load_config(_config(tmp_path, {"briefs": [{"months": ["2015-01"], "units": ["city"], "langs": ["zh"]}]}))
    with pytest.raises(ParameterError, match="outside the data"):
        plan(config)


def test_latest_complete_is_the_last_month_every_series_reports(tmp_path):
    rows = [{"unit": u, "indicator": i, "period": p, "value": 1.0}
            for u in ("a", "b") for i in ("x", "y") for p in ("2017-01", "2017-02", "2017-03")]
    obs = pd.DataFrame(rows)
    obs = obs[~((obs["unit"] == "b") & (obs["indicator"] == "y") & (obs["period"] == "2017-03"))]
    obs.to_parquet(tmp_path / "observations.parquet")
    assert complete_months(tmp_path) == ["2017-01", "2017-02"]
    config = load_config(_config(tmp_path, {"data": ".", "briefs": [
        {"months": "latest_complete", "units": ["city"], "langs": ["zh"]}]}))
    assert config["data"] == str(tmp_path.resolve())


def test_summary_is_one_table_with_counts():
    text = summary([Outcome(BriefJob("2017-12", "", "zh"), "published", 9.84, "/r/2017-12/brief.html"),
                    Outcome(BriefJob("2017-12", "xtjk", "zh"), "failed", 3.0, "notebook brief.ipynb failed in cell 4\nkept")])
    lines = text.splitlines()
    assert lines[0].split() == ["brief", "status", "seconds", "path", "or", "error"]
    assert "2017-12 city zh" in lines[2] and "published" in lines[2] and "9.8" in lines[2]
    assert lines[3].endswith("failed in cell 4") and lines[-1] == "2 brief(s): 1 published, 0 skipped, 1 failed"


def test_a_second_batch_waits_for_no_one(tmp_path):
    (tmp_path / "reports").mkdir()
    with open(tmp_path / "reports" / ".briefs.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(RunError, match="another batch of briefs is running"):
            run_batch([], reports=tmp_path / "reports")


# ------------------------------------------------------------------ a real batch, once
@pytest.fixture(scope="module")
def batch(unit_batch):
    """The shared batch (tests/conftest.py unit_batch): three unit briefs through the command
    line, their results computed by one run of units.ipynb, published by the 2 worker processes
    of a LocalCluster; the template spoils 430304's results."""
    return unit_batch.reports, unit_batch.templates, unit_batch.config, unit_batch.proc


@pytest.mark.slow  # runs briefs through papermill
def test_one_failure_does_not_stop_the_others(batch):
    reports, _, _, proc = batch
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.strip().splitlines()
    row = {line.split()[1]: line for line in lines[2:-1]}
    assert "published" in row["430302"] and str(reports / "2017-12" / "430302" / "current" / "brief.html") in row["430302"]
    assert "failed" in row["430304"] and "checking results.json failed" in row["430304"]
    assert "published" in row["430381"]
    assert lines[-1] == "3 brief(s): 2 published, 0 skipped, 1 failed"
    assert "reformlib: 2017-12 430304 zh" in proc.stderr and "failed" in proc.stderr
    assert not (reports / "2017-12" / "430304" / "current").exists()
    kept = list((reports / "2017-12" / "430304" / "failed").iterdir())
    assert len(kept) == 1 and (kept[0] / "notebooks" / "units.ipynb").exists() and (kept[0] / "error.txt").exists()
    for name in publish.EXPECTED_FILES:
        assert (reports / "2017-12" / "430302" / "current" / name).stat().st_size > 0
    # both briefs hold the one run of units.ipynb that computed them, and its folder is gone
    published = reports / "2017-12" / "430302" / "current" / "notebooks" / "units.ipynb"
    assert published.stat().st_ino == (kept[0] / "notebooks" / "units.ipynb").stat().st_ino
    assert not (reports / ".units").exists()


@pytest.mark.slow  # starts a kernel and two processes
def test_unit_briefs_on_processes_of_this_machine_each_come_back_with_their_outcome(tmp_path, demo):
    """The batch without a scheduler (make briefs): the chunks of unit briefs go to two spawned
    processes of this machine and each brief's outcome comes back in the order asked. Here the
    run of units.ipynb fails in its first cell, so that each process keeps its brief aside with
    the run's record in seconds (briefs that publish are the LocalCluster batch's, above)."""
    from reformlib.briefs.batch import run_jobs

    nb = nbformat.read(NOTEBOOKS / "units.ipynb", as_version=4)
    at = next(i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at, nbformat.v4.new_code_cell('raise RuntimeError("no reports for this month")'))
    templates = tmp_path / "templates"
    templates.mkdir()
    nbformat.write(nb, templates / "units.ipynb")
    jobs = [BriefJob("2017-12", unit, "zh") for unit in ("430302", "430304")]
    reports = tmp_path / "reports"
    outcomes = run_jobs(jobs, reports=reports, notebook_dir=templates, workers=2)
    assert [o.job for o in outcomes] == jobs
    kept = []
    for o in outcomes:
        assert o.status == "failed" and re.search(r"units\.ipynb failed in cell \d+: RuntimeError: no reports", o.detail), o
        [folder] = (reports / "2017-12" / o.job.unit / "failed").iterdir()
        assert "no reports for this month" in (folder / "error.txt").read_text(encoding="utf-8")
        kept.append(folder / "notebooks" / "units.ipynb")
    assert kept[0].stat().st_ino == kept[1].stat().st_ino  # the one run's record, in each brief's folder
    assert not (reports / "2017-12" / "430302" / "current").exists() and not (reports / ".units").exists()


def _changed(inputs: dict, kind: str, name: str, value: str = "0" * 64) -> dict:
    return {**inputs, kind: {**inputs[kind], name: value}}


@pytest.mark.slow  # runs briefs through papermill
def test_a_brief_published_for_the_same_inputs_is_skipped(batch, tmp_path):
    shared, templates, config, _ = batch
    reports = tmp_path / "reports"  # the batch below may publish again: a copy, the shared batch stays as made
    shutil.copytree(shared, reports, symlinks=True, ignore=shutil.ignore_patterns(".lock"))
    folder = reports / "2017-12" / "430302"
    man = json.loads((folder / "current" / "manifest.json").read_text(encoding="utf-8"))
    params, inputs = man["parameters"], man["inputs"]
    assert publish.is_current(folder, parameters=params, inputs=inputs)
    for kind, name, words in [("data", "tasks.csv", "data files changed: tasks.csv"),
                              ("model", "grades.csv", "model specification (data/model) changed: grades.csv"),
                              ("reference", "document_figures.csv", "reference figures (data/reference) changed"),
                              ("notebooks", "units.ipynb", "template notebooks changed"),
                              ("code", "reformlib", "reformlib's code changed"),
                              ("packages", "pandas", "package versions changed: pandas"),
                              ("fonts", "NotoSansCJK-Regular.ttc", "fonts")]:
        why = publish.why_due(folder, parameters=params, inputs=_changed(inputs, kind, name))
        assert len(why) == 1 and words in why[0], (kind, why)
    assert publish.why_due(folder, parameters={**params, "month": "2017-11"}, inputs=inputs) == ["parameters differ"]
    # the batch itself: skipped while no input changed
    jobs = plan(load_config(config))[:1]
    why = explain(jobs, reports=reports, notebook_dir=templates)[0][1]
    outcome = run_batch(jobs, reports=reports, notebook_dir=templates)[0]
    if not why:
        assert outcome.status == "skipped" and outcome.detail == str(folder / "current" / "brief.html")
    else:  # the source changed under the test (someone edited reformlib): it had to run again, and says why
        assert outcome.status == "published" and why[0].startswith("reformlib's code changed"), why


@pytest.mark.slow  # runs briefs through papermill
def test_an_incomplete_published_brief_is_not_current(batch, tmp_path):
    reports, *_ = batch
    copy = tmp_path / "copy"
    shutil.copytree(reports / "2017-12" / "430302", copy, symlinks=True, ignore=shutil.ignore_patterns(".lock"))
    man = json.loads((copy / "current" / "manifest.json").read_text(encoding="utf-8"))
    current = dict(parameters=man["parameters"], inputs=man["inputs"])
    assert publish.is_current(copy, **current)
    (copy / "current" / "tables.xlsx").unlink()
    assert publish.why_due(copy, **current) == ["incomplete: tables.xlsx is missing or empty"]


@pytest.mark.slow  # runs briefs through papermill
def test_a_changed_model_spec_or_reference_figure_makes_the_brief_due(batch, tmp_path):
    """Raising the top grade's threshold (90 -> 97) or changing a document figure: the
    published brief is no longer current, and the reason names the file."""
    reports, templates, *_ = batch
    folder = tmp_path / "430302"
    shutil.copytree(reports / "2017-12" / "430302", folder, symlinks=True, ignore=shutil.ignore_patterns(".lock"))
    model, reference = tmp_path / "model", tmp_path / "reference"
    shutil.copytree(ROOT / "data" / "model", model)
    shutil.copytree(ROOT / "data" / "reference", reference)
    manifest = folder / "current" / "manifest.json"
    man = json.loads(manifest.read_text(encoding="utf-8"))
    inputs = lambda: brief_inputs(DEMO, templates_for("430302", templates), model=model, reference=reference)  # noqa: E731
    manifest.write_text(json.dumps({**man, "inputs": inputs()}), encoding="utf-8")
    assert publish.why_due(folder, parameters=man["parameters"], inputs=inputs()) == []
    grades = model / "grades.csv"
    grades.write_text(grades.read_text(encoding="utf-8").replace("excellent,优秀,excellent,90,", "excellent,优秀,excellent,97,"),
                      encoding="utf-8")
    figures = reference / "document_figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace("farmland transfer rate,53,", "farmland transfer rate,99,", 1),
                       encoding="utf-8")
    assert publish.why_due(folder, parameters=man["parameters"], inputs=inputs()) == [
        "model specification (data/model) changed: grades.csv",
        "reference figures (data/reference) changed: document_figures.csv"]


@pytest.mark.slow  # runs briefs through papermill
def test_briefs_explain_says_why_each_brief_runs_or_skips(batch):
    reports, templates, config, _ = batch
    proc = subprocess.run([sys.executable, "-m", "reformlib", "briefs", "--config", str(config), "--explain",
                           "--notebook-dir", str(templates)], capture_output=True, text=True, cwd=ROOT, timeout=3600)
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(": ", 1) for line in proc.stdout.strip().splitlines())
    assert lines["2017-12 430304 zh"] == "runs: not published yet"
    assert lines["2017-12 430302 zh"] == "skips: published from the same parameters and inputs" \
        or lines["2017-12 430302 zh"].startswith("runs: reformlib's code changed")  # someone edited reformlib meanwhile
    assert not (reports / "2017-12" / "430304" / "current").exists()  # --explain runs nothing
