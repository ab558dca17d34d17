"""Results every brief of a month shares, computed once per process (publication step: loaded
data -> the brief's sections).

The briefs of one month (the city's and each unit's) run one after another in one kernel
when they are published as a batch (:mod:`reformlib.briefs.batch`). Their city-wide
computations give identical results: the evaluation of the month with its rank uncertainty,
and the month before for the changes section. :func:`memoised` keeps such a result in the
process's memory under a key made from the month and every other argument, the bytes of the
model specification's files, and each input frame hashed by value
(:func:`reformlib.tasks.cache.key`: ``pandas.util.hash_pandas_object`` of every column, plus
names, types and length; nothing is written out as text). A second brief with the same data
gets a deep copy of the first one's result, so that nothing one brief changes reaches the
next; changed data, settings or specification give another key. Arguments that cannot be
hashed that way (a :class:`~reformlib.model.spec.Spec` object) bypass the memory.
"""
from __future__ import annotations

import copy
import functools
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from reformlib.data.paths import MODEL_SPEC
from reformlib.tasks import cache

__all__ = ["clear", "memoised", "stats"]

_RESULTS: OrderedDict[str, Any] = OrderedDict()
_SIZE = 16
_COUNTS = {"hits": 0, "misses": 0}


def _spec_files() -> tuple[str, ...]:
    return tuple(str(p) for p in sorted(Path(MODEL_SPEC).rglob("*")) if p.is_file())


def _part(value: object) -> object:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k!r}: {_part(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) + "}"
    return value


def memoised(tables: tuple[str, ...]) -> Callable:
    """Decorate ``f(data, month, **settings)``: a result is kept per month, settings, model
    specification files and the frames ``data[t]`` for ``t`` in ``tables``; the caller gets
    a deep copy. A setting holding anything but text, numbers, None or mappings of them
    (a spec object, a frame) computes without the memory."""

    def wrap(func: Callable) -> Callable:
        @functools.wraps(func)
        def inner(data: Mapping[str, pd.DataFrame], month: Any, **settings: Any) -> Any:
            plain = all(v is None or isinstance(v, str | int | float | bool | Mapping) for v in settings.values())
            if not plain or any(t not in data for t in tables):
                return func(data, month, **settings)
            parts = [f"{type(month).__name__}:{month}", *(f"{k}={_part(v)}" for k, v in sorted(settings.items())), *(data[t] for t in tables)]
            name = cache.key(f"{func.__module__}.{func.__qualname__}", *parts, sources=_spec_files())
            if name in _RESULTS:
                _RESULTS.move_to_end(name)
                _COUNTS["hits"] += 1
                return copy.deepcopy(_RESULTS[name])
            _COUNTS["misses"] += 1
            value = func(data, month, **settings)
            _RESULTS[name] = copy.deepcopy(value)
            while len(_RESULTS) > _SIZE:
                _RESULTS.popitem(last=False)
            return value

        return inner

    return wrap


def stats() -> dict[str, int]:
    """How many calls were served from memory (``hits``) and computed (``misses``) so far."""
    return dict(_COUNTS)


def clear() -> None:
    """Forget every kept result (the counts stay)."""
    _RESULTS.clear()
