"""The results file of a brief run (publication step: notebook -> documents).

A brief's notebooks write one ``results.json`` holding every number the documents quote;
the memo, workbook and HTML are produced from it, never from a notebook's outputs
(PIPELINE.md: "have notebooks write a small, validated results file instead").

Layout (JSON Schema draft 2020-12, :data:`RESULTS_SCHEMA`)::

    month          "YYYY-MM"
    lang           "zh" | "en"
    unit           unit code (text, e.g. "430321") or null for the whole city
    synthetic      true when the run used the synthetic demonstration data
    generated_at   ISO 8601 date-time
    headline       [{code, name, value, unit, reference_value, comparison, document_text, change,
                     growth, target, band_low, band_high, meets_target, previous_month,
                     year_earlier, city_value}]
    tasks          {total, completed, on_schedule, behind, overdue, not_started, completion_rate,
                    by_category: [{category, name, total, completed, completion_rate,
                                   on_schedule, behind, overdue, not_started}],
                    at_risk: [{task_id, title, lead_unit, probability, reason, progress,
                               expected}],
                    supervision: [{task_id, title, lead_unit, lead_name, leader_level,
                                   deadline, progress, status, days_overdue, key_task}]}
    evaluation     {available, note, scores: [{unit, name, score, grade, rank,
                    rank_p05, rank_p95, veto, lost_points, make_up}],
                    league_size, league_ends: [{unit, name, score, grade, rank}] x 2,
                    excerpt: {units: [code | null], size}}
    indicators_off_target  [{unit, unit_name, indicator, name, value, target, gap,
                             measure_unit}]
    inspections    {found, rectified, open, open_over_90_days,
                    over_90_by_unit: [{unit, name, open_over_90_days}], past_due,
                    past_due_by_unit: [{unit, name, past_due}],
                    past_due_items: [{problem_id, unit, name, inspection, found_on, due_on,
                                      days_past_due}]}
    pilots         {national, provincial, models, local}
    family         {family, name, rows: [{unit, unit_name, kind, indicator, indicator_name, value,
                                         band_low, band_high, target, peer_size}]}
    figures        [{name, path, caption}]
    names          {code: name} of every unit and lead unit an output mentions
    tasks.warning  {rule, rule_note, method, model_fitted, checked, n, folds_fitted, auc,
                    auc_low, auc_high, difference, difference_low, difference_high,
                    bands: [{band, n, missed, observed, observed_low, observed_high}], text}
    changes        {month, previous_month, note,
                    completed: [{task_id, title, lead_unit, lead_name, deadline, progress_before,
                                 was_overdue, completed_late}],
                    newly_overdue: [{task_id, title, lead_unit, lead_name, deadline,
                                     progress_before, progress, days_overdue}],
                    ranks: [{unit, name, rank_before, rank, rank_change, grade_before, grade,
                             score_before, score, peer_group_name?, peer_size?, peer_rank?,
                             peer_rank_before?}],
                    crossed: [{unit, unit_name, indicator, name, direction, now, value_before,
                               target_before, value, target, band_low, band_high, measure_unit}],
                    rectified: [{problem_id, unit, unit_name, inspection, category, found_on,
                                 rectified_on, days_open, due_on, late}],
                    revisions: {traceable, note, since: {month, unit, run_id, published_at},
                                items: [{kind, key, name, unit, unit_name, period, old_value,
                                         new_value, measure_unit, source, revised_at}]}}

The page (:mod:`reformlib.briefs.render`) is rebuilt from this file alone: the headline's
``document_text`` (the document's figure as the page writes it, empty where the document does
not describe the figure), each category's counts by status and ``tasks.not_started`` (the
task figure and sentence), and ``family`` (the family figure's data: in the city's brief every
territorial unit, ``kind`` "unit" or "city"; in a unit's brief only the unit, its peer group's
median, ``kind`` "peers" with ``peer_size``, and the city) are kept for it.

Optional fields (a results file without them stays valid): ``headline[].change`` (levels:
change since last December, in the indicator's unit) and ``growth`` (flows: year-to-date
growth on the same months of last year, percent), as the page shows them; the headline's own
comparisons: ``target`` (the target the value is held to that month: flows pro rata, a band's
nearer edge) with ``meets_target``, ``band_low``/``band_high`` (a band indicator's target band,
which the outputs show as the target), ``previous_month`` and ``year_earlier`` (the value a month
and a year earlier; flows year to date), and in a unit's brief only ``city_value`` (the city's
value that month); ``headline[].units_behind`` (the data's territorial units, by name, that
missed the target where the document's words describe the whole city: shown beside those
words, never as part of them); ``names``, the 督办清单
``tasks.supervision`` (overdue tasks, ``status`` "overdue", with ``days_overdue`` past the
deadline; tasks due this month and unfinished, "due_this_month"; tasks due within two
months and behind schedule, "behind"; ``progress`` in percent, ``deadline`` "YYYY-MM-DD";
``key_task`` true for a key task, 重点任务),
``scores[].veto`` (the one-vote veto that capped the grade, in words), ``scores[].lost_points``
(each rubric item on which the unit lost points: item name, points lost, reason, as the
make-up prints them), ``scores[].make_up`` (how the score is made up, in the model's arithmetic:
``full`` points of the items that apply, ``terms`` [{part: item | rescale | bonus | bonus_cap,
item, points, reason}], ``base``, ``bonus``, ``quantitative``, and at year end ``qualitative``,
its ``share`` and the two weighted parts ``quantitative_part`` and ``qualitative_part``, then
``score``; every figure to two decimals, the parts adding up exactly to each subtotal and to
the score),
``indicators_off_target[].unit_name`` and ``measure_unit``, ``evaluation.city`` (the whole
city's score and grade, reported and not ranked among its parts, with its ``lost_points`` as a
unit's), in a unit's brief over a
league longer than the page prints whole (:func:`reformlib.report.league.cut`): ``scores``
holding only the records the brief prints, ``evaluation.excerpt`` (``units``: their codes in
order, null where rows are left out; ``size``: the units of the peer group it is taken
from), ``evaluation.league_size`` (the units ranked in the whole league, the base of every
rank the brief states) and ``evaluation.league_ends`` (the league's best and worst score),
the whole ranking being written once beside the month's unit briefs
(:func:`reformlib.report.league.write_league`), and
``inspections.over_90_by_unit``; ``inspections.past_due`` (problems open at the month's end
past their rectification deadline, 整改时限), by unit (``past_due_by_unit``) and one by one
(``past_due_items``, longest past first); the early warning's meaning: ``tasks.at_risk[]``'s
``lead_name``, ``band`` (the probability's band) and ``band_observed`` with its Wilson
interval (the miss rate observed in that band on the held-out check, a share, over
``band_n`` snapshots), ``progress`` and ``expected`` (the task's progress and the progress its
schedule expects by the month's end, percent: the gap to schedule, shown instead of a band when
the list is ranked by that gap or the model was not fitted), and ``tasks.warning`` (the rule
ranking the list, ``rule_note`` why,
``model_fitted`` whether the model was fitted for the month, the rule's held-out ROC AUC
with its interval, the model's AUC ``difference`` to the gap-to-schedule rule, the bands,
and ``text``, the sentences shown beside the list); the evaluation's ``assessment``
("monthly", or "year_end" in a December brief), ``period`` ("2017-06" or "2017") and
``assessment_label``, and each score's ``peer_group``, ``peer_rank`` of ``peer_size`` with
``peer_rank_p05`` / ``peer_rank_p95`` and ``peer_rank_text`` (``rank`` is among all the
city's parts); and ``changes`` (what changed since the month before:
``completed_late`` a task completed this month after its deadline month, ``rank_change`` is
the places gained, ``now`` says whether an indicator now meets its target
(``met``) or misses it (``missed``); ``revisions``: values revised since the last published
brief, ``traceable`` false for data read from a folder). Outputs name units by ``names`` (then the units' own
names), never by code.

Every section after ``headline`` may be left out or replaced by
``{"available": false, "note": "..."}``; the documents then say that the section is not
yet available instead of inventing numbers. Object sections may also carry
``"available": true``. Rates (``completion_rate``) are in percent (87.5, not 0.875), as
the source document writes them; ``probability`` is a share in [0, 1].

Numpy scalars (``np.int64(213)``) are accepted and stored as plain numbers. Beyond the
schema, :func:`validate_results` checks a few sums (completed <= total,
rectified + open = found, open_over_90_days <= open, past_due <= open and its lists counting it, a score's make-up adding up to it, a headline's ``growth`` equal to its
value's growth on ``year_earlier``, ``meets_target`` only beside a ``target``, ``city_value``
only in a unit's brief, rank_p05 <= rank_p95 (and
peer_rank_p05 <= peer_rank_p95, peer_rank <= peer_size), an excerpt listing exactly its
scores with every rank within ``league_size``, a rank change
equal to the ranks' difference) and rejects
NaN and infinity anywhere. Every problem is reported at once, each with its JSON path.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from jsonschema import Draft202012Validator, FormatChecker

from reformlib.errors import DataValidationError, Problem
from reformlib.report.atomic import atomic_path
from reformlib.report.league import PEER_PLACES
from reformlib.report.makeup import make_up_sums

__all__ = [
    "RESULTS_SCHEMA",
    "SECTIONS",
    "JsonProblem",
    "validate_results",
    "write_results",
    "read_results",
    "section",
]

_NUM = {"type": "number"}
_COUNT = {"type": "integer", "minimum": 0}
_TEXT = {"type": "string", "minLength": 1}
_PERCENT = {"type": "number", "minimum": 0, "maximum": 100}


def _record(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [k for k in properties if k not in optional],
        "additionalProperties": False,
    }


def _list_section(item: dict[str, Any]) -> dict[str, Any]:
    """A list, or ``{"available": false, "note": ...}`` when the section is missing."""
    return {
        "if": {"type": "array"},
        "then": {"type": "array", "items": item},
        "else": _UNAVAILABLE,
    }


def _object_section(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object with its fields, or ``{"available": false, "note": ...}``."""
    full = _record({"available": {"const": True}, "note": {"type": "string"}, **properties},
                   optional=("available", "note", *optional))
    return {
        "if": {"type": "object", "properties": {"available": {"const": False}},
               "required": ["available"]},
        "then": _UNAVAILABLE,
        "else": full,
    }


