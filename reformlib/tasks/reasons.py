"""Task ledger step 2, early warning: the words. Reasons a task is at risk, in Chinese and
English, built from the features that raise its risk most (the logistic model's
contributions, see :mod:`reformlib.tasks.warning`), and the labels of those features.
"""
from __future__ import annotations

import pandas as pd

from reformlib.data.task_status import shown_schedule

__all__ = ["FEATURE_LABELS", "FORM", "LEADER", "percentage_points", "reason_text", "rule_reason", "validation_text"]

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
           "leader_level": "由{leader}牵头", "completion_form": "完成形式为{form}", "lead_kind": "牵头单位类型（{lead_kind}）",
           "sep": "；", "key": "重点任务", "not_key": "非重点任务", "behind": "落后", "ahead": "超前"},
    "en": {"progress": "{progress:.0f} % done", "gap": "{gap_points} {gap_word} schedule",
           "velocity_1": "{velocity_1_points} gained last month", "velocity_2": "{velocity_2_points} a month over two months",
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
           "share_elapsed": "计划时间已过比例", "shortfall": "外推截止时缺口", "log_need": "剩余工作量/按现速可完成量（对数）",
           "key_task": "重点任务", "workload": "牵头单位任务数", "unit_behind_share": "牵头单位其他任务滞后比例"},
    "en": {"category": "category", "leader_level": "leader level", "completion_form": "completion form", "lead_kind": "lead-unit kind",
           "progress": "progress", "gap": "gap to schedule", "velocity_1": "gain last month", "velocity_2": "gain per month, two months",
           "months_since_start": "months under way", "months_to_deadline": "months to deadline", "planned_months": "planned months",
           "share_elapsed": "share of schedule elapsed", "shortfall": "projected shortfall", "log_need": "log work left / work at current pace",
           "key_task": "key task", "workload": "lead-unit workload", "unit_behind_share": "lead unit's other tasks behind"},
}


def percentage_points(x: float) -> str:
    """A difference of two percentages in English, whole: ``12 percentage points``, ``1 percentage
    point`` (progress and schedule are percentages, so their difference is never "points")."""
    shown = f"{x:.0f}"
    return f"{shown} percentage point{'' if shown in ('1', '-1') else 's'}"


def reason_text(row: pd.Series, contrib: pd.Series, info: pd.Series, *, lang: str = "zh", n: int = 3) -> str:
    """The ``n`` features that raise a task's risk most (largest positive contributions), as text."""
    words = _REASON[lang]
    top = [f for f, v in contrib.sort_values(ascending=False).items() if v > 0][:n] or ["shortfall"]
    seen, parts = set(), []
    # the gap as the list prints it: printed progress less printed schedule (the parts rounded first)
    shown_gap = shown_schedule(row["progress"], row["progress"] - row["gap"])[2]
    values = dict(row) | {
        "abs_gap": abs(shown_gap), "gap_word": words["behind"] if shown_gap < 0 else words["ahead"],
        "pct_elapsed": 100 * row["share_elapsed"], "projected": max(0.0, 100 - row["shortfall"]),
        "key_word": words["key"] if row["key_task"] else words["not_key"], "unit_pct": 100 * row["unit_behind_share"],
        "category_name": info.get(f"category_{lang}", row["category"]),
        "leader": LEADER[lang].get(row["leader_level"], row["leader_level"]),
        "form": FORM[lang].get(row["completion_form"], row["completion_form"]),
        **{f"{k}_points": percentage_points(v) for k, v in (("gap", abs(shown_gap)), ("velocity_1", row["velocity_1"]),
                                                              ("velocity_2", row["velocity_2"]))}}
    for f in top:
        text = words[f].format(**values)
        if text not in seen:
            seen.add(text)
            parts.append(text)
    return words["sep"].join(parts)


_PLANTED = {
    "zh": "说明：演示数据是合成的，任务逾期由数据生成程序（reformlib.synth.ledger）按台账自身的列（任务大类、完成形式、牵头单位任务量、牵头领导层级）"
          "和进度节奏人为设定，而这些正是模型的特征；模型在此学到的只说明它能学到这种机制，不说明真实任务的逾期也是这样产生的。",
    "en": "Note: the demonstration data are synthetic, and their delays are planted by the data generator "
          "(reformlib.synth.ledger) as a function of the ledger's own columns (category, completion form, lead-unit "
          "workload, leadership) and of the pace of progress, which are the model's features; what the model finds "
          "there shows that it can learn such a mechanism, not that real delays arise this way.",
}


def _interval(row, metric: str, signed: bool = False, lang: str = "en") -> str:
    fmt = "{:+.3f}" if signed else "{:.3f}"
    value, low, high = (fmt.format(row[k]) for k in (metric, metric + "_low", metric + "_high"))
    return f"{value}（{low}，{high}）" if lang == "zh" else f"{value} ({low}, {high})"


