"""The environment files: pinned, and conda and pip agree."""
from __future__ import annotations

import re

import yaml

from reformlib.data.paths import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([0-9][^\s;]*)$")


def _pins(lines):
    out = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("-e"):
            continue
        m = PIN.match(line)
        assert m, f"not pinned with ==: {line!r}"
        out[m.group(1).lower()] = m.group(2)
    return out


def test_requirements_are_pinned_and_environment_yml_agrees():
    pip = _pins((ROOT / "requirements.txt").read_text().splitlines())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda = _pins(pip_section)
    assert conda == pip
    assert "-e ." in pip_section, "environment.yml must install reformlib itself"
    assert "python=3.11" in env["dependencies"]
    for needed in ("jupyterlab", "pandas", "seaborn", "statsmodels", "scikit-learn", "papermill"):
        assert needed in pip
