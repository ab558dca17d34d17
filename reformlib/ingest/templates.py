"""Templates out: the xlsx workbook a unit fills in for a month, read back by the ingestion
of :mod:`reformlib.ingest` exactly as written.

``python -m reformlib template --month 2017-12 --unit 430302 [--kind indicators|progress|inspections]``
(or ``make templates MONTH=2017-12`` for every unit of the month) writes
``templates/<month>/<unit>_<kind>.xlsx`` with two sheets:

- 填报说明: what to fill, each indicator's unit of measure and accepted range (or the tasks'
  and problems' rules), how to mark "not reported" (leave the cell empty; never 0), the deadline;
- the data sheet (named after the unit): a title, ``填报单位：<name>`` and
  ``报告期：<year>年<month>月`` already filled, a header, and one row per indicator the unit
  reports (``indicators``), per task it leads that is not yet complete (``progress``) or per
  inspection problem of the unit still open at the start of the month (``inspections``),
  with the catalogue's Chinese name, unit of measure and the last value reported before the month.

Input cells carry data validation (an indicator's plausible range ``valid_min`` to
``valid_max`` from the catalogue; progress between the last report and 100; a rectification
date not before the problem was found) and are the only unlocked cells of a protected sheet
(no password: the protection guards against slips, not people). Column widths fit the text.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from reformlib.data import io
from reformlib.data.io import atomic_write, plausible_range
from reformlib.data.paths import ROOT
from reformlib.errors import ParameterError
from reformlib.ingest.values import MEASURES

__all__ = ["TEMPLATE_KINDS", "Template", "load_tables", "template_rows", "write_template", "write_templates"]

TEMPLATE_KINDS = ("indicators", "progress", "inspections")
TITLES = {"indicators": "湘潭市全面深化改革指标月报", "progress": "湘潭市全面深化改革任务进度月报",
          "inspections": "湘潭市改革督察问题整改情况月报"}
HEADERS = {
    "indicators": ["序号", "指标代码", "指标名称", "计量单位", "上月数值", "本月数值", "备注"],
    "progress": ["序号", "任务编号", "任务名称", "完成形式", "截止日期", "上月进度(%)", "累计完成进度(%)", "备注"],
    "inspections": ["序号", "问题编号", "督察", "发现日期", "整改期限", "整改完成日期", "备注"],
}
FORMS_ZH = {"document": "出台文件", "mechanism": "建立机制", "project": "完成项目", "pilot": "开展试点", "report": "形成报告"}
_INPUT = PatternFill("solid", fgColor="FFF2CC")
_HEAD = PatternFill("solid", fgColor="D9E1F2")
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Template:
    """One template's content: the unit, the month, the kind and its rows."""

    unit: str
    name_zh: str
    month: pd.Period
    kind: str
    rows: pd.DataFrame  # the columns of HEADERS[kind] but 序号, with 'low'/'high' bounds of the input


def _month(month: str) -> pd.Period:
    if not isinstance(month, str) or not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", month):
        raise ParameterError(f"month must be a month written YYYY-MM (such as 2017-12), got {month!r}")
    return pd.Period(month, "M")


def load_tables(data: str | os.PathLike | None = None) -> dict[str, pd.DataFrame]:
    """The tables templates are made from, read once from a data folder or a store."""
    return {"units": io.load_units(data), "indicators": io.load_indicators(data), "observations": io.load_observations(data),
            "tasks": io.load_tasks(data), "progress": io.load_progress(data), "inspections": io.load_inspections(data)}


def template_rows(tables: dict[str, pd.DataFrame], month: str, unit: str, kind: str) -> Template:
    """What one template holds, from the tables of :func:`load_tables`."""
    if kind not in TEMPLATE_KINDS:
        raise ParameterError(f"kind must be one of {', '.join(TEMPLATE_KINDS)}, got {kind!r}")
    period = _month(month)
    units = tables["units"].set_index("unit")
    if unit not in units.index:
        raise ParameterError(f"unit {unit!r} is not in the data's units")
    return Template(unit, units.at[unit, "name_zh"], period, kind, _ROWS[kind](tables, period, unit, units))