def validation_text(metrics: pd.DataFrame, *, lang: str = "zh", synthetic: bool = False) -> str:
    """Plain sentences on the early warning's held-out check (``warning.validate(...).metrics``),
    each claim backed by its 95 % task-bootstrap interval: better than chance only if the AUC
    interval lies above 0.5, better than a baseline only if the interval of the difference
    excludes 0. ``synthetic=True`` adds that the demonstration data's delays are planted."""
    m = metrics[metrics["horizon"] == "all"].set_index("method")
    tail = (" " if lang == "en" else "") + _PLANTED[lang] if synthetic else ""
    n, fitted = int(m.at["model", "n"]), int(m.at["model", "folds_fitted"])
    base = m.loc["baseline"]
    if fitted == 0:
        return (f"在{n}个留出月份的任务快照上，已知结果的任务太少，各期均未拟合模型，预警采用简单线性外推基准："
                f"ROC AUC为{_interval(base, 'auc', lang='zh')}。模型与基准的比较须待更多任务到期后进行。" + tail) if lang == "zh" else (
                f"On {n} task snapshots of held-out months too few tasks had a known outcome to fit the model at any "
                f"cutoff, so the warning used the plain linear-extrapolation baseline: ROC AUC {_interval(base, 'auc')}. "
                f"The model can be compared with the baseline once more tasks are due." + tail)
    mod, left_out = m.loc["model"], int(m.at["model", "rows_left_out"])
    vs_gap, vs_base = m.loc["model_minus_gap"], m.loc["model_minus_baseline"]
    above_chance = mod["auc_low"] > 0.5
    verdict = {name: ("better" if row["auc_low"] > 0 else "worse" if row["auc_high"] < 0 else "unclear")
               for name, row in (("gap", vs_gap), ("baseline", vs_base))}
    if lang == "zh":
        head = (f"在模型实际拟合的{fitted}个留出期、{n}个任务快照上（另有{left_out}个快照来自未拟合模型的月份，不计入），"
                f"模型的ROC AUC为{_interval(mod, 'auc', lang='zh')}（括号内为按任务重抽样的95%区间），Brier分数为{_interval(mod, 'brier', lang='zh')}；"
                f"线性外推基准的AUC为{m.at['baseline', 'auc']:.3f}，“进度落后计划程度”规则为{m.at['gap', 'auc']:.3f}。")
        chance = "模型排序优于随机（AUC区间高于0.5）。" if above_chance else "AUC区间包含0.5，不能认为模型的排序优于随机。"
        words = {"better": "高于", "worse": "低于", "unclear": "与之没有可分辨的差别（区间包含0）："}
        comp = (f"与“进度落后计划程度”规则相比，模型AUC{words[verdict['gap']]}{_interval(vs_gap, 'auc', True, lang='zh')}；"
                f"与线性外推基准相比，{words[verdict['baseline']]}{_interval(vs_base, 'auc', True, lang='zh')}。")
        rule = ("预警名单可按模型排序。" if verdict["gap"] == "better" else
                "模型未被证明优于按进度落后程度排序这一简单规则，因此预警名单按该规则排序。")
        return head + chance + (comp + rule if above_chance else "") + tail
    head = (f"On {n} task snapshots of the {fitted} held-out folds in which the model was fitted ({left_out} snapshots "
            f"from months where it was not fitted are left out), the model's ROC AUC is {_interval(mod, 'auc')} "
            f"(95 % interval, resampling tasks) and its Brier score {_interval(mod, 'brier')}; the linear-extrapolation "
            f"baseline's AUC is {m.at['baseline', 'auc']:.3f} and the gap-to-schedule rule's {m.at['gap', 'auc']:.3f}.")
    chance = (" The model ranks tasks better than chance (its AUC interval lies above 0.5)." if above_chance else
              " Its AUC interval includes 0.5: the model is not shown to rank tasks better than chance.")
    words = {"better": "is higher by", "worse": "is lower by", "unclear": "is not distinguishable (the interval includes 0):"}
    comp = (f" Against the gap-to-schedule rule its AUC {words[verdict['gap']]} {_interval(vs_gap, 'auc', True)}; "
            f"against the extrapolation baseline it {words[verdict['baseline']]} {_interval(vs_base, 'auc', True)}.")
    rule = (" The at-risk list may rank by the model." if verdict["gap"] == "better" else
            " The model is not shown to beat ranking by the gap to schedule, so at_risk(rule=\"auto\") uses that simpler rule.")
    return head + chance + (comp + rule if above_chance else "") + tail


_RULE = {
    "unfitted": ("预警名单按进度落后于计划的程度排序；已到期的任务尚少，逾期预警模型未启用。",
                 "The list ranks tasks by how far they are behind schedule; too few tasks have passed their deadline "
                 "yet, so the early-warning model is not used."),
    "model": ("预警名单按模型排序：在留出月份上，模型的ROC AUC比“进度落后计划程度”规则高{d:.3f}（95%区间{lo:.3f}至{hi:.3f}）。",
              "The list ranks tasks by the model: on held-out months its ROC AUC beats the gap-to-schedule rule by "
              "{d:.3f} (95 % interval {lo:.3f} to {hi:.3f})."),
    "gap": ("预警名单按进度落后计划的程度排序：在留出月份上，模型的ROC AUC与这一简单规则相差{d:+.3f}（95%区间{lo:+.3f}至{hi:+.3f}），"
            "区间包含0或低于0，未证明模型更好。",
            "The list ranks tasks by how far they are behind schedule: on held-out months the model's ROC AUC differs "
            "from that simple rule by {d:+.3f} (95 % interval {lo:+.3f} to {hi:+.3f}), so it is not shown to be better."),
}


def rule_reason(case: str, *, difference: float = float("nan"), low: float = float("nan"),
                high: float = float("nan")) -> dict[str, str]:
    """Why the at-risk list uses the rule it uses (``case``: "unfitted", "model" or "gap"),
    as ``reason_zh`` and ``reason_en``."""
    zh, en = _RULE[case]
    values = {"d": difference, "lo": low, "hi": high}
    return {"reason_zh": zh.format(**values), "reason_en": en.format(**values)}
