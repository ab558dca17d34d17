"""The status of each reform task in a month, judged against its deadline and schedule: the
reading of the task ledger (``tasks`` and ``progress`` tables) that every later step shares.

The schedule is linear by default (from the start of the start month to the end of the
deadline month, the "time-progress" rule of Chinese supervision work, 时间过半、任务过半);
an optional milestones table (``task_id, period, expected_progress``) replaces it for the
tasks it names, interpolated linearly between 0 the month before the start, the
milestones, and 100 at the deadline month.

Statuses: ``not_started`` (starts after the month), ``completed`` (progress 100 by the
month), ``overdue`` (deadline month passed, not complete), ``behind`` (the deadline month is
the month and the task is not complete at its end, whatever the tolerance: the schedule
expects 100 at the deadline; or progress below the schedule by more than ``tolerance``
points), ``on_schedule``. A task due this month and unfinished is never on schedule. Only
reports up to the month are used. Every function first checks its frames with :func:`check_ledger`, which refuses
bad input with one :class:`~reformlib.errors.DataValidationError` naming each bad row.

It lives with the data because both the evaluation model (task points in the KPI rubric)
and the task analytics (:mod:`reformlib.tasks`) read it. May import: numpy, pandas,
:mod:`reformlib.errors`, :mod:`reformlib.provenance` (hashing a ledger's frames) and
:mod:`reformlib.data.periods`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from reformlib.data.periods import as_month
from reformlib.errors import DataValidationError, Problem
from reformlib.provenance import frame_sha256

STATUSES = ("not_started", "on_schedule", "behind", "completed", "overdue")
#: The decimals a task's progress and its schedule's expected progress are stored with in
#: the results (``tasks.at_risk[].progress``/``expected``).
STORED_DECIMALS = 2


def shown_schedule(progress: float, expected: float) -> tuple[int, int, int]:
    """A task's progress and the progress its schedule expects as whole percentages, and the
    gap between them as printed: each part rounded once (to the decimals results store, then
    half up to a whole percentage) and the gap the difference of the printed parts, so that
    the printed gap is always printed progress minus printed schedule (35 and 45.45 read 35,
    45 and -10; 15 and 37.5 read 15, 38 and -23)."""
    def whole(x: float) -> int:
        return int(np.floor(round(float(x), STORED_DECIMALS) + 0.5))

    p, e = whole(progress), whole(expected)
    return p, e, p - e
TASK_COLUMNS = ("task_id", "category", "lead_unit", "start", "deadline")
PROGRESS_COLUMNS = ("task_id", "period", "progress")


def _rows(mask: np.ndarray) -> list[int]:
    return [int(i) + 1 for i in np.flatnonzero(mask)]


def check_ledger(tasks: pd.DataFrame, progress: pd.DataFrame | None = None, *,
                 milestones: pd.DataFrame | None = None) -> None:
    """Refuse a ledger that the analytics cannot read honestly.

    Raises :class:`DataValidationError` (path ``"<tasks>"``, ``"<progress>"`` or
    ``"<milestones>"``; rows 1-based in frame order) for missing columns, duplicate or
    empty task ids, a deadline before the start, a report for an unknown task, progress
    outside 0..100 or going backwards, a duplicate report and a report before the start.
    """
    missing = [c for c in TASK_COLUMNS if c not in tasks.columns]
    if missing:
        raise DataValidationError("<tasks>", [Problem(None, c, "required column is missing") for c in missing])
    problems = [Problem(i, "task_id", "duplicate or empty task id", tasks["task_id"].iloc[i - 1])
                for i in _rows((tasks["task_id"].duplicated() | tasks["task_id"].isna()).to_numpy())]
    problems += [Problem(i, "deadline", f"deadline before the start ({tasks['start'].iloc[i - 1]:%Y-%m-%d})",
                         f"{tasks['deadline'].iloc[i - 1]:%Y-%m-%d}")
                 for i in _rows((tasks["deadline"] < tasks["start"]).to_numpy())]
    problems += [Problem(i, c, "must not be empty") for c in ("start", "deadline") for i in _rows(tasks[c].isna().to_numpy())]
    if problems:
        raise DataValidationError("<tasks>", problems)
    if progress is not None:
        _check_reports(tasks, progress, "progress", "<progress>")
    if milestones is not None:
        _check_reports(tasks, milestones, "expected_progress", "<milestones>")


def _check_reports(tasks: pd.DataFrame, frame: pd.DataFrame, value: str, path: str) -> None:
    missing = [c for c in ("task_id", "period", value) if c not in frame.columns]
    if missing:
        raise DataValidationError(path, [Problem(None, c, "required column is missing") for c in missing])
    df = frame.reset_index(drop=True)
    if df.empty:  # no reports (such as a unit's, when it leads no task): nothing to check
        return
    start = dict(zip(tasks["task_id"], tasks["start"].dt.to_period("M")))
    known = df["task_id"].isin(start).to_numpy()
    problems = [Problem(i, "task_id", "unknown task (not in the task ledger)", df.at[i - 1, "task_id"]) for i in _rows(~known)]
    v = pd.to_numeric(df[value], errors="coerce")
    problems += [Problem(i, value, "must be a number from 0 to 100", df.at[i - 1, value])
                 for i in _rows((v.isna() | (v < 0) | (v > 100)).to_numpy())]
    problems += [Problem(i, "period", "duplicate report for this task and month", str(df.at[i - 1, "period"]))
                 for i in _rows(df.duplicated(["task_id", "period"]).to_numpy())]
    first = df["task_id"].map(start)
    problems += [Problem(i, "period", f"report before the task starts ({first.iloc[i - 1]})", str(df.at[i - 1, "period"]))
                 for i in _rows((known & (df["period"] < first)).to_numpy())]
    order = df.assign(_v=v).sort_values(["task_id", "period"])
    prev = order.groupby("task_id")["_v"].shift()
    for i in order.index[(order["_v"] < prev).to_numpy()]:
        problems.append(Problem(int(i) + 1, value, f"goes backwards for {df.at[i, 'task_id']} (was {prev[i]:g} the month before)",
                                df.at[i, value]))
    if problems:
        raise DataValidationError(path, sorted(problems, key=lambda p: (p.row or 0, p.column or "")))


#: The ledgers :func:`task_status` found sound in this process, by the hash of their frames'
#: values (the last 32): a ledger's status in many months is checked once.
_SOUND: dict[tuple[str, ...], None] = {}


def _checked_once(tasks: pd.DataFrame, progress: pd.DataFrame, milestones: pd.DataFrame | None) -> None:
    """:func:`check_ledger`, unless these very frames (by value) passed it before."""
    try:
        seen = tuple(frame_sha256(f) for f in (tasks, progress, milestones) if f is not None)
    except TypeError:  # a value pandas cannot hash: check every time
        seen = None
    if seen is not None and seen in _SOUND:
        return
    check_ledger(tasks, progress, milestones=milestones)
    if seen is not None:
        _SOUND[seen] = None
        while len(_SOUND) > 32:
            del _SOUND[next(iter(_SOUND))]


def progress_as_of(progress: pd.DataFrame, month: str | pd.Period) -> pd.Series:
    """Each task's latest reported cumulative progress up to ``month`` (0 when none)."""
    m = as_month(month)
    known = progress[progress["period"] <= m].sort_values("period")
    return known.groupby("task_id")["progress"].last()


