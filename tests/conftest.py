"""Shared fixtures: the demonstration data set (built once per session if missing) and the
December 2017 city brief, published once for the whole run and read by every test of a
published brief."""
from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

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

