"""What changed since the last brief (publication step: loaded data -> the brief's ``changes``
section): compared with the month before, for the whole city or one unit, and the values the
brief uses that were revised since the last published brief.

:func:`changes_since` compares a month with the one before it:

- **tasks completed this month**: status ``completed`` in the month and not the month before
  (:func:`reformlib.data.task_status.task_status`), with the progress reported the month before,
  whether the task was overdue then (``was_overdue``) and whether it was completed late
  (``completed_late``: its completion month, this month, is after its deadline month; a task
  due last month and completed this month is late though it was only "behind" last month);
- **tasks newly overdue**: status ``overdue`` in the month and not the month before (the ledger's
  rule: a task is overdue once its deadline month has passed unfinished), with days overdue at
  the month's end;
- **rank and grade changes**: the monthly assessment of the month (in December too, where the
  brief's own scores are the year-end assessment)
  (:func:`reformlib.briefs.content.evaluation_section`, ranks among the city's parts) against
  that of the month before (evaluated here, without the rank uncertainty); the whole city's
  brief lists the units whose rank or grade changed, a unit's brief always lists the unit;
- **indicators that crossed their target**: a unit's indicator that met its target the month
  before and misses it now, or the other way round, by the rule of
  :func:`reformlib.briefs.content.target_in` (direction-aware; flows pro rata; a band's
  ``target`` is the edge crossed, and the band is given whole); only where the unit has a
  value in both months;
- **inspection problems rectified this month**: rectified within the month.

A unit's brief keeps the tasks its unit leads, its own indicators, problems and rank.
Everything is named (units and lead units by name, indicators by their name in the brief's
language, tasks by title), never by code alone.

:func:`revisions_section` lists the values revised since the last published brief of the same
parameters (its ``current/manifest.json``, ``published_at``; when this month has none, the
last published brief of the month before): the store's :meth:`~reformlib.data.store.Store.revisions_since`,
kept to the brief's unit and to months up to the brief's (the values it uses), one row per
value (several revisions since then read as the first old value and the last new one, with
the last one's source). Only a store keeps revisions: for data read from a folder the section
says plainly that they cannot be traced. A brief run from a store reads a snapshot folder of
it (:func:`reformlib.data.dataset.snapshot`, ``<dir>/.<store name>.tables/<version>/``), so the
store is found behind that folder too (:func:`store_behind`).

Times: the store records ingestion times as local wall time, a manifest its publication in
UTC; both are compared in local time, and printed in UTC.

May import: pandas, the standard library, :mod:`reformlib.data`, :mod:`reformlib.model`,
:mod:`reformlib.i18n`, :mod:`reformlib.errors` and the rest of :mod:`reformlib.briefs`.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from reformlib.briefs.content import evaluation_section, inspection_name, target_in, value_in
from reformlib.data.dataset import is_store
from reformlib.data.paths import DEMO, reports_folder
from reformlib.data.periods import as_month, month_end
from reformlib.data.schemas import CITY, unit_code
from reformlib.data.store import Store
from reformlib.data.task_status import task_status
from reformlib.errors import DataValidationError, ParameterError, Problem, SpecError
from reformlib.i18n import CHANGES, name_column
from reformlib.model.spec import Spec

__all__ = ["changes_section", "changes_since", "crossed_row", "local_time", "peer_places", "previous_assessment",
           "previous_brief", "ranks_note", "rectified_problems", "revision_items", "revisions_section", "store_behind", "task_changes"]

#: How the store names the kinds of values it keeps.
KINDS = ("indicators", "progress", "inspections")


def _one_unit(unit: str | int | None) -> str | None:
    code = unit_code(unit) if unit not in (None, "") else None
    return None if code in (None, CITY) else code


def _names(units: pd.DataFrame, lang: str) -> pd.Series:
    return units.set_index("unit")[name_column(lang)]


def _day(ts) -> str:
    return f"{pd.Timestamp(ts):%Y-%m-%d}"


# ----------------------------------------------------------------------- since last month
def changes_since(data: Mapping[str, pd.DataFrame], month: str | pd.Period, *, unit: str | int | None = None,
                  lang: str = "zh", spec: Spec | None = None, evaluation: Mapping | None = None) -> dict:
    """What changed between the month before ``month`` and ``month`` (see the module's
    docstring), as the ``changes`` section of the brief's results (without ``revisions``).

    ``data``: the loaded tables (observations, indicators, units, tasks, progress, inspections
    and, for ranks, what the evaluation reads). ``evaluation``: the month's
    :func:`~reformlib.briefs.content.evaluation_section` when the brief already made it (it is
    not made twice). When the data hold no value for the month before, the lists are empty and
    ``note`` says why.
    """
    m = as_month(month)
    before = m - 1
    one = _one_unit(unit)
    out = {"available": True, "month": str(m), "previous_month": str(before), "completed": [], "newly_overdue": [],
           "ranks": [], "crossed": [], "rectified": []}
    earliest = min(data["observations"]["period"].min(), data["progress"]["period"].min())
    if before < earliest:
        words = f"{before.year}年{before.month}月" if lang == "zh" else before.strftime("%B %Y")
        return {**out, "note": CHANGES[lang]["no_previous"].format(previous=words)}
    names = _names(data["units"], lang)
    out["completed"], out["newly_overdue"] = task_changes(data["tasks"], data["progress"], m, one=one, names=names, lang=lang)
    out["ranks"], note = _ranks(data, m, one=one, lang=lang, spec=spec, evaluation=evaluation)
    if note:
        out["ranks_note"] = note
    out["crossed"] = _crossed(data["observations"], data["indicators"], data["units"], m, one=one, names=names, lang=lang)
    out["rectified"] = rectified_problems(data["inspections"], data["tasks"], m, one=one, names=names, lang=lang)
    return out


def task_changes(tasks: pd.DataFrame, progress: pd.DataFrame, m: pd.Period, *, one: str | None, names: pd.Series,
                 lang: str, status: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> tuple[list[dict], list[dict]]:
    """``changes.completed`` and ``changes.newly_overdue`` of month ``m``: the tasks completed
    this month and those newly overdue (longest overdue first), of the unit ``one`` (None: every
    task); ``names`` maps unit codes to names. ``tasks`` and ``progress`` may hold that unit's
    rows only (what a batch of unit briefs passes), or every unit's. ``status``: the tasks'
    :func:`~reformlib.data.task_status.task_status` in ``m`` and in the month before, when
    already made (the rows of ``tasks``, in their order)."""
    if one is not None:
        keep = (tasks["lead_unit"] == one).to_numpy()
        tasks = tasks[keep]
        progress = progress[progress["task_id"].isin(tasks["task_id"])]
        status = None if status is None else (status[0][keep], status[1][keep])
    if tasks.empty:
        return [], []
    if status is None:
        status = (task_status(tasks, progress, m), task_status(tasks, progress, m - 1))
    now, was = (s.set_index("task_id") for s in status)
    info = tasks.set_index("task_id")
    end = month_end(m)

    def base(task_id: str) -> dict:
        lead = str(info.at[task_id, "lead_unit"])
        return {"task_id": str(task_id), "title": str(info.at[task_id, f"title_{lang}"]), "lead_unit": lead,
                "lead_name": str(names.get(lead, lead)), "deadline": _day(info.at[task_id, "deadline"]),
                "progress_before": round(float(was.at[task_id, "progress"]), 1)}

    done = now.index[(now["status"] == "completed") & (was["status"] != "completed")]
    late = now.index[(now["status"] == "overdue") & (was["status"] != "overdue")]
    completed = [{**base(t), "was_overdue": bool(was.at[t, "status"] == "overdue"),
                  "completed_late": bool(info.at[t, "deadline"].to_period("M") < m)} for t in done]
    overdue = [{**base(t), "progress": round(float(now.at[t, "progress"]), 1),
                "days_overdue": max(0, int((end - info.at[t, "deadline"]).days))} for t in late]
    return completed, sorted(overdue, key=lambda r: (-r["days_overdue"], r["task_id"]))


def previous_assessment(data: Mapping[str, pd.DataFrame], m: pd.Period, *, lang: str,
                        spec: Spec | None = None) -> dict | None:
    """The monthly assessment of the month before ``m`` for the rank changes, or None where the
    model cannot score that month from the data (January of the data's first full year: last
    December's flows lack their year); :func:`ranks_note` then says so."""
    try:
        return evaluation_section(data, m - 1, lang=lang, spec=spec, uncertainty=False, assessment="monthly")
    except SpecError:
        return None


def ranks_note(m: pd.Period, lang: str) -> str:
    """Why a brief lists no rank changes when the month before cannot be assessed."""
    before = m - 1
    words = f"{before.year}年{before.month}月" if lang == "zh" else before.strftime("%B %Y")
    return CHANGES[lang]["ranks_unscored"].format(previous=words)


def peer_places(now: Mapping, before: Mapping) -> dict:
    """A unit's place within its peer group (县市区 or 园区) this month and the month before, for
    its row of ``changes.ranks`` (``peer_group_name``, ``peer_size``, ``peer_rank``,
    ``peer_rank_before``), from its two score records; {} when either lacks a peer rank."""
    if not all(x.get("peer_rank") and x.get("peer_size") and x.get("peer_group_name") for x in (now, before)):
        return {}
    return {"peer_group_name": str(now["peer_group_name"]), "peer_size": int(now["peer_size"]),
            "peer_rank": int(now["peer_rank"]), "peer_rank_before": int(before["peer_rank"])}


def _ranks(data: Mapping[str, pd.DataFrame], m: pd.Period, *, one: str | None, lang: str, spec: Spec | None,
           evaluation: Mapping | None) -> tuple[list[dict], str]:
    # month against month: December's brief scores the year-end assessment, so its monthly
    # assessment is made here to set against November's
    if evaluation is None or evaluation.get("assessment", "monthly") != "monthly":
        evaluation = evaluation_section(data, m, lang=lang, spec=spec, uncertainty=False, assessment="monthly")
    now = evaluation
    if not now or not now.get("available", True) or not now.get("scores"):
        return [], ""
    was = previous_assessment(data, m, lang=lang, spec=spec)
    if was is None:
        return [], ranks_note(m, lang)
    earlier = {s["unit"]: s for s in was.get("scores", [])}
    rows = []
    for s in now["scores"]:
        b = earlier.get(s["unit"])
        if b is None or (one is not None and s["unit"] != one):
            continue
        row = {"unit": s["unit"], "name": s["name"], "rank_before": int(b["rank"]), "rank": int(s["rank"]),
               "rank_change": int(b["rank"]) - int(s["rank"]), "grade_before": b["grade"], "grade": s["grade"],
               "score_before": round(float(b["score"]), 2), "score": round(float(s["score"]), 2), **peer_places(s, b)}
        # a move is a move within the unit's peer group where it has one, as the page ranks it
        moved = row["peer_rank_before"] != row["peer_rank"] if "peer_rank" in row else row["rank_change"]
        if one is not None or moved or row["grade"] != row["grade_before"]:
            rows.append(row)
    return sorted(rows, key=lambda r: (r["rank"], r["unit"])), ""


def _crossed(observations: pd.DataFrame, indicators: pd.DataFrame, units: pd.DataFrame, m: pd.Period, *,
             one: str | None, names: pd.Series, lang: str) -> list[dict]:
    keep = [one] if one is not None else [str(u) for u in units.loc[units["territorial"].astype(bool), "unit"]]
    order = {u: i for i, u in enumerate(keep)}
    rows = []
    for r in indicators.itertuples(index=False):
        if r.direction != "band" and pd.isna(r.target):
            continue
        obs = observations[observations["indicator"] == r.indicator]
        now, was = value_in(obs, r.annual, m), value_in(obs, r.annual, m - 1)
        for u in keep:
            v1, v0 = now.get(u), was.get(u)
            if v1 is None or v0 is None or pd.isna(v1) or pd.isna(v0):
                continue
            t1, miss1 = target_in(r, m, float(v1))
            t0, miss0 = target_in(r, m - 1, float(v0))
            if miss1 == miss0:
                continue
            rows.append(crossed_row(u, names, r, lang=lang, missed=miss1, before=(v0, t0), now=(v1, t1)))
    return sorted(rows, key=lambda r: (order[r["unit"]], r["now"], r["indicator"]))


def crossed_row(unit: str, names: Mapping, r, *, lang: str, missed: bool, before: tuple[float, float],
                now: tuple[float, float]) -> dict:
    """One row of ``changes.crossed``: ``unit``'s indicator ``r`` (a row of the catalogue) that
    now misses (``missed``) or meets its target, with its value and target the month before
    and now; a band indicator's target is the edge crossed (the one nearer the value that
    misses the band)."""
    (v0, t0), (v1, t1) = before, now
    band = r.direction == "band"
    if band:
        t0 = t1 = t1 if missed else t0
    return {"unit": unit, "unit_name": str(names.get(unit, unit)), "indicator": str(r.indicator),
            "name": str(getattr(r, name_column(lang))), "direction": str(r.direction),
            "now": "missed" if missed else "met", "value_before": round(float(v0), 2),
            "target_before": round(float(t0), 2), "value": round(float(v1), 2), "target": round(float(t1), 2),
            "band_low": round(float(r.band_low), 2) if band else None,
            "band_high": round(float(r.band_high), 2) if band else None,
            "measure_unit": str(r.measure_unit) if isinstance(r.measure_unit, str) else None}


def _category_names(tasks: pd.DataFrame, lang: str) -> dict[str, str]:
    column = f"category_{lang}"
    if column not in tasks.columns:
        return {}
    return dict(zip(tasks["category"].astype(str), tasks[column].astype(str)))


def rectified_problems(inspections: pd.DataFrame, tasks: pd.DataFrame, m: pd.Period, *, one: str | None,
                       names: pd.Series, lang: str) -> list[dict]:
    """``changes.rectified``: the inspection problems of unit ``one`` (None: every unit)
    rectified within month ``m``, in the order rectified; ``tasks`` names the categories."""
    df = inspections if one is None else inspections[inspections["unit"] == one]
    start, end = m.start_time.normalize(), month_end(m)
    done = df[df["rectified_on"].notna() & (df["rectified_on"] >= start) & (df["rectified_on"] <= end)
              & (df["found_on"] <= end)]
    categories = _category_names(tasks, lang)
    rows = []
    for r in done.sort_values(["rectified_on", "problem_id"]).itertuples(index=False):
        due = getattr(r, "due_on", None)
        rows.append({"problem_id": str(r.problem_id), "unit": str(r.unit), "unit_name": str(names.get(r.unit, r.unit)),
                     "inspection": inspection_name(r, lang), "category": categories.get(str(r.category), str(r.category)),
                     "found_on": _day(r.found_on), "rectified_on": _day(r.rectified_on),
                     "days_open": int((r.rectified_on - r.found_on).days),
                     "due_on": None if due is None or pd.isna(due) else _day(due),
                     "late": bool(due is not None and not pd.isna(due) and r.rectified_on > due)})
    return rows


# ------------------------------------------------------------- revised since the last brief
def store_behind(path: str | os.PathLike | None = None) -> Path | None:
    """The store a brief's data come from, or None when they come from a folder.

    ``path`` is what the brief was given as its data (default ``$REFORMLIB_DATA``, else the
    demonstration folder): a store itself, or the snapshot folder of a store's current tables
    (``<dir>/.<store name>.tables/<version>/``, as a brief run from a store reads it)."""
    p = Path(path) if path not in (None, "") else Path(os.environ.get("REFORMLIB_DATA") or DEMO)
    if is_store(p):
        return p
    root = p.parent.name
    if root.startswith(".") and root.endswith(".tables"):
        store = p.parent.parent / root[1:-len(".tables")]
        if store.is_file():
            return store
    return None


def _reports(reports: str | os.PathLike | None) -> Path:
    if isinstance(reports, str) and any(not ch.isprintable() for ch in reports):
        raise ParameterError(f"reports_dir must be a folder path without control characters, got {reports!r}")
    folder = reports_folder(reports or None)
    if folder.exists() and not folder.is_dir():
        raise ParameterError(f"reports_dir {folder} is not a folder")
    return folder


def _published(folder: Path, key: dict[str, str]) -> dict | None:
    path = folder / "current" / "manifest.json"
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataValidationError(path, [Problem(None, "manifest", f"cannot be read as JSON: {exc}")]) from None
    if manifest.get("status") != "published" or manifest.get("parameters") != key or not manifest.get("published_at"):
        return None
    try:
        when = dt.datetime.fromisoformat(manifest["published_at"])
    except (TypeError, ValueError):
        raise DataValidationError(path, [Problem(None, "published_at", "must be an ISO 8601 date-time",
                                                 manifest["published_at"])]) from None
    if when.tzinfo is None:
        raise DataValidationError(path, [Problem(None, "published_at", "must carry its time zone", manifest["published_at"])])
    return {"month": key["month"], "unit": key["unit"] or None, "run_id": str(manifest.get("run_id", "")),
            "published_at": when.astimezone(dt.UTC).isoformat()}


def previous_brief(month: str | pd.Period, *, unit: str | int | None = None, lang: str = "zh",
                   reports: str | os.PathLike | None = None) -> dict | None:
    """The last published brief of the same parameters (``month``, ``unit``, ``lang``) in the
    reports folder ``reports`` (default ``$REFORMLIB_REPORTS``, else ``reports/``); when this
    month has none, the last published brief of the month before; None when neither exists.

    Read from the brief folder's ``current/manifest.json`` (status ``published``, the same
    parameters): ``{"month", "unit", "run_id", "published_at"}`` (UTC). While a brief runs,
    ``current`` still points to the one published before it."""
    from reformlib.briefs.run import BriefParams, brief_folder

    m, one = as_month(month), _one_unit(unit)
    folder = _reports(reports)
    for when in (m, m - 1):
        params = BriefParams(month=str(when), lang=lang, unit=one or "", data_dir="")
        found = _published(brief_folder(params, folder), params.key())
        if found is not None:
            return found
    return None


def local_time(utc_iso: str) -> dt.datetime:
    """An aware time as local wall time (how the store records ingestion times)."""
    return dt.datetime.fromisoformat(utc_iso).astimezone().replace(tzinfo=None)


def _utc(local) -> str:
    """A local wall time (as the store records it) in UTC, ISO 8601."""
    return pd.Timestamp(local).to_pydatetime().astimezone().astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _value(kind: str, text) -> float | str | None:
    if text is None or pd.isna(text):
        return None
    return str(text)[:10] if kind == "inspections" else round(float(text), 4)


def revisions_section(data: Mapping[str, pd.DataFrame], month: str | pd.Period, *, unit: str | int | None = None,
                      lang: str = "zh", data_path: str | os.PathLike | None = None,
                      reports: str | os.PathLike | None = None) -> dict:
    """Values the brief uses that were revised since the last published brief (see the
    module's docstring), as ``changes.revisions``: ``traceable`` (False for folder data, with
    ``note``), ``since`` (:func:`previous_brief`, or None with ``note``) and ``items``, one per
    value: kind, key, name, unit, unit_name, period, old_value, new_value, measure_unit,
    source file (and sheet!cell) and revised_at (UTC)."""
    store = store_behind(data_path)
    words = CHANGES[lang]
    if store is None:
        return {"traceable": False, "note": words["folder"], "since": None, "items": []}
    since = previous_brief(month, unit=unit, lang=lang, reports=reports)
    if since is None:
        return {"traceable": True, "note": words["no_brief"], "since": None, "items": []}
    m, one = as_month(month), _one_unit(unit)
    found = Store(store).revisions_since(local_time(since["published_at"]), unit=one)
    found = found[found["period"].notna() & (found["period"].astype(str) <= str(m))]
    return {"traceable": True, "since": since, "items": revision_items(found, data, lang)}


def revision_items(found: pd.DataFrame, data: Mapping[str, pd.DataFrame], lang: str) -> list[dict]:
    """``changes.revisions.items``: the store's revisions ``found``
    (:meth:`~reformlib.data.store.Store.revisions_since`, already cut to the brief's unit and
    months), one item per value, named from the loaded tables ``data``."""
    names = _names(data["units"], lang)
    ind = data["indicators"].set_index("indicator")
    titles = data["tasks"].set_index("task_id")[f"title_{lang}"]
    problems = _problem_names(data, lang)
    rows = []
    for (kind, key, u, period), g in found.groupby(["kind", "key", "unit", "period"], sort=False, dropna=False):
        first, last = g.iloc[0], g.iloc[-1]
        old, new = _value(kind, first["old_value"]), _value(kind, last["new_value"])
        if old == new:  # revised and revised back
            continue
        if kind == "indicators":
            name = str(ind.at[key, name_column(lang)]) if key in ind.index else str(key)
            measure = ind.at[key, "measure_unit"] if key in ind.index else None
        elif kind == "progress":
            name, measure = str(titles.get(key, key)), "%"
        else:
            name, measure = problems.get(key, str(key)), None
        cell = last["new_cell"] if isinstance(last["new_cell"], str) else ""
        sheet = last["new_sheet"] if isinstance(last["new_sheet"], str) else ""
        where = f"{sheet}!{cell}" if sheet and cell else cell
        rows.append({"kind": str(kind), "key": str(key), "name": name, "unit": None if pd.isna(u) else str(u),
                     "unit_name": None if pd.isna(u) else str(names.get(u, u)), "period": str(period),
                     "old_value": old, "new_value": new,
                     "measure_unit": str(measure) if isinstance(measure, str) else None,
                     "source": str(last["new_file"]) + (f" {where}" if where else ""),
                     "revised_at": _utc(last["new_ingested_at"])})
    return rows


def _problem_names(data: Mapping[str, pd.DataFrame], lang: str) -> dict[str, str]:
    """Each inspection problem as the brief names it: the inspection and the problem's category."""
    if "inspections" not in data:
        return {}
    categories = _category_names(data["tasks"], lang)
    return {str(r.problem_id): CHANGES[lang]["problem"].format(inspection=inspection_name(r, lang),
                                                               category=categories.get(str(r.category), str(r.category)))
            for r in data["inspections"].itertuples(index=False)}


def changes_section(data: Mapping[str, pd.DataFrame], month: str | pd.Period, *, unit: str | int | None = None,
                    lang: str = "zh", spec: Spec | None = None, evaluation: Mapping | None = None,
                    data_path: str | os.PathLike | None = None, reports: str | os.PathLike | None = None) -> dict:
    """The brief's ``changes`` section: :func:`changes_since` with ``revisions``
    (:func:`revisions_section`)."""
    out = changes_since(data, month, unit=unit, lang=lang, spec=spec, evaluation=evaluation)
    out["revisions"] = revisions_section(data, month, unit=unit, lang=lang, data_path=data_path, reports=reports)
    return out
