"""Shared argument checks of the evaluation model (all model steps).

Small helpers that turn a bad argument into an error naming the argument, the item and
the value, so that every step of the model reports problems the same way.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from reformlib.errors import SpecError

DirectionLike = Mapping[Hashable, int] | pd.Series | None


def numeric_frame(frame: pd.DataFrame, *, name: str = "frame") -> pd.DataFrame:
    """Return ``frame`` as floats; refuse anything but a DataFrame of numbers."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    if frame.columns.has_duplicates:
        dup = list(frame.columns[frame.columns.duplicated()])
        raise SpecError(f"{name} has duplicated indicator columns: {dup}")
    bad = [c for c, dtype in frame.dtypes.items() if not pd.api.types.is_numeric_dtype(dtype)]
    if bad:
        raise SpecError(f"{name} has non-numeric indicator columns: {bad}")
    return frame.astype(float)


def finite_frame(frame: pd.DataFrame, *, name: str = "frame", shown: int = 20) -> pd.DataFrame:
    """:func:`numeric_frame` that also refuses +inf / -inf; NaN (a missing value) passes.

    One SpecError names the argument, every column with an infinite value and the first
    ``shown`` cells by unit label, worded as the uncertainty analysis words them.
    """
    x = numeric_frame(frame, name=name)
    rows, cols = np.nonzero(np.isinf(x.to_numpy()))
    if len(rows) == 0:
        return x
    columns = list(x.columns[np.unique(cols)])
    cells = [f"unit {x.index[i]!r}, column {x.columns[j]!r}: infinite value (value {float(x.iat[i, j])!r})"
             for i, j in zip(rows[:shown], cols[:shown])]
    more = f"; ... and {len(rows) - shown} more" if len(rows) > shown else ""
    raise SpecError(f"{name} has {len(rows)} infinite value(s) in columns {columns} "
                    f"(use NaN for a missing value): " + "; ".join(cells) + more)


def lookup(registry: Mapping[str, Callable[..., Any]], method: str, *, arg: str = "method"):
    """Return ``registry[method]`` or raise a SpecError listing the known names."""
    try:
        return registry[method]
    except (KeyError, TypeError):
        raise SpecError(f"unknown {arg} {method!r}; choose one of {sorted(registry)}") from None


def directions(direction: DirectionLike, columns: pd.Index) -> pd.Series:
    """Direction of every column as +1 / -1 (missing entries default to +1)."""
    out = pd.Series(1, index=columns, dtype=int)
    if direction is None:
        return out
    given = pd.Series(direction) if not isinstance(direction, pd.Series) else direction
    unknown = [k for k in given.index if k not in columns]
    if unknown:
        raise SpecError(f"direction names unknown indicators: {unknown}")
    for key, val in given.items():
        if val not in (1, -1):
            raise SpecError(f"direction[{key!r}] must be +1 or -1, got {val!r}")
    given = {key: int(val) for key, val in given.items()}  # the last entry of a repeated key counts
    return pd.Series([given.get(c, 1) for c in columns], index=columns, dtype=int)


def weight_series(weights: Any, columns: pd.Index, *, name: str = "weights") -> pd.Series:
    """Weights aligned to ``columns``: every column needs a finite weight >= 0, sum > 0.

    A sequence is taken in column order; a mapping or Series must name every column.
    """
    if isinstance(weights, Mapping | pd.Series):
        w = pd.Series(weights, dtype=float)
        missing = [c for c in columns if c not in w.index]
        extra = [k for k in w.index if k not in columns]
        if missing or extra:
            raise SpecError(f"{name} do not match the indicators: missing {missing}, unknown {extra}")
        w = w.reindex(columns)
    else:
        arr = np.asarray(weights, dtype=float).ravel()
        if arr.size != len(columns):
            raise SpecError(f"{name} has {arr.size} values for {len(columns)} indicators")
        w = pd.Series(arr, index=columns)
    bad = w[~np.isfinite(w) | (w < 0)]
    if len(bad):
        raise SpecError(f"{name} must be finite and >= 0; bad: {bad.to_dict()}")
    if w.sum() <= 0:
        raise SpecError(f"{name} sum to zero")
    return w


def require_columns(frame: pd.DataFrame, keys, *, name: str) -> None:
    """Raise a SpecError when ``keys`` name columns that ``frame`` does not have."""
    unknown = [k for k in keys if k not in frame.columns]
    if unknown:
        raise SpecError(f"{name} names unknown indicators: {unknown}")


def hierarchy_table(hierarchy: pd.DataFrame) -> pd.DataFrame:
    """Validate a hierarchy of (code, parent, level[, weight]) rows and return a clean copy.

    Roots have an empty parent. Every parent must be a code one or more levels up, codes
    are unique and weights (default 1) are finite and >= 0. Every problem is listed at once.
    """
    if not isinstance(hierarchy, pd.DataFrame):
        raise TypeError(f"hierarchy must be a DataFrame, got {type(hierarchy).__name__}")
    missing = [c for c in ("code", "parent", "level") if c not in hierarchy.columns]
    if missing:
        raise SpecError(f"hierarchy lacks columns {missing}")
    h = hierarchy.loc[:, [c for c in ("code", "parent", "level", "weight") if c in hierarchy.columns]].copy()
    if "weight" not in h.columns:
        h["weight"] = 1.0
    h["parent"] = h["parent"].where(h["parent"].notna() & (h["parent"].astype(str) != ""), None)
    problems: list[str] = []
    dup = h.loc[h["code"].duplicated(), "code"].tolist()
    if dup:
        problems.append(f"duplicated codes {dup}")
    level = dict(zip(h["code"], h["level"]))
    for code, parent, lvl, weight in zip(h["code"], h["parent"], h["level"], h["weight"]):
        if parent is None:
            continue
        if parent not in level:
            problems.append(f"code {code!r}: parent {parent!r} is not a code")
        elif not level[parent] > lvl:
            problems.append(f"code {code!r}: parent {parent!r} is not at a higher level")
        if not (np.isfinite(weight) and weight >= 0):
            problems.append(f"code {code!r}: weight {weight!r} must be finite and >= 0")
    if problems:
        raise SpecError("inconsistent hierarchy: " + "; ".join(problems))
    return h.reset_index(drop=True)


def leaves(h: pd.DataFrame) -> list:
    """Codes that are nobody's parent (the indicators), in table order."""
    parents = set(h["parent"].dropna())
    return [c for c in h["code"] if c not in parents]