def completion_month(progress: pd.DataFrame) -> pd.Series:
    """The first month each task reported 100 (tasks never complete are absent)."""
    done = progress[progress["progress"] >= 100]
    return done.groupby("task_id")["period"].min()


def expected_progress(tasks: pd.DataFrame, month: str | pd.Period, *,
                      milestones: pd.DataFrame | None = None) -> pd.Series:
    """Progress the schedule expects at the end of ``month``, in percent, by task.

    Linear from 0 before the start month to 100 at the end of the deadline month; a task
    named in ``milestones`` follows its milestones instead (linear between them).
    """
    m = as_month(month)
    start = tasks["start"].dt.to_period("M")
    end = tasks["deadline"].dt.to_period("M")
    elapsed = np.array([(m - s).n + 1 for s in start], dtype=float)
    span = np.array([(e - s).n + 1 for s, e in zip(start, end)], dtype=float)
    out = pd.Series(np.clip(100 * elapsed / span, 0, 100), index=tasks["task_id"].to_numpy())
    if milestones is not None and len(milestones):
        check_ledger(tasks, milestones=milestones)
        for task_id, ms in milestones.groupby("task_id"):
            i = int(np.flatnonzero(tasks["task_id"].to_numpy() == task_id)[0])
            xs = [-1.0] + [float((p - start.iloc[i]).n) for p in ms["period"]] + [span[i] - 1]
            ys = [0.0] + ms["expected_progress"].astype(float).tolist() + [100.0]
            order = np.argsort(xs, kind="stable")
            out[task_id] = float(np.interp(elapsed[i] - 1, np.asarray(xs)[order], np.asarray(ys)[order]))
    return out


def task_status(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period, *, tolerance: float = 10.0,
                milestones: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per task: ``progress``, ``expected``, ``status`` as of ``month``.

    A task whose deadline month is ``month`` and which is not complete at the month's end is
    ``behind`` whatever ``tolerance`` (the schedule expects 100 by then); ``tolerance`` only
    spares tasks whose deadline is still ahead.

    >>> status = task_status(load_tasks(), load_progress(), "2017-06")  # doctest: +SKIP
    >>> status["status"].value_counts()  # doctest: +SKIP
    """
    _checked_once(tasks, progress, milestones)
    m = as_month(month)
    done = progress_as_of(progress, m).reindex(tasks["task_id"]).fillna(0.0).to_numpy()
    expected = expected_progress(tasks, m, milestones=milestones).to_numpy()
    start = tasks["start"].dt.to_period("M").to_numpy()
    end = tasks["deadline"].dt.to_period("M").to_numpy()
    status = np.select(  # as booleans even for no task (an empty object array compares to an object array)
        [np.asarray(c, dtype=bool) for c in (start > m, done >= 100, end < m, end == m, done + tolerance < expected)],
        ["not_started", "completed", "overdue", "behind", "behind"], default="on_schedule")
    keep = [c for c in ("task_id", "category", "category_zh", "category_en", "lead_unit", "key_task") if c in tasks.columns]
    return tasks[keep].assign(progress=done, expected=expected, status=pd.Categorical(status, categories=STATUSES))
