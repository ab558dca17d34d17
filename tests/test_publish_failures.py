"""Every failure of a brief run ends in one sentence and the documented exit status
(2; 130 for Ctrl-C), never a traceback: bad timeouts, months with a line break, a
corrupt or empty data file, a read-only or full reports folder, Ctrl-C, a dying kernel
under --quiet; and two runs of the same brief never run at once."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from reformlib.briefs.run import run_brief, validate_params
from reformlib.briefs.store import brief_lock
from reformlib.data.paths import NOTEBOOKS, ROOT
from reformlib.errors import DataValidationError, ParameterError, RunError


def _cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reformlib", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout)


def _one_sentence(proc: subprocess.CompletedProcess, status: int = 2) -> str:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == status, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and lines and lines[0].startswith("reformlib: "), proc.stderr[-3000:]
    return proc.stderr


def _template(folder: Path, source: str) -> Path:
    """A copy of the brief template with one more cell right after the parameters cell, before
    the data are loaded: the run reaches it in seconds."""
    nb = nbformat.read(NOTEBOOKS / "brief.ipynb", as_version=4)
    at = next(i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at, nbformat.v4.new_code_cell(source))
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / "brief.ipynb")
    return folder


# ----------------------------------------------------------------- refused before running
@pytest.mark.parametrize("value", ["0", "-5"])
def test_a_timeout_that_is_not_positive_is_refused(tmp_path, value):
    err = _one_sentence(_cli("brief", "--month", "2017-06", "--timeout", value, "--reports", str(tmp_path)))
    assert f"timeout must be a positive number of seconds, got {value}" in err
    assert not any(tmp_path.iterdir())


def test_a_month_with_a_line_break_is_refused(tmp_path, demo_copy):
    with pytest.raises(ParameterError, match="YYYY-MM"):
        validate_params("2017-12\n", data=demo_copy)
    obs = pd.read_parquet(demo_copy / "observations.parquet")
    obs = obs.assign(period=obs["period"].astype(str).where(obs["period"].astype(str) != "2017-12", "2017-12\n"))
    obs.to_parquet(demo_copy / "observations.parquet")
    with pytest.raises(DataValidationError, match=r"observations.parquet.*\n.*'2017-12\\n'"):
        validate_params(data=demo_copy)
    err = _one_sentence(_cli("brief", "--data", str(demo_copy), "--reports", str(tmp_path / "reports")))
    assert "observations.parquet" in err and not (tmp_path / "reports").exists()


@pytest.mark.parametrize("damage", ["truncated", "empty"])
def test_a_damaged_data_file_names_the_file(tmp_path, demo_copy, damage):
    path = demo_copy / "observations.parquet"
    path.write_bytes(path.read_bytes()[: 200 if damage == "truncated" else 0])
    err = _one_sentence(_cli("brief", "--month", "2017-06", "--data", str(demo_copy), "--reports", str(tmp_path / "r")))
    assert str(path) in err and len(err.splitlines()) <= 3 and not (tmp_path / "r").exists(), err
    config = tmp_path / "briefs.yml"
    config.write_text(f"briefs: [{{months: latest_complete, units: [city], langs: [zh]}}]\ndata: {demo_copy}\n",
                      encoding="utf-8")
    err = _one_sentence(_cli("briefs", "--config", str(config), "--quiet"))
    assert str(path) in err


# ------------------------------------------------------------------ a folder that refuses
@contextlib.contextmanager
def _tmpfs(where: Path, options: str):
    """A small tmpfs at ``where`` (root only), unmounted afterwards."""
    where.mkdir(parents=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_read_only_reports_folder_is_one_sentence(tmp_path, demo):
    reports = tmp_path / "reports"
    if os.geteuid() == 0:
        ctx = _tmpfs(reports, "size=1m,ro")
    else:
        reports.mkdir()
        reports.chmod(0o555)
        ctx = contextlib.nullcontext(reports)
    with ctx:
        err = _one_sentence(_cli("brief", "--month", "2017-06", "--reports", str(reports)))
        assert "cannot create" in err and ("Read-only" in err or "Permission denied" in err), err
        config = tmp_path / "briefs.yml"
        config.write_text(f"briefs: [{{months: [\"2017-06\"], units: [city], langs: [zh]}}]\nreports: {reports}\n",
                          encoding="utf-8")
        err = _one_sentence(_cli("briefs", "--config", str(config), "--quiet"))
        assert "cannot create" in err


@pytest.mark.slow
def test_a_full_disk_ends_in_one_sentence_and_keeps_the_run(tmp_path, demo):
    templates = _template(tmp_path / "templates", "open('fill.bin', 'wb').write(b'0' * 50_000_000)")
    with _tmpfs(tmp_path / "reports", "size=3m") as reports:
        err = _one_sentence(_cli("brief", "--month", "2017-03", "--quiet", "--reports", str(reports),
                                 "--notebook-dir", str(templates)))
        assert "No space left on device" in err and len(err.strip().splitlines()) == 1, err
        failed = list((reports / "2017-03" / "failed").iterdir())
        assert len(failed) == 1 and not (reports / "2017-03" / "current").exists()


# ------------------------------------------------------------------------ while running
def _wait_for_cell(folder: Path, text: str, proc: subprocess.Popen) -> None:
    """Until the staged notebook of ``folder`` shows the cell holding ``text`` running."""
    while proc.poll() is None:
        for path in folder.glob("staging/*/notebooks/brief.ipynb"):
            with contextlib.suppress(ValueError, OSError):
                cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
                if any(c["metadata"].get("papermill", {}).get("status") == "running" and text in "".join(c["source"])
                       for c in cells):
                    return
        time.sleep(0.2)
    pytest.fail(f"the run ended first: {proc.stderr.read()[-2000:]}")


@pytest.mark.slow
def test_the_same_brief_never_runs_twice_at_once_and_ctrl_c_ends_a_run_in_one_sentence(tmp_path, demo):
    """A run holds its brief's lock from start to end: a second run of the same month is
    refused with a sentence and touches nothing. Ctrl-C then ends the first run in one
    sentence, keeps it aside as interrupted (its traceback in the log, not on the screen)
    and frees the lock. (A kernel that dies is tested in tests/test_brief_failures.py.)"""
    templates = _template(tmp_path / "templates", "import time\ntime.sleep(600)")
    reports = tmp_path / "reports"
    first = subprocess.Popen([sys.executable, "-m", "reformlib", "brief", "--month", "2017-03", "--quiet", "--reports",
                              str(reports), "--notebook-dir", str(templates)], cwd=ROOT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                             # as from a terminal: Ctrl-C ends the run even where this test's own
                             # process was started with SIGINT ignored (a background job)
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    folder = reports / "2017-03"
    _wait_for_cell(folder, "time.sleep(600)", first)
    staged = list((folder / "staging").iterdir())
    with pytest.raises(RunError, match="brief 2017-03 \\(zh\\) is being run by another process"):
        run_brief("2017-03", "zh", reports=reports, notebook_dir=templates, quiet=True)
    assert list((folder / "staging").iterdir()) == staged and not (folder / "failed").exists()
    os.killpg(first.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    _, err = first.communicate(timeout=1800)
    err = _one_sentence(subprocess.CompletedProcess(first.args, first.returncode, "", err), status=130)
    assert "interrupted by Ctrl-C" in err and len(err.strip().splitlines()) == 1, err
    kept = next((folder / "failed").iterdir())
    assert json.loads((kept / "manifest.json").read_text(encoding="utf-8"))["status"] == "interrupted"
    assert "KeyboardInterrupt" in (kept / "run.log").read_text(encoding="utf-8")  # the traceback went to the log
    assert not (folder / "current").exists() and not any((folder / "staging").iterdir())
    with brief_lock(folder):  # free again: the next run may start
        pass
