"""Excel workbook and CSV of a brief's tables (publication step: tables -> Excel).

Officials read tables as Excel sheets (DOMAIN.md). :func:`write_tables` writes one sheet
per table with openpyxl and guards against what bites (PIPELINE.md, "Excel and CSV"):

- sheet names: openpyxl only warns on names over 31 characters and Excel then refuses the
  file; ``[]:*?/\\`` are refused. :func:`safe_sheet_name` removes them, trims to 31
  (counted in UTF-16 units, as Excel does; a Chinese character is one), never returns an
  empty name and de-duplicates case-insensitively, as Excel compares names: ``名称(2)``;
- headers: column names are translated with :data:`DEFAULT_HEADERS` (Chinese for
  ``lang="zh"``) updated by ``headers``; a name without translation is kept as it is;
- values: numbers stay numbers (numpy scalars become Python numbers), NaN / NaT / NA
  become empty cells, infinity is refused; monthly ``Period`` becomes ``"YYYY-MM"``, a
  daily one a date; timezone-aware timestamps, which openpyxl refuses, become naive in
  their own zone (the local wall time an official expects); a timestamp at midnight is
  written as a date. Text starting with ``=`` is stored as text, never as a formula;
- a named or non-default index is written as the first columns;
- numbers read as the memo prints them (:func:`reformlib.report.numbers.excel_format`):
  probabilities ``62%``, rates in percent ``87.3%``, counts ``12,345``, other numbers with
  thousands separators and the decimals they need;
- header row frozen, bold, with a filter; column widths from the content; ``formats``
  gives a cell's own number format where a column mixes kinds (a change in percentage
  points beside one in 亩).

:func:`brief_sheets` adds to a brief's tables what only the workbook lays out in full: the
headline's change columns (:func:`headline_changes`: since last December in the indicator's
own unit, percentage points for percentages; growth on the same months of last year in
percent), the 督办清单 (:func:`supervision_sheet`, from ``results["tasks"]["supervision"]``)
and the city's own score (:func:`city_score_sheet`, from ``results["evaluation"]["city"]``),
each number formatted as :mod:`reformlib.report.numbers` prints it in the page and the memo; and
how each score is made up (:func:`make_up_sheet`), the inspection problems open past their
rectification deadline (:func:`past_due_sheet`, and their count on the inspections sheet).

:func:`write_csv_for_excel` writes ``utf-8-sig`` so that Excel shows Chinese correctly.
Both write atomically: a failure leaves an existing file untouched.
"""
from __future__ import annotations

import datetime as dt
import decimal
import math
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reformlib.data.task_status import shown_schedule
from reformlib.errors import ParameterError
from reformlib.i18n import HEADLINE_TEXT, MAKE_UP, MEMO, NOT_SUPPLIED, PEERS_TEXT, WORKBOOK_TEXT
from reformlib.report.atomic import atomic_path
from reformlib.report.league import excerpt_note, shown
from reformlib.report.makeup import largest_deductions, make_up_lines
from reformlib.report.memo import CITY_CODE, DOCUMENT_MONTH, past_due_columns
from reformlib.report.numbers import (
    EXCEL_FORMATS,
    difference,
    excel_format,
    excel_value,
    present,
    quantity_format,
    row_decimals,
    score,
    small_base,
)

__all__ = ["BRIEF_HEADERS", "BRIEF_SHEETS", "DEFAULT_HEADERS", "MAX_SHEET_NAME", "at_risk_sheet", "brief_sheets", "city_score_sheet",
           "difference_format", "headline_changes", "inspections_sheet", "league_sheet", "make_up_sheet", "off_target_sheet",
           "past_due_sheet", "safe_sheet_name",
           "supervision_sheet", "write_tables", "write_csv_for_excel"]

