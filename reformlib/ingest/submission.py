"""One submission read into records: which unit and month, which rows are data, and every
value checked against the catalogue. A file with any problem gives its full list of problems
and no records.

A sheet (or CSV file) is: optional title rows; optional ``填报单位：雨湖区`` and
``报告期：2017年12月`` cells (in one cell or the cell after the label); a header row naming
the columns, optionally over a second header row (``本月`` merged over ``数值 | 单位``); then
data rows. Three kinds are recognised by their columns:

- ``indicators``: 指标 (name or code) and 本月/数值 (value), optionally 计量单位, 单位名称, 报告期;
- ``progress``: 任务编号 and 完成进度 (cumulative percent);
- ``inspections``: 问题编号 and 整改完成日期 (empty while open).

Dropped rows, each said: blank rows (silently), notes (注：/说明：), signature rows
(填报人/审核人/联系电话), and totals (合计/小计), each checked against the sum of the rows
above it when they are values of one indicator, with a mismatch refused.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import pandas as pd

from reformlib.data.textfile import FileProblem
from reformlib.ingest.grid import Cell, Grid
from reformlib.ingest.units import UnitNames
from reformlib.ingest.values import MISSING, ValueRefused, normalise_text, parse_month, parse_value

__all__ = ["ROLES", "Catalogue", "SheetResult", "read_sheet"]

#: Column role -> the header words that name it (compared without spaces, lower case).
ROLES: dict[str, tuple[str, ...]] = {
    "indicator": ("指标", "指标名称", "指标代码", "指标编码", "indicator"),
    "task": ("任务编号", "任务代码", "task_id"),
    "problem": ("问题编号", "问题代码", "problem_id"),
    "value": ("本月", "本期", "本月数", "本期数", "数值", "本月数值", "本月/数值", "本期/数值", "完成值", "value",
              "完成进度", "累计完成进度", "进度", "完成进度(%)", "累计完成进度(%)", "progress"),
    "rectified": ("整改完成日期", "整改完成时间", "rectified_on"),
    "measure": ("计量单位", "单位", "本月/单位", "本期/单位", "measure_unit"),
    "unit": ("单位名称", "填报单位", "地区", "区县", "unit"),
    "month": ("报告期", "月份", "报告月份", "period", "month"),
}
KIND_OF = {"indicator": "indicators", "task": "progress", "problem": "inspections"}
_META = re.compile(r"^(填报单位|报送单位|报告期|填报月份|报告月份)[：:]\s*(.*)$")
_NOTE = re.compile(r"^(注|说明|备注)\s*[0-9]*\s*[：:.、]")
_SIGN = ("填报人", "审核人", "联系电话", "制表人", "负责人", "单位负责人", "填报日期")
_TOTAL = ("合计", "小计", "总计")


@dataclass(frozen=True)
class Catalogue:
    """What a submission is checked against."""

    units: UnitNames
    indicators: pd.DataFrame  # indicator, name_zh, measure_unit; low, high (plausible range)
    tasks: pd.DataFrame  # task_id, lead_unit
    problems: pd.DataFrame  # problem_id, unit, found_on
    #: indicator code or Chinese name (as compared) -> catalogue rows; task and problem codes
    by_name: dict[str, list[int]] = field(init=False, repr=False, compare=False)
    rows: dict[int, dict] = field(init=False, repr=False, compare=False)
    task_ids: frozenset[str] = field(init=False, repr=False, compare=False)
    problem_ids: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, set[int]] = {}
        for i, code, name in zip(self.indicators.index, self.indicators["indicator"], self.indicators["name_zh"]):
            by_name.setdefault(code, set()).add(i)
            by_name.setdefault(_text(name), set()).add(i)
        object.__setattr__(self, "by_name", {k: sorted(v) for k, v in by_name.items()})
        object.__setattr__(self, "rows", dict(zip(self.indicators.index, self.indicators.to_dict("records"))))
        object.__setattr__(self, "task_ids", frozenset(self.tasks["task_id"]))
        object.__setattr__(self, "problem_ids", frozenset(self.problems["problem_id"]))


@dataclass
class SheetResult:
    kind: str | None
    records: list[dict]
    skipped: list[str]
    problems: list[FileProblem]
    #: data rows whose value cell is empty (a template not filled in): left out, never stored as "no value"
    unfilled: int = 0


def _text(v: object) -> str:
    return _compact(v) if isinstance(v, str) else ""


@functools.lru_cache(maxsize=1 << 16)
def _compact(text: str) -> str:
    return re.sub(r"\s+", "", normalise_text(text))


def _meta(grid: Grid, upto: int) -> dict[str, tuple[object, int, Cell]]:
    out = {}
    for number, cells in grid.rows[:upto]:
        for k, c in enumerate(cells):
            m = _META.match(normalise_text(c.value)) if isinstance(c.value, str) else None
            if m:
                key = "unit" if m.group(1) in ("填报单位", "报送单位") else "month"
                value, at = m.group(2).strip(), c
                if not value:
                    nxt = next((d for d in cells[k + 1:] if d.value not in (None, "")), None)
                    value, at = (nxt.value, nxt) if nxt else ("", c)
                out[key] = (value, number, at)
    return out


def _role(name: str) -> str | None:
    low = name.lower()
    return next((r for r, words in ROLES.items() if low in words), None)


def _header(grid: Grid) -> tuple[int, dict[str, int], int] | None:
    """(index of the header row, role -> column position, rows the header spans)."""
    for i, (_, cells) in enumerate(grid.rows):
        names = [_text(c.value) for c in cells]
        roles = {}
        for k, n in enumerate(names):
            r = _role(n)
            if r and r not in roles:
                roles[r] = k
        if not any(r in roles for r in KIND_OF):
            continue
        span = 1
        if i + 1 < len(grid.rows):
            below = [_text(c.value) for c in grid.rows[i + 1][1]]
            if any(b in ("数值", "单位") for b in below) and not any(r in KIND_OF and _role(b) == r for b in below for r in KIND_OF):
                span = 2
                roles = {}
                for k, n in enumerate(names):
                    b = below[k] if k < len(below) else ""
                    combined = f"{n}/{b}" if b and n != b else n
                    r = _role(combined) or (_role(n) if not b or n == b else None)
                    if r and r not in roles:
                        roles[r] = k
        if "value" in roles or "rectified" in roles:
            return i, roles, span
    return None


def _row_kind(cells: list[Cell]) -> str:
    texts = [_text(c.value) for c in cells if c.value not in (None, "")]
    if not texts or all(t.lower() in MISSING for t in texts):
        return "blank"
    if _NOTE.match(texts[0]) or texts[0] in ("注", "说明"):
        return "note"
    if any(t.startswith(_SIGN) for t in texts):
        return "signature"
    if any(t in _TOTAL or t.startswith(_TOTAL) or t.endswith(_TOTAL) for t in texts):
        return "total"
    return "data"


def _resolve(grid: Grid, number: int, cell: Cell | None, column: str, fn, raw, problems: list[FileProblem]):
    try:
        return fn(raw)
    except ValueRefused as exc:
        problems.append(grid.problem(number, cell, column, str(exc), raw))
        return None


def read_sheet(grid: Grid, cat: Catalogue) -> SheetResult:
    """The records of one sheet, with what was skipped and every problem found."""
    problems: list[FileProblem] = []
    found = _header(grid)
    where = "the file" if grid.sheet is None else f"sheet {grid.sheet!r}"
    if found is None:
        problems.append(grid.problem(grid.rows[0][0] if grid.rows else 1, None, None,
                                     "no header row found: a row naming 指标 (or 任务编号, 问题编号) and 本月/数值 (or 完成进度, 整改完成日期)"))
        return SheetResult(None, [], [], problems)
    at, roles, span = found
    kind = next(KIND_OF[r] for r in KIND_OF if r in roles)
    meta = _meta(grid, at)
    default_unit = default_month = None
    if "unit" in meta:
        raw, number, cell = meta["unit"]
        default_unit = _resolve(grid, number, cell, "填报单位", cat.units.resolve, raw, problems)
    if "month" in meta:
        raw, number, cell = meta["month"]
        default_month = _resolve(grid, number, cell, "报告期", parse_month, raw, problems)
    records, skipped, block = [], [], []
    counts = {"note": 0, "signature": 0, "total": 0, "blank": 0}
    header_names = {role: _text(grid.rows[at][1][k].value) or role for role, k in roles.items()}

    def get(cells: list[Cell], role: str) -> Cell | None:
        k = roles.get(role)
        return cells[k] if k is not None and k < len(cells) else None

    for number, cells in grid.rows[at + span:]:
        rk = _row_kind(cells)
        counts[rk] = counts.get(rk, 0) + 1
        if rk == "total":
            _check_total(grid, number, cells, get, block, kind, problems)
            block = []
            continue
        if rk != "data":
            continue
        vcell = get(cells, "value")
        if kind in ("indicators", "progress") and (vcell is None or vcell.value is None or
                                                   (isinstance(vcell.value, str) and _text(vcell.value) == "")):
            counts["unfilled"] = counts.get("unfilled", 0) + 1  # an empty cell is not a report of "no value"
            continue
        rec = _record(grid, number, cells, get, kind, cat, header_names, default_unit, default_month, problems)
        if rec is not None:
            records.append(rec)
            block.append(rec)
    for what, n in counts.items():
        if what == "unfilled":
            skipped.append(f"{where}: {n} row(s) with an empty value cell, read as not reported (the file stands for "
                           "its units' whole month, as every submission does)")
        elif n and what not in ("blank", "data"):
            skipped.append(f"{where}: {n} {what} row(s) dropped" + (" (each checked against the sum of its rows)" if what == "total" else ""))
    return SheetResult(kind, records, skipped, problems, counts.get("unfilled", 0))


def _record(grid, number, cells, get, kind, cat, names, default_unit, default_month, problems) -> dict | None:
    before = len(problems)
    ucell, mcell = get(cells, "unit"), get(cells, "month")
    unit = (_resolve(grid, number, ucell, names.get("unit"), cat.units.resolve, ucell.value, problems)
            if ucell is not None and ucell.value not in (None, "") else default_unit)
    month = (_resolve(grid, number, mcell, names.get("month"), parse_month, mcell.value, problems)
             if mcell is not None and mcell.value not in (None, "") else default_month)
    if unit is None and len(problems) == before:
        problems.append(grid.problem(number, ucell, "填报单位", "no unit given: no 填报单位 cell above the header and no unit column"))
    if month is None and len(problems) == before:
        problems.append(grid.problem(number, mcell, "报告期", "no month given: no 报告期 cell above the header and no month column"))
    vcell = get(cells, "value")
    key_role = {"indicators": "indicator", "progress": "task", "inspections": "problem"}[kind]
    kcell = get(cells, key_role)
    key_raw = _text(kcell.value) if kcell is not None else ""
    if kind == "indicators":
        return _indicator(grid, number, cells, get, cat, names, unit, month, kcell, key_raw, vcell, problems, before)
    if kind == "progress":
        if key_raw not in cat.task_ids:
            problems.append(grid.problem(number, kcell, names["task"], "unknown task (not in the ledger)", kcell.value if kcell else None))
            return None
        value = _resolve(grid, number, vcell, names["value"], lambda v: parse_value(v, measure_unit="%", percent_format=vcell.percent),
                         vcell.value if vcell else None, problems)
        if value is not None and not 0 <= value <= 100:
            problems.append(grid.problem(number, vcell, names["value"], "progress must lie between 0 and 100 %", vcell.value))
        if len(problems) > before or value is None:
            return None
        return dict(task_id=key_raw, period=month, progress=value, unit=unit, sheet=grid.sheet, cell=_where(grid, number, vcell))
    rcell = get(cells, "rectified")
    if key_raw not in cat.problem_ids:
        problems.append(grid.problem(number, kcell, names["problem"], "unknown inspection problem", kcell.value if kcell else None))
        return None
    raw = rcell.value if rcell is not None else None
    day = None
    if raw not in (None, "") and not (isinstance(raw, str) and _text(raw).lower() in MISSING):  # a date cell is not text
        day = _resolve(grid, number, rcell, names["rectified"], _day, raw, problems)
    if len(problems) > before:
        return None
    return dict(problem_id=key_raw, period=month, rectified_on=day, unit=unit, sheet=grid.sheet, cell=_where(grid, number, rcell))


def _indicator(grid, number, cells, get, cat, names, unit, month, kcell, key_raw, vcell, problems, before) -> dict | None:
    match = sorted(set(cat.by_name.get(key_raw.lower(), [])) | set(cat.by_name.get(key_raw, [])))
    if len(match) != 1:
        problems.append(grid.problem(number, kcell, names["indicator"], "unknown indicator (not a code or Chinese name of the catalogue)",
                                     kcell.value if kcell else None))
        return None
    row = cat.rows[match[0]]
    mcell = get(cells, "measure")
    column_unit = mcell.value if mcell is not None and isinstance(mcell.value, str) else None
    value = _resolve(grid, number, vcell, names["value"],
                     lambda v: parse_value(v, measure_unit=row["measure_unit"], percent_format=vcell.percent, column_unit=column_unit),
                     vcell.value if vcell else None, problems)
    if value is not None and not row["low"] <= value <= row["high"]:
        problems.append(grid.problem(number, vcell, names["value"], f"outside the catalogue's plausible range {row['low']:g} to "
                                     f"{row['high']:g} for {row['indicator']}", vcell.value))
    if len(problems) > before:
        return None
    return dict(unit=unit, indicator=row["indicator"], period=month, value=value, sheet=grid.sheet, cell=_where(grid, number, vcell))


def _day(raw: object) -> pd.Timestamp:
    if isinstance(raw, pd.Timestamp) or hasattr(raw, "year") and hasattr(raw, "day"):
        return pd.Timestamp(raw).normalize()
    text = normalise_text(str(raw))
    m = re.fullmatch(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?", text)
    if not m:
        raise ValueRefused("not a date (write 2017-12-31 or 2017年12月31日)")
    try:
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueRefused("not a date") from None


def _where(grid: Grid, number: int, cell: Cell | None) -> str:
    return cell.where if grid.sheet is not None and cell is not None else f"line {number}"


def _check_total(grid, number, cells, get, block, kind, problems) -> None:
    if kind != "indicators" or not block:
        return
    vcell = get(cells, "value")
    if vcell is None or vcell.value in (None, ""):
        return
    inds = {r["indicator"] for r in block}
    if len(inds) != 1:
        return  # rows of several indicators: a sum of them means nothing, nothing to check
    values = [r["value"] for r in block if r["value"] is not None]
    try:
        total = float(normalise_text(str(vcell.value)).replace(",", "")) if not isinstance(vcell.value, (int, float)) else float(vcell.value)
    except ValueError:
        problems.append(grid.problem(number, vcell, "合计", "a total that is not a number", vcell.value))
        return
    if abs(total - sum(values)) > max(0.01, 0.005 * abs(total)):
        problems.append(grid.problem(number, vcell, "合计", f"the total does not equal the sum of its {len(values)} rows ({sum(values):g})",
                                     vcell.value))
