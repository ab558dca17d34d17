"""Atomic file writing for the brief's documents (publication step).

Every document of a brief is written to a temporary file in the destination folder and
moved into place with :func:`os.replace`, so a reader never sees half a file and a failed
write leaves the previous good file untouched (see PIPELINE.md, "papermill").
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success move it onto ``path``.

    On any exception the temporary file is removed and ``path`` is left as it was.
    The published file gets ordinary permissions (0666 minus the umask), not the 0600
    that :func:`tempfile.mkstemp` gives.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise FileNotFoundError(f"folder of {target} does not exist")
    fd, tmp_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp" + target.suffix
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