_UNAVAILABLE = _record({"available": {"const": False}, "note": _TEXT})

_HEADLINE = _record({
    "code": _TEXT, "name": _TEXT, "value": {"type": ["number", "null"]},  # null: not reported this month
    "unit": {"type": ["string", "null"]},
    "reference_value": {"type": ["number", "null"]},
    "comparison": {"type": ["string", "null"]},
    "units_behind": _TEXT,  # the data's units that missed the target where the document's words describe the city
    "change": {"type": ["number", "null"]},
    "growth": {"type": ["number", "null"]},
    "target": {"type": ["number", "null"]},
    "band_low": {"type": ["number", "null"]},
    "band_high": {"type": ["number", "null"]},
    "meets_target": {"type": ["boolean", "null"]},
    "previous_month": {"type": ["number", "null"]},
    "year_earlier": {"type": ["number", "null"]},
    "city_value": {"type": ["number", "null"]},
    "document_text": {"type": ["string", "null"]},
}, optional=("change", "growth", "target", "band_low", "band_high", "meets_target", "previous_month", "year_earlier",
             "city_value", "document_text", "units_behind"))
_CATEGORY = _record({"category": _TEXT, "name": _TEXT, "total": _COUNT,
                     "completed": _COUNT, "completion_rate": _PERCENT, "on_schedule": _COUNT, "behind": _COUNT,
                     "overdue": _COUNT, "not_started": _COUNT},
                    optional=("on_schedule", "behind", "overdue", "not_started"))
