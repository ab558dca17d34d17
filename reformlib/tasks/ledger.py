"""Task ledger analytics: the task x month status panel, counts by status, and completion and
on-time rates by category, sub-category, lead unit, leader level or key task.

Each task's status in a month (:func:`reformlib.data.task_status.task_status`) is read the
same way here, in the early warning and in the evaluation model's task points.

May import: numpy, pandas, :mod:`reformlib.errors`, :mod:`reformlib.i18n` and
:mod:`reformlib.data`.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from reformlib.data.periods import as_month
from reformlib.data.task_status import STATUSES, check_ledger, completion_month, task_status

#: Groupings accepted by :func:`completion_rates`, with their name columns (``{lang}`` filled in).
GROUPINGS = {"category": "category_{lang}", "subcategory": "subcategory_{lang}", "lead_unit": None,
             "leader_level": None, "key_task": None, "all": None}

def status_panel(tasks: pd.DataFrame, progress: pd.DataFrame, months: Sequence[str | pd.Period] | None = None, *,
                 tolerance: float = 10.0, milestones: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tidy panel: one row per task x month with ``period``, ``progress``, ``expected``, ``status``.

    ``months`` defaults to every month from the earliest start to the latest report or deadline.
    """
    check_ledger(tasks, progress, milestones=milestones)
    if months is None:
        first = tasks["start"].dt.to_period("M").min()
        last = max(tasks["deadline"].dt.to_period("M").max(), progress["period"].max() if len(progress) else first)
        months = pd.period_range(first, last, freq="M")
    frames = [task_status(tasks, progress, m, tolerance=tolerance, milestones=milestones).assign(period=as_month(m))
              for m in months]
    out = pd.concat(frames, ignore_index=True)
    return out[["task_id", "period"] + [c for c in out.columns if c not in ("task_id", "period")]]


def status_by_category(status: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Counts of each status by category, with the completion rate in percent.

    >>> by_category = status_by_category(task_status(tasks, progress, "2017-06"), lang="zh")  # doctest: +SKIP
    """
    if status.empty:  # no task (such as a unit that leads none): no category
        return pd.DataFrame(columns=["category", "name", *STATUSES, "total", "completion_rate"])
    counts = pd.crosstab(status["category"], status["status"], dropna=False)
    counts = counts.reindex(columns=list(STATUSES), fill_value=0)
    counts["total"] = counts.sum(axis=1)
    counts["completion_rate"] = (100 * counts["completed"] / counts["total"]).round(1)
    names = status.drop_duplicates("category").set_index("category")[f"category_{lang}"]
    counts.insert(0, "name", names.reindex(counts.index))
    return counts.reset_index().rename_axis(columns=None)


def status_counts(status: pd.DataFrame, by: str) -> pd.DataFrame:
    """Counts of each status by any column of a :func:`task_status` frame (e.g. ``lead_unit``)."""
    if by not in status.columns:
        raise ValueError(f"by must be a column of the status frame {list(status.columns)}, got {by!r}")
    counts = pd.crosstab(status[by], status["status"], dropna=False).reindex(columns=list(STATUSES), fill_value=0)
    counts["total"] = counts.sum(axis=1)
    return counts.reset_index().rename_axis(columns=None)


def task_outcomes(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period) -> pd.DataFrame:
    """Per task, what is known at the end of ``month``: ``completed_in`` (month or NaT),
    ``due`` (deadline month), ``completed``, ``on_time`` (completed in or before the deadline
    month) and ``missed`` (True: late or past the deadline unfinished; False: on time;
    ``<NA>``: not yet known)."""
    check_ledger(tasks, progress)
    m = as_month(month)
    done = completion_month(progress[progress["period"] <= m]).reindex(tasks["task_id"])
    due = tasks["deadline"].dt.to_period("M").to_numpy()
    completed = done.notna().to_numpy()
    on_time = completed & np.array([c <= d if pd.notna(c) else False for c, d in zip(done, due)])
    missed = pd.array(np.where(completed, ~on_time, True), dtype="boolean")
    missed[~completed & (due > m)] = pd.NA
    return pd.DataFrame({"task_id": tasks["task_id"].to_numpy(), "completed_in": done.to_numpy(), "due": due,
                         "completed": completed, "on_time": on_time, "missed": missed})


def completion_rates(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period, *, by: str = "category",
                     per: str = "ytd", lang: str = "zh") -> pd.DataFrame:
    """Completion and on-time rates by ``by`` (a key of :data:`GROUPINGS`) as of ``month``.

    ``per="ytd"``: one row per group: ``tasks``, ``due`` (deadline month <= month),
    ``completed`` (by the month, any deadline), ``on_time`` (due tasks done by their deadline
    month), ``completion_rate`` = completed / tasks and ``on_time_rate`` = on_time / due, in
    percent. ``per="month"``: one row per group and deadline month up to ``month``: the tasks
    due that month, how many were done on time and how many are done by now. A rate whose
    denominator is 0 is NaN (no task due), never 0.
    """
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {sorted(GROUPINGS)}, got {by!r}")
    if per not in ("ytd", "month"):
        raise ValueError(f"per must be 'ytd' or 'month', got {per!r}")
    m = as_month(month)
    out = task_outcomes(tasks, progress, m)
    frame = tasks.reset_index(drop=True).assign(group="all" if by == "all" else tasks[by].to_numpy(),
                                                done=out["completed"], on_time=out["on_time"], due=out["due"])
    is_due = frame["due"] <= m
    if per == "ytd":
        g = frame.assign(is_due=is_due, due_on_time=frame["on_time"] & is_due).groupby("group", sort=True)
        res = pd.DataFrame({"tasks": g.size(), "due": g["is_due"].sum(), "completed": g["done"].sum(),
                            "on_time": g["due_on_time"].sum()})
        res["completion_rate"] = 100 * res["completed"] / res["tasks"]
    else:
        g = frame[is_due].rename(columns={"due": "period"}).groupby(["group", "period"], sort=True)
        res = pd.DataFrame({"due": g.size(), "on_time": g["on_time"].sum(), "completed": g["done"].sum()})
    res["on_time_rate"] = 100 * res["on_time"] / res["due"].where(res["due"] > 0)
    res = res.reset_index().rename(columns={"group": by})
    name = GROUPINGS[by]
    if name:
        names = tasks.drop_duplicates(by).set_index(by)[name.format(lang=lang)]
        res.insert(1, "name", res[by].map(names))
    return res.round({"completion_rate": 1, "on_time_rate": 1})
