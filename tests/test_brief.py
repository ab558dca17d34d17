"""The brief runner really executes the notebook with papermill, publishes only a checked
run, and keeps a failed one aside without touching the published brief."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from reformlib.errors import ParameterError, RunError
from reformlib.paths import NOTEBOOKS, ROOT
from reformlib.report.browser import html_is_offline
from reformlib.report.results import read_results
from reformlib.runner import check_executed, recover_interrupted, run_brief, validate_params

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published(tmp_path_factory, demo):
    reports = tmp_path_factory.mktemp("reports")
    result = run_brief("2017-06", "zh", reports=reports, quiet=True)
    return reports, result


def test_brief_is_published_with_every_output(published):
    reports, result = published
    folder = reports / "2017-06"
    assert result.html == folder / "brief.html"
    for name in ("brief.html", "results.json", "manifest.json", "figures/task_progress.png",
                 "figures/family_debt.png", "notebooks/brief.ipynb"):
        assert (folder / name).stat().st_size > 0, name
    assert not list(folder.glob(".staging-*"))
    assert check_executed(folder / "notebooks" / "brief.ipynb") == []


def test_brief_html_is_self_contained_and_hides_code(published):
    _, result = published
    html = result.html.read_text(encoding="utf-8")
    assert html_is_offline(html) == []
    assert "<script" not in html
    assert html.count('src="data:image/png;base64,') >= 2
    assert "改革简报" in html and "耕地流转率" in html and "合成演示数据" in html
    assert "import reformlib" not in html and "load_observations" not in html


def test_results_and_manifest(published, demo):
    reports, _ = published
    res = read_results(reports / "2017-06" / "results.json")
    assert res["month"] == "2017-06" and res["synthetic"] is True
    assert res["tasks"]["total"] == 213
    codes = {h["code"] for h in res["headline"]}
    assert {"land_transfer_rate", "gov_debt_ratio", "judge_quota_ratio"} <= codes
    assert res["evaluation"]["available"] is False
    man = json.loads((reports / "2017-06" / "manifest.json").read_text(encoding="utf-8"))
    assert man["status"] == "published" and man["parameters"]["month"] == "2017-06"
    assert set(man["input_hashes"]) >= {"observations.parquet", "tasks.csv"}
    assert man["packages"]["papermill"] and man["timings_seconds"]["brief.ipynb"] > 0


def test_english_brief_for_one_unit(tmp_path, demo):
    result = run_brief("2017-09", "en", "430302", reports=tmp_path, quiet=True)
    assert result.folder == tmp_path / "2017-09" / "430302"
    html = result.html.read_text(encoding="utf-8")
    assert "Reform brief" in html and "Yuhu District" in html and "SYNTHETIC" in html
    assert read_results(result.folder / "results.json")["unit"] == "430302"


@pytest.mark.parametrize("kwargs, words", [
    (dict(month="2017-13"), "YYYY-MM"),
    (dict(month="2015-01"), "outside the data"),
    (dict(month="17-06"), "YYYY-MM"),
    (dict(lang="fr"), "lang must be one of"),
    (dict(unit=430302), "as text"),
    (dict(unit="999999"), "unit must be one of"),
])
def test_bad_parameters_are_refused_before_anything_runs(tmp_path, demo, kwargs, words):
    with pytest.raises(ParameterError, match=words):
        run_brief(**{"month": "2017-06", **kwargs}, reports=tmp_path, quiet=True)
    assert not any(tmp_path.iterdir())


def test_cli_refuses_a_bad_month_with_a_clear_message(tmp_path):
    out = subprocess.run([sys.executable, "-m", "reformlib", "brief", "--month", "2017-6", "--reports", str(tmp_path)],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert "month must be a month written YYYY-MM" in out.stderr
    assert not any(tmp_path.iterdir())


def test_default_month_is_the_latest(demo):
    assert validate_params().month == "2017-12"


def _template(tmp_path: Path, extra_source: str) -> Path:
    """A copy of the brief template with one more cell before the last."""
    nb = nbformat.read(NOTEBOOKS / "brief.ipynb", as_version=4)
    nb.cells.insert(len(nb.cells) - 1, nbformat.v4.new_code_cell(extra_source))
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    nbformat.write(nb, folder / "brief.ipynb")
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and "failed" not in p.parts and not any(x.startswith(".staging-") for x in p.parts)}


@pytest.fixture()
def good_brief(tmp_path, demo):
    reports = tmp_path / "reports"
    run_brief("2017-03", "zh", reports=reports, quiet=True)
    return reports, _snapshot(reports / "2017-03")


@pytest.mark.parametrize("source, timeout, words", [
    ("raise RuntimeError('boom in the brief')", 60, "RuntimeError: boom in the brief"),
    ("import time\ntime.sleep(30)", 3, "Timeout"),
    ("import os\nos._exit(3)", 60, "DeadKernelError"),
], ids=["exception", "cell-timeout", "dead-kernel"])
def test_failed_run_is_kept_aside_and_published_brief_untouched(tmp_path, good_brief, source, timeout, words):
    reports, before = good_brief
    templates = _template(tmp_path, source)
    with pytest.raises(RunError) as err:
        run_brief("2017-03", "zh", reports=reports, notebook_dir=templates, timeout=timeout, quiet=True)
    message = str(err.value)
    assert "brief.ipynb" in message and re.search(r"cell \d+|unknown cell", message) and words in message, message
    assert _snapshot(reports / "2017-03") == before
    failed = list((reports / "2017-03" / "failed").iterdir())
    assert len(failed) == 1
    assert (failed[0] / "error.txt").read_text(encoding="utf-8").strip()
    assert (failed[0] / "notebooks" / "brief.ipynb").exists()


def test_run_killed_from_outside_never_replaces_the_brief(tmp_path, good_brief):
    reports, before = good_brief
    templates = _template(tmp_path, "import time\ntime.sleep(60)")
    code = (f"from reformlib.runner import run_brief; run_brief('2017-03', 'zh', reports={str(reports)!r}, "
            f"notebook_dir={str(templates)!r}, quiet=True)")
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True, cwd=ROOT)
    folder = reports / "2017-03"
    deadline = time.time() + 60
    while time.time() < deadline:
        staged = list(folder.glob(".staging-*/notebooks/brief.ipynb"))
        if staged and "time.sleep(60)" in staged[0].read_text(encoding="utf-8") and _running(staged[0]):
            break
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert _snapshot(folder) == before
    moved = recover_interrupted(folder)
    assert len(moved) == 1 and "interrupted" in (moved[0] / "error.txt").read_text(encoding="utf-8")
    assert check_executed(moved[0] / "notebooks" / "brief.ipynb")  # the partial notebook is not a success


def _running(path: Path) -> bool:
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - written while we read
        return False
    return any(c.metadata.get("papermill", {}).get("status") == "running" for c in nb.cells)
