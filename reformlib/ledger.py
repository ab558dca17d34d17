"""Task ledger step 1: each task's status in a month, judged against its deadline and a
linear time schedule (start of the start month to the end of the deadline month).

Statuses: ``not_started`` (starts after the month), ``completed`` (progress 100 by the
month), ``overdue`` (deadline month passed, not complete), ``behind`` (progress below the
linear schedule by more than ``tolerance`` points), ``on_schedule``. Only reports up to the
month are used.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

STATUSES = ("not_started", "on_schedule", "behind", "completed", "overdue")


def _month(month: str | pd.Period) -> pd.Period:
    return pd.Period(month, "M")


def progress_as_of(progress: pd.DataFrame, month: str | pd.Period) -> pd.Series:
    """Each task's latest reported cumulative progress up to ``month`` (0 when none)."""
    m = _month(month)
    known = progress[progress["period"] <= m].sort_values("period")
    return known.groupby("task_id")["progress"].last()


def expected_progress(tasks: pd.DataFrame, month: str | pd.Period) -> pd.Series:
    """Progress a linear schedule expects at the end of ``month``, in percent, by task."""
    m = _month(month)
    start = tasks["start"].dt.to_period("M")
    end = tasks["deadline"].dt.to_period("M")
    elapsed = np.array([(m - s).n + 1 for s in start], dtype=float)
    span = np.array([(e - s).n + 1 for s, e in zip(start, end)], dtype=float)
    return pd.Series(np.clip(100 * elapsed / span, 0, 100), index=tasks["task_id"].to_numpy())


def task_status(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period, *, tolerance: float = 10.0) -> pd.DataFrame:
    """One row per task: ``progress``, ``expected``, ``status`` as of ``month``."""
    m = _month(month)
    done = progress_as_of(progress, m).reindex(tasks["task_id"]).fillna(0.0).to_numpy()
    expected = expected_progress(tasks, m).to_numpy()
    start = tasks["start"].dt.to_period("M").to_numpy()
    end = tasks["deadline"].dt.to_period("M").to_numpy()
    status = np.select(
        [start > m, done >= 100, end < m, done + tolerance < expected],
        ["not_started", "completed", "overdue", "behind"], default="on_schedule")
    return tasks[["task_id", "category", "category_zh", "category_en", "lead_unit", "key_task"]].assign(
        progress=done, expected=expected, status=pd.Categorical(status, categories=STATUSES))


def status_by_category(status: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Counts of each status by category, with the completion rate in percent."""
    counts = pd.crosstab(status["category"], status["status"], dropna=False)
    counts = counts.reindex(columns=list(STATUSES), fill_value=0)
    counts["total"] = counts.sum(axis=1)
    counts["completion_rate"] = (100 * counts["completed"] / counts["total"]).round(1)
    names = status.drop_duplicates("category").set_index("category")[f"category_{lang}"]
    counts.insert(0, "name", names.reindex(counts.index))
    return counts.reset_index().rename_axis(columns=None)
