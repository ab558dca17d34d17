"""Briefs run as a user runs them: a plain papermill run of the brief template outside the
runner, and a unit's brief whose run of ``units.ipynb`` fails (an English unit brief run as a
user runs it, on the store an office month was ingested into: tests/test_ingest_to_brief.py)."""
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