_SHARE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_AT_RISK = _record({"task_id": _TEXT, "title": _TEXT, "lead_unit": _TEXT,
                    "probability": {"type": "number", "minimum": 0, "maximum": 1},
                    "reason": {"type": "string"}, "lead_name": _TEXT, "band": _TEXT, "band_n": _COUNT,
                    "band_observed": _SHARE, "band_observed_low": _SHARE, "band_observed_high": _SHARE,
                    "progress": _PERCENT, "expected": _PERCENT},
                   optional=("lead_name", "band", "band_n", "band_observed", "band_observed_low",
                             "band_observed_high", "progress", "expected"))
_BAND = _record({"band": _TEXT, "n": _COUNT, "missed": _COUNT, "observed": _SHARE,
                 "observed_low": _SHARE, "observed_high": _SHARE})
_DIFFERENCE = {"type": ["number", "null"], "minimum": -1, "maximum": 1}
_WARNING = _record({"rule": {"enum": ["model", "gap"]}, "rule_note": _TEXT,
                    "method": {"enum": ["model", "baseline", "gap_to_schedule", None]},
                    "model_fitted": {"type": ["boolean", "null"]}, "checked": {"type": "boolean"},
                    "n": _COUNT, "folds_fitted": _COUNT, "auc": _SHARE, "auc_low": _SHARE, "auc_high": _SHARE,
                    "difference": _DIFFERENCE, "difference_low": _DIFFERENCE, "difference_high": _DIFFERENCE,
                    "bands": {"type": "array", "items": _BAND}, "text": _TEXT})
_SUPERVISE = _record({"task_id": _TEXT, "title": _TEXT, "lead_unit": _TEXT,
                      "lead_name": _TEXT, "leader_level": {"type": "string"},
                      "deadline": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                      "progress": _PERCENT,
                      "status": {"enum": ["overdue", "due_this_month", "behind"]},
                      "days_overdue": _COUNT, "key_task": {"type": "boolean"}}, optional=("key_task",))
