"""The architecture's rules hold, and the checks that hold them catch a breach.

``make lint`` runs import-linter (the layers in pyproject.toml) and
``scripts/check_architecture.py`` (declared imports, cycles, private names, run-time
imports). These tests run both on the real package, then on a copy of it with one
deliberate breach each, to show the checks can fail.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _load_checker(root: Path):
    spec = importlib.util.spec_from_file_location("check_architecture", ROOT / "scripts" / "check_architecture.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.ROOT, mod.PACKAGE, mod.FACADE = root, root / "reformlib", root / "reformlib" / "__init__.py"
    return mod


@pytest.fixture
def copy(tmp_path):
    shutil.copytree(ROOT / "reformlib", tmp_path / "reformlib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _append(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("from __future__ import annotations\n")
    path.write_text(head + sep + line + "\n" + rest, encoding="utf-8")


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=600)


def test_the_import_contracts_hold():
    proc = _lint_imports(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def test_the_architecture_rules_hold():
    checker = _load_checker(ROOT)
    assert checker.layer_problems() == []
    assert checker.private_problems() == []
    assert checker.importlib_problems() == []
    assert checker.cycle_problems() == []


def test_import_linter_catches_the_model_importing_report(copy):
    _append(copy / "reformlib" / "model" / "kpi.py", "from reformlib.report import page  # noqa")
    proc = _lint_imports(copy)
    assert proc.returncode != 0 and "reformlib.model.kpi -> reformlib.report.page" in proc.stdout, proc.stdout


def test_the_checker_catches_each_kind_of_breach(copy):
    _append(copy / "reformlib" / "tasks" / "ledger.py", "from reformlib.stats import trend")
    _append(copy / "reformlib" / "stats" / "did.py", "from reformlib.stats.trend import _ols_table")
    _append(copy / "reformlib" / "data" / "io.py", "import importlib\nimportlib.import_module('reformlib.data.paths')")
    _append(copy / "reformlib" / "data" / "paths.py", "from reformlib.data import periods")
    _append(copy / "reformlib" / "data" / "periods.py", "from reformlib.data import paths")
    (copy / "reformlib" / "synth" / "__init__.py").write_text('"""No declaration."""\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    proc = subprocess.run([sys.executable, str(copy / "scripts" / "check_architecture.py")], env=env,
                          capture_output=True, text=True, timeout=600)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "reformlib/tasks/ledger.py" in out and "imports reformlib.stats" in out
    assert "reformlib/synth/__init__.py: opening docstring has no 'May import:'" in out
    assert "reformlib/stats/did.py" in out and "_ols_table" in out
    assert "reformlib/data/io.py" in out and "finds a module at run time" in out
    assert "import cycle: reformlib.data.paths -> reformlib.data.periods" in out, out
