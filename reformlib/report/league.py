"""A league table too long to print (publication step: the evaluation's scores -> the rows a
unit's page and memo show).

At the demonstration's scale a brief lists every evaluated unit. A unit's brief in a province
or the whole country would print thousands of rows on every unit's page and memo; the reader
of one unit's brief needs where that unit stands among its peers. :func:`excerpt` keeps, for a
unit's brief whose league is longer than :data:`LIMIT`, the unit's peer group only: its first
and last :data:`ENDS` units and the :data:`AROUND` units either side of the unit, a gap marked
where rows are left out; :func:`excerpt_note` says so in the reader's language. The workbook
keeps the whole table.

May import: :mod:`reformlib.i18n` (as :mod:`reformlib.report`).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reformlib.i18n import PEERS_TEXT
from reformlib.report.numbers import number

__all__ = ["AROUND", "ENDS", "LIMIT", "excerpt", "excerpt_note"]

#: A league of up to this many units is printed whole.
LIMIT = 30
#: Units kept at each end of a longer peer group.
ENDS = 5
#: Units kept on either side of the brief's own unit.
AROUND = 5


def excerpt(scores: Sequence[Mapping[str, Any]], unit: str | None) -> tuple[list[Mapping[str, Any] | None], int]:
    """``scores`` (score records, best first) as a brief prints them, with the size of the
    league they come from: every record when there are at most :data:`LIMIT`, or for the
    city's brief (``unit`` None or not among them); otherwise the records of ``unit``'s peer
    group by their rank in it, keeping the first and last :data:`ENDS` and the :data:`AROUND`
    either side of ``unit``, each run of left-out records replaced by one ``None``."""
    rows = list(scores)
    own = next((s for s in rows if s.get("unit") == unit), None) if unit else None
    if len(rows) <= LIMIT or own is None:
        return rows, len(rows)
    group = own.get("peer_group")
    members = [s for s in rows if s.get("peer_group") == group] if group is not None else rows
    if group is not None and all(s.get("peer_rank") is not None for s in members):
        members = sorted(members, key=lambda s: (s["peer_rank"], s.get("unit", "")))
    at = next(i for i, s in enumerate(members) if s.get("unit") == unit)
    keep = set(range(ENDS)) | set(range(len(members) - ENDS, len(members))) | set(range(at - AROUND, at + AROUND + 1))
    out: list[Mapping[str, Any] | None] = []
    for i, record in enumerate(members):
        if i in keep:
            out.append(record)
        elif out and out[-1] is not None:
            out.append(None)
    return out, len(members)


def excerpt_note(rows: Sequence[Mapping[str, Any] | None], size: int, *, lang: str) -> str:
    """The sentence under an excerpt (:func:`excerpt`): how many units the peer group holds
    and which are listed; "" when every row is printed."""
    if None not in rows and len(rows) == size:
        return ""
    return PEERS_TEXT[lang]["excerpt"].format(n=number(size), ends=ENDS, around=AROUND)