_NUM_OR_NULL = {"type": ["number", "null"]}
_MAKE_UP = _record({
    "full": _NUM, "base_points": _NUM,
    "terms": {"type": "array", "items": _record({"part": {"enum": ["item", "rescale", "bonus", "bonus_cap"]},
                                                 "item": _TEXT, "points": _NUM, "reason": {"type": "string"}})},
    "base": _NUM, "bonus": _NUM, "quantitative": _NUM, "qualitative": _NUM_OR_NULL,
    "share": {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 1},
    "quantitative_part": _NUM_OR_NULL, "qualitative_part": _NUM_OR_NULL, "score": _NUM})
_SCORE = _record({"unit": _TEXT, "name": _TEXT, "score": _NUM, "grade": _TEXT,
                  "rank": {"type": "integer", "minimum": 1},
                  "rank_p05": {"type": ["number", "null"], "minimum": 1},
                  "rank_p95": {"type": ["number", "null"], "minimum": 1},
                  "veto": {"type": ["string", "null"]},
                  "lost_points": {"type": "array", "items": _record({"item": _TEXT, "lost": _NUM,
                                                                     "reason": {"type": "string"}})},
                  "peer_group": _TEXT, "peer_group_name": _TEXT,
                  "peer_rank": {"type": "integer", "minimum": 1}, "peer_size": {"type": "integer", "minimum": 1},
                  "peer_rank_p05": {"type": ["number", "null"], "minimum": 1},
                  "peer_rank_p95": {"type": ["number", "null"], "minimum": 1}, "peer_rank_text": _TEXT,
                  "make_up": _MAKE_UP},
                 optional=("rank_p05", "rank_p95", "veto", "lost_points", "peer_group", "peer_group_name", "peer_rank",
                           "peer_size", "peer_rank_p05", "peer_rank_p95", "peer_rank_text", "make_up"))
_OFF_TARGET = _record({"unit": _TEXT, "unit_name": _TEXT, "indicator": _TEXT, "name": _TEXT,
                       "value": _NUM, "target": _NUM, "gap": _NUM,
                       "measure_unit": {"type": ["string", "null"]}},
                      optional=("unit_name", "measure_unit"))
_OVER_90 = _record({"unit": _TEXT, "name": _TEXT, "open_over_90_days": _COUNT})
_FAMILY_ROW = _record({"unit": _TEXT, "unit_name": _TEXT, "kind": {"enum": ["unit", "peers", "city"]},
                       "indicator": _TEXT, "indicator_name": _TEXT,
                       **{k: {"type": ["number", "null"]} for k in ("value", "band_low", "band_high", "target")},
                       "peer_size": _COUNT}, optional=("peer_size",))
_PAST_DUE = _record({"unit": _TEXT, "name": _TEXT, "past_due": _COUNT})
_PAST_DUE_ITEM = _record({"problem_id": _TEXT, "unit": _TEXT, "name": _TEXT, "inspection": {"type": "string"},
                          "found_on": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                          "due_on": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                          "days_past_due": {"type": "integer", "minimum": 1}})
