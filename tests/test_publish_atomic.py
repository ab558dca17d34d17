"""Publishing a brief is one atomic step: a process killed at any line of the publish
step leaves the old brief or the new one, whole (every file hashed), and the next run
cleans up; the brief's lock, not a process id, decides which runs are dead."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reformlib.briefs import store
from reformlib.briefs.publish import recover_interrupted
from reformlib.data.paths import ROOT
from reformlib.errors import RunError

FILES = ("brief.html", "memo.docx", "tables.xlsx", "results.json", "manifest.json", "run.log",
         "figures/task_progress.png", "figures/family_debt.png", "notebooks/brief.ipynb")


def _write_run(folder: Path, tag: str) -> None:
    for name in FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"{tag}: {name}\n" * 50, encoding="utf-8")


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _prepare(folder: Path) -> None:
    """Two published versions (old0, then old1 current) and the new run staged."""
    for run in ("20170101T000000000-old0", "20170201T000000000-old1"):
        with store.brief_lock(folder) as lock:
            staging = store.new_staging(lock, run)
            _write_run(staging, run)
            store.promote(lock, staging)
    with store.brief_lock(folder) as lock:
        _write_run(store.new_staging(lock, NEW), NEW)


NEW = "20170301T000000000-new"
#: Publishes the staged run; with a number N, kills itself (SIGKILL) before the N-th line
#: executed in reformlib/briefs/store.py (or, with "all", in any Python file).
CHILD = """
import os, signal, sys
from pathlib import Path
from reformlib.briefs import store
folder, n, scope = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
count = 0
def tracer(frame, event, arg):
    global count
    if event == "line" and (scope == "all" or frame.f_code.co_filename == store.__file__):
        count += 1
        if count == n:
            os.kill(os.getpid(), signal.SIGKILL)
    return tracer
with store.brief_lock(folder) as lock:
    sys.settrace(tracer)
    store.promote(lock, folder / "staging" / sys.argv[4])
    sys.settrace(None)
print(count)
"""


def _child(folder: Path, n: int, scope: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, str(folder), str(n), scope, NEW], capture_output=True, text=True,
                          cwd=ROOT, timeout=1800)


@pytest.fixture(scope="module")
def expected(tmp_path_factory) -> dict:
    """The files of the old and the new brief, and how many lines the publish step runs."""
    folder = tmp_path_factory.mktemp("expected") / "2017-03"
    _prepare(folder)
    old = _hashes(folder / "current")
    lines = {}
    for scope in ("store", "all"):
        trial = tmp_path_factory.mktemp(scope) / "2017-03"
        _prepare(trial)
        done = _child(trial, 0, scope)
        assert done.returncode == 0, done.stderr
        lines[scope] = int(done.stdout)
        new = _hashes(trial / "current")
    assert old != new and old and new
    return {"old": old, "new": new, "lines": lines}


def _check_whole(folder: Path, expected: dict) -> str:
    now = _hashes(folder / "current")
    assert now in (expected["old"], expected["new"]), sorted(now)
    return "new" if now == expected["new"] else "old"


def test_a_kill_at_any_line_of_the_publish_step_leaves_one_whole_brief(tmp_path, expected):
    n = expected["lines"]["store"]
    assert n > 10
    every_store_line = range(1, n + 1)
    library_lines = sorted({int(expected["lines"]["all"] * k / 12) for k in range(1, 12)})  # inside pathlib, os, shutil
    seen = set()
    for scope, points in (("store", every_store_line), ("all", library_lines)):
        for k in points:
            folder = tmp_path / f"{scope}-{k}" / "2017-03"
            _prepare(folder)
            proc = _child(folder, k, scope)
            assert proc.returncode == -9, (scope, k, proc.stderr)  # it was killed inside the step
            seen.add(_check_whole(folder, expected))
            # the next run (lock held, so the dead one is known dead) cleans up and changes nothing
            recover_interrupted(folder)
            _check_whole(folder, expected)
            assert not list(folder.glob(".current-*")) and not any((folder / "staging").iterdir())
            assert not (folder / "trash").exists() or not any((folder / "trash").iterdir())
            versions = sorted(p.name for p in (folder / "versions").iterdir())
            assert os.readlink(folder / "current") == f"versions/{store.current_version(folder).name}"
            assert len(versions) <= 2 and store.current_version(folder).name in versions
    assert seen == {"old", "new"}  # kills landed before and after the switch


def test_pruning_keeps_the_published_version_and_the_one_before(tmp_path):
    folder = tmp_path / "2017-03"
    runs = [f"2017010{i}T000000000-r{i}" for i in range(1, 5)]
    for run in runs:
        with store.brief_lock(folder) as lock:
            staging = store.new_staging(lock, run)
            _write_run(staging, run)
            store.promote(lock, staging)
    assert sorted(p.name for p in (folder / "versions").iterdir()) == runs[-2:]
    assert store.current_version(folder).name == runs[-1]
    assert (folder / "current" / "brief.html").read_text(encoding="utf-8").startswith(runs[-1])


def test_recovery_is_decided_by_the_lock_not_by_a_process_id(tmp_path):
    folder = tmp_path / "2017-03"
    with store.brief_lock(folder) as lock:
        staging = store.new_staging(lock, "20170101T000000000-dead")
    (staging / ".pid").write_text(str(os.getpid()), encoding="utf-8")  # a live process id, reused
    (staging / "manifest.json").write_text('{"status": "published"}', encoding="utf-8")
    moved = recover_interrupted(folder)
    assert moved == [folder / "failed" / "20170101T000000000-dead"]
    assert "interrupted" in (moved[0] / "error.txt").read_text(encoding="utf-8")
    assert '"status": "interrupted"' in (moved[0] / "manifest.json").read_text(encoding="utf-8")
    # while a run holds the lock, its staging folder is never touched
    with store.brief_lock(folder) as lock:
        live = store.new_staging(lock, "20170102T000000000-live")
        with pytest.raises(RunError, match="is being run by another process"):
            recover_interrupted(folder)
        assert live.is_dir()
