"""Every label and sentence template in Chinese and English: tables, figures, the brief's
headings, the memo's sentences, unit names.

The one place a translator edits. May import: nothing of reformlib (every layer may use it).
"""
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


#: Sentence templates of the policy memo, filled from ``results.json`` by
#: :func:`reformlib.report.memo.key_findings`.
MEMO: dict[str, dict[str, str]] = {
    "zh": {
        "title": "《改革简报》要点（{month}）",
        "unit": "评估范围：{unit}",
        "author": "湘潭市改革数据应用研究中心",
        "date": "湘潭市改革数据应用研究中心　{date}",
        "synthetic": "注：本简报使用合成演示数据，数字不代表任何单位的真实情况。",
        "findings": "主要结论",
        "units_table": "评估得分前列与后列单位",
        "risk_table": "存在逾期风险的任务",
        "figures": "图表",
        "tasks": "{month}，{total}项年度改革任务已完成{completed}项，完成率{rate}%；"
                 "按期推进{on_schedule}项，进度滞后{behind}项，已逾期{overdue}项。",
        "tasks_na": "改革任务台账数据尚未纳入本期简报。",
        "risk": "共有{n}项任务存在逾期风险，风险最高的是“{title}”（牵头单位：{lead}，逾期概率{p}%）。",
        "risk_none": "本期未发现存在较高逾期风险的任务。",
        "eval": "综合评估得分最高的是{top}（{top_score}分，{top_grade}），"
                "最低的是{bottom}（{bottom_score}分，{bottom_grade}）。",
        "eval_one": "本期仅{top}参评，得分{top_score}分，等级为{top_grade}。",
        "eval_range": "考虑权重的不确定性，{top}的排名在第{lo}至第{hi}名之间。",
        "eval_na": "评估模型结果尚未纳入本期简报。",
        "off": "有{n}项指标未达到目标，包括{items}。",
        "off_item": "{unit}的{name}（实际{value}，目标{target}）",
        "off_sep": "；",
        "off_none": "本期监测的指标均已达到目标。",
        "off_na": "指标达标情况尚未纳入本期简报。",
        "insp": "督察发现问题{found}个，已整改{rectified}个，尚有{open}个未整改，其中{over90}个超过90天。",
        "insp_done": "督察发现问题{found}个，已全部整改。",
        "insp_na": "督察问题整改情况尚未纳入本期简报。",
        "pilots": "承担国家级改革试点{national}项、省级改革试点{provincial}项，其中{models}项已成为示范；"
                  "各单位自主推出改革{local}项。",
        "pilots_na": "改革试点情况尚未纳入本期简报。",
        "headline": "主要指标：{items}。",
        "headline_sep": "；",
        "note": "（{note}）",
        "units_cols": "排名|单位|得分|等级|排名区间（5%–95%）",
        "risk_cols": "任务编号|任务|牵头单位|逾期概率|原因",
        "fig": "图{i}　{caption}",
    },
    "en": {
        "title": "Reform brief: key points ({month})",
        "unit": "Scope: {unit}",
        "author": "Xiangtan Reform Data Application Research Centre",
        "date": "Xiangtan Reform Data Application Research Centre, {date}",
        "synthetic": "Note: this brief uses synthetic demonstration data; "
                     "its numbers do not describe any real unit.",
        "findings": "Key findings",
        "units_table": "Units with the highest and lowest scores",
        "risk_table": "Tasks at risk of missing their deadline",
        "figures": "Figures",
        "tasks": "By {month}, {completed} of {total} annual reform tasks were completed "
                 "({rate}%); {on_schedule} are on schedule, {behind} behind and {overdue} overdue.",
        "tasks_na": "The reform task ledger is not yet included in this brief.",
        "risk": "{n} task(s) are at risk of missing their deadline; the most likely is "
                "\u201c{title}\u201d (lead unit: {lead}, probability {p}%).",
        "risk_none": "No task is at high risk of missing its deadline this month.",
        "eval": "The highest evaluation score went to {top} ({top_score}, {top_grade}) "
                "and the lowest to {bottom} ({bottom_score}, {bottom_grade}).",
        "eval_one": "Only {top} was evaluated this month: {top_score} points, grade {top_grade}.",
        "eval_range": "Allowing for uncertainty in the weights, {top} ranks between "
                      "{lo} and {hi}.",
        "eval_na": "Results of the evaluation model are not yet included in this brief.",
        "off": "{n} indicator(s) are below target, including {items}.",
        "off_item": "{name} in {unit} ({value} against a target of {target})",
        "off_sep": "; ",
        "off_none": "All monitored indicators met their targets.",
        "off_na": "Indicator targets are not yet included in this brief.",
        "insp": "Inspections found {found} problems: {rectified} have been rectified and "
                "{open} remain open, {over90} of them for more than 90 days.",
        "insp_done": "Inspections found {found} problems, all of which have been rectified.",
        "insp_na": "Rectification of inspection problems is not yet included in this brief.",
        "pilots": "The city carries {national} national and {provincial} provincial reform "
                  "pilots, {models} of which have become models; units launched {local} "
                  "reforms of their own.",
        "pilots_na": "Reform pilots are not yet included in this brief.",
        "headline": "Headline figures: {items}.",
        "headline_sep": "; ",
        "note": " ({note})",
        "units_cols": "Rank|Unit|Score|Grade|Rank range (5%-95%)",
        "risk_cols": "Task|Title|Lead unit|Probability|Reason",
        "fig": "Figure {i}. {caption}",
    },
}

