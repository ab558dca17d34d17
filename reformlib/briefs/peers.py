"""The brief's evaluation as an official reads it: which assessment a score is, and each unit's
rank among its peers.

- **Which assessment.** A monthly brief scores the month's monthly assessment (year-to-date
  flows, month-end levels and task status, no qualitative part); the December brief scores
  the year-end assessment, ``evaluate(spec, data, period="YYYY")`` with the qualitative share,
  as ``notebooks/evaluation.ipynb`` does for the year (:func:`assessment_period`).
- **Peers.** Units are ranked within their peer group (:data:`reformlib.i18n.PEER_GROUP_OF`:
  the 县市区, that is districts, counties and county-level cities, apart from the 园区 parks, as
  the year-end summary counts "5个县市区、3个园区"), and also together; the city as a whole is
  reported and never ranked among its parts. The model's ``rank_groups`` (``spec.yml``) are
  the same two groups, so that ``evaluate(...).rank_in_group`` and the brief's peer ranks agree.
- **Rank intervals within a group** are recomputed in every replication of the uncertainty
  analysis from the replication's scores of the group's units (ties share the better rank, as
  the model ranks), never read off the rank among all units; ``rank_p05`` / ``rank_p95`` are
  the 5th and 95th percentiles.

May import: as :mod:`reformlib.briefs`.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from reformlib.data.periods import as_month
from reformlib.data.schemas import CITY
from reformlib.i18n import PEER_GROUP_OF, PEERS_TEXT
from reformlib.report.league import excerpt_note, shown
from reformlib.report.makeup import largest_deductions
from reformlib.report.numbers import number, score

__all__ = ["ASSESSMENTS", "assessment_label", "assessment_period", "peer_ranks", "scores_excerpt_note", "scores_frame",
           "scores_note"]

#: ``auto``: year-end in December, monthly otherwise.
ASSESSMENTS = ("auto", "monthly", "year_end")
#: Scores equal to this many decimals tie (as :mod:`reformlib.model.uncertainty.robustness`).
TIE_DECIMALS = 9


def assessment_period(month: str | pd.Period, assessment: str = "auto") -> tuple[str, str]:
    """``(kind, period)`` the brief for ``month`` scores: ``("year_end", "2017")`` for a
    December brief (or ``assessment="year_end"`` in December), else ``("monthly", "2017-06")``."""
    if assessment not in ASSESSMENTS:
        raise ValueError(f"assessment must be one of {ASSESSMENTS}, got {assessment!r}")
    m = as_month(month)
    if assessment == "year_end" and m.month != 12:
        raise ValueError(f"the year-end assessment is made in December, not in {m}")
    kind = "year_end" if assessment == "year_end" or (assessment == "auto" and m.month == 12) else "monthly"
    return kind, (str(m.year) if kind == "year_end" else str(m))


def assessment_label(kind: str, month: str | pd.Period, lang: str) -> str:
    """The assessment's name, e.g. ``2017年6月月度评估`` or ``2017年度年终评估（含定性评价）``."""
    m = as_month(month)
    return PEERS_TEXT[lang][kind].format(year=m.year, month=m.month, month_name=m.strftime("%B"))


