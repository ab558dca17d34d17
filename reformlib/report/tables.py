"""Display tables (publication step): every table a reader sees on the brief's page and in its
workbook, with headers in the reader's language and numbers written one way.

:func:`results_tables` turns ``results.json`` into the workbook's sheets; :func:`styled`
and :func:`display_table` show a table on the page; :func:`score_table` and
:func:`brief_scores` present an evaluation (:class:`~reformlib.model.evaluate.EvaluationResult`).

May import: pandas, numpy, :mod:`reformlib.i18n`, :mod:`reformlib.data` and the model's
result types; nothing from briefs.
"""
from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from reformlib.data.periods import month_words
from reformlib.i18n import (
    CHANGE_HEADERS,
    CHANGES,
    HEADLINE_TEXT,
    MEMO,
    NOT_SUPPLIED,
    PEERS_TEXT,
    TABLE_HEADERS,
    UNIT_NAMES,
    WARNING_TEXT,
    name_column,
)
from reformlib.model.evaluate import EvaluationResult
from reformlib.model.uncertainty import RankUncertainty
from reformlib.report.at_risk import schedule_cells, shows_bands
from reformlib.report.league import has_peer_places
from reformlib.report.numbers import (
    MISSING,
    cell,
    count,
    date_text,
    difference,
    headline_cell,
    number,
    observed_band,
    percent,
    present,
    quantity,
)
from reformlib.report.numbers import score as score_text
from reformlib.report.results import section
from reformlib.report.workbook import DEFAULT_HEADERS

__all__ = ["HEADERS", "HEADLINE_COMPARISONS", "SHEETS", "brief_scores", "changes_frames", "display_frame",
           "display_table", "headline_frame", "results_tables", "score_table", "styled"]

#: Sheet titles of the workbook, in order, by language.
SHEETS = {
    "zh": {"headline": "主要指标", "by_category": "分类任务进展", "at_risk": "逾期风险任务", "scores": "评估得分",
           "off_target": "未达标指标", "inspections": "督察整改", "pilots": "改革试点", "changes": "本月变化",
           "revisions": "数据修订"},
    "en": {"headline": "Headline figures", "by_category": "Tasks by category", "at_risk": "Tasks at risk",
           "scores": "Evaluation scores", "off_target": "Indicators off target", "inspections": "Inspections",
           "pilots": "Pilots", "changes": "Changes since last month", "revisions": "Revised values"},
}
#: Column headers beyond the workbook's defaults.
_HEADLINE_HEADERS = {lang: {k: w[k] for k in ("target", "meets_target", "previous_month", "year_earlier", "city_value")}
                     for lang, w in HEADLINE_TEXT.items()}
_RISK_HEADERS = {lang: {"band": WARNING_TEXT[lang]["band_col"], "band_observed": WARNING_TEXT[lang]["observed_col"],
                        "lead_name": MEMO[lang]["att_risk_cols"].split("|")[1],
                        "task_progress": WARNING_TEXT[lang]["progress_col"],
                        "schedule_expected": WARNING_TEXT[lang]["expected_col"],
                        "schedule_gap": WARNING_TEXT[lang]["gap_col"]} for lang in WARNING_TEXT}
HEADERS = {
    "zh": {**CHANGE_HEADERS["zh"], **DEFAULT_HEADERS["zh"], "measure_unit": "计量单位", "reference_value": "2017年文件数值",
           "comparison": "文件表述", "units_behind": "本数据中未达到目标的单位", "note": "说明", "unit_name": "单位", "peer_rank_text": "同类排名", "veto": "一票否决", **_HEADLINE_HEADERS["zh"], **_RISK_HEADERS["zh"]},
    "en": {**CHANGE_HEADERS["en"], "code": "Code", "name": "Name", "value": "Value", "measure_unit": "Measure",
           "peer_rank_text": "Rank in peer group", "veto": "Veto",
           "reference_value": "Document, 2017", "comparison": "As the document puts it",
           "units_behind": "Units in these data that missed the target", "category": "Category",
           "total": "Tasks", "completed": "Completed", "completion_rate": "Completion rate (%)", "task_id": "Task",
           "title": "Title", "lead_unit": "Lead unit", "probability": "Probability of missing the deadline",
           "reason": "Why", "unit": "Unit code", "unit_name": "Unit", "score": "Score", "grade": "Grade",
           "rank": "Rank", "rank_p05": "Rank, 5 %", "rank_p95": "Rank, 95 %", "indicator": "Indicator code",
           "target": "Target", "gap": "Gap (value - target)", "found": "Problems found", "rectified": "Rectified",
           "open": "Open", "open_over_90_days": "Open over 90 days", "national": "National pilots",
           "provincial": "Provincial pilots", "models": "Became models", "local": "Local reforms", "note": "Note",
           **_HEADLINE_HEADERS["en"], **_RISK_HEADERS["en"]},
}
for _lang in HEADERS:  # each column says what it holds, in the words the memo uses for the same table
    _att_off, _peers = MEMO[_lang]["att_off_cols"].split("|"), PEERS_TEXT[_lang]["cols"].split("|")
    HEADERS[_lang].update(TABLE_HEADERS[_lang], actual_value=_att_off[2], target_value=_att_off[3],
                          peer_rank_text=_peers[3], peer_rank_interval=_peers[4], overall_rank=_peers[5])