#: Names of the units of DOMAIN.md, used when the evaluation section does not name them.
#: Names of the territorial units (DOMAIN.md; GB/T 2260 codes as text, park codes).
UNIT_NAMES: dict[str, dict[str, str]] = {
    "zh": {"430300": "湘潭市", "430302": "雨湖区", "430304": "岳塘区", "430321": "湘潭县",
           "430381": "湘乡市", "430382": "韶山市", "xtjk": "湘潭经开区", "xtgx": "湘潭高新区",
           "tyjk": "天易经开区"},
    "en": {"430300": "Xiangtan city", "430302": "Yuhu District", "430304": "Yuetang District",
           "430321": "Xiangtan County", "430381": "Xiangxiang", "430382": "Shaoshan",
           "xtjk": "Xiangtan Economic & Technological Development Zone",
           "xtgx": "Xiangtan High-tech Zone", "tyjk": "Tianyi Economic Development Zone"},
}


#: Brief section headings (Markdown text without the leading #).
HEADINGS = {
    "zh": {"headline": "一、主要指标与年度总结对照", "tasks": "二、改革任务推进情况", "at_risk": "逾期风险最高的任务",
           "evaluation": "三、综合评估得分、等级与排名", "off_target": "四、未达目标的指标", "family": "{family}类指标分单位情况",
           "inspections": "五、督察发现问题整改情况", "pilots": "六、改革试点", "notes": "说明"},
    "en": {"headline": "1. Headline figures against the year-end summary", "tasks": "2. Progress of the reform tasks",
           "at_risk": "Tasks most at risk of missing their deadline", "evaluation": "3. Evaluation: scores, grades and ranks",
           "off_target": "4. Indicators off target", "family": "The {family} indicators by unit",
           "inspections": "5. Problems found by inspections and their rectification", "pilots": "6. Reform pilots",
           "notes": "Notes"},
}

#: Placeholders of sections not supplied.
NOT_SUPPLIED = {"zh": "本节尚未纳入。", "en": "Not yet available."}

#: Default (Chinese) labels; pass ``labels=EVENT_STUDY_LABELS_EN`` for English.
EVENT_STUDY_LABELS_ZH: dict[str, str] = {
    "title": "改革前后的效应(事件研究)",
    "xlabel": "相对改革起始的月份",
    "ylabel": "估计效应",
    "estimate": "估计值",
    "interval": "95% 置信区间",
    "reference": "基准期",
}
EVENT_STUDY_LABELS_EN: dict[str, str] = {
    "title": "Effect before and after the reform (event study)",
    "xlabel": "Months relative to the start of the reform",
    "ylabel": "Estimated effect",
    "estimate": "Estimate",
    "interval": "95% confidence interval",
    "reference": "Reference period",
}
