"""How the early-warning list reads (publication step: ``tasks.at_risk`` -> page, workbook and
memo): probability bands only for a list the fitted model ranks, else each task's progress
against its schedule, written the same way in every output.

May import: as :mod:`reformlib.report`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reformlib.data.task_status import shown_schedule
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
    # the parts rounded first and the gap their difference, as the reason beside them says it
    # (:func:`~reformlib.data.task_status.shown_schedule`): 35%, 45% and 落后10个百分点, never 46% and 10
    shown_p, shown_e, d = shown_schedule(p, e)
    gap = (w["gap_even"] if d == 0 else
           w["gap_behind" if d < 0 else "gap_ahead"].format(n=count(abs(d), w["points_word"], lang)))
    return percent(shown_p, decimals=0), percent(shown_e, decimals=0), gap
