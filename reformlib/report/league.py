"""A league table too long to print (publication step: the evaluation's scores -> the rows a
unit's page and memo show).

At the demonstration's scale a brief lists every evaluated unit. A unit's brief in a province
or the whole country would print thousands of rows on every unit's page and memo; the reader
of one unit's brief needs where that unit stands among its peers. :func:`excerpt` keeps, for a
unit's brief whose league is longer than :data:`LIMIT`, the unit's peer group only: its first
and last :data:`ENDS` units and the :data:`AROUND` units either side of the unit, a gap marked
where rows are left out; :func:`excerpt_note` says so in the reader's language.

A unit's results carry only what its brief prints of a long league (:func:`cut`): the
excerpt's records, ``excerpt`` (their order with the gaps, and the peer group's size),
``league_size`` (the units ranked in the whole league, the base of every rank the brief
states) and ``league_ends`` (the league's best and worst score, which the memo names), not
every unit's score: at national scale 2,850 records, 5 MiB in each of 2,850 files. The whole
ranking is written once per month and language beside the month's unit briefs
(:func:`write_league`: ``<reports>/<month>/league.csv``, ``<reports>/<month>/en/league.csv``
in English; :data:`LEAGUE_FILE`), which the excerpt's note names. The readers
(:func:`shown`, :func:`league_size`, :func:`league_ends`) read a cut section and a whole one
alike, so a league of up to :data:`LIMIT` units (the city's parts in the demonstration) reads
as before.

May import: pandas, :mod:`reformlib.data` and :mod:`reformlib.i18n` (as :mod:`reformlib.report`).
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from reformlib.data.schemas import CITY
from reformlib.i18n import PEERS_TEXT
from reformlib.report.atomic import atomic_path
from reformlib.report.numbers import number

__all__ = ["AROUND", "ENDS", "LEAGUE_FILE", "LIMIT", "PEER_PLACES", "Cutter", "cut", "excerpt", "excerpt_note",
           "has_peer_places", "league_ends", "league_frame", "league_size", "shown", "write_league"]

#: The fields of a ``changes.ranks`` row that place its unit within its peer group, this month and last.
PEER_PLACES = ("peer_group_name", "peer_size", "peer_rank", "peer_rank_before")


def has_peer_places(row: Mapping[str, Any]) -> bool:
    """Whether a ``changes.ranks`` row carries its unit's places within its peer group."""
    return all(row.get(k) for k in PEER_PLACES)

#: The file of a month's whole ranking, beside the month's unit briefs.
LEAGUE_FILE = "league.csv"

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
    return _kept(members, at), len(members)


def excerpt_note(rows: Sequence[Mapping[str, Any] | None], size: int, *, lang: str) -> str:
    """The sentence under an excerpt (:func:`excerpt`): how many units the peer group holds
    and which are listed, and where the whole ranking is (:data:`LEAGUE_FILE`); "" when every
    row is printed."""
    if None not in rows and len(rows) == size:
        return ""
    return PEERS_TEXT[lang]["excerpt"].format(n=number(size), ends=ENDS, around=AROUND, file=LEAGUE_FILE)


