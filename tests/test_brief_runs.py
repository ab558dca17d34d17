"""Briefs run as a user runs them: one unit in English (computed by ``units.ipynb`` for that
one unit, its page, figures, memo and workbook drawn from its results), and a plain papermill
run of the brief template outside the runner."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from reformlib.briefs.run import check_executed, run_brief
from reformlib.data.paths import NOTEBOOKS
from reformlib.errors import RunError
from reformlib.report.results import read_results

pytestmark = pytest.mark.slow


def test_english_brief_for_one_unit(tmp_path, demo):
    result = run_brief("2017-09", "en", "430302", reports=tmp_path, quiet=True)
    assert result.folder == tmp_path / "2017-09" / "430302" / "en" / "current"
    html = result.html.read_text(encoding="utf-8")
    assert "Reform brief" in html and "Yuhu District" in html and "SYNTHETIC" in html
    res = read_results(result.folder / "results.json")
    assert res["unit"] == "430302" and 0 < res["tasks"]["total"] < 213
    assert {o["unit"] for o in res["indicators_off_target"]} <= {"430302"}
    assert all(r["lead_unit"] == "430302" for r in res["tasks"]["at_risk"])
    # the record: the one run of units.ipynb that computed it, for this unit alone
    record = result.folder / "notebooks" / "units.ipynb"
    assert check_executed(record) == [] and not (result.folder / "notebooks" / "brief.ipynb").exists()
    nb = nbformat.read(record, as_version=4)
    assert nb.metadata["papermill"]["parameters"]["units"] == "430302"
    assert "1 unit written" in json.dumps([c.get("outputs") for c in nb.cells])
    man = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    assert man["computed_by"]["notebook"] == "notebooks/units.ipynb" and man["computed_by"]["units"] == 1
    assert list(man["inputs"]["notebooks"]) == ["units.ipynb"]
    assert {p.name for p in (result.folder / "figures").iterdir()} == {f["path"].split("/")[-1] for f in res["figures"]}
    assert not (tmp_path / ".units").exists()  # the run's folder is gone once the brief is published


def test_a_plain_papermill_run_of_the_brief_works_from_any_folder(tmp_path, demo):
    """The documented manual run: no runner, no staging folder made in advance."""
    out = tmp_path / "run"
    out.mkdir()
    proc = subprocess.run([str(Path(sys.executable).with_name("papermill")), str(NOTEBOOKS / "brief.ipynb"), "out.ipynb",
                           "-p", "month", "2017-06", "-p", "lang", "en", "-k", "reformlib", "--log-level", "ERROR"],
                          cwd=out, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert check_executed(out / "out.ipynb") == []
    assert (out / "figures" / "task_progress.png").stat().st_size > 0
    res = read_results(out / "results.json")
    assert res["month"] == "2017-06" and res["lang"] == "en" and res["evaluation"]["available"] is True


def test_a_unit_brief_whose_computation_fails_is_kept_with_its_record(tmp_path, demo):
    nb = nbformat.read(NOTEBOOKS / "units.ipynb", as_version=4)
    at = next(i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at, nbformat.v4.new_code_cell('raise RuntimeError("no data for this month")'))
    templates = tmp_path / "templates"
    templates.mkdir()
    nbformat.write(nb, templates / "units.ipynb")
    with pytest.raises(RunError, match=r"notebook units\.ipynb failed in cell \d+: RuntimeError: no data for this month"):
        run_brief("2017-12", "zh", "430302", reports=tmp_path / "reports", notebook_dir=templates, quiet=True)
    folder = tmp_path / "reports" / "2017-12" / "430302"
    kept = list((folder / "failed").iterdir())
    assert not (folder / "current").exists() and len(kept) == 1
    assert (kept[0] / "notebooks" / "units.ipynb").exists() and "no data" in (kept[0] / "error.txt").read_text(encoding="utf-8")
    assert json.loads((kept[0] / "manifest.json").read_text(encoding="utf-8"))["status"] == "failed"
    assert not (tmp_path / "reports" / ".units").exists()