MAX_SHEET_NAME = 31
_FORBIDDEN = set("[]:*?/\\")
#: Column names of reformlib tables and their headers, by language.
DEFAULT_HEADERS: dict[str, dict[str, str]] = {
    "zh": {
        "unit": "单位代码", "name": "名称", "unit_name": "单位", "month": "月份", "year": "年份",
        "code": "代码", "indicator": "指标代码", "indicator_name": "指标", "value": "数值",
        "target": "目标值", "gap": "差距", "reference_value": "参考值", "comparison": "比较",
        "score": "得分", "grade": "等次", "rank": "排名", "rank_p05": "排名下限（5%）",
        "rank_p95": "排名上限（95%）", "weight": "权重", "category": "类别代码",
        "task_id": "任务编号", "title": "任务名称", "lead_unit": "牵头单位",
        "probability": "逾期概率", "reason": "原因", "status": "状态", "deadline": "完成时限",
        "total": "总数", "completed": "已完成", "on_schedule": "按期推进", "behind": "滞后",
        "overdue": "逾期", "completion_rate": "完成率（%）", "found": "发现问题",
        "rectified": "已整改", "open": "未整改", "open_over_90_days": "超90天未整改",
        "national": "国家级试点", "provincial": "省级试点", "models": "示范", "local": "自主改革",
        "synthetic": "合成数据",
    },
    "en": {},
}


def _excel_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _trim(text: str, limit: int) -> str:
    while _excel_len(text) > limit:
        text = text[:-1]
    return text


def safe_sheet_name(name: object, taken: Collection[str] = ()) -> str:
    """A sheet name Excel accepts, unique (case-insensitively) among ``taken``.

    ``taken`` is not modified; add the result to it yourself.
    """
    text = "".join(ch for ch in str(name) if ch not in _FORBIDDEN
                   and unicodedata.category(ch) != "Cc")
    text = _trim(text.strip().strip("'").strip(), MAX_SHEET_NAME).rstrip().rstrip("'")
    if not text:
        text = "Sheet"
    if text.lower() == "history":  # reserved by Excel
        text = "History_"
    used = {t.lower() for t in taken}
    candidate, n = text, 1
    while candidate.lower() in used:
        n += 1
        suffix = f"({n})"
        candidate = _trim(text, MAX_SHEET_NAME - len(suffix)) + suffix
    return candidate


def _headers(lang: str, headers: Mapping[str, str] | None) -> dict[str, str]:
    if lang not in DEFAULT_HEADERS:
        raise ParameterError(f"lang must be one of {sorted(DEFAULT_HEADERS)}, not {lang!r}")
    return {**DEFAULT_HEADERS[lang], **(headers or {})}


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Index written as columns when it carries information; column names as text."""
    index = frame.index
    if index.names != [None] or not isinstance(index, pd.RangeIndex):
        frame = frame.reset_index()
    names = [" / ".join(str(p) for p in c if str(p) != "") if isinstance(c, tuple) else str(c)
             for c in frame.columns]
    return frame.set_axis(names, axis=1)


def _timestamp(ts: pd.Timestamp) -> dt.date | dt.datetime:
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    if ts == ts.normalize():
        return ts.date()
    return ts.to_pydatetime()


def _cell_value(value: Any, where: str) -> Any:
    """Convert one value to what openpyxl writes faithfully; ``None`` is an empty cell."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating, decimal.Decimal)):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            raise ParameterError(f"{where}: infinity cannot be written to Excel")
        return number
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # openpyxl is imported when a workbook is written

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, pd.Period):
        if value.freqstr.startswith("M"):
            return value.strftime("%Y-%m")
        return value.start_time.date() if value.freqstr.startswith("D") else str(value)
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return _timestamp(pd.Timestamp(value))
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else _timestamp(pd.Timestamp(value))
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (pd.Timedelta, dt.timedelta)):
        return str(value)
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _display_width(value: Any) -> int:
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fill_sheet(ws: Any, frame: pd.DataFrame, names: Mapping[str, str],
                formats: Mapping[str, Sequence[str | None]] | None = None) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = list(frame.columns)
    ws.append([names.get(c, c) for c in columns])
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    for cell in ws[1]:
        cell.font, cell.fill = bold, grey
    widths = [_display_width(names.get(c, c)) for c in columns]
    for r, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for c, raw in enumerate(row, start=1):
            value = _cell_value(raw, f"sheet {ws.title!r}, row {r}, column {columns[c - 1]!r}")
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            elif isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                own = (formats or {}).get(columns[c - 1])
                cell.number_format = (own[r - 2] if own is not None and own[r - 2]
                                      else excel_format(columns[c - 1], value))
            if r <= 500:
                widths[c - 1] = max(widths[c - 1], _display_width(value))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A2"
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(ws.max_row, 1)}"


