"""Shared fixtures: the demonstration data set (built once per session if missing)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from reformlib.data.paths import DEMO, ROOT

# Continuous integration replays the same examples every run (a red CI run can be rerun and
# reproduced); a developer's run draws new ones each time and so keeps looking for failures.
# The memo's PDF (LibreOffice, 5-10 s a brief) is made only where a test turns it on
# (tests/test_brief.py's published brief checks it); every other published brief records in its
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