def _indicator_rows(tables, period, unit, units) -> pd.DataFrame:
    if not units.at[unit, "territorial"]:
        return pd.DataFrame()
    cat = tables["indicators"]
    ranges = plausible_range(cat)
    obs = tables["observations"]
    before = obs[(obs["unit"] == unit) & (obs["period"] < period)].sort_values("period")
    last = before.groupby("indicator")["value"].last()
    return pd.DataFrame({"指标代码": cat["indicator"], "指标名称": cat["name_zh"],
                         "计量单位": cat["measure_unit"].map(lambda m: MEASURES[m][0] if m in MEASURES else m),
                         "上月数值": cat["indicator"].map(last), "本月数值": None, "备注": None,
                         "low": cat["indicator"].map(ranges["low"]), "high": cat["indicator"].map(ranges["high"])})


def _progress_rows(tables, period, unit, units) -> pd.DataFrame:
    tasks, prog = tables["tasks"], tables["progress"]
    last = prog[prog["period"] < period].sort_values("period").groupby("task_id")["progress"].last()
    mine = tasks[(tasks["lead_unit"] == unit) & (tasks["start"].dt.to_period("M") <= period)]
    mine = mine[mine["task_id"].map(last).fillna(0) < 100]
    done = mine["task_id"].map(last)
    return pd.DataFrame({"任务编号": mine["task_id"], "任务名称": mine["title_zh"], "完成形式": mine["completion_form"].map(FORMS_ZH),
                         "截止日期": mine["deadline"].dt.date, "上月进度(%)": done, "累计完成进度(%)": None, "备注": None,
                         "low": done.fillna(0.0), "high": 100.0})


def _inspection_rows(tables, period, unit, units) -> pd.DataFrame:
    ins = tables["inspections"]
    start = period.start_time
    open_ = ins[(ins["unit"] == unit) & (ins["found_on"] <= period.end_time)
                & (ins["rectified_on"].isna() | (ins["rectified_on"] >= start))]
    return pd.DataFrame({"问题编号": open_["problem_id"], "督察": open_["inspection_zh"], "发现日期": open_["found_on"].dt.date,
                         "整改期限": open_["due_on"].dt.date, "整改完成日期": None, "备注": None,
                         "low": open_["found_on"].dt.date, "high": None})


_ROWS = {"indicators": _indicator_rows, "progress": _progress_rows, "inspections": _inspection_rows}


def _width(value: object) -> int:
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _instructions(wb: Workbook, t: Template, deadline: dt.date) -> None:
    ws = wb.active
    ws.title = "填报说明"
    ym = f"{t.month.year}年{t.month.month}月"
    what = {"indicators": "在“本月数值”列填写本单位本月各项指标的数值，按“计量单位”列的单位填写纯数字（百分比填 53.2，不带 % 号）。",
            "progress": "在“累计完成进度(%)”列填写各项任务截至本月底的累计完成进度，0 到 100 之间，不得低于上月进度。",
            "inspections": "在“整改完成日期”列填写已整改问题的完成日期（如 2017-12-15）；尚未整改的留空。"}[t.kind]
    lines = [TITLES[t.kind] + "填报说明", f"填报单位：{t.name_zh}（代码 {t.unit}）", f"报告期：{ym}",
             f"报送截止日期：{deadline.year}年{deadline.month}月{deadline.day}日前", "", "一、填报内容", what,
             "只填写浅黄色单元格；表头、单位、报告期和其他列已锁定，请勿增删行列或修改表名。",
             "未报送或无数据的请留空（留空即“未报送”，切勿填 0）；确为 0 的填 0。", "可在“备注”列说明口径变化或数据来源。", "",
             "二、填报规则"]
    if t.kind == "indicators":
        lines.append("各指标的计量单位和可接受范围（超出范围的数值无法录入）：")
        for r in t.rows.itertuples(index=False):
            high = "不限" if r.high is None or math.isinf(r.high) else f"{r.high:g}"
            lines.append(f"{r.指标名称}（{r.指标代码}）：{r.计量单位}，{r.low:g} 至 {high}")
    elif t.kind == "progress":
        lines.append("进度为累计百分比：本月进度不得低于上月进度，完成时填 100。")
    else:
        lines.append("整改完成日期不得早于问题发现日期；已整改问题请同时保留整改材料备查。")
    for k, text in enumerate(lines, start=1):
        ws.cell(k, 1, text)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 100
    ws.protection.sheet = True


