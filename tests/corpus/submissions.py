"""Submission files as offices send them, written at test time (no binary file is kept)."""
from __future__ import annotations

from pathlib import Path

import openpyxl


def workbook(path: Path, *, unit: str = "雨湖区", month: str = "2017年12月", rows: list[tuple] | None = None,
             hidden_extra: bool = True) -> Path:
    """A workbook with a title row, 填报单位/报告期 cells, a merged two-row header, notes,
    a signature row, a 汇总 sheet and a hidden sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = unit[:31]
    ws.append(["湘潭市全面深化改革指标月报"])
    ws.merge_cells("A1:E1")
    ws.append([f"填报单位：{unit}", None, f"报告期：{month}"])
    ws.append(["序号", "指标名称", "本月", None, "去年同期"])
    ws.merge_cells("C3:D3")
    ws.append([None, None, "数值", "单位", "数值"])
    for k, (name, value, mu) in enumerate(rows or [("耕地流转率", "53%", "%"), ("新增耕地流转面积", "1.5万亩", None),
                                                   ("减税降费", 2320, "万元"), ("政府综合债务率", "—", None)], start=1):
        ws.append([k, name, value, mu, None])
        ws.append([None])
    ws.append(["注：本表数据截至月底"])
    ws.append(["填报人：张三", None, "审核人：李四", None, "联系电话：0731-0000000"])
    wb.create_sheet("汇总").append(["合计"])
    if hidden_extra:
        wb.create_sheet("旧表").sheet_state = "hidden"
    wb.save(path)
    return path


def csv_long(path: Path, rows: list[tuple[str, str, str, str]], *, encoding: str = "gbk", sep: str = ",") -> Path:
    """A long CSV: 单位名称, 指标, 报告期, 数值 (Excel's "CSV" on Chinese Windows: GBK, CRLF)."""
    lines = [sep.join(["单位名称", "指标", "报告期", "数值"])] + [sep.join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path
