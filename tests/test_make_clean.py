"""``make clean`` removes only build artefacts and caches, never the published briefs, the data
or the environment, and ``make help`` says what it removes; deleting the reports is a target of
its own that asks for CONFIRM=yes. Read with ``make -n`` (nothing is removed)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), *args],
                          capture_output=True, text=True, timeout=60, check=False)


def test_clean_keeps_reports_data_and_environment():
    done = _make("-n", "clean")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    removed = [t for line in lines if line.startswith("rm -rf ") for t in line.split()[2:]]
    searched = [t for line in lines if line.startswith("find ") for t in line.split()[1:]]  # its roots and tests
    assert {"build", ".pytest_cache", ".hypothesis"} <= set(removed)
    assert "__pycache__" in done.stdout and ".ipynb_checkpoints" in done.stdout
    for kept in ("reports", ".venv", "data", "."):
        assert kept not in removed and kept not in searched, kept


def test_help_says_what_each_clean_target_removes():
    lines = {m.group(1): m.group(2) for m in re.finditer(r"(?m)^\s+make (\S+)\s+(.*)$", _make("help").stdout)}
    assert {"clean", "clean-venv", "clean-reports"} <= set(lines)
    assert "__pycache__" in lines["clean"] and "keeps .venv, data, stores and reports/" in lines["clean"]
    assert "reports/" in lines["clean-reports"] and "CONFIRM=yes" in lines["clean-reports"]


def test_removing_the_reports_asks_for_confirmation():
    refused = _make("clean-reports")
    assert refused.returncode != 0 and "CONFIRM=yes" in refused.stderr
    assert "rm -rf reports" in _make("-n", "clean-reports", "CONFIRM=yes").stdout