_FIGURE = _record({"name": _TEXT, "path": _TEXT, "caption": {"type": "string"}})
_DAY = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_MONTH = {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"}
_CHANGED_TASK = {"task_id": _TEXT, "title": _TEXT, "lead_unit": _TEXT, "lead_name": _TEXT, "deadline": _DAY,
                 "progress_before": _PERCENT}
_MEASURE = {"type": ["string", "null"]}
_CHANGES = {
    "month": _MONTH, "previous_month": _MONTH,
    "completed": {"type": "array", "items": _record({**_CHANGED_TASK, "was_overdue": {"type": "boolean"},
                                                                 "completed_late": {"type": "boolean"}},
                                                                optional=("completed_late",))},
    "newly_overdue": {"type": "array", "items": _record({**_CHANGED_TASK, "progress": _PERCENT,
                                                         "days_overdue": _COUNT})},
    "ranks": {"type": "array", "items": _record({
        "unit": _TEXT, "name": _TEXT, "rank_before": {"type": "integer", "minimum": 1},
        "rank": {"type": "integer", "minimum": 1}, "rank_change": {"type": "integer"},
        "grade_before": _TEXT, "grade": _TEXT, "score_before": _NUM, "score": _NUM,
        "peer_group_name": _TEXT, "peer_size": {"type": "integer", "minimum": 1},
        "peer_rank": {"type": "integer", "minimum": 1}, "peer_rank_before": {"type": "integer", "minimum": 1}},
        optional=PEER_PLACES)},
    "crossed": {"type": "array", "items": _record({
        "unit": _TEXT, "unit_name": _TEXT, "indicator": _TEXT, "name": _TEXT,
        "direction": {"enum": ["higher", "lower", "band"]}, "now": {"enum": ["met", "missed"]},
        "value_before": _NUM, "target_before": _NUM, "value": _NUM, "target": _NUM,
        "band_low": {"type": ["number", "null"]}, "band_high": {"type": ["number", "null"]},
        "measure_unit": _MEASURE})},
    "rectified": {"type": "array", "items": _record({
        "problem_id": _TEXT, "unit": _TEXT, "unit_name": _TEXT, "inspection": _TEXT, "category": _TEXT,
        "found_on": _DAY, "rectified_on": _DAY, "days_open": _COUNT, "due_on": {"anyOf": [_DAY, {"type": "null"}]},
        "late": {"type": "boolean"}})},
    "revisions": _record({
        "traceable": {"type": "boolean"}, "note": _TEXT,
        "since": {"anyOf": [{"type": "null"}, _record({
            "month": _MONTH, "unit": {"type": ["string", "null"]}, "run_id": {"type": "string"},
            "published_at": {"type": "string", "format": "date-time"}})]},
        "items": {"type": "array", "items": _record({
            "kind": {"enum": ["indicators", "progress", "inspections"]}, "key": _TEXT, "name": _TEXT,
            "unit": {"type": ["string", "null"]}, "unit_name": {"type": ["string", "null"]}, "period": _MONTH,
            "old_value": {"type": ["number", "string", "null"]}, "new_value": {"type": ["number", "string", "null"]},
            "measure_unit": _MEASURE, "source": _TEXT, "revised_at": {"type": "string", "format": "date-time"}})}},
        optional=("note",)),
}

#: JSON Schema (draft 2020-12) of ``results.json``.
RESULTS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://reformlib.invalid/schemas/results.json",
    "title": "Results of one reform brief run",
    **_record({
        "month": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"},
        "lang": {"enum": ["zh", "en"]},
        "unit": {"type": ["string", "null"]},
        "synthetic": {"type": "boolean"},
        "generated_at": {"type": "string", "format": "date-time"},
        "headline": {"type": "array", "items": _HEADLINE},
        "tasks": _object_section({
            "total": _COUNT, "completed": _COUNT, "on_schedule": _COUNT,
            "behind": _COUNT, "overdue": _COUNT, "not_started": _COUNT, "completion_rate": _PERCENT,
            "by_category": {"type": "array", "items": _CATEGORY},
            "at_risk": {"type": "array", "items": _AT_RISK},
            "supervision": {"type": "array", "items": _SUPERVISE},
            "warning": _WARNING,
        }, optional=("not_started", "supervision", "warning")),
        "evaluation": _object_section({"scores": {"type": "array", "items": _SCORE},
                                       "city": _record({"unit": _TEXT, "name": _TEXT, "score": _NUM,
                                                        "grade": _TEXT, "lost_points": _SCORE["properties"]["lost_points"],
                                                        "make_up": _MAKE_UP},
                                                       optional=("lost_points", "make_up")),
                                       "assessment": {"enum": ["monthly", "year_end"]},
                                       "period": {"type": "string", "pattern": r"^\d{4}(-(0[1-9]|1[0-2]))?$"},
                                       "assessment_label": _TEXT,
                                       "league_size": {"type": "integer", "minimum": 1},
                                       "league_ends": {"type": "array", "minItems": 2, "maxItems": 2,
                                                       "items": _record({"unit": _TEXT, "name": _TEXT, "score": _NUM,
                                                                         "grade": _TEXT,
                                                                         "rank": {"type": "integer", "minimum": 1}},
                                                                        optional=("rank",))},
                                       "excerpt": _record({"units": {"type": "array",
                                                                     "items": {"type": ["string", "null"]}},
                                                           "size": {"type": "integer", "minimum": 1}})},
                                      optional=("city", "assessment", "period", "assessment_label", "league_size",
                                                "league_ends", "excerpt")),
        "indicators_off_target": _list_section(_OFF_TARGET),
        "inspections": _object_section({"found": _COUNT, "rectified": _COUNT,
                                        "open": _COUNT, "open_over_90_days": _COUNT,
                                        "over_90_by_unit": {"type": "array", "items": _OVER_90},
                                        "past_due": _COUNT,
                                        "past_due_by_unit": {"type": "array", "items": _PAST_DUE},
                                        "past_due_items": {"type": "array", "items": _PAST_DUE_ITEM}},
                                       optional=("over_90_by_unit", "past_due", "past_due_by_unit", "past_due_items")),
        "pilots": _object_section({"national": _COUNT, "provincial": _COUNT,
                                   "models": _COUNT, "local": _COUNT}),
        "family": _object_section({"family": _TEXT, "name": _TEXT, "rows": {"type": "array", "items": _FAMILY_ROW}}),
        "figures": _list_section(_FIGURE),
        "names": {"type": "object", "additionalProperties": _TEXT},
        "changes": _object_section({**_CHANGES, "ranks_note": _TEXT}, optional=("revisions", "ranks_note")),
    }, optional=("tasks", "evaluation", "indicators_off_target", "inspections",
                 "pilots", "family", "figures", "names", "changes")),
}

