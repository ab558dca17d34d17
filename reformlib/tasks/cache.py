"""Task ledger step 2, early warning: results that take seconds to compute (the held-out check
of :func:`reformlib.tasks.warning.month_check`), kept in memory and in small files so that a
month's check is made once and reused by every brief of that month.

A result is found only by a key that hashes every input it was made from: the frames
(column names, types and every value), the settings, the source of the modules that compute
it and the versions of the libraries they call. Changed data or code give another key, so an
old result is never served for them. Files are JSON (nothing is executed on reading), written
whole under a temporary name and renamed into place, so briefs running at the same time never
read half a file; a file that cannot be read is computed again. The folder is
``$REFORMLIB_CACHE``, else ``reformlib-cache-<user id>`` in the system's temporary folder; when
it cannot be written the result is kept in memory only.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import OrderedDict
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["CACHE_ENV", "cache_folder", "forget", "key", "load", "store"]

#: Environment variable naming the cache folder.
CACHE_ENV = "REFORMLIB_CACHE"
_MEMORY: OrderedDict[str, dict] = OrderedDict()
_MEMORY_SIZE = 32


def cache_folder() -> Path:
    """``$REFORMLIB_CACHE``, else ``reformlib-cache-<uid>`` in the temporary folder."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"reformlib-cache-{uid}"


def _frame_digest(h, frame: pd.DataFrame) -> None:
    h.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    h.update(str(len(frame)).encode())
    if len(frame.columns):
        h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())


def key(kind: str, *parts: Any, sources: tuple[str, ...] = (), packages: tuple[str, ...] = ()) -> str:
    """A hex key for ``kind`` from ``parts`` (frames hashed by value, None, or anything with a
    stable ``str``), the bytes of the ``sources`` files and the versions of ``packages``."""
    h = hashlib.sha256(kind.encode())
    for part in parts:
        h.update(b"\x00")
        if isinstance(part, pd.DataFrame):
            _frame_digest(h, part)
        else:
            h.update(repr(type(part).__name__).encode() + str(part).encode())
    for path in sources:
        h.update(Path(path).read_bytes())
    for name in packages:
        h.update(f"{name}={metadata.version(name)}".encode())
    return f"{kind}-{h.hexdigest()[:40]}"


def load(name: str) -> dict | None:
    """The result stored under ``name`` (a :func:`key`), from memory or its file; None if absent."""
    if name in _MEMORY:
        _MEMORY.move_to_end(name)
        return _MEMORY[name]
    try:
        value = json.loads((cache_folder() / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    _remember(name, value)
    return value


def store(name: str, value: dict) -> None:
    """Keep ``value`` (JSON-able) under ``name`` in memory and, if the folder can be written, in a file."""
    _remember(name, value)
    folder = cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(value, f)
            os.replace(tmp, folder / f"{name}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return


def _remember(name: str, value: dict) -> None:
    _MEMORY[name] = value
    _MEMORY.move_to_end(name)
    while len(_MEMORY) > _MEMORY_SIZE:
        _MEMORY.popitem(last=False)


def forget() -> None:
    """Empty the memory cache (files stay): the next :func:`load` reads the file."""
    _MEMORY.clear()
