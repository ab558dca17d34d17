"""Task ledger step 2, early warning: the words. Reasons a task is at risk, in Chinese and
English, built from the features that raise its risk most (the logistic model's
contributions, see :mod:`reformlib.tasks.warning`), and the labels of those features.
"""
from __future__ import annotations

import pandas as pd

__all__ = ["FEATURE_LABELS", "FORM", "LEADER", "reason_text"]

LEADER = {"zh": {"party_secretary": "市委书记", "mayor": "市长", "group_leader": "专项小组组长", "county_head": "县市区园区主要负责人",
                 "unit_head": "部门主要负责人", "division_head": "分管负责人"},
          "en": {"party_secretary": "the party secretary", "mayor": "the mayor", "group_leader": "a special-group leader",
                 "county_head": "a county, district or park head", "unit_head": "a department head", "division_head": "a division head"}}
FORM = {"zh": {"document": "出台文件", "mechanism": "建立机制", "project": "完成项目", "pilot": "开展试点", "report": "形成报告"},
        "en": {"document": "issuing a document", "mechanism": "setting up a mechanism", "project": "completing a project",
               "pilot": "running a pilot", "report": "delivering a report"}}
_REASON = {
    "zh": {"progress": "已完成{progress:.0f}%", "gap": "进度比计划{gap_word}{abs_gap:.0f}个百分点",
           "velocity_1": "上月推进{velocity_1:.0f}个百分点", "velocity_2": "近两月月均推进{velocity_2:.0f}个百分点",
           "months_since_start": "已实施{months_since_start:.0f}个月", "months_to_deadline": "距截止还有{months_to_deadline:.0f}个月",
           "planned_months": "计划周期{planned_months:.0f}个月", "share_elapsed": "计划时间已过{pct_elapsed:.0f}%",
           "shortfall": "按目前速度截止时预计完成{projected:.0f}%", "log_need": "按目前速度截止时预计完成{projected:.0f}%",
           "key_task": "{key_word}", "workload": "牵头单位承担{workload:.0f}项任务",
           "unit_behind_share": "牵头单位其他任务{unit_pct:.0f}%滞后或逾期", "category": "属{category_name}类",
           "leader_level": "由{leader}牵头", "completion_form": "完成形式为{form}", "lead_kind": "牵头单位类型({lead_kind})",
           "sep": ";", "key": "重点任务", "not_key": "非重点任务", "behind": "落后", "ahead": "超前"},
    "en": {"progress": "{progress:.0f} % done", "gap": "{abs_gap:.0f} points {gap_word} schedule",
           "velocity_1": "{velocity_1:.0f} points gained last month", "velocity_2": "{velocity_2:.0f} points a month over two months",
           "months_since_start": "{months_since_start:.0f} months under way", "months_to_deadline": "{months_to_deadline:.0f} months to the deadline",
           "planned_months": "a {planned_months:.0f}-month schedule", "share_elapsed": "{pct_elapsed:.0f} % of the schedule elapsed",
           "shortfall": "on the current pace {projected:.0f} % done by the deadline",
           "log_need": "on the current pace {projected:.0f} % done by the deadline",
           "key_task": "{key_word}", "workload": "its lead unit leads {workload:.0f} tasks",
           "unit_behind_share": "{unit_pct:.0f} % of the lead unit's other tasks behind or overdue", "category": "category: {category_name}",
           "leader_level": "led by {leader}", "completion_form": "completion by {form}", "lead_kind": "lead unit kind: {lead_kind}",
           "sep": "; ", "key": "a key task", "not_key": "not a key task", "behind": "behind", "ahead": "ahead of"},
}


FEATURE_LABELS = {
    "zh": {"category": "任务大类", "leader_level": "牵头领导层级", "completion_form": "完成形式", "lead_kind": "牵头单位类型",
           "progress": "当前进度", "gap": "进度与计划之差", "velocity_1": "上月推进", "velocity_2": "近两月月均推进",
           "months_since_start": "已实施月数", "months_to_deadline": "距截止月数", "planned_months": "计划周期",
           "share_elapsed": "计划时间已过比例", "shortfall": "外推截止时缺口", "log_need": "剩余工作量/按现速可完成量(对数)",
           "key_task": "重点任务", "workload": "牵头单位任务数", "unit_behind_share": "牵头单位其他任务滞后比例"},
    "en": {"category": "category", "leader_level": "leader level", "completion_form": "completion form", "lead_kind": "lead-unit kind",
           "progress": "progress", "gap": "gap to schedule", "velocity_1": "gain last month", "velocity_2": "gain per month, two months",
           "months_since_start": "months under way", "months_to_deadline": "months to deadline", "planned_months": "planned months",
           "share_elapsed": "share of schedule elapsed", "shortfall": "projected shortfall", "log_need": "log work left / work at current pace",
           "key_task": "key task", "workload": "lead-unit workload", "unit_behind_share": "lead unit's other tasks behind"},
}


def reason_text(row: pd.Series, contrib: pd.Series, info: pd.Series, *, lang: str = "zh", n: int = 3) -> str:
    """The ``n`` features that raise a task's risk most (largest positive contributions), as text."""
    words = _REASON[lang]
    top = [f for f, v in contrib.sort_values(ascending=False).items() if v > 0][:n] or ["shortfall"]
    seen, parts = set(), []
    values = dict(row) | {
        "abs_gap": abs(row["gap"]), "gap_word": words["behind"] if row["gap"] < 0 else words["ahead"],
        "pct_elapsed": 100 * row["share_elapsed"], "projected": max(0.0, 100 - row["shortfall"]),
        "key_word": words["key"] if row["key_task"] else words["not_key"], "unit_pct": 100 * row["unit_behind_share"],
        "category_name": info.get(f"category_{lang}", row["category"]),
        "leader": LEADER[lang].get(row["leader_level"], row["leader_level"]),
        "form": FORM[lang].get(row["completion_form"], row["completion_form"])}
    for f in top:
        text = words[f].format(**values)
        if text not in seen:
            seen.add(text)
            parts.append(text)
    return words["sep"].join(parts)
