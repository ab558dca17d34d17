"""Shared fixtures: the demonstration data set (built once per session if missing) and the
December 2017 city brief, published once for the whole run and read by every test of a
published brief."""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import settings

from reformlib.data.paths import DEMO, ROOT

# Continuous integration replays the same examples every run (a red CI run can be rerun and
# reproduced); a developer's run draws new ones each time and so keeps looking for failures.
# The memo's PDF (LibreOffice, 5-10 s a brief) is made only where a test turns it on
# (the shared published brief below checks it); every other published brief records in its
# manifest that it was turned off. Subprocesses and the workers inherit this.
os.environ.setdefault("REFORMLIB_MEMO_PDF", "off")

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

SHARED = ROOT.parent / "shared"
#: Fixtures made once for the whole run under a file lock: the first worker to need one makes it,
#: another that needs it meanwhile waits.
MADE_ONCE = {"published_reports", "unit_batch"}


#: About how many seconds each of the longest test files keeps a worker busy (measured on two
#: cores). A run on several workers (``-n 2 --dist loadfile``) hands the files out longest
#: first, the rest by their number of tests as pytest-xdist does: a long file handed out last
#: would keep one worker busy while the other has nothing left to do. A file missing here, or
#: a figure grown stale, only changes the order.
FILE_SECONDS = {
    "tests/test_batch.py": 63, "tests/test_brief.py": 41, "tests/test_publish_failures.py": 37,
    "tests/test_brief_browser.py": 33, "tests/test_brief_failures.py": 30, "tests/model/test_evaluate.py": 30,
    "tests/test_ingest_to_brief.py": 28, "tests/test_ledger_notebooks.py": 27, "tests/test_warning.py": 26,
    "tests/test_units.py": 23, "tests/test_national.py": 23, "tests/test_brief_runs.py": 21,
    "tests/test_brief_peers.py": 20, "tests/test_brief_render.py": 20, "tests/test_evaluation_notebook.py": 16,
    "tests/test_brief_missing.py": 16, "tests/test_export.py": 16, "tests/test_brief_changes.py": 15,
    "tests/report/test_plots.py": 15, "tests/test_explore_notebook.py": 14, "tests/test_brief_truth.py": 12,
    "tests/test_store.py": 12, "tests/test_publish_memos.py": 12, "tests/test_stats.py": 11,
    "tests/report/test_evaluation_display.py": 10, "tests/test_publish_atomic.py": 10,
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist loadfile`` with the files of :data:`FILE_SECONDS` handed out longest first."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class LongestFirst(LoadFileScheduling):
        ordered = False

        def _assign_work_unit(self, node) -> None:
            if not self.ordered:  # the queue xdist built (most tests first), the known long files moved ahead
                self.ordered = True
                queue = sorted(self.workqueue.items(), key=lambda unit: -FILE_SECONDS.get(unit[0], 0))
                self.workqueue.clear()
                self.workqueue.update(queue)
            super()._assign_work_unit(node)

    return LongestFirst(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Within each test file, the tests that need a fixture made once for the run come after
    the others (files stay whole, each in its own order otherwise): a worker that reaches such
    a file while the other worker is making the fixture runs the file's other tests first
    instead of waiting."""
    files: dict[str, int] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0], len(files))
    items.sort(key=lambda item: (files[item.nodeid.split("::")[0]], bool(MADE_ONCE & set(item.fixturenames))))


@pytest.fixture(scope="session")
def demo() -> Path:
    """The demonstration data folder, built from its seed when absent."""
    if not (DEMO / "tasks.csv").exists():
        from reformlib.synth import build_demo

        build_demo()
    return DEMO


@pytest.fixture()
def demo_copy(demo: Path, tmp_path: Path) -> Path:
    """A private copy of the demonstration set that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(demo, target)
    return target


@pytest.fixture(scope="session")
def shared_reference() -> Path:
    path = SHARED / "reference"
    if not path.exists():
        pytest.skip(f"published reference cases not found at {path}")
    return path


@pytest.fixture(scope="session")
def published_reports(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A reports folder holding the December 2017 city brief in Chinese, published by
    :func:`reformlib.briefs.run.run_brief` (papermill runs the brief notebook; the memo's PDF
    is made, as a published brief's is). Made once per test run: the workers of a parallel
    run share it (the first to need it publishes it under a file lock, the others wait and
    read). Tests only read it; a test that runs more briefs beside it works on a copy."""
    from reformlib.briefs import publish
    from reformlib.briefs.run import run_brief

    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    reports = root / "published-2017-12-zh"
    with open(root / "published-2017-12-zh.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if not (reports / "2017-12" / "current" / "manifest.json").exists():
            shutil.rmtree(reports, ignore_errors=True)  # what a failed attempt left
            with pytest.MonkeyPatch.context() as env:
                env.setenv(publish.MEMO_PDF_SWITCH, "on")
                run_brief("2017-12", "zh", reports=reports, quiet=True)
    return reports


@contextlib.contextmanager
def _made_once(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """The folder ``name`` shared by every worker of the run, held under a file lock while
    the caller makes what is missing in it (the first worker to come makes it, the others
    wait and read)."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    with open(root / f"{name}.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield root / name


#: The units of the shared batch: 430304's results are spoiled by its template, the others publish.
BATCH_UNITS = ("430302", "430304", "430381")


@pytest.fixture(scope="session")
def unit_batch(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """One batch of the December 2017 unit briefs of :data:`BATCH_UNITS` through the command
    line (``briefs --scheduler local --workers 2``): their results computed by one run of
    ``units.ipynb`` (a copy of the template that writes ``{}`` for 430304's results), the
    briefs published by the two worker processes of a real ``distributed.LocalCluster``; then
    430302's brief again by itself in this process as the command line makes it (``run_brief``
    with the same template, on a kernel started early by ``head_start``).
    Made once per test run and shared by the workers (tests/test_batch.py and
    tests/test_batch_kernel.py read it; a test that changes a brief works on a copy).

    Attributes: ``reports`` (the batch's reports folder), ``alone`` (the reports folder of
    the brief made alone), ``alone_folder`` (its ``current`` folder as ``run_brief``
    returned it), ``templates``, ``config`` and ``proc`` (the command's exit status and
    output)."""
    import nbformat
    import yaml

    from reformlib.briefs.notebooks import head_start
    from reformlib.briefs.run import run_brief
    from reformlib.data.paths import NOTEBOOKS, ROOT

    with _made_once(tmp_path_factory, "unit-batch-2017-12") as tmp:
        templates, config, done = tmp / "templates", tmp / "briefs.yml", tmp / "done.json"
        if not done.exists():
            shutil.rmtree(tmp, ignore_errors=True)  # what a failed attempt left
            templates.mkdir(parents=True)
            nb = nbformat.read(NOTEBOOKS / "units.ipynb", as_version=4)
            at = next(i + 1 for i, c in enumerate(nb.cells) if "write_unit_results" in c.source)
            nb.cells.insert(at, nbformat.v4.new_code_cell(
                'if "430304" in codes:\n    open(f"{out_dir}/430304.json", "w", encoding="utf-8").write("{}")'))
            nbformat.write(nb, templates / "units.ipynb")
            config.write_text(yaml.safe_dump({"briefs": [{"months": ["2017-12"], "units": list(BATCH_UNITS),
                                                          "langs": ["zh"]}], "reports": "reports"}), encoding="utf-8")
            proc = subprocess.run([sys.executable, "-m", "reformlib", "briefs", "--config", str(config), "--quiet",
                                   "--scheduler", "local", "--workers", "2", "--notebook-dir", str(templates)],
                                  capture_output=True, text=True, cwd=ROOT, timeout=1200)  # a guard against a hang
            with head_start(None, unit=BATCH_UNITS[0], notebook_dir=templates) as kernel:  # as the command line runs it
                alone = run_brief("2017-12", "zh", BATCH_UNITS[0], reports=tmp / "alone", notebook_dir=templates,
                                  quiet=True, kernel=kernel)
            done.write_text(json.dumps({"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr,
                                        "args": proc.args, "alone_folder": str(alone.folder)}), encoding="utf-8")
        made = json.loads(done.read_text(encoding="utf-8"))
    proc = subprocess.CompletedProcess(made["args"], made["returncode"], made["stdout"], made["stderr"])
    return SimpleNamespace(reports=tmp / "reports", alone=tmp / "alone", alone_folder=Path(made["alone_folder"]),
                           templates=templates, config=config, proc=proc)