def _ranked(scores: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The league's records below the city, best first (as the memo orders them)."""
    return sorted((s for s in scores if s.get("unit") != CITY), key=lambda s: (-s["score"], s["unit"]))


def cut(evaluation: Mapping[str, Any], unit: str) -> Mapping[str, Any]:
    """The evaluation section as ``unit``'s results carry it: ``evaluation`` itself when its
    league holds at most :data:`LIMIT` units or ``unit`` is not in it; otherwise the section
    with ``scores`` holding only the records :func:`excerpt` prints (in its order; the
    make-up and lost points only in ``unit``'s own record, the only one a unit's brief
    explains), and ``excerpt`` (``units``: those records' codes with None where rows are left
    out; ``size``: the units the excerpt is taken from), ``league_size`` (the units ranked in
    the whole league) and ``league_ends`` (its best and worst score: unit, name, score, grade,
    rank). For many units of one league, :class:`Cutter` finds the peer groups once."""
    return Cutter(evaluation).cut(unit)


class Cutter:
    """:func:`cut` for any number of units of one evaluation section: its league's peer groups,
    each in excerpt order, and its ends found once, so that each unit's cut reads only the
    rows it keeps."""

    def __init__(self, evaluation: Mapping[str, Any]) -> None:
        self.evaluation = evaluation
        scores = evaluation.get("scores") or []
        self.whole = "excerpt" in evaluation or len(scores) <= LIMIT
        if self.whole:
            return
        self.groups: dict[Any, list[Mapping[str, Any]]] = {}
        for s in scores:
            self.groups.setdefault(s.get("peer_group"), []).append(s)
        for group, members in self.groups.items():
            if group is not None and all(s.get("peer_rank") is not None for s in members):
                members.sort(key=lambda s: (s["peer_rank"], s.get("unit", "")))
        self.everyone = list(scores)
        self.at = {s.get("unit"): i for members in self.groups.values() for i, s in enumerate(members)}
        self.group_of = {s.get("unit"): s.get("peer_group") for s in scores}
        ranked = _ranked(scores)
        self.ends = [{k: s[k] for k in ("unit", "name", "score", "grade", "rank") if k in s} for s in (ranked[0], ranked[-1])]
        self.size = len(ranked)

    def cut(self, unit: str) -> Mapping[str, Any]:
        """The section as ``unit``'s results carry it (:func:`cut`)."""
        if self.whole or unit not in self.at:
            return self.evaluation
        group = self.group_of[unit]
        members = self.groups[group] if group is not None else self.everyone
        at = self.at[unit] if group is not None else next(i for i, s in enumerate(members) if s.get("unit") == unit)
        rows = _kept(members, at)
        if None not in rows and len(rows) == len(members):
            return self.evaluation
        own = ("make_up", "lost_points")
        scores = [s if s["unit"] == unit else {k: v for k, v in s.items() if k not in own} for s in rows if s is not None]
        return {**self.evaluation, "scores": scores,
                "excerpt": {"units": [None if s is None else s["unit"] for s in rows], "size": len(members)},
                "league_size": self.size, "league_ends": [dict(e) for e in self.ends]}


def _kept(members: Sequence[Mapping[str, Any]], at: int) -> list[Mapping[str, Any] | None]:
    """``members`` (a peer group in order) as an excerpt around the member at ``at`` prints
    them: the first and last :data:`ENDS`, the :data:`AROUND` either side, None for each run
    left out."""
    n = len(members)
    keep = sorted(set(range(min(ENDS, n))) | set(range(max(n - ENDS, 0), n))
                  | set(range(max(at - AROUND, 0), min(at + AROUND + 1, n))))
    out: list[Mapping[str, Any] | None] = []
    for k, i in enumerate(keep):
        if k and i != keep[k - 1] + 1:
            out.append(None)
        out.append(members[i])
    return out


def shown(evaluation: Mapping[str, Any] | None, unit: str | None, *,
          order: Sequence[Mapping[str, Any]] | None = None) -> tuple[list[Mapping[str, Any] | None], int]:
    """What a brief prints of the evaluation's league, as :func:`excerpt` gives it (records
    with None where rows are left out, and the size of the league they come from), from a
    whole section or one :func:`cut` for ``unit``. ``order``: a whole section's records in
    the order to print them (default the section's own)."""
    evaluation = evaluation or {}
    scores = evaluation.get("scores") or []
    cut_ = evaluation.get("excerpt")
    if not isinstance(cut_, Mapping):
        return excerpt(scores if order is None else order, unit)
    by_unit = {s["unit"]: s for s in scores}
    return [None if u is None else by_unit[u] for u in cut_["units"]], int(cut_["size"])


def league_size(evaluation: Mapping[str, Any] | None) -> int:
    """The number of units ranked in the evaluation's whole league (below the city), from a
    whole section or a cut one: the base of every rank a brief states."""
    evaluation = evaluation or {}
    if "league_size" in evaluation:
        return int(evaluation["league_size"])
    return len(_ranked(evaluation.get("scores") or []))


def league_ends(evaluation: Mapping[str, Any] | None) -> tuple[Mapping[str, Any], Mapping[str, Any]] | None:
    """The best and the worst score of the evaluation's whole league (by score, then code),
    from a whole section or a cut one; None when it ranks no unit."""
    evaluation = evaluation or {}
    if evaluation.get("league_ends"):
        best, worst = evaluation["league_ends"]
        return best, worst
    ranked = _ranked(evaluation.get("scores") or [])
    return (ranked[0], ranked[-1]) if ranked else None


def league_frame(evaluation: Mapping[str, Any], *, lang: str) -> pd.DataFrame:
    """The whole ranking of a (whole) evaluation section, one row a unit in rank order: code,
    name, score, grade, rank among all the parts, peer group, rank in it of its size, the
    5-95 % interval of that rank, and the veto that capped the grade."""
    if "excerpt" in evaluation:
        raise ValueError("league_frame needs the whole evaluation section, not one cut for a unit's brief")
    cols = PEERS_TEXT[lang]["league_cols"].split("|")
    rows = []
    for s in evaluation.get("scores") or []:
        if s.get("unit") == CITY:
            continue
        lo, hi = s.get("peer_rank_p05"), s.get("peer_rank_p95")
        rows.append([s["unit"], s["name"], s["score"], s["grade"], s.get("rank"), s.get("peer_group_name"),
                     s.get("peer_rank"), s.get("peer_size"), lo, hi, s.get("veto") or ""])
    return pd.DataFrame(rows, columns=cols)


def write_league(evaluation: Mapping[str, Any], folder: str | os.PathLike, *, lang: str) -> Path:
    """Write the whole ranking (:func:`league_frame`) as ``<folder>/``:data:`LEAGUE_FILE`
    (UTF-8 with a byte-order mark, so that Excel reads the Chinese), atomically."""
    path = Path(folder) / LEAGUE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        league_frame(evaluation, lang=lang).to_csv(tmp, index=False, encoding="utf-8-sig")
    return path