def ready() -> None:
    """Import openpyxl now (about 0.4 s), not when the first workbook is written: a process
    about to publish a brief does this while its kernel computes (:func:`reformlib.briefs.render.warm_up`)."""
    import openpyxl.styles  # noqa: F401
    import openpyxl.utils  # noqa: F401
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: F401


def write_tables(tables: Mapping[str, pd.DataFrame], path: Path | str, *, lang: str = "zh",
                 headers: Mapping[str, str] | None = None,
                 formats: Mapping[str, Mapping[str, Sequence[str | None]]] | None = None) -> dict[str, str]:
    """Write each table to its own sheet of the workbook ``path`` (.xlsx), atomically.

    ``formats[key][column]`` holds one Excel number format per row of ``tables[key]``
    (None: the column's own, :func:`~reformlib.report.numbers.excel_format`).
    Returns the sheet name used for each table key.
    """
    names = _headers(lang, headers)
    if not tables:
        raise ParameterError("tables: at least one table is needed for a workbook")
    for key, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"tables[{key!r}] must be a DataFrame, not {type(frame).__name__}")
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    used: dict[str, str] = {}
    for key, frame in tables.items():
        title = safe_sheet_name(key, used.values())
        used[key] = title
        own = (formats or {}).get(key)
        for column, given in (own or {}).items():
            if len(given) != len(frame):
                raise ParameterError(f"formats[{key!r}][{column!r}] has {len(given)} formats for {len(frame)} rows")
        _fill_sheet(wb.create_sheet(title), _flat(frame), names, own)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return used


def write_csv_for_excel(df: pd.DataFrame, path: Path | str, *, lang: str = "zh",
                        headers: Mapping[str, str] | None = None) -> Path:
    """Write ``df`` as CSV in ``utf-8-sig`` (Excel reads the BOM and shows Chinese),
    with the same header translation and value conversion as :func:`write_tables`."""
    names = _headers(lang, headers)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a DataFrame, not {type(df).__name__}")
    frame = _flat(df)
    columns = list(frame.columns)
    rows = [[_cell_value(v, f"row {r}, column {columns[c]!r}") for c, v in enumerate(row)]
            for r, row in enumerate(frame.itertuples(index=False, name=None), start=1)]
    out = pd.DataFrame(rows, columns=[names.get(c, c) for c in columns], dtype=object)
    target = Path(path)
    with atomic_path(target) as tmp:
        out.to_csv(tmp, index=False, encoding="utf-8-sig")
    return target


# ----------------------------------------------------------------- a brief's extra sheets
#: Sheet titles of the sheets :func:`brief_sheets` adds, by language.
BRIEF_SHEETS: dict[str, dict[str, str]] = {lang: {"supervision": WORKBOOK_TEXT[lang]["supervision"],
                                                  "city_score": WORKBOOK_TEXT[lang]["city_score"],
                                                  "make_up": MAKE_UP[lang]["sheet"],
                                                  "past_due": MEMO[lang]["att_past_due"]}
                                           for lang in WORKBOOK_TEXT}
#: Headers of the columns :func:`brief_sheets` adds, by language.
BRIEF_HEADERS: dict[str, dict[str, str]] = {
    lang: {"change_since_december": WORKBOOK_TEXT[lang]["change"], "growth_on_last_year": WORKBOOK_TEXT[lang]["growth"],
           "headline_value": HEADLINE_TEXT[lang]["value"], "past_due": WORKBOOK_TEXT[lang]["past_due"],
           "assessment_period": WORKBOOK_TEXT[lang]["period"],
           **{k: WORKBOOK_TEXT[lang][k] for k in ("lead_name", "leader_level", "progress", "days_overdue",
                                                  "status_text", "note", "deadline")}}
    for lang in WORKBOOK_TEXT}
_NUMBER = re.compile(r"^([+-]?)([0-9,]+)(?:\.([0-9]+))?(.*)$", re.S)


