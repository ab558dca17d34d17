"""Checks and lookups shared by the display tables and figures (publication step).

The frame check itself is :func:`reformlib.data.schemas.require_columns`, shared with the statistics.

May import: pandas and :mod:`reformlib.data`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from reformlib.data.schemas import require_columns

__all__ = ["lookup", "require_columns"]


def lookup(names: Mapping[str, str] | pd.Series | None) -> Callable[[object], object]:
    """A function giving a code's name from ``names`` (the code itself when unnamed, or when
    ``names`` is None)."""
    return (lambda v: v) if names is None else (lambda v: names.get(v, v))