#: Sections that may be missing, in document order.
SECTIONS: tuple[str, ...] = ("tasks", "evaluation", "indicators_off_target", "family",
                             "inspections", "pilots", "figures", "changes")

_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    datetime.fromisoformat(value)
    return "T" in value or " " in value


_VALIDATOR = Draft202012Validator(RESULTS_SCHEMA, format_checker=_FORMATS)
_COMPILED: list[Any] = []


def _datetime_ok(value: object) -> bool:
    try:
        return _is_datetime(value)
    except ValueError:
        return False


def _compiled_valid(obj: Any) -> bool:
    """Whether ``obj`` passes :data:`RESULTS_SCHEMA` by :mod:`fastjsonschema`'s validator of it,
    compiled on first use (the schema's keywords are all of draft 7, which it reads; the same
    date-time check; no defaults filled in)."""
    import fastjsonschema

    if not _COMPILED:
        schema = {k: v for k, v in RESULTS_SCHEMA.items() if k != "$schema"}
        _COMPILED.append(fastjsonschema.compile(schema, formats={"date-time": _datetime_ok}, use_default=False))
    try:
        _COMPILED[0](obj)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def compile_check() -> None:
    """Compile the fast check of results (:func:`validate_results` with ``fast=True``) now,
    not on its first use: about 0.3 s, which a process about to publish a brief spends while
    its kernel computes (:func:`reformlib.briefs.render.warm_up`)."""
    _compiled_valid({})


@dataclass(frozen=True)
class JsonProblem(Problem):
    """A problem located by a JSON path (``$.tasks.total``) instead of a row."""

    def __str__(self) -> str:
        return f"{self.column}: {self.rule}"


def _json_path(parts: Any) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _non_finite(obj: Any, parts: tuple = ()) -> list[JsonProblem]:
    if isinstance(obj, float) and not math.isfinite(obj):
        return [JsonProblem(None, _json_path(parts), "NaN or infinity is not allowed", obj)]
    if isinstance(obj, Mapping):
        return [p for k, v in obj.items() for p in _non_finite(v, (*parts, k))]
    if isinstance(obj, list):
        return [p for i, v in enumerate(obj) for p in _non_finite(v, (*parts, i))]
    return []


def _plain(obj: Any) -> Any:
    """Numpy scalars as Python numbers and tuples as lists, as notebooks often hand them."""
    if isinstance(obj, Mapping):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def section(results: Mapping[str, Any], name: str) -> tuple[Any, str | None]:
    """Return ``(content, None)`` for an available section, ``(None, note)`` otherwise."""
    if name not in SECTIONS:
        raise ValueError(f"section: unknown section {name!r}; expected one of {SECTIONS}")
    value = results.get(name)
    if value is None:
        return None, ""
    if isinstance(value, Mapping) and value.get("available") is False:
        return None, str(value.get("note", ""))
    return value, None