def difference_format(value: float, unit: str | None, lang: str, *, decimals: int | None = None) -> str:
    """The Excel number format under which ``value`` reads as
    :func:`~reformlib.report.numbers.difference` (signed, with ``decimals``) prints it:
    ``+5.2个百分点``, ``+23个``, ``-8,094亩``, ``+1.5 percentage points``."""
    shown = difference(value, unit, lang, signed=True, decimals=decimals)
    match = _NUMBER.match(shown)
    if match is None:  # pragma: no cover - difference() always starts with the number
        raise ValueError(f"cannot read {shown!r} as a number and its unit")
    decimals, suffix = len(match.group(3) or ""), match.group(4).replace('"', "")
    body = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = f'"{suffix}"' if suffix else ""
    return f"+{body}{text};-{body}{text};{body.replace('#,##', '')}{text}"


def headline_changes(headline: pd.DataFrame, results: Mapping[str, Any], *,
                     lang: str) -> tuple[pd.DataFrame, dict[str, list[str | None]]]:
    """``headline`` (the workbook's headline sheet, one row per ``results["headline"]`` row)
    with ``change_since_december`` and ``growth_on_last_year`` (the results' ``change`` and
    ``growth``) after ``value``, and their cell formats. The 2017 document's figure and
    words are kept only in the city's brief of the document's month
    (:data:`~reformlib.report.memo.DOCUMENT_MONTH`), the one value they describe."""
    rows = list(results.get("headline", []))
    if len(rows) != len(headline):
        raise ParameterError(f"headline: {len(headline)} rows in the table, {len(rows)} in the results")
    change = [r.get("change") for r in rows]
    # growth in percent, or on a small base the change in the indicator's unit (numbers.growth_cell)
    few = [present(r.get("growth")) and small_base(r) for r in rows]
    growth = [float(r["value"]) - float(r["year_earlier"]) if f else r.get("growth") for r, f in zip(rows, few)]
    out = headline.copy()
    if results.get("month") != DOCUMENT_MONTH or results.get("unit") not in (None, CITY_CODE):
        # the document's figures describe the city at the end of its year: beside nothing else
        out[[c for c in ("reference_value", "comparison") if c in out.columns]] = None
    at = list(out.columns).index("value") + 1 if "value" in out.columns else len(out.columns)
    out.insert(at, "change_since_december", pd.array(
        [None if c is None else excel_value(c, r.get("unit"), lang) for c, r in zip(change, rows)], dtype="Float64"))
    out.insert(at + 1, "growth_on_last_year", pd.array(growth, dtype="Float64"))
    formats = {"change_since_december": [None if c is None else difference_format(
                   c, r.get("unit"), lang, decimals=row_decimals(r)) for c, r in zip(change, rows)],
               "growth_on_last_year": [None if g is None else difference_format(
                   g, r.get("unit"), lang, decimals=row_decimals(r)) if f else EXCEL_FORMATS["percent"]
                   for g, r, f in zip(growth, rows, few)]}
    # each figure's cell reads as the page and the memo print it, with its unit
    # (reformlib.report.numbers.quantity), every figure of an indicator with the same decimals
    # (row_decimals); a band target and a missing figure are words
    for c in ("value", "target", "previous_month", "year_earlier", "city_value"):
        if c in out.columns:
            numeric = [isinstance(v, (int, float)) and present(v) for v in out[c]]
            formats[c] = [quantity_format(v, r.get("unit"), lang, decimals=row_decimals(r, c)) if n else None
                          for v, r, n in zip(out[c], rows, numeric)]
            out[c] = pd.Series([excel_value(v, r.get("unit"), lang) if n else v
                                for v, r, n in zip(out[c], rows, numeric)], index=out.index, dtype=object)
    formats["headline_value"] = formats.pop("value", [None] * len(out))
    return out.rename(columns={"value": "headline_value"}), formats