def _group_ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks of each row's scores (a vector: its own ranks), best (highest) 1, ties sharing the
    better rank."""
    frame = pd.DataFrame(np.atleast_2d(np.round(scores, TIE_DECIMALS)))
    ranks = frame.rank(axis=1, method="min", ascending=False).to_numpy()
    return ranks[0] if np.ndim(scores) == 1 else ranks


def peer_ranks(combined: pd.DataFrame, *, lang: str, spread_scores: pd.DataFrame | None = None,
               groups: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Each ranked unit below the city (rows of ``combined``, the model's ``score``, ``kind``
    and ``unranked`` by unit): ``rank`` among all the parts and ``peer_rank`` within its peer
    group of ``peer_size`` units, each with its 5-95 % interval when ``spread_scores`` (the
    uncertainty analysis's replication x unit scores) is given, ``peer_group`` and its name,
    and ``peer_rank_text`` (``第2/5名（县市区）``). ``groups`` maps a unit kind to its group
    (default :data:`~reformlib.i18n.PEER_GROUP_OF`; a kind it lacks is its own group)."""
    groups = PEER_GROUP_OF if groups is None else groups
    words = PEERS_TEXT[lang]
    parts = combined[(combined.index != CITY) & ~combined["unranked"].astype(bool)]
    group = parts["kind"].map(lambda k: groups.get(k, k))
    out = pd.DataFrame(index=parts.index)
    out["peer_group"] = group
    out["peer_group_name"] = group.map(lambda g: words.get(g, g))
    score = parts["score"].to_numpy(float)
    out["rank"] = _group_ranks(score).astype(int)
    out["peer_size"] = group.map(group.value_counts()).astype(int)
    out["peer_rank"] = 0
    for members in group.groupby(group).groups.values():
        out.loc[members, "peer_rank"] = _group_ranks(parts.loc[members, "score"].to_numpy(float)).astype(int)
    out["peer_rank_text"] = [words["peer_rank"].format(rank=number(r), n=number(n), group=name) for r, n, name in
                             zip(out["peer_rank"], out["peer_size"], out["peer_group_name"])]
    for col in ("rank_p05", "rank_p95", "peer_rank_p05", "peer_rank_p95"):
        out[col] = None
    if spread_scores is not None:
        reps = spread_scores[list(parts.index)].to_numpy(float)
        _interval(out, "rank", _group_ranks(reps), parts.index)
        for members in group.groupby(group).groups.values():
            cols = [parts.index.get_loc(u) for u in members]
            _interval(out, "peer_rank", _group_ranks(reps[:, cols]), members)
    return out


def _interval(out: pd.DataFrame, name: str, ranks: np.ndarray, index) -> None:
    low, high = np.percentile(ranks, [5, 95], axis=0)
    out.loc[index, f"{name}_p05"] = [round(float(v), 2) for v in low]
    out.loc[index, f"{name}_p95"] = [round(float(v), 2) for v in high]


def scores_note(evaluation: Mapping, lang: str) -> str:
    """The sentences above the page's score table: which assessment, how units are ranked, and
    the city's own score and grade (reported on its own, not ranked) when the evaluation has it,
    with its largest deductions (``city.lost_points``)."""
    note = PEERS_TEXT[lang]["scores_note"].format(label=evaluation.get("assessment_label", ""))
    city = evaluation.get("city")
    if isinstance(city, Mapping) and city.get("score") is not None:
        note += ("" if lang == "zh" else " ") + PEERS_TEXT[lang]["city"].format(score=score(city["score"]), grade=city["grade"])
        deductions = largest_deductions(city.get("lost_points") or [], lang=lang)  # beside the city's score
        note += ("" if lang == "zh" or not deductions else " ") + deductions
    return note


def scores_frame(evaluation: Mapping, *, lang: str = "zh", unit: str | None = None) -> pd.DataFrame:
    """The evaluation's scores as the page shows them (best first): unit by name, score, grade,
    rank among peers (``第2/5名（县市区）``) and its 5-95 % interval, rank among all the parts,
    and the veto beside a capped grade; numbers as :mod:`reformlib.report.numbers` writes them.
    A unit's brief (``unit``) over a long league shows an excerpt of its peer group
    (:func:`reformlib.report.league.excerpt`, a row of "…" where rows are left out)."""
    cols = PEERS_TEXT[lang]["cols"].split("|")
    rows = []
    rows_shown, _ = shown(evaluation, unit)  # a unit's results may carry only this excerpt
    for s in rows_shown:
        if s is None:
            rows.append([PEERS_TEXT[lang]["gap"], *[""] * (len(cols) - 1)])
            continue
        lo, hi = s.get("peer_rank_p05"), s.get("peer_rank_p95")
        span = "" if lo is None or hi is None else (number(lo) if lo == hi else f"{number(lo)}–{number(hi)}")
        rows.append([s["name"], score(s["score"]), s["grade"], s.get("peer_rank_text", ""), span,
                     number(s["rank"]), s.get("veto") or ""])
    return pd.DataFrame(rows, columns=cols)


def scores_excerpt_note(evaluation: Mapping, *, lang: str = "zh", unit: str | None = None) -> str:
    """The sentence under :func:`scores_frame` when it shows an excerpt; "" otherwise."""
    rows, size = shown(evaluation, unit)
    return excerpt_note(rows, size, lang=lang)
