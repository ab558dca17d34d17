"""Where a brief's runs live, and the one atomic step that publishes one (publication step).

Each brief (one month, unit and language: :func:`reformlib.briefs.run.brief_folder`) has
a folder laid out as::

    <brief folder>/
        current -> versions/<run-id>   the published brief: readers open current/brief.html
        versions/<run-id>/             complete briefs: the published one and the one it replaced
        staging/<run-id>/              the run in progress
        failed/<run-id>/               failed and interrupted runs, with error.txt (kept until removed by hand)
        trash/                         older versions being deleted
        .lock                          the run's lock (flock), held for the whole run

A run builds its whole brief in ``staging/<run-id>/``; :func:`promote` renames that folder
to ``versions/<run-id>/`` and then replaces the symbolic link ``current`` by a new one
(``os.replace`` of a link made beside it: one atomic step), so a reader or a scheduler
sees the old brief or the new one, never a mix, whatever instant a kill lands. Then
:func:`prune` keeps the published version and the newest one older than it (to go back
to by hand) and deletes the others, after moving them to ``trash/``.

One advisory lock per brief (:func:`brief_lock`, ``flock`` on ``.lock``), taken by single
runs and batches alike and held by the kernel for as long as the run's process lives:
whoever holds it knows that every staging folder left behind belongs to a run that died,
and :func:`recover` moves those to ``failed/``; no process id is consulted.

May import: the standard library and :mod:`reformlib.errors`.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from reformlib.errors import RunError

__all__ = ["CURRENT", "LOCK", "brief_lock", "current_version", "new_staging", "promote", "prune", "recover"]

CURRENT = "current"
LOCK = ".lock"
#: Versions kept: the published one and the newest one older than it.
KEEP_OLDER = 1


class BriefLock:
    """A held lock on one brief's folder (see :func:`brief_lock`)."""

    def __init__(self, folder: Path, handle) -> None:
        self.folder = folder
        self._handle = handle


@contextlib.contextmanager
def brief_lock(folder: Path, *, wait: bool = False, name: str = "this brief") -> Iterator[BriefLock]:
    """Hold the brief's lock for the block; the kernel releases it when the process ends,
    however it ends. Busy: wait for it (``wait``) or raise :class:`RunError`."""
    path = folder / LOCK
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+b")  # noqa: SIM115 - held open for the whole block
    except OSError as exc:
        raise RunError(f"cannot create the lock {path}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise RunError(f"{name} is being run by another process (it holds {path}); "
                           "try again when that run ends, or pass --wait") from None
        yield BriefLock(folder, handle)
    finally:
        handle.close()


def _held(lock: BriefLock, folder: Path) -> None:
    if not isinstance(lock, BriefLock) or lock._handle.closed or lock.folder != folder:
        raise RunError(f"the lock of {folder} must be held for this step")


def new_staging(lock: BriefLock, run_id: str) -> Path:
    """A new, empty staging folder of the run ``run_id`` (with ``notebooks/`` and ``figures/``)."""
    _held(lock, lock.folder)
    staging = lock.folder / "staging" / run_id
    (staging / "notebooks").mkdir(parents=True)
    (staging / "figures").mkdir()
    return staging


def current_version(folder: Path) -> Path | None:
    """The version folder ``current`` points to, or None when nothing is published."""
    link = folder / CURRENT
    if not link.is_symlink():
        return None
    target = folder / os.readlink(link)
    return target if target.is_dir() else None


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def promote(lock: BriefLock, staging: Path) -> Path:
    """Publish a complete staged brief: rename it into ``versions/`` and point ``current``
    at it in one atomic step; then prune old versions. Returns the version folder."""
    folder = lock.folder
    _held(lock, folder)
    version = folder / "versions" / staging.name
    version.parent.mkdir(exist_ok=True)
    staging.rename(version)
    link = folder / f".{CURRENT}-{staging.name}"
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    os.symlink(f"versions/{staging.name}", link)
    os.replace(link, folder / CURRENT)
    _fsync_dir(folder)
    prune(lock)
    return version


def prune(lock: BriefLock) -> list[str]:
    """Keep the published version and the newest :data:`KEEP_OLDER` older than it; move
    every other version to ``trash/`` (one rename each) and empty ``trash/``. Returns the
    run ids removed."""
    folder = lock.folder
    _held(lock, folder)
    versions = folder / "versions"
    current = current_version(folder)
    removed = []
    if versions.is_dir():
        names = sorted(p.name for p in versions.iterdir() if p.is_dir())
        keep = set()
        if current is not None:
            keep = {current.name, *[n for n in names if n < current.name][-KEEP_OLDER:]}
        trash = folder / "trash"
        for name in names:
            if name not in keep:
                trash.mkdir(exist_ok=True)
                (versions / name).rename(trash / name)
                removed.append(name)
    if (folder / "trash").is_dir():
        for item in (folder / "trash").iterdir():
            shutil.rmtree(item, ignore_errors=True)
    return removed


def _mark_interrupted(run: Path, message: str) -> None:
    with contextlib.suppress(OSError):
        (run / "error.txt").write_text(message + "\n", encoding="utf-8")
    manifest = run / "manifest.json"
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        data.update(status="interrupted", error=message)
        manifest.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def recover(lock: BriefLock) -> list[Path]:
    """Clean up after runs that died (the lock is held, so no other run is alive): move
    each staging folder to ``failed/`` with ``error.txt`` and its manifest marked
    ``interrupted``, remove half-made links, prune versions. Returns the folders moved."""
    folder = lock.folder
    _held(lock, folder)
    moved = []
    staging_root = folder / "staging"
    for staging in sorted(staging_root.iterdir()) if staging_root.is_dir() else []:
        _mark_interrupted(staging, f"run {staging.name} was interrupted before publishing "
                                   "(its process ended without finishing; found by the next run)")
        failed = folder / "failed" / staging.name
        failed.parent.mkdir(exist_ok=True)
        staging.rename(failed)
        moved.append(failed)
    for link in folder.glob(f".{CURRENT}-*"):
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
    prune(lock)
    return moved
