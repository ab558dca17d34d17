"""A failed or killed brief run is kept aside and never replaces the published brief (papermill
really runs the notebook; failures are injected into a copy of the template)."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from reformlib.briefs.publish import recover_interrupted
from reformlib.briefs.run import check_executed, run_brief
from reformlib.data.paths import NOTEBOOKS, ROOT
from reformlib.errors import RunError

pytestmark = pytest.mark.slow
MONTH = "2017-12"


def _template(tmp_path: Path, extra_source: str, *, early: bool = False) -> Path:
    """A copy of the brief template with one more cell: before the last, or (``early``) right
    after the parameters cell, before the data are loaded, so a run fails in seconds."""
    nb = nbformat.read(NOTEBOOKS / "brief.ipynb", as_version=4)
    at = next(i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])) if early \
        else len(nb.cells) - 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(extra_source))
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    nbformat.write(nb, folder / "brief.ipynb")
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    """The published brief of ``folder``: where ``current`` points and every file's bytes."""
    current = folder / "current"
    files = {str(p.relative_to(current)): p.read_bytes() for p in current.rglob("*") if p.is_file()}
    return {"current ->": os.readlink(current).encode(), **files}


@pytest.fixture(scope="module")
def good_brief(tmp_path_factory, published_reports):
    """One published brief (a copy of the shared December brief, links kept) that every
    failure below must leave exactly as it is."""
    reports = tmp_path_factory.mktemp("good") / "reports"
    shutil.copytree(published_reports, reports, symlinks=True)
    return reports, _snapshot(reports / MONTH)


def _failed_runs(folder: Path) -> set[Path]:
    return set((folder / "failed").iterdir()) if (folder / "failed").exists() else set()


GLYPH = """import matplotlib.pyplot as plt
import reformlib as rl
from reformlib.report.fonts import use_cjk_font
use_cjk_font()  # as the brief's figures are drawn: the Chinese face first
fig, ax = plt.subplots()
ax.set_title("\\U00013000 进度")
rl.save_figure(fig, "figures/extra.png")"""


# A failing cell stands early (a run that fails fails the same wherever it fails), except the
# missing figure, which only the check after a whole run finds
@pytest.mark.parametrize("source, timeout, words, early", [
    ("raise RuntimeError('boom in the brief')", 600, "RuntimeError: boom in the brief", True),
    ("import time\ntime.sleep(600)", 2, "Timeout", True),
    ("import os\nos._exit(3)", 600, "DeadKernelError", True),
    (GLYPH, 600, "MissingGlyphError", True),
    ("import os\nos.remove('figures/task_progress.png')", 600, "figure figures/task_progress.png is missing", False),
], ids=["exception", "cell-timeout", "dead-kernel", "missing-glyph", "missing-figure"])
def test_failed_run_is_kept_aside_and_published_brief_untouched(tmp_path, good_brief, source, timeout, words, early):
    reports, before = good_brief
    folder = reports / MONTH
    earlier = _failed_runs(folder)
    templates = _template(tmp_path, source, early=early)
    with pytest.raises(RunError) as err:
        run_brief(MONTH, "zh", reports=reports, notebook_dir=templates, timeout=timeout, quiet=True)
    message = str(err.value)
    assert "brief.ipynb" in message or "checking the figures failed" in message, message
    assert words in message and len(message.splitlines()) <= 7, message
    if "notebook" in message:
        assert re.search(r"cell \d+|unknown cell", message), message
    assert _snapshot(folder) == before
    failed = _failed_runs(folder) - earlier
    assert len(failed) == 1
    kept = failed.pop()
    assert (kept / "error.txt").read_text(encoding="utf-8").strip()
    assert (kept / "notebooks" / "brief.ipynb").exists() and (kept / "run.log").stat().st_size > 0
    assert json.loads((kept / "manifest.json").read_text(encoding="utf-8"))["status"] == "failed"


def test_run_killed_from_outside_never_replaces_the_brief(tmp_path, good_brief):
    reports, before = good_brief
    templates = _template(tmp_path, "import time\ntime.sleep(600)", early=True)
    code = (f"from reformlib.briefs.run import run_brief; run_brief({MONTH!r}, 'zh', reports={str(reports)!r}, "
            f"notebook_dir={str(templates)!r}, quiet=True)")
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True, cwd=ROOT)
    folder = reports / MONTH
    while proc.poll() is None:  # until the sleeping cell runs, however busy the machine is
        staged = list(folder.glob("staging/*/notebooks/brief.ipynb"))
        if staged and _running(staged[0], "time.sleep(600)"):
            break
        time.sleep(0.5)
    assert proc.poll() is None, "the run ended before the sleeping cell"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=600)
    assert _snapshot(folder) == before
    earlier = _failed_runs(folder)
    moved = recover_interrupted(folder)
    assert len(moved) == 1 and moved[0] not in earlier
    assert "interrupted" in (moved[0] / "error.txt").read_text(encoding="utf-8")
    assert check_executed(moved[0] / "notebooks" / "brief.ipynb")  # the partial notebook is not a success


def _running(path: Path, text: str) -> bool:
    """Whether the staged notebook at ``path`` shows the cell holding ``text`` running."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - written while we read
        return False
    return any(c.metadata.get("papermill", {}).get("status") == "running" and text in c.source for c in nb.cells)


# ------------------------------------------------------------- sections on small frames
