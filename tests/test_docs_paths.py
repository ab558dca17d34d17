"""The READMEs point at files that exist, and ``brief --help`` says that ``--data`` takes a
DuckDB store as well as a data folder."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from reformlib.synth import README as DEMO_README

ROOT = Path(__file__).resolve().parents[1]
PATH = re.compile(r"`((?:reformlib|scripts|bench|tests)/[\w/.-]+\.(?:py|conf|ipynb))`")


@pytest.mark.parametrize("text", [(ROOT / "README.md").read_text(encoding="utf-8"),
                                  (ROOT / "data" / "demo_synthetic" / "README.md").read_text(encoding="utf-8"),
                                  DEMO_README], ids=["README.md", "data/demo_synthetic/README.md", "synth.README"])
def test_every_source_path_named_exists(text):
    named = PATH.findall(text)
    assert named
    assert [p for p in named if not (ROOT / p).exists()] == []


def test_brief_help_says_data_takes_a_store():
    done = subprocess.run([sys.executable, "-m", "reformlib", "brief", "--help"], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    about = " ".join(re.search(r"(?ms)^\s+--data DATA\s+(.*?)^\s+--reports", done.stdout).group(1).split())
    assert "data folder" in about and "DuckDB store" in about and ".duckdb" in about