def _consistency(obj: Mapping[str, Any]) -> list[JsonProblem]:
    problems: list[JsonProblem] = []

    def at_most(where: str, small: str, big: str, rec: Mapping[str, Any]) -> None:
        a, b = rec.get(small), rec.get(big)
        if isinstance(a, int) and isinstance(b, int) and a > b:
            problems.append(JsonProblem(None, f"{where}.{small}",
                                        f"{small} ({a}) exceeds {big} ({b})", a))

    problems += _headline_consistency(obj)
    tasks, _ = section(obj, "tasks")
    if isinstance(tasks, Mapping):
        for key in ("completed", "on_schedule", "behind", "overdue"):
            at_most("$.tasks", key, "total", tasks)
        for i, cat in enumerate(tasks.get("by_category") or []):
            if isinstance(cat, Mapping):
                at_most(f"$.tasks.by_category[{i}]", "completed", "total", cat)
    insp, _ = section(obj, "inspections")
    if isinstance(insp, Mapping):
        at_most("$.inspections", "open_over_90_days", "open", insp)
        by_unit = insp.get("over_90_by_unit")
        if isinstance(by_unit, list) and isinstance(insp.get("open_over_90_days"), int):
            listed = sum(r.get("open_over_90_days", 0) for r in by_unit if isinstance(r, Mapping))
            if listed != insp["open_over_90_days"]:
                problems.append(JsonProblem(None, "$.inspections.over_90_by_unit",
                                            f"the units' counts sum to {listed}, not to "
                                            f"open_over_90_days ({insp['open_over_90_days']})"))
        at_most("$.inspections", "past_due", "open", insp)
        for key in ("past_due_by_unit", "past_due_items"):
            rows = insp.get(key)
            if isinstance(rows, list) and isinstance(insp.get("past_due"), int):
                listed = (sum(r.get("past_due", 0) for r in rows if isinstance(r, Mapping)) if key == "past_due_by_unit"
                          else len(rows))
                if listed != insp["past_due"]:
                    problems.append(JsonProblem(None, f"$.inspections.{key}", f"{key} counts {listed} problems, "
                                                f"not past_due ({insp['past_due']})"))
        vals = [insp.get(k) for k in ("found", "rectified", "open")]
        if all(isinstance(v, int) for v in vals) and vals[1] + vals[2] != vals[0]:
            problems.append(JsonProblem(None, "$.inspections",
                                        f"rectified + open ({vals[1]} + {vals[2]}) "
                                        f"must equal found ({vals[0]})"))
    evaluation, _ = section(obj, "evaluation")
    if isinstance(evaluation, Mapping):
        for i, s in enumerate(evaluation.get("scores") or []):
            s = s if isinstance(s, Mapping) else {}
            for name in ("rank", "peer_rank"):
                lo, hi = s.get(f"{name}_p05"), s.get(f"{name}_p95")
                if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and lo > hi:
                    problems.append(JsonProblem(None, f"$.evaluation.scores[{i}]",
                                                f"{name}_p05 ({lo}) exceeds {name}_p95 ({hi})"))
            at_most(f"$.evaluation.scores[{i}]", "peer_rank", "peer_size", s)
            problems += _make_up_consistency(s, f"$.evaluation.scores[{i}]")
        problems += _league_consistency(evaluation)
    changes, _ = section(obj, "changes")
    if isinstance(changes, Mapping):
        for i, r in enumerate(changes.get("ranks") or []):
            if isinstance(r, Mapping) and all(isinstance(r.get(k), int) for k in ("rank_before", "rank", "rank_change")) \
                    and r["rank_change"] != r["rank_before"] - r["rank"]:
                problems.append(JsonProblem(None, f"$.changes.ranks[{i}].rank_change",
                                            f"rank_change ({r['rank_change']}) must equal rank_before - rank "
                                            f"({r['rank_before']} - {r['rank']})"))
    return problems


def _league_consistency(evaluation: Mapping[str, Any]) -> list[JsonProblem]:
    """A unit's excerpt of a long league (:func:`reformlib.report.league.cut`): its records
    are those the excerpt lists, in its order, each rank within ``league_size``, the excerpt
    no longer than the league it is taken from; all three fields or none."""
    keys = [k for k in ("excerpt", "league_size", "league_ends") if k in evaluation]
    if not keys:
        return []
    if len(keys) < 3:
        return [JsonProblem(None, "$.evaluation", "excerpt, league_size and league_ends go together; "
                            f"only {', '.join(keys)} given")]
    cut, size, scores = evaluation["excerpt"], evaluation["league_size"], evaluation.get("scores") or []
    if not isinstance(cut, Mapping) or not isinstance(size, int) or not isinstance(cut.get("units"), list):
        return []  # the schema reports malformed fields
    problems = []
    listed = [u for u in cut["units"] if u is not None]
    if listed != [s.get("unit") for s in scores if isinstance(s, Mapping)]:
        problems.append(JsonProblem(None, "$.evaluation.excerpt.units",
                                    "the excerpt must list exactly the units of scores, in their order"))
    if isinstance(cut.get("size"), int) and not len(listed) <= cut["size"] <= size:
        problems.append(JsonProblem(None, "$.evaluation.excerpt.size",
                                    f"size ({cut['size']}) must lie between the units listed ({len(listed)}) "
                                    f"and league_size ({size})"))
    for i, s in enumerate(list(scores) + list(evaluation["league_ends"] or [])):
        rank = s.get("rank") if isinstance(s, Mapping) else None
        if isinstance(rank, int) and rank > size:
            where = f"$.evaluation.scores[{i}]" if i < len(scores) else f"$.evaluation.league_ends[{i - len(scores)}]"
            problems.append(JsonProblem(None, f"{where}.rank", f"rank {rank} exceeds league_size ({size})"))
    return problems