def _data_sheet(wb: Workbook, t: Template) -> None:
    ws = wb.create_sheet(_BAD_SHEET.sub("", t.name_zh)[:31] or t.unit)
    header = HEADERS[t.kind]
    ws.append([TITLES[t.kind]])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([f"填报单位：{t.name_zh}", None, None, f"报告期：{t.month.year}年{t.month.month}月"])
    ws.append(header)
    for c in ws[3]:
        c.font, c.fill, c.alignment = Font(bold=True), _HEAD, Alignment(horizontal="center", wrap_text=True)
    value_col = {"indicators": "本月数值", "progress": "累计完成进度(%)", "inspections": "整改完成日期"}[t.kind]
    vk, nk = header.index(value_col) + 1, header.index("备注") + 1
    for k, r in enumerate(t.rows.to_dict("records"), start=1):
        ws.append([k] + [None if (isinstance(r[h], float) and math.isnan(r[h])) else r[h] for h in header[1:]])
        row = ws.max_row
        for col in (vk, nk):
            ws.cell(row, col).protection = Protection(locked=False)
            ws.cell(row, col).fill = _INPUT
        _validate(ws, t.kind, ws.cell(row, vk), r)
    widths = [max([_width(h)] + [_width(v) for v in t.rows[h]] if h in t.rows else [_width(h)]) for h in header]
    for k, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = min(max(w + 4, 8), 60)
    ws.append([])
    ws.append(["填报人：", None, "审核人：", None, "联系电话："])
    for col in range(1, len(header) + 1):
        ws.cell(ws.max_row, col).protection = Protection(locked=False)
    ws.freeze_panes = "A4"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # a reader may widen a column


def _validate(ws, kind: str, cell, r: dict) -> None:
    if kind == "inspections":
        found = r["low"]
        dv = DataValidation(type="date", operator="greaterThanOrEqual", formula1=f"DATE({found.year},{found.month},{found.day})",
                            allow_blank=True, error=f"请填写不早于 {found} 的日期（如 2017-12-15），尚未整改的留空")
        cell.number_format = "yyyy-mm-dd"
    else:
        low, high = float(r["low"]), float(r["high"])
        measure = r.get("计量单位", "%")
        rule = f"{low:g} 至 {high:g}" if math.isfinite(high) else f"不小于 {low:g}"
        if math.isfinite(high):
            dv = DataValidation(type="decimal", operator="between", formula1=f"{low:g}", formula2=f"{high:g}", allow_blank=True)
        else:
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=f"{low:g}", allow_blank=True)
        dv.error = f"请填写 {rule} 之间的数值（{measure}），未报送的留空"
    dv.errorTitle, dv.showErrorMessage = "数值不在允许范围内", True
    ws.add_data_validation(dv)
    dv.add(cell)


def write_template(month: str, unit: str, *, kind: str = "indicators", data: str | os.PathLike | None = None,
                   out: str | os.PathLike | None = None, deadline: str | dt.date | None = None,
                   tables: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write one template (see the module's docstring); its path. A unit with nothing to
    report of ``kind`` that month (no indicators, no open task or problem) is refused.
    ``tables``: those of :func:`load_tables`, when already read."""
    t = template_rows(tables if tables is not None else load_tables(data), month, unit, kind)
    if t.rows.empty:
        what = {"indicators": "reports no indicators (not a territorial unit)", "progress": "leads no open task",
                "inspections": "has no open inspection problem"}[kind]
        raise ParameterError(f"unit {unit} {what} in {t.month}: no {kind} template to write")
    due = pd.Timestamp(deadline).date() if deadline is not None else (t.month + 1).start_time.date().replace(day=10)
    wb = Workbook()
    _instructions(wb, t, due)
    _data_sheet(wb, t)
    folder = Path(out) if out is not None else ROOT / "templates" / str(t.month)
    return atomic_write(folder / f"{unit}_{kind}.xlsx", wb.save)


def write_templates(month: str, *, unit: str | None = None, kind: str | None = None, data: str | os.PathLike | None = None,
                    out: str | os.PathLike | None = None, deadline: str | dt.date | None = None) -> list[Path]:
    """Every template of a month (or of one unit, or one kind): each unit that reports
    indicators, leads an open task or has an open inspection problem gets its template."""
    _month(month)
    tables = load_tables(data)
    kinds = [kind] if kind is not None else list(TEMPLATE_KINDS)
    units = [unit] if unit is not None else tables["units"]["unit"].tolist()
    paths = []
    for u in units:
        for k in kinds:
            if template_rows(tables, month, u, k).rows.empty and (unit is None or kind is None):
                continue  # nothing of this kind for this unit: no template, when not asked for by name
            paths.append(write_template(month, u, kind=k, out=out, deadline=deadline, tables=tables))
    if not paths:
        raise ParameterError(f"nothing to report in {month} for {unit or 'any unit'}{'' if kind is None else f' ({kind})'}")
    return paths
