"""How the early-warning list reads (publication step: ``tasks.at_risk`` -> page, workbook and
memo): probability bands only for a list the fitted model ranks, else each task's progress
against its schedule, written the same way in every output.

May import: as :mod:`reformlib.report`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reformlib.i18n import WARNING_TEXT
from reformlib.report.numbers import count, percent

__all__ = ["schedule_cells", "shows_bands"]


def shows_bands(records: Sequence[Mapping[str, Any]]) -> bool:
    """Whether an at-risk list shows its probabilities (as bands): when its records carry bands,
    which they do only when the fitted model ranks the list, or carry no schedule to show
    instead (results written without ``progress``/``expected``). A list ranked by the gap to
    schedule, or made in a month the model was not fitted, shows each task's progress against
    its schedule instead (:func:`schedule_cells`)."""
    return any(r.get("band") for r in records) or not any(r.get("expected") is not None for r in records)


def schedule_cells(record: Mapping[str, Any], lang: str) -> tuple[str, str, str]:
    """An at-risk task's progress, the progress its schedule expects by the month's end (both
    as whole percentages) and the gap between the two as shown (``落后37个百分点``,
    ``37 percentage points behind``); empty cells when the record carries neither."""
    p, e = record.get("progress"), record.get("expected")
    if p is None or e is None:
        return "", "", ""
    w = WARNING_TEXT[lang]
    # one rounding: progress, schedule and the gap between them each rounded once from the
    # figures themselves, as the reason beside them rounds the gap (``f"{gap:.0f}"``), so the
    # row never says 23 behind in one cell and 22 in the next
    shown_p, shown_e = round(float(p)), round(float(e))
    d = round(float(p) - float(e))
    gap = (w["gap_even"] if d == 0 else
           w["gap_behind" if d < 0 else "gap_ahead"].format(n=count(abs(d), w["points_word"], lang)))
    return percent(shown_p, decimals=0), percent(shown_e, decimals=0), gap