def off_target_sheet(frame: pd.DataFrame, *, lang: str) -> tuple[pd.DataFrame, dict[str, list[str | None]]]:
    """The indicators off target (:func:`reformlib.report.tables.results_tables`'s
    ``off_target``) with value and target in their unit and the gap as a difference in it,
    cell by cell, as the page and the memo print them; the ``measure_unit`` column that says
    how is not shown."""
    if "measure_unit" not in frame.columns:
        return frame, {}
    units = [u if isinstance(u, str) and u else None for u in frame["measure_unit"]]
    formats = {c: [quantity_format(v, u, lang) if present(v) else None for v, u in zip(frame[c], units)]
               for c in ("value", "target") if c in frame.columns}
    if "gap" in frame.columns:
        formats["gap"] = [difference_format(v, u, lang) if present(v) else None for v, u in zip(frame["gap"], units)]
    frame = frame.copy()
    for c in ("value", "target", "gap"):  # a figure in 亿元 is held in millions of yuan in English
        if c in frame.columns:
            frame[c] = [excel_value(v, u, lang) if present(v) else v for v, u in zip(frame[c], units)]
    # value and target under the words the memo and the page head them with (actual_value, target_value)
    named = {"value": "actual_value", "target": "target_value"}
    return (frame.drop(columns="measure_unit").rename(columns=named),
            {named.get(c, c): f for c, f in formats.items()})


def supervision_sheet(results: Mapping[str, Any], *, lang: str) -> tuple[pd.DataFrame, dict[str, list[str | None]]]:
    """The 督办清单 (``results["tasks"]["supervision"]``): task, title (a key task marked
    重点任务, as the page and the memo mark it), lead unit by name, responsible leader, deadline,
    progress (as the memo prints it, ``90%``), status and days overdue; a one-cell note when the
    list is empty or the section is missing."""
    tasks = results.get("tasks") or {}
    records = tasks.get("supervision")
    if not records:
        note = WORKBOOK_TEXT[lang]["no_supervision"] if records is not None else NOT_SUPPLIED[lang]
        return pd.DataFrame({"note": [note]}), {}
    words = MEMO[lang]
    frame = pd.DataFrame([{
        "task_id": r["task_id"], "title": r["title"] + (words["key_mark"] if r.get("key_task") else ""),
        "lead_name": r.get("lead_name") or r["lead_unit"],
        "leader_level": words.get("level_" + r["leader_level"], r["leader_level"]),
        "deadline": dt.date.fromisoformat(r["deadline"]), "progress": float(r["progress"]),
        "status_text": words["status_" + r["status"]], "days_overdue": int(r["days_overdue"]) if r["days_overdue"] else None}
        for r in records])
    return frame, {"progress": ['0"%"'] * len(frame)}


def make_up_sheet(results: Mapping[str, Any], *, lang: str) -> tuple[pd.DataFrame, dict[str, list[str | None]]]:
    """How each score is made up (``scores[].make_up``, :func:`reformlib.report.makeup.make_up_rows`):
    in a unit's brief the unit's own lines, in the city's brief every unit's, each led by the
    unit's name; points as numbers with two decimals (signed where a part adds or takes away),
    so that the lines add up to the score as the page and the memo print them. A one-cell
    note when no score carries a make-up."""
    evaluation = results.get("evaluation") or {}
    scores = [s for s in (evaluation.get("scores") or []) if s.get("make_up")
              and (results.get("unit") in (None, CITY_CODE) or s["unit"] == results.get("unit"))]
    if not scores:
        return pd.DataFrame({"note": [evaluation.get("note") or NOT_SUPPLIED[lang]]}), {}
    cols = ["unit_name", *MAKE_UP[lang]["cols"].split("|")]
    lines = make_up_lines(scores, lang=lang)
    points = [float(line[2].replace(",", "")) for line in lines]
    signed = [line[2][:1] in "+-" for line in lines]
    frame = pd.DataFrame([[line[0], line[1], p, line[3]] for line, p in zip(lines, points)], columns=cols)
    return frame, {cols[2]: [EXCEL_FORMATS["signed_score" if s else "score"] for s in signed]}


