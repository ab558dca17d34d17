"""Cumulative progress never goes backwards: a progress submission whose value for a task is
lower than the value stored for an earlier month (or higher than one stored for a later month)
is refused whole, naming file, cell, task and the stored value it contradicts. The progress
loader refuses such data, so one accepted file would otherwise break every read of the store.

Each file is checked against the store's current progress as the files before it in the batch
leave it (their replacements applied), inside the store's write transaction.
"""
from __future__ import annotations

import re
from bisect import bisect_left

import pandas as pd

from reformlib.data.textfile import FileProblem
from reformlib.errors import DataValidationError
from reformlib.ingest.files import Submission

__all__ = ["STORED_PROGRESS", "progress_verdicts"]

#: The query giving the current progress the check reads (values not reported left out).
STORED_PROGRESS = "SELECT task_id, period, progress, unit FROM progress WHERE progress IS NOT NULL"


def progress_verdicts(subs: list[Submission], stored: pd.DataFrame) -> list[DataValidationError | None]:
    """For each submission in order: None, or the error refusing it (progress going backwards)."""
    known: dict[str, dict[str, tuple[float, str | None]]] = {}
    for task, period, value, unit in stored.itertuples(index=False):
        known.setdefault(task, {})[period] = (float(value), unit)
    out: list[DataValidationError | None] = []
    for sub in subs:
        if sub.kind != "progress":
            out.append(None)
            continue
        view = _apply(known, sub.records)
        problems = [p for r in sub.records.itertuples(index=False) if pd.notna(r.progress) for p in _check(view, r)]
        out.append(DataValidationError(sub.path, problems) if problems else None)
        if not problems:
            known = view
    return out


def _apply(known: dict[str, dict[str, tuple[float, str | None]]], records: pd.DataFrame) -> dict:
    """The current progress after ``records`` replaced what they cover (their unit's months)."""
    scope = set(zip(records["unit"], records["period"]))
    view = {t: {p: vu for p, vu in months.items() if (vu[1], p) not in scope} for t, months in known.items()}
    for r in records.itertuples(index=False):
        view.setdefault(r.task_id, {}).pop(r.period, None)
        if pd.notna(r.progress):
            view[r.task_id][r.period] = (float(r.progress), r.unit)
    return view


def _check(view: dict[str, dict[str, tuple[float, str | None]]], r) -> list[FileProblem]:
    months = sorted(view.get(r.task_id, {}))
    k = bisect_left(months, r.period)
    where = _where(r)
    out = []
    if k > 0:
        before = months[k - 1]
        was = view[r.task_id][before][0]
        if r.progress < was:
            out.append(FileProblem(None, "完成进度", f"progress goes backwards for task {r.task_id}: {r.progress:g} % in {r.period}, "
                                   f"lower than the {was:g} % stored for {before} (progress is cumulative)", r.progress, **where))
    if k + 1 < len(months):
        after = months[k + 1]
        later = view[r.task_id][after][0]
        if r.progress > later:
            out.append(FileProblem(None, "完成进度", f"progress for task {r.task_id}: {r.progress:g} % in {r.period}, higher than the "
                                   f"{later:g} % stored for the later month {after} (progress is cumulative)", r.progress, **where))
    return out


def _where(r) -> dict:
    m = re.fullmatch(r"line ([0-9]+)", str(r.cell))
    if r.sheet is None or (isinstance(r.sheet, float) and r.sheet != r.sheet):
        return {"line": int(m.group(1))} if m else {}
    return {"sheet": r.sheet, "cell": r.cell}