def _make_up_consistency(s: Mapping[str, Any], where: str) -> list[JsonProblem]:
    """A score's make-up adds up, in hundredths, to its subtotals and to the score beside the
    grade (:func:`reformlib.report.makeup.make_up_sums`)."""
    record = s.get("make_up")
    if not isinstance(record, Mapping):
        return []
    try:
        problems = make_up_sums(record)
    except (KeyError, TypeError, ValueError):  # the schema reports a malformed record
        return []
    if isinstance(s.get("score"), (int, float)) and round(s["score"] * 100) != round(record["score"] * 100):
        problems.append(f"the make-up's score ({record['score']}) is not the score ({s['score']})")
    return [JsonProblem(None, f"{where}.make_up", p) for p in problems]


def _headline_consistency(obj: Mapping[str, Any]) -> list[JsonProblem]:
    """Each headline row's comparisons agree with its value: a flow's growth is its value's
    growth on ``year_earlier`` (to the 0.1 % the page prints), ``meets_target`` stands only
    beside a target, and only a unit's brief holds the city's value."""
    problems: list[JsonProblem] = []
    rows = obj.get("headline")
    for i, h in enumerate(rows if isinstance(rows, list) else []):
        if not isinstance(h, Mapping):
            continue
        where = f"$.headline[{i}]"
        value, growth, before = h.get("value"), h.get("growth"), h.get("year_earlier")
        if all(isinstance(x, (int, float)) for x in (value, growth, before)) and before:
            expected = 100 * (value / before - 1)
            if abs(expected - growth) > 0.05:
                problems.append(JsonProblem(None, f"{where}.growth", f"growth ({growth}) is not the value's growth on "
                                            f"year_earlier ({value} on {before}: {expected:.1f})", growth))
        low, high = h.get("band_low"), h.get("band_high")
        if (low is None) != (high is None) or (low is not None and high is not None and low > high):
            problems.append(JsonProblem(None, f"{where}.band_low", f"a target band needs both edges, low <= high "
                                        f"(band_low {low}, band_high {high})"))
        if h.get("meets_target") is not None and h.get("target") is None:
            problems.append(JsonProblem(None, f"{where}.meets_target", "meets_target is given without a target"))
        if h.get("city_value") is not None and obj.get("unit") is None:
            problems.append(JsonProblem(None, f"{where}.city_value",
                                        "the city's brief compares the city with itself (city_value given)"))
    return problems


def validate_results(obj_or_path: Mapping[str, Any] | Path | str, *, fast: bool = False) -> dict[str, Any]:
    """Return the results as a dict, or raise :class:`DataValidationError` listing
    every problem (JSON path and message) at once.

    ``obj_or_path`` is a mapping or the path of a JSON file. ``fast``: check the schema first
    by a compiled validator of it (:mod:`fastjsonschema`, some 20 times faster, compiled once
    per process in about a second: for many results, such as a batch of unit briefs); only
    results it refuses go through :mod:`jsonschema`, which lists every problem.
    """
    if isinstance(obj_or_path, (str, Path)):
        where: Path | str = Path(obj_or_path)
        try:
            obj = json.loads(Path(obj_or_path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DataValidationError(where, [JsonProblem(
                exc.lineno, "$", f"not valid JSON: {exc.msg} (line {exc.lineno}, "
                f"column {exc.colno})")]) from exc
    elif isinstance(obj_or_path, Mapping):
        where, obj = "<results>", _plain(obj_or_path)
    else:
        raise TypeError(f"validate_results: obj_or_path must be a mapping or a path, "
                        f"not {type(obj_or_path).__name__}")
    errors = [] if fast and _compiled_valid(obj) else \
        sorted(_VALIDATOR.iter_errors(obj), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    problems = [JsonProblem(None, _json_path(e.absolute_path), e.message) for e in errors]
    problems += _non_finite(obj)
    problems += _consistency(obj)
    if problems:
        raise DataValidationError(where, problems)
    return json.loads(json.dumps(obj))


def write_results(obj: Mapping[str, Any], path: Path | str) -> Path:
    """Validate ``obj`` and write it to ``path`` atomically (UTF-8, readable Chinese).

    On a validation error nothing is written and an existing file is left as it was.
    """
    data = validate_results(obj)
    target = Path(path)
    text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target


def read_results(path: Path | str, *, fast: bool = False) -> dict[str, Any]:
    """Read and validate a ``results.json`` (``fast``: as for :func:`validate_results`)."""
    return validate_results(Path(path), fast=fast)