#: The headline's own comparisons, after the document's columns (``city_value`` in a unit's brief only).
HEADLINE_COMPARISONS = ["target", "meets_target", "previous_month", "year_earlier", "city_value"]


def _frame(content: Any, note: str | None, columns: list[str]) -> pd.DataFrame:
    if content is None:
        return pd.DataFrame({"note": [note or ""]})
    rows = [content] if isinstance(content, Mapping) else list(content)
    return pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)


def results_tables(results: Mapping[str, Any], *, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """The brief's tables from its results, one per workbook sheet (keys of :data:`SHEETS`).

    A section that is not available becomes a one-cell table holding its note.
    """
    names = UNIT_NAMES[lang]
    tasks, tasks_note = section(results, "tasks")
    out = {"headline": headline_frame(results, lang=lang)}
    out["by_category"] = _frame(None if tasks is None else tasks["by_category"], tasks_note,
                                ["name", "total", "completed", "completion_rate"]).rename(columns={"name": "category_name"})
    risky = None if tasks is None or (not tasks["at_risk"] and tasks.get("note")) else tasks["at_risk"]
    out["at_risk"] = (_frame(None, (tasks or {}).get("note", tasks_note), []) if risky is None
                      else _risk_frame(risky, results, lang))
    evaluation, note = section(results, "evaluation")
    out["scores"] = _scores_frame(evaluation, note)
    off, note = section(results, "indicators_off_target")
    off_frame = _frame(off, note, ["unit", "name", "value", "target", "gap", "measure_unit"])
    if off is not None:  # names, never codes; measure_unit writes the numbers and is not shown itself
        off_frame.insert(0, "unit_name", off_frame["unit"].map(lambda u: names.get(u, u)))
        off_frame = off_frame.drop(columns="unit").rename(columns={"name": "indicator_name"})
    out["off_target"] = off_frame
    for key, cols in (("inspections", ["found", "rectified", "open", "open_over_90_days"]),
                      ("pilots", ["national", "provincial", "models", "local"])):
        content, note = section(results, key)
        out[key] = _frame(content, note, cols)
    out["changes"], out["revisions"] = changes_frames(results, lang=lang)
    return out


def _scores_frame(evaluation: Mapping[str, Any] | None, note: str | None) -> pd.DataFrame:
    """The scores sheet with the page's columns: unit, score, grade, rank among peers, the
    interval of that rank (5th to 95th percentile, written as the page writes it), rank among
    all the parts, veto."""
    if evaluation is None:
        return _frame(None, note, [])
    rows = []
    for s in evaluation.get("scores", []):
        lo, hi = s.get("peer_rank_p05"), s.get("peer_rank_p95")
        span = "" if lo is None or hi is None else (number(lo) if lo == hi else f"{number(lo)}–{number(hi)}")
        rows.append({"unit_name": s.get("name"), "score": s.get("score"), "grade": s.get("grade"),
                     "peer_rank_text": s.get("peer_rank_text"), "peer_rank_interval": span,
                     "overall_rank": s.get("rank"), "veto": s.get("veto")})
    return pd.DataFrame(rows, columns=["unit_name", "score", "grade", "peer_rank_text", "peer_rank_interval",
                                       "overall_rank", "veto"])


def headline_frame(results: Mapping[str, Any], *, lang: str = "zh") -> pd.DataFrame:
    """The headline sheet: each figure with the document's figure and words, then its own
    comparisons (:data:`HEADLINE_COMPARISONS`): the target it is held to this month and
    whether it meets it (in words), its value a month and a year earlier, and in a unit's
    brief the city's value that month."""
    cols = ["name", "value", "unit", "reference_value", "comparison", "units_behind", *HEADLINE_COMPARISONS]
    if results.get("unit") is None:
        cols.remove("city_value")
    records = list(results.get("headline", []))
    if not any(r.get("units_behind") for r in records):
        cols.remove("units_behind")  # a column beside the document's words only where some unit missed its target
    frame = pd.DataFrame([{c: r.get(c) for c in cols} for r in records], columns=cols)
    # the document's figure as the page prints it (``3–5``, ``+4``), not the number it is read as
    frame["reference_value"] = pd.Series([r["document_text"] if r.get("document_text") else r.get("reference_value")
                                          for r in records], index=frame.index, dtype=object)
    words = HEADLINE_TEXT[lang]
    frame["meets_target"] = [MISSING if m is None or pd.isna(m) else words["met" if m else "missed"]
                             for m in frame["meets_target"]]
    for c in ("target", "previous_month", "year_earlier", "city_value"):
        if c in frame:  # a number (its cell format writes it as the page does), a band as words, else "—"
            frame[c] = pd.Series([headline_cell(r, c, lang) if c == "target" and present(r.get("band_low"))
                                  else r[c] if present(r.get(c)) else MISSING for r in records],
                                 index=frame.index, dtype=object)
    return frame.rename(columns={"unit": "measure_unit", "name": "indicator_name"})


#: The at-risk list's columns: probability bands (a fitted model's list), or progress against
#: the schedule (a list ranked by the gap to schedule, or the model not fitted).
RISK_BAND_COLUMNS = ["band", "band_observed"]
RISK_SCHEDULE_COLUMNS = ["task_progress", "schedule_expected", "schedule_gap"]


def _risk_frame(records: list[Mapping[str, Any]], results: Mapping[str, Any], lang: str) -> pd.DataFrame:
    """The at-risk sheet as the page shows the list: lead unit by name, then either the
    probability's band and the miss rate observed in that band on the held-out check
    (:func:`observed_band`) or, when the list shows no bands (:func:`shows_bands`), the task's
    progress against its schedule (:func:`schedule_cells`)."""
    names = {**UNIT_NAMES[lang], **(results.get("names") or {})}
    bands = shows_bands(records)
    middle = RISK_BAND_COLUMNS if bands else RISK_SCHEDULE_COLUMNS
    rows = [{"task_id": r["task_id"], "title": r["title"],
             "lead_name": r.get("lead_name") or names.get(r["lead_unit"], r["lead_unit"]),
             **dict(zip(middle, observed_band(r, lang) if bands else schedule_cells(r, lang))), "reason": r["reason"]}
            for r in records]
    return pd.DataFrame(rows, columns=["task_id", "title", "lead_name", *middle, "reason"])


CHANGE_COLUMNS = ["change", "item", "unit_name", "before", "now", "note"]
REVISION_COLUMNS = ["kind", "item", "unit_name", "period", "old", "new", "source", "revised_at"]


def changes_frames(results: Mapping[str, Any], *, lang: str = "zh") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``changes`` section as two tables: what changed since last month (one row per task
    completed or newly overdue, unit whose rank or grade changed, indicator that crossed its
    target, problem rectified) and the values revised since the last published brief. Every
    number is written by :mod:`reformlib.report.numbers`, with its measure word; names, never
    codes. A section not available, or revisions that cannot be listed, become a note."""
    changes, note = section(results, "changes")
    if changes is None:
        note = note or NOT_SUPPLIED[lang]
        return pd.DataFrame({"note": [note]}), pd.DataFrame({"note": [note]})
    w = CHANGES[lang]
    pct = lambda x: percent(x, decimals=0)  # noqa: E731 - progress reads as the memo prints it
    rows = []
    for r in changes["completed"]:
        rows.append([w["kind_completed"], r["title"], r["lead_name"], pct(r["progress_before"]), w["done"],
                     w["deadline_late" if r.get("completed_late", r["was_overdue"]) else "deadline"]
                     .format(date=date_text(r["deadline"], lang))])
    for r in changes["newly_overdue"]:
        rows.append([w["kind_overdue"], r["title"], r["lead_name"], pct(r["progress_before"]), pct(r["progress"]),
                     w["days_overdue"].format(date=date_text(r["deadline"], lang), days=count(r["days_overdue"], w["day_word"], lang))])
    for r in changes["ranks"]:
        # within the unit's peer group (县市区 or 园区) where the row carries it, as the scores table ranks
        peer = has_peer_places(r)
        move = r["peer_rank_before"] - r["peer_rank"] if peer else r["rank_change"]
        moved = (w["rank_up"].format(n=count(move, w["place_word"], lang)) if move > 0 else
                 w["rank_down"].format(n=count(-move, w["place_word"], lang)) if move < 0 else w["rank_same"])
        score = w["score"].format(before=score_text(r["score_before"]) + w["score_word"],
                                  now=score_text(r["score"]) + w["score_word"])
        if peer:
            before, now = (w["rank_peer"].format(group=r["peer_group_name"], rank=number(rank), n=number(r["peer_size"]),
                                                 grade=grade)
                           for rank, grade in ((r["peer_rank_before"], r["grade_before"]), (r["peer_rank"], r["grade"])))
        else:
            before, now = (w["rank"].format(rank=number(rank), grade=grade)
                           for rank, grade in ((r["rank_before"], r["grade_before"]), (r["rank"], r["grade"])))
        rows.append([w["kind_rank"], w["rank_item"], r["name"], before, now, w["part_sep"].join([moved, score])])
    for r in changes["crossed"]:
        mu = r.get("measure_unit")
        band = r["direction"] == "band"
        before, now = ((f"{quantity(r['band_low'], mu, lang)}–{quantity(r['band_high'], mu, lang)}",) * 2 if band else
                       (quantity(r["target_before"], mu, lang), quantity(r["target"], mu, lang)))
        rows.append([w["kind_" + r["now"]], r["name"], r["unit_name"],
                     w["with_target"].format(value=quantity(r["value_before"], mu, lang), target=before),
                     w["with_target"].format(value=quantity(r["value"], mu, lang), target=now), ""])
    for r in changes["rectified"]:
        found = w["found"].format(date=date_text(r["found_on"], lang), days=count(r["days_open"], w["day_word"], lang))
        rows.append([w["kind_rectified"], w["problem"].format(inspection=r["inspection"], category=r["category"]),
                     r["unit_name"], w["not_rectified"], w["rectified_on"].format(date=date_text(r["rectified_on"], lang)),
                     found + (w["late"].format(date=date_text(r["due_on"], lang)) if r["late"] and r["due_on"] else "")])
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS), _revisions_frame(changes.get("revisions"), lang)


def _revisions_frame(revisions: Mapping[str, Any] | None, lang: str) -> pd.DataFrame:
    if not revisions or not revisions.get("traceable") or revisions.get("since") is None:
        return pd.DataFrame({"note": [(revisions or {}).get("note") or ""]})
    w = CHANGES[lang]

    def value(r: Mapping[str, Any], v: Any) -> str:
        if v is None:
            return w["not_reported"]
        if r["kind"] == "inspections":
            return str(v)
        return percent(v, decimals=0) if r["kind"] == "progress" else quantity(v, r.get("measure_unit"), lang)

    rows = [[w["kind_" + r["kind"]], r["name"], r.get("unit_name") or "", month_words(r["period"], lang),
             value(r, r["old_value"]), value(r, r["new_value"]), r["source"],
             w["time"].format(time=r["revised_at"][:16].replace("T", " "))] for r in revisions["items"]]
    return pd.DataFrame(rows, columns=REVISION_COLUMNS)


def _format(x) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return ""
    if isinstance(x, (bool, np.bool_)):
        return "✓" if x else ""
    if isinstance(x, (int, np.integer)) or (isinstance(x, (float, np.floating)) and float(x).is_integer() and abs(x) < 1e15):
        return f"{int(x):,}"
    if isinstance(x, (float, np.floating)):
        return f"{x:,.2f}".rstrip("0").rstrip(".") if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)


def styled(frame: pd.DataFrame):
    """A table for the HTML page: no index, integers without decimals, thousands separated,
    every cell and every header HTML-escaped (the one way a table reaches the page)."""
    return (frame.style.hide(axis="index").format(_format, escape="html")
            .format_index(escape="html", axis="columns"))


def display_table(frame: pd.DataFrame, *, lang: str = "zh", empty: str | None = None):
    """A table of :func:`results_tables` with the reader's headers, for the HTML page; an
    empty table becomes a sentence (``empty``, or "none" in ``lang``)."""
    from IPython.display import Markdown

    if frame.empty:
        return Markdown(html.escape(empty or ("（无）" if lang == "zh" else "(none)")))
    shown = display_frame(frame, lang=lang)
    if "measure_unit" in frame.columns:  # an indicator's value set against its target, as the memo heads them
        shown = shown.rename(columns=OFF_TARGET_COLUMNS)
    return styled(shown.rename(columns=lambda c: HEADERS[lang].get(c, c)))


#: The indicators-off-target table's value and target, under the memo's words for them.
OFF_TARGET_COLUMNS = {"value": "actual_value", "target": "target_value"}


def display_frame(frame: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """``frame``'s numbers as the workbook's cells and the memo show them: a table with a
    ``measure_unit`` column writes ``value`` and ``target`` with that unit and ``gap`` as a
    difference in it (percentage points for a percentage), then drops the column; every
    other number by its column's kind (:func:`~reformlib.report.numbers.cell`: ``75.0%``
    for a completion rate, ``40`` for a count)."""
    out = frame.copy().astype(object)
    units = list(frame["measure_unit"]) if "measure_unit" in frame.columns else None
    for c in frame.columns:
        if c == "measure_unit":
            continue
        texts = []
        for i, v in enumerate(frame[c]):
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)) or not present(v):
                texts.append(v)
            elif units is not None and c in ("value", "target"):
                texts.append(quantity(v, units[i] if present(units[i]) else None, lang))
            elif units is not None and c == "gap":
                texts.append(difference(v, units[i] if present(units[i]) else None, lang, signed=True))
            else:
                texts.append(cell(c, v))
        out[c] = texts
    return out.drop(columns=["measure_unit"]) if units is not None else out


LABELS = {
    "zh": {"name": "单位", "group": "类别", "quantitative": "定量得分", "qualitative": "定性得分", "score": "综合得分",
           "grade": "等次", "rank": "排名", "rank_in_group": "同类排名", "median_rank": "排名中位数",
           "rank_p05": "排名5%分位", "rank_p95": "排名95%分位"},
    "en": {"name": "Unit", "group": "Group", "quantitative": "Quantitative", "qualitative": "Qualitative",
           "score": "Score", "grade": "Grade", "rank": "Rank", "rank_in_group": "Rank in group",
           "median_rank": "Median rank", "rank_p05": "Rank, 5th pct", "rank_p95": "Rank, 95th pct"},
}
GROUP_NAMES = {"zh": {"city": "市级", "district": "城区", "county": "县市", "park": "园区"},
               "en": {"city": "city", "district": "districts", "county": "counties", "park": "parks"}}


def score_table(result: EvaluationResult, *, lang: str = "zh", uncertainty: RankUncertainty | None = None) -> pd.DataFrame:
    """Scores, grades and ranks (with the rank interval when ``uncertainty`` is given), best
    first, with column names in ``lang`` and unit names as the index.

    >>> score_table(evaluate(load_spec(), load_data()), lang="zh")  # doctest: +SKIP
    """
    labels = LABELS[name_column(lang)[-2:]]
    c = result.combined
    group = c["group"].map(lambda g: GROUP_NAMES[lang].get(g, g))
    out = pd.DataFrame({"name": result.units[name_column(lang)], "group": group, "quantitative": c["quantitative"],
                        "qualitative": c["qualitative"], "score": c["score"], "grade": c[f"grade_{lang}"],
                        "rank": c["rank"], "rank_in_group": c["rank_in_group"]})
    if result.qualitative is None:
        out = out.drop(columns="qualitative")
    if uncertainty is not None:
        out = out.join(uncertainty.summary[["median_rank", "rank_p05", "rank_p95"]])
    out = out.sort_values(["rank", "score"], ascending=[True, False], na_position="last")
    return out.set_index("name").rename(columns=labels).rename_axis(labels["name"]).round(2)


def brief_scores(result: EvaluationResult, *, lang: str, uncertainty: RankUncertainty | None = None) -> list[dict]:
    """Per ranked unit: unit, name, score, grade, rank and, with ``uncertainty`` (the output of
    :func:`rank_uncertainty`), rank_p05 / rank_p95; for the brief's results file."""
    col = name_column(lang)
    c = result.combined[result.combined["rank"].notna()].sort_values(["rank", "score"], ascending=[True, False])
    summary = uncertainty.summary if uncertainty is not None else None
    out = []
    for unit, row in c.iterrows():
        p05 = p95 = None
        if summary is not None:
            p05, p95 = float(summary.at[unit, "rank_p05"]), float(summary.at[unit, "rank_p95"])
        out.append({"unit": str(unit), "name": str(result.units.at[unit, col]), "score": round(float(row["score"]), 2),
                    "grade": str(row[f"grade_{lang}"]), "rank": int(row["rank"]), "rank_p05": p05, "rank_p95": p95})
    return out

