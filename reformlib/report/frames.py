"""Checks and lookups shared by the display tables and figures (publication step).

May import: pandas and :mod:`reformlib.errors`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from reformlib.errors import SpecError

__all__ = ["lookup", "require_columns"]


def require_columns(frame: object, columns: Sequence[str], *, name: str) -> pd.DataFrame:
    """``frame`` if it is a DataFrame holding ``columns``; a TypeError, or a SpecError (a
    ``ValueError``) naming ``name`` and the missing columns, otherwise."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SpecError(f"{name} lacks column(s) {missing}; it has {list(map(str, frame.columns))}")
    return frame


def lookup(names: Mapping[str, str] | pd.Series | None) -> Callable[[object], object]:
    """A function giving a code's name from ``names`` (the code itself when unnamed, or when
    ``names`` is None)."""
    return (lambda v: v) if names is None else (lambda v: names.get(v, v))
