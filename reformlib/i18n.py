"""Labels in Chinese and English for tables, figures and generated sentences."""
from __future__ import annotations

LANGS = ("zh", "en")

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "indicator": "指标", "unit": "单位", "value": "数值", "month_value": "本月值", "ytd_value": "年初至今",
        "document_2017": "2017年文件数值", "comparison": "文件表述", "ratio_to_document": "达到文件数值(%)",
        "measure_unit": "计量单位", "category": "任务大类", "total": "任务数", "completed": "已完成",
        "on_schedule": "按进度推进", "behind": "滞后", "overdue": "逾期未完成", "not_started": "未开始",
        "completion_rate": "完成率(%)", "status": "状态", "tasks": "任务", "period": "月份",
        "synthetic_notice": "注意:本简报使用合成演示数据,仅用于演示,不代表真实情况。",
        "family": "指标类别",
        "no_open_tasks": "本月没有尚未到期的在办任务需要预警(已过期限的任务见上表“逾期未完成”)。",
    },
    "en": {
        "indicator": "Indicator", "unit": "Unit", "value": "Value", "month_value": "Value this month", "ytd_value": "Year to date",
        "document_2017": "Document, 2017", "comparison": "As the document puts it", "ratio_to_document": "Share of the document's figure (%)",
        "measure_unit": "Measure", "category": "Category", "total": "Tasks", "completed": "Completed",
        "on_schedule": "On schedule", "behind": "Behind schedule", "overdue": "Overdue", "not_started": "Not started",
        "completion_rate": "Completion rate (%)", "status": "Status", "tasks": "Tasks", "period": "Month",
        "synthetic_notice": "Note: this brief runs on SYNTHETIC demonstration data; no figure in it is real.",
        "family": "Family",
        "no_open_tasks": "No open task with a deadline still ahead needs a warning this month (tasks past their deadline are counted as overdue above).",
    },
}

FAMILY: dict[str, dict[str, str]] = {
    "zh": {"land": "土地流转", "debt": "债务", "staffing": "人员配备", "approval": "行政审批", "economy": "经济",
           "legal": "法治", "party": "党建", "social": "社会事业", "ecology": "生态"},
    "en": {"land": "land transfer", "debt": "debt", "staffing": "staffing", "approval": "approval", "economy": "economy",
           "legal": "rule of law", "party": "party building", "social": "social services", "ecology": "ecology"},
}


#: Units of measurement as a Chinese reader writes them after a number.
MEASURE_ZH: dict[str, str] = {
    "%": "%", "mu": "亩", "villages": "个", "months": "个月", "100 million yuan": "亿元", "entities": "户",
    "items": "项", "projects": "个", "persons": "人", "kindergartens": "所", "schools": "所", "places": "个",
}


def measure(unit: str, lang: str) -> str:
    """The unit of measurement ``unit`` (as the catalogue writes it) in ``lang``."""
    return MEASURE_ZH.get(unit, unit) if lang == "zh" else unit


def t(key: str, lang: str) -> str:
    """The label ``key`` in ``lang``."""
    if lang not in TEXT:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return TEXT[lang][key]


def name_column(lang: str) -> str:
    """The column holding names in ``lang`` (``name_zh`` or ``name_en``)."""
    if lang not in TEXT:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return f"name_{lang}"