def league_sheet(frame: pd.DataFrame, results: Mapping[str, Any], *, lang: str) -> pd.DataFrame:
    """The scores sheet (one row per record of ``evaluation.scores``, in order) of a unit's
    brief whose results carry an excerpt of a long league
    (:func:`reformlib.report.league.cut`): as the page prints it, a row "…" where rows are
    left out, and last the sentence saying which rows are listed and where the whole ranking
    is; the sheet as it is otherwise."""
    evaluation = results.get("evaluation") if isinstance(results.get("evaluation"), Mapping) else {}
    if not isinstance(evaluation.get("excerpt"), Mapping) or len(frame) != len(evaluation.get("scores") or []):
        return frame
    rows, size = shown(evaluation, results.get("unit"))
    first = frame.columns[0]
    records = frame.to_dict("records")
    out, at = [], 0
    for s in rows:
        if s is None:
            out.append({first: PEERS_TEXT[lang]["gap"]})
        else:
            out.append(records[at])
            at += 1
    out.append({first: excerpt_note(rows, size, lang=lang)})
    return pd.DataFrame(out, columns=frame.columns)


def _shown_format(shown: str, value: int) -> str | None:
    """The Excel number format under which the whole number ``value`` reads as ``shown``, the
    page's text of it (``落后37个百分点``, ``37 percentage points behind``, ``on schedule``):
    its words as literals around ``0``, the same for a value above, below and at zero (the
    words say the sign). None when ``shown`` does not hold the number as written."""
    figure = f"{abs(value):,}"
    if '"' in shown or "\\" in shown or (value != 0 and figure not in shown):
        return None
    if value == 0 and figure not in shown:
        return f'"{shown}"'
    before, _, after = shown.partition(figure)
    section = "".join(part for part in (f'"{before}"' if before else "", "0", f'"{after}"' if after else ""))
    return f"{section};{section};{section}"


def at_risk_sheet(frame: pd.DataFrame, results: Mapping[str, Any], *,
                  lang: str) -> tuple[pd.DataFrame, dict[str, list[str | None]]]:
    """The at-risk sheet (:func:`reformlib.report.tables.results_tables`, one row per record of
    ``results["tasks"]["at_risk"]``, in order) with its percentages stored as numbers that read
    as the page prints them: progress and the progress the schedule expects as whole
    percentages under ``0"%"`` (``30%``), the gap between them as signed percentage points under
    a format holding the page's words (``落后37个百分点``), a probability shown without a band as
    a share under ``0%``; ranges and the observed rate with its interval stay text. The sheet
    and no formats when it holds a note."""
    records = (results.get("tasks") or {}).get("at_risk") or []
    if len(frame) != len(records) or not {"task_progress", "band"} & set(frame.columns):
        return frame, {}
    out, formats = frame.copy(), {}
    if "task_progress" in out.columns:
        cells: dict[str, list[Any]] = {"task_progress": [], "schedule_expected": [], "schedule_gap": []}
        shapes: dict[str, list[str | None]] = {k: [] for k in cells}
        for r, gap in zip(records, out["schedule_gap"]):
            if r.get("progress") is None or r.get("expected") is None:
                for k in cells:
                    cells[k].append(None)
                    shapes[k].append(None)
                continue
            p, e, d = shown_schedule(r["progress"], r["expected"])  # the gap is the printed parts' difference
            shape = _shown_format(gap, d)
            for k, v, f in (("task_progress", p, '0"%"'), ("schedule_expected", e, '0"%"'),
                            ("schedule_gap", d if shape else gap, shape)):
                cells[k].append(v)
                shapes[k].append(f)
        for k in cells:
            out[k] = pd.Series(cells[k], index=out.index, dtype=object)
        formats.update(shapes)
    if "band" in out.columns:
        lone = [not r.get("band") and r.get("probability") is not None for r in records]
        out["band"] = pd.Series([round(100 * float(r["probability"])) / 100 if one else shown
                                 for r, one, shown in zip(records, lone, out["band"])], index=out.index, dtype=object)
        formats["band"] = [EXCEL_FORMATS["probability"] if one else None for one in lone]
    return out, formats


def inspections_sheet(frame: pd.DataFrame, results: Mapping[str, Any]) -> pd.DataFrame:
    """The inspections sheet with the problems open past their rectification deadline
    (``results["inspections"]["past_due"]``) beside those open over 90 days."""
    insp = results.get("inspections") or {}
    if "past_due" not in insp or "open" not in frame.columns:
        return frame
    return frame.assign(past_due=[insp["past_due"]] * len(frame))


