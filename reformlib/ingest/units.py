"""Which unit a submission names: a code (``430302``, ``430302.0``, the integer 430302,
``xtjk``), a Chinese name (``雨湖区``), a short name without its 区/县/市 (``雨湖``), an English
name, or an alias from the explicit table ``data/reference/unit_aliases.csv`` (formal and old
names; the catalogue folder may hold its own ``unit_aliases.csv`` too). A name that fits two
units (``湘潭``: 湘潭市 or 湘潭县?) is refused, never guessed.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from reformlib.data.paths import REFERENCE
from reformlib.data.textfile import read_csv_records, records_frame
from reformlib.ingest.values import ValueRefused, normalise_text

__all__ = ["UnitNames", "load_aliases"]

_SUFFIXES = ("区", "县", "市", "局", "委", "办")


def load_aliases(*folders: Path) -> pd.DataFrame:
    """The alias table(s): ``alias`` -> ``unit``, from the reference folder and any folder given."""
    frames = []
    for folder in (REFERENCE, *folders):
        path = Path(folder) / "unit_aliases.csv"
        if path.exists():
            frames.append(records_frame(read_csv_records(path), path)[["alias", "unit"]])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["alias", "unit"])


class UnitNames:
    """Resolve what a file writes for a unit to its code."""

    def __init__(self, units: pd.DataFrame, aliases: pd.DataFrame | None = None):
        self.codes = set(units["unit"])
        names: dict[str, set[str]] = {}

        def add(name: object, code: str) -> None:
            if isinstance(name, str) and name.strip():
                names.setdefault(self._key(name), set()).add(code)

        for r in units.itertuples(index=False):
            add(r.name_zh, r.unit)
            add(r.name_en, r.unit)
            stem = r.name_zh.rstrip("".join(_SUFFIXES)) if isinstance(r.name_zh, str) else ""
            if len(stem) >= 2:
                add(stem, r.unit)
        if aliases is not None:
            for r in aliases.itertuples(index=False):
                if r.unit in self.codes:
                    add(r.alias, r.unit)
        self.names = names
        self._memo: dict[tuple[type, object], str] = {}

    @staticmethod
    def _key(name: str) -> str:
        return re.sub(r"\s+", "", normalise_text(name)).lower()

    def resolve(self, raw: object) -> str:
        """The unit code; :class:`ValueRefused` for an unknown or ambiguous name."""
        key = (type(raw), raw) if isinstance(raw, (str, int, float)) else None
        if key is not None and key in self._memo:
            return self._memo[key]
        code = self._resolve(raw)
        if key is not None:
            self._memo[key] = code
        return code

    def _resolve(self, raw: object) -> str:
        if isinstance(raw, float) and raw.is_integer() and not math.isnan(raw):
            raw = int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str) or not raw.strip():
            raise ValueRefused("no unit named")
        text = normalise_text(raw)
        code = re.sub(r"\.0+$", "", text).lower()
        if code in self.codes:
            return code
        found = self.names.get(self._key(text), set())
        if len(found) > 1:
            raise ValueRefused(f"ambiguous unit name: it fits {', '.join(sorted(found))}; write the full name or the code")
        if not found:
            raise ValueRefused("unknown unit (not a code, name, short name or alias in the catalogue)")
        return next(iter(found))