def past_due_sheet(results: Mapping[str, Any], *, lang: str) -> pd.DataFrame:
    """Every inspection problem open past its rectification deadline (``past_due_items``), as
    the memo's attachment lists it: unit by name, inspection, found on, deadline, days past it;
    a one-cell note when there is none or the results do not list them."""
    insp = results.get("inspections") or {}
    items = insp.get("past_due_items")
    if not items:
        note = WORKBOOK_TEXT[lang]["no_past_due"] if items is not None else (insp.get("note") or NOT_SUPPLIED[lang])
        return pd.DataFrame({"note": [note]})
    cols = past_due_columns([r["inspection"] for r in items], lang)
    # the city's own problems are its city-level departments' (市本级), as the memo names them
    return pd.DataFrame([[MEMO[lang]["city_level"] if r.get("unit") == CITY_CODE else r["name"], r["inspection"],
                          dt.date.fromisoformat(r["found_on"]),
                          dt.date.fromisoformat(r["due_on"]), int(r["days_past_due"])] for r in items], columns=cols)


def city_score_sheet(results: Mapping[str, Any], *, lang: str) -> pd.DataFrame:
    """The city's own score and grade (``results["evaluation"]["city"]``), with the sentence
    that says it is reported, not ranked among the city's parts; a one-cell note without it."""
    evaluation = results.get("evaluation") or {}
    city = evaluation.get("city") if evaluation.get("available") else None
    if not city:
        return pd.DataFrame({"note": [evaluation.get("note") or NOT_SUPPLIED[lang]]})
    row = {"unit_name": city["name"], "score": city["score"], "grade": city["grade"]}
    if evaluation.get("period"):
        row["assessment_period"] = str(evaluation["period"])
    deductions = largest_deductions(city.get("lost_points") or [], lang=lang)  # beside the score, as the memo says it
    row["note"] = (MEMO[lang]["eval_city"].format(score=score(city["score"]), grade=city["grade"])
                   + ("" if lang == "zh" or not deductions else " ") + deductions)
    return pd.DataFrame([row])


def brief_sheets(tables: Mapping[str, pd.DataFrame], results: Mapping[str, Any], *,
                 lang: str) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, list[str | None]]]]:
    """A brief's workbook tables: ``tables`` (by key, as
    :func:`reformlib.report.tables.results_tables` makes them) with the headline's change
    columns, the 督办清单 after ``at_risk`` and the city's score after ``scores``; and the
    cell formats by key, for :func:`write_tables`."""
    out: dict[str, pd.DataFrame] = {}
    formats: dict[str, dict[str, list[str | None]]] = {}
    for key, frame in tables.items():
        if key == "headline" and "value" in frame.columns:
            out[key], formats[key] = headline_changes(frame, results, lang=lang)
        elif key == "off_target":
            out[key], formats[key] = off_target_sheet(frame, lang=lang)
        elif key == "inspections":
            out[key] = inspections_sheet(frame, results)
        elif key == "at_risk":
            out[key], formats[key] = at_risk_sheet(frame, results, lang=lang)
        elif key == "scores":
            out[key] = league_sheet(frame, results, lang=lang)
        else:
            out[key] = frame
        if key == "at_risk":
            out["supervision"], formats["supervision"] = supervision_sheet(results, lang=lang)
        if key == "inspections":
            out["past_due"] = past_due_sheet(results, lang=lang)
        if key == "scores":
            out["city_score"] = city_score_sheet(results, lang=lang)
            out["make_up"], formats["make_up"] = make_up_sheet(results, lang=lang)
    if "supervision" not in out:
        out["supervision"], formats["supervision"] = supervision_sheet(results, lang=lang)
    if "city_score" not in out:
        out["city_score"] = city_score_sheet(results, lang=lang)
    if "past_due" not in out:
        out["past_due"] = past_due_sheet(results, lang=lang)
    if "make_up" not in out:
        out["make_up"], formats["make_up"] = make_up_sheet(results, lang=lang)
    return out, formats
