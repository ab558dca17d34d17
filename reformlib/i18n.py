"""Every label and sentence template in Chinese and English: tables, figures, the brief's
headings, the memo's sentences, unit names.

The one place a translator edits. May import: nothing of reformlib (every layer may use it).
"""
from __future__ import annotations

LANGS = ("zh", "en")

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "indicator": "指标", "unit": "单位", "value": "数值", "month_value": "本月值", "ytd_value": "年初至今",
        "document_2017": "2017年文件数值", "comparison": "文件表述", "ratio_to_document": "达到文件数值（%）",
        "measure_unit": "计量单位", "category": "任务大类", "total": "任务数", "completed": "已完成",
        "on_schedule": "按进度推进", "behind": "滞后", "overdue": "逾期未完成", "not_started": "未开始",
        "completion_rate": "完成率（%）", "status": "状态", "tasks": "任务", "period": "月份",
        "synthetic_notice": "注意：本简报使用合成演示数据，仅用于演示，不代表真实情况。",
        "family": "指标类别",
        "no_open_tasks": "本月没有尚未到期的在办任务需要预警；本月到期未完成和逾期未完成的任务见下方督办清单。",
    },
    "en": {
        "indicator": "Indicator", "unit": "Unit", "value": "Value", "month_value": "Value this month", "ytd_value": "Year to date",
        "document_2017": "Document, 2017", "comparison": "As the document puts it", "ratio_to_document": "Share of the document's figure (%)",
        "measure_unit": "Measure", "category": "Category", "total": "Tasks", "completed": "Completed",
        "on_schedule": "On schedule", "behind": "Behind schedule", "overdue": "Overdue", "not_started": "Not started",
        "completion_rate": "Completion rate (%)", "status": "Status", "tasks": "Tasks", "period": "Month",
        "synthetic_notice": "Note: this brief runs on SYNTHETIC demonstration data; no figure in it is real.",
        "family": "Family",
        "no_open_tasks": "No open task with a deadline still ahead needs a warning this month; tasks due this month and unfinished, and overdue tasks, are in the supervision list below.",
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


#: Sentence templates of the policy memo (a 公文 to the leading group), filled from
#: ``results.json`` by :mod:`reformlib.report.memo`.
MEMO: dict[str, dict[str, str]] = {
    "zh": {
        "title": "关于{month}\n全面深化改革推进情况的报告",
        "title_unit": "关于{unit}{month}\n全面深化改革推进情况的报告",
        "addressee": "市委全面深化改革领导小组：",
        "author": "湘潭市改革数据应用研究中心",
        "synthetic": "（注：本报告使用合成演示数据，数字不代表任何单位的真实情况。）",
        "sections": "一、总体情况|二、存在问题|三、下步建议",
        "att_note": "附件：", "att_label": "附件",
        "sep": "；", "list_sep": "、", "note": "（{note}）", "stop": "。",
        "task_word": "项", "problem_word": "个", "item_word": "项", "indicator_word": "项次", "unit_word": "个",
        "unit_indicator_word": "项",
        "headline": "全市以下主要指标的数值与2017年年度总结一致：{items}。",
        "headline_item": "{name}{value}（年度总结：{comparison}）",
        "headline_behind": "按单位看，{items}本月未达到目标。", "headline_behind_item": "{name}有{n}单位（{names}）",
        "headline_unit_word": "个",
        "tasks": "截至{month}，{total}年度改革任务已完成{completed}，完成率{rate}；"
                 "按期推进{on_schedule}，进度滞后{behind}，逾期未完成{overdue}。",
        "tasks_due_now": "进度滞后的任务中，有{n}本月到期尚未完成，已列入督办清单。",
        "tasks_na": "改革任务台账数据尚未纳入本期报告。",
        "eval": "按{assessment}，{n}个县市区和园区中得分最高的是{top}（{top_score}分，{top_grade}），"
                "最低的是{bottom}（{bottom_score}分，{bottom_grade}）。",
        "eval_one": "按{assessment}，{top}得分{top_score}分，等次为{top_grade}。",
        "eval_city": "全市（按全市指标及市本级牵头任务、市本级督察问题计）得分{score}分（{grade}），不参与县市区和园区排名。",
        "eval_na": "评估模型结果尚未纳入本期报告。",
        "insp": "督察{where}发现问题{found}，已整改{rectified}，尚有{open}未整改，其中超过90天的{over90}。",
        "insp_none_old": "督察{where}发现问题{found}，已整改{rectified}，尚有{open}未整改，均未超过90天。",
        "insp_done": "督察{where}发现问题{found}，已全部整改。", "insp_where": "在{unit}",
        "insp_nothing": "截至{month}，督察未{where}发现问题。",
        "insp_na": "督察问题整改情况尚未纳入本期报告。",
        "pilots": "承担国家级改革试点{national}、省级改革试点{provincial}，其中{models}已成为示范；"
                  "各单位自主推出改革{local}。",
        "pilots_unit": "{unit}承担国家级改革试点{national}、省级改革试点{provincial}，其中{models}已成为示范；"
                       "本单位自主推出改革{local}。",
        "gap_problem_unit": "本期{unit}未达到目标的指标共{n}，差距最大的是：{items}。",
        "pilots_na": "改革试点情况尚未纳入本期报告。",
        "problem_heads": "部分指标与目标差距较大|部分改革任务逾期未完成|部分单位评估等次偏低|督察问题整改超期",
        "advice_heads": "对照目标补齐短板|限期办结逾期任务|对照失分项目抓好整改|督促超期问题销号",
        "advice_ref": "针对问题{ref}，",
        "gap_item": "{unit}{name}为{value}，目标{target}，差距{gap}",
        "gap_problem": "本期各单位未达到目标的指标共{n}，差距最大的是：{items}。",
        "gap_advice": "建议{units}对照目标逐项制定赶超措施，明确完成时限，按月报送指标进展。",
        "city_level": "市本级",
        "gap_year_left": "上述差距是距年度目标的差距（流量指标按月折算），距年底还有{months}。", "month_word": "个月",
        "gap_advice_year": "建议{units}对照年度目标逐项明确各月进度安排，确保年底前达到目标，按月报送指标进展。",
        "overdue_problem": "已过完成时限仍未完成的任务{n}",
        "overdue_worst": "，逾期最久的是：{items}",
        "overdue_item": "“{title}”（{key}牵头单位{lead}，逾期{days}天，进度{progress}）",
        "overdue_tied": "；另有{n}同样逾期{days}天", "key_item": "重点任务，", "key_mark": "（重点任务）",
        "due_now": "；另有本月到期尚未完成的任务{n}",
        "overdue_advice": "建议督促{units}对督办清单所列逾期任务和本月到期未完成任务（见附件）逐项明确办结时限，"
                          "限期办结，每周报送进度，逾期情况纳入年度考核扣分。",
        "overdue_advice_all": "建议将逾期任务列入督办清单，由各牵头单位限期办结，每周报送进度。",
        "low_grades": "一般|较差",
        "grade_item": "{unit}{score}分（{grade}）",
        "veto": "，{veto}",
        "grade_problem": "{assessment}中等次为“一般”或“较差”的有{n}单位：{items}。",
        "grade_advice": "建议{units}对照失分项目逐项分析原因，制定整改方案，下月报送整改进展。",
        "old_problem": "督察发现的问题中有{n}超过90天仍未整改",
        "old_by_unit": "，其中{items}",
        "old_advice": "建议{units}对超期问题逐一明确责任人和销号时限，由市委改革办跟踪督办。",
        "old_advice_all": "建议对超期问题逐一明确责任单位、责任人和销号时限，由市委改革办跟踪督办。",
        "no_problem": "本期未发现需要提请领导小组关注的突出问题。",
        "no_advice": "建议各单位按计划推进，持续跟踪指标和任务进展。",
        "att_scores": "各县市区和园区{assessment_title}得分与等次",
        "att_scores_cols": "单位|得分|等次|说明",
        "att_lost": "{unit}{assessment_title}失分明细",
        "assessment_default": "本月月度评估", "assessment_title_default": "月度评估",
        "assessment_in": "{label}", "assessment_title": "{label}",
        "att_lost_cols": "考核项目|失分|原因",
        "att_supervision": "督办清单",
        "att_supervision_cols": "任务|牵头单位|牵头领导|完成时限|进度|状态|逾期天数",
        "att_risk": "存在逾期风险的任务",
        "att_risk_cols": "任务|牵头单位|逾期概率（档）|该档实际逾期率（留出检验）|主要原因",
        "att_off": "未达到目标的指标",
        "att_off_cols": "单位|指标|实际值|年度目标（流量指标按月折算）|差距",
        "status_overdue": "逾期未完成", "status_due_this_month": "本月到期未完成", "status_behind": "进度滞后",
        "level_party_secretary": "市委书记", "level_mayor": "市长", "level_group_leader": "专项小组组长",
        "level_unit_head": "单位主要负责人", "level_county_head": "县市区园区主要负责人",
        "level_division_head": "处室负责人",
        "insp_past_due": "未整改的问题中，已超过整改时限的{n}。",
        "past_due_head": "督察问题超过整改时限未整改", "past_due_advice_head": "限期整改超时限问题",
        "past_due_problem": "截至{date}，督察发现的问题中有{n}已超过整改时限仍未整改",
        "past_due_by_unit": "，其中{items}",
        "past_due_longest": "；超期最久的是{unit}在{inspection}中发现的问题（整改时限{due}，已超期{days}天）",
        "past_due_advice": "建议{units}对超过整改时限的问题逐一说明原因，重新明确责任人和整改时限，"
                           "整改完成后报市委改革办销号，由市委改革办跟踪督办。",
        "att_past_due": "超过整改时限未整改的督察问题",
        "att_past_due_cols": "单位|督察|发现日期|整改时限|超期天数",
        "tasks_done_all": "截至{month}，{led}{total}年度改革任务已全部完成，完成率{rate}。",
        "tasks_done_one": "截至{month}，{led}{total}年度改革任务已完成，完成率{rate}。",
        "tasks_open": "截至{month}，{led}{total}年度改革任务已完成{completed}，完成率{rate}；{parts}。",
        "tasks_on_schedule": "按期推进{n}", "tasks_behind": "进度滞后{n}", "tasks_overdue": "逾期未完成{n}",
        "tasks_led": "{unit}牵头的",
        "tasks_no_on_schedule": "无按期推进中的任务",
        "tasks_none": "截至{month}，没有需要报告的年度改革任务。",
        "targets_all": "{whose}有目标的{n}主要指标均达到年度目标（流量指标按月折算）（附件：{att}）。",
        "targets_none": "{whose}有目标的{n}主要指标均未达到年度目标（流量指标按月折算）（附件：{att}）。", "targets_whose": "{unit}", "targets_city": "全市",
        "tasks_open_none": "截至{month}，{led}{total}年度改革任务尚无完成的；{parts}。",
        "part_sep": "，",
        "gap_problem_share": "本期全市和各县市区、园区未达到目标的指标共{n}{of_city}，按差距占目标值的比例排序，差距最大的是：{items}。",
        "gap_of_city": "（其中全市的数值{k}）",
        "gap_problem_share_unit": "本期{unit}未达到目标的指标共{n}，按差距占目标值的比例排序，差距最大的是：{items}。",
        "gap_share": "，占目标值的{share}",
        "gap_problem_list": "本期全市和各县市区、园区未达到目标的指标共{n}{of_city}，包括：{items}。",
        "gap_problem_list_unit": "本期{unit}未达到目标的指标共{n}，包括：{items}。",
        "veto_head": "评估等次受一票否决限定", "veto_advice_head": "针对一票否决事项抓好整改",
        "veto_problem": "{assessment}中{items}。",
        "veto_problem_more": "另有{items}。",
        "veto_item": "{unit}得分{score}分，因{veto}，等次定为{grade}（该一票否决允许的最高等次）",
        "veto_capped": "{unit}得分{score}分，因{event}，按{rule}一票否决的规定，等次定为{grade}（该规定允许的最高等次）",
        "veto_advice": "建议{units}针对一票否决事项逐项查明原因、落实责任，建立防范机制，杜绝同类事项再次发生。",
        "grade_veto_advice": "建议{low}对照失分项目逐项分析原因，制定整改方案，下月报送整改进展；"
                             "{veto}针对一票否决事项逐项查明原因、落实责任，杜绝同类事项再次发生。",
        "past_due_old": "。上述超时限问题中，发现已超过90天仍未整改的有{n}（{items}）",
        "past_due_old_all": "。上述超时限问题中，发现已超过90天仍未整改的有{n}",
        "past_due_one": "，为{unit}在{inspection}中发现的问题（整改时限{due}，已超期{days}天）",
        "past_due_old_one": "。该问题发现已超过90天",
        "past_due_old_others": "；另有{n}发现已超过90天，尚在整改时限内",
        "own_rank": "{unit}在{assessment}中居县市区和园区第{rank}/{n}名",
        "own_peer_rank": "、{group}第{rank}/{n}名",
        "unit_rank_base": "{unit}{month}月度评估（不含定性评价）在县市区和园区中居第{now}名，{previous}为第{before}名",
        "unit_rank_peer": "{unit}{month}月度评估（不含定性评价）在{group}中居第{now}名，{previous}为第{before}名",
        "unit_rank_move_up": "（上升{k}位）", "unit_rank_move_down": "（下降{k}位）", "unit_rank_move_same": "（名次未变）",
        "unit_grade_now": "等次由{before}变为{now}", "unit_grade_now_same": "等次仍为{now}",
        "pilots_subject_city": "", "pilots_subject_unit": "{unit}", "pilots_lead": "承担{parts}",
        "pilots_none": "未承担国家级或省级改革试点", "pilots_and": "、",
        "pilots_national": "国家级改革试点{n}", "pilots_provincial": "省级改革试点{n}", "pilots_models": "，其中{n}已成为示范",
        "pilots_local_city": "；各单位自主推出改革{local}", "pilots_local_unit": "；本单位自主推出改革{local}",
    },
    "en": {
        "title": "Progress of the comprehensive deepening of reform, {month}",
        "title_unit": "Progress of the comprehensive deepening of reform in {unit}, {month}",
        "addressee": "To the Municipal Leading Group for Comprehensively Deepening Reform:",
        "author": "Xiangtan Reform Data Application Research Centre",
        "synthetic": "(Note: this report uses synthetic demonstration data; its numbers do not "
                     "describe any real unit.)",
        "sections": "1. Overall situation|2. Problems|3. Recommendations",
        "att_note": "Attachments: ", "att_label": "Attachment ",
        "sep": "; ", "list_sep": ", ", "note": " ({note})", "stop": ".",
        "task_word": "", "problem_word": "", "item_word": "", "indicator_word": "", "unit_word": "",
        "unit_indicator_word": "",
        "headline": "The city's values of these headline figures are those of the 2017 year-end summary: {items}.",
        "headline_item": "{name} {value} (the summary: {comparison})",
        "headline_behind": "By unit, {items} missed this month's target.", "headline_behind_item": "{n} for {name} ({names})",
        "headline_unit_word": "unit",
        "tasks": "By {month}, {completed} of the {total} annual reform tasks were completed ({rate}); "
                 "of the others, {on_schedule} on schedule, {behind} behind and {overdue} overdue.",
        "tasks_due_now": "Tasks behind schedule, due this month and unfinished: {n}, each on the "
                         "supervision list.",
        "tasks_na": "The reform task ledger is not yet included in this report.",
        "eval": "In {assessment}, of {n} counties, districts and parks {top} scored highest "
                "({top_score}, {top_grade}) and {bottom} lowest ({bottom_score}, {bottom_grade}).",
        "eval_one": "In {assessment} {top} scored {top_score}, grade {top_grade}.",
        "eval_city": "The city (scored on city-wide indicators with the tasks its city-level departments lead and the "
                     "inspection problems found at city level) scored {score} ({grade}); it is not ranked among its parts.",
        "eval_na": "Results of the evaluation model are not yet included in this report.",
        "insp": "Inspections found {found} problems{where}: {rectified} rectified and {open} open, {over90} "
                "of them for more than 90 days.",
        "insp_none_old": "Inspections found {found} problems{where}: {rectified} rectified and {open} open, "
                         "none for more than 90 days.",
        "insp_done": "Inspections found {found} problems{where}, all of them rectified.", "insp_where": " in {unit}",
        "insp_nothing": "By {month}, inspections had found no problem{where}.",
        "insp_na": "Rectification of inspection problems is not yet included in this report.",
        "pilots": "The city carries {national} national and {provincial} provincial reform pilots, "
                  "{models} of which have become models; units launched {local} reforms of their own.",
        "pilots_unit": "{unit} carries {national} national and {provincial} provincial reform pilots, "
                       "{models} of which have become models, and launched {local} reforms of its own.",
        "gap_problem_unit": "Indicators of {unit} below target: {n}; the largest gaps: {items}.",
        "pilots_na": "Reform pilots are not yet included in this report.",
        "problem_heads": "Indicators far from target|Overdue reform tasks|Units with low grades|"
                         "Inspection problems open too long",
        "advice_heads": "Close the gaps to target|Finish the overdue tasks|Act on the points lost|"
                        "Close the old inspection problems",
        "advice_ref": "On problem {ref}: ",
        "gap_item": "{name} in {unit}, {value} against a target of {target} (gap {gap})",
        "gap_problem": "Indicator values below target (unit by indicator): {n}; the largest gaps: {items}.",
        "gap_advice": "{units} should set out how they will reach each target, with deadlines, and "
                      "report monthly.",
        "city_level": "city-level departments",
        "gap_year_left": " These are gaps to the year's target (flows: pro rata to the month), with {months} "
                         "of the year left.", "month_word": "month",
        "gap_advice_year": "{units} should set out, month by month, how they will reach each annual target by the end "
                           "of the year, and report monthly.",
        "overdue_problem": "Tasks past their deadline and unfinished: {n}",
        "overdue_worst": "; the longest overdue: {items}",
        "overdue_item": "\u201c{title}\u201d ({key}lead unit {lead}, {days} days overdue, {progress} done)",
        "overdue_tied": "; {n} more also {days} days overdue", "key_item": "key task, ", "key_mark": " (key task)",
        "due_now": "; tasks due this month and unfinished: {n}",
        "overdue_advice": "press {units} to set a date for finishing each overdue task and each task due this "
                          "month on the supervision list (see the attachment), finish them by it and report weekly.",
        "overdue_advice_all": "put the overdue tasks on the supervision list; each lead unit to finish "
                              "them by a set date and report weekly.",
        "low_grades": "fair|poor",
        "grade_item": "{unit} {score} ({grade})",
        "veto": ", {veto}",
        "grade_problem": "Units graded fair or poor in {assessment}: {n} ({items}).",
        "grade_advice": "{units} should analyse each item on which points were lost and report a "
                        "rectification plan next month.",
        "old_problem": "Inspection problems open for more than 90 days: {n}",
        "old_by_unit": ": {items}",
        "old_advice": "{units} should name a person and a closing date for each; the reform office to follow up.",
        "old_advice_all": "name a responsible unit, person and closing date for each; the reform office "
                          "to follow up.",
        "no_problem": "No problem calls for the leading group's attention this month.",
        "no_advice": "Units should keep to plan; the centre will keep following indicators and tasks.",
        "att_scores": "{assessment_title}: scores and grades of the counties, districts and parks",
        "att_scores_cols": "Unit|Score|Grade|Note",
        "att_lost": "Points lost by {unit} in {assessment}",
        "assessment_default": "this month's assessment", "assessment_title_default": "Monthly assessment",
        "assessment_in": "the {label}", "assessment_title": "{Label}",
        "att_lost_cols": "Item|Points lost|Why",
        "att_supervision": "Supervision list",
        "att_supervision_cols": "Task|Lead unit|Leader|Deadline|Progress|Status|Days overdue",
        "att_risk": "Tasks at risk of missing their deadline",
        "att_risk_cols": "Task|Lead unit|Probability of missing (band)|Observed miss rate in the band (held-out)|Main reasons",
        "att_off": "Indicators below target",
        "att_off_cols": "Unit|Indicator|Value|Annual target (flows: pro rata to the month)|Gap",
        "status_overdue": "overdue", "status_due_this_month": "due this month, unfinished",
        "status_behind": "behind schedule",
        "level_party_secretary": "party secretary", "level_mayor": "mayor", "level_group_leader": "group leader",
        "level_unit_head": "unit head", "level_county_head": "county or park head",
        "level_division_head": "division head",
        "insp_past_due": "Open problems past their rectification deadline: {n}.",
        "past_due_head": "Inspection problems past their rectification deadline",
        "past_due_advice_head": "Rectify the problems past their deadline",
        "past_due_problem": "By {date}, inspection problems open past their rectification deadline: {n}",
        "past_due_by_unit": ": {items}",
        "past_due_longest": "; the longest past it was found in {unit} by the {inspection} (deadline {due}, "
                            "{days} days past it)",
        "past_due_advice": "{units} should explain each problem past its deadline, name a person and a new "
                           "deadline for it, and report it closed to the reform office, which follows up.",
        "att_past_due": "Inspection problems open past their rectification deadline",
        "att_past_due_cols": "Unit|Inspection|Found on|Deadline|Days past the deadline",
        "tasks_done_all": "By {month}, all {total} annual reform tasks{led} were completed ({rate}).",
        "tasks_done_one": "By {month}, the one annual reform task{led} was completed ({rate}).",
        "tasks_open": "By {month}, {completed} of the {total} annual reform tasks{led} were completed ({rate}); {parts}.",
        "tasks_on_schedule": "{n} on schedule", "tasks_behind": "{n} behind", "tasks_overdue": "{n} overdue",
        "tasks_led": " led by {unit}",
        "tasks_no_on_schedule": "none on schedule",
        "tasks_none": "By {month}, there are no annual reform tasks to report.",
        "targets_all": "All {n} headline figures{whose} with a target met the annual target (flows: pro rata to the "
                       "month) (attachment: {att}).",
        "targets_none": "None of the {n} headline figures{whose} with a target met the annual target (flows: pro rata "
                        "to the month) "
                        "(attachment: {att}).",
        "targets_whose": " of {unit}", "targets_city": " of the city as a whole",
        "tasks_open_none": "By {month}, none of the {total} annual reform tasks{led} was completed; {parts}.",
        "part_sep": ", ",
        "gap_problem_share": "Indicator values below target (unit by indicator, the whole city's and its counties', "
                             "districts' and parks'): {n}{of_city}; the largest gaps as a share of the target: {items}.",
        "gap_of_city": " ({k} of them the whole city's)",
        "gap_problem_share_unit": "Indicators of {unit} below target: {n}; the largest gaps as a share of the target: {items}.",
        "gap_share": ", {share} of the target",
        "gap_problem_list": "Indicator values below target (unit by indicator, the whole city's and its counties', "
                            "districts' and parks'): {n}{of_city}, among them: {items}.",
        "gap_problem_list_unit": "Indicators of {unit} below target: {n}, among them: {items}.",
        "veto_head": "Grades capped by a one-vote veto", "veto_advice_head": "Act on the vetoed matters",
        "veto_problem": "In {assessment}: {items}.",
        "veto_problem_more": " Besides, {items}.",
        "veto_item": "{unit} scored {score}; because of {veto}, its grade is {grade}, the highest that veto allows",
        "veto_capped": "{unit} scored {score}; after {event}, the one-vote veto for a {rule} sets its grade at {grade}, "
                       "the highest that veto allows",
        "veto_advice": "{units} should establish the causes of each vetoed matter, assign responsibility and prevent "
                       "its recurrence.",
        "grade_veto_advice": "{low} should analyse each item on which points were lost and report a rectification plan "
                             "next month; {veto} should establish the causes of each vetoed matter and prevent its recurrence.",
        "past_due_old": ". Of these, found more than 90 days ago: {n} ({items})",
        "past_due_old_all": ". Of these, found more than 90 days ago: {n}",
        "past_due_one": "; it was found in {unit} by the {inspection} (deadline {due}, {days} days past it)",
        "past_due_old_one": "; that was more than 90 days ago",
        "past_due_old_others": "; besides, found more than 90 days ago and still within their deadline: {n}",
        "own_rank": "{unit} ranks {rank} of {n} counties, districts and parks in {assessment}",
        "own_peer_rank": " and {rank} of {n} {group}",
        "unit_rank_base": "{unit} ranks {now} among the counties, districts and parks in the monthly assessment of "
                          "{month} (without the qualitative part), against {before} in {previous}",
        "unit_rank_peer": "{unit} ranks {now} among the {group} in the monthly assessment of {month} (without the "
                          "qualitative part), against {before} in {previous}",
        "unit_rank_move_up": " (up {k})", "unit_rank_move_down": " (down {k})", "unit_rank_move_same": " (unchanged)",
        "unit_grade_now": "grade {before} became {now}", "unit_grade_now_same": "grade still {now}",
        "pilots_subject_city": "The city", "pilots_subject_unit": "{unit}", "pilots_lead": " carries {parts}",
        "pilots_none": " carries no national or provincial reform pilot", "pilots_and": " and ",
        "pilots_national": "{n} national reform pilots", "pilots_provincial": "{n} provincial reform pilots",
        "pilots_models": ", {n} of which have become models",
        "pilots_local_city": "; units launched {local} reforms of their own",
        "pilots_local_unit": "; it launched {local} reforms of its own",
    },
}

#: An inspection named in English outputs by its Chinese title, when the data give no English
#: name (``inspection_en``): quoted as the inspection's own title.
INSPECTION_TITLE: dict[str, str] = {"zh": "{name}", "en": "inspection “{name}”"}


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
    "zh": {"headline": "一、主要指标与年度总结对照", "headline_own": "一、主要指标与年度目标对照",
           "tasks": "二、改革任务推进情况", "at_risk": "逾期风险最高的任务",
           "evaluation": "三、综合评估得分、等次与排名", "off_target": "四、未达目标的指标", "family": "{family}类指标分单位情况",
           "inspections": "五、督察发现问题整改情况", "pilots": "六、改革试点", "notes": "说明"},
    "en": {"headline": "1. Headline figures against the year-end summary",
           "headline_own": "1. Headline figures against their annual targets", "tasks": "2. Progress of the reform tasks",
           "at_risk": "Tasks most at risk of missing their deadline", "evaluation": "3. Evaluation: scores, grades and ranks",
           "off_target": "4. Indicators off target", "family": "The {family} indicators by unit",
           "inspections": "5. Problems found by inspections and their rectification", "pilots": "6. Reform pilots",
           "notes": "Notes"},
}

#: The page's sentence on the programme's tasks (:func:`reformlib.report.page.task_sentence`);
#: a count of zero is left out.
TASK_SENTENCE: dict[str, dict[str, str]] = {
    "zh": {"sentence": "截至{month}底，{total}年度改革任务中已完成{done}（完成率{rate}）{parts}。", "word": "项",
           "lead": "；", "sep": "，", "on_schedule": "按期推进{n}", "behind": "进度滞后{n}", "overdue": "逾期未完成{n}",
           "not_started": "尚未启动{n}"},
    "en": {"sentence": "By the end of {month}, {done} of the {total} annual reform tasks were complete ({rate}){parts}.",
           "word": "", "lead": "; ", "sep": ", ", "on_schedule": "{n} on schedule", "behind": "{n} behind schedule",
           "overdue": "{n} overdue", "not_started": "{n} not yet started"},
}

#: Placeholders of sections not supplied.
NOT_SUPPLIED = {"zh": "本节尚未纳入。", "en": "Not yet available."}
#: Headers of the brief's tables (page and workbook) that say what each column holds: a
#: category is not an indicator, a rate's cells carry their own "%", pilots that became
#: models and local reforms are counted as such.
TABLE_HEADERS: dict[str, dict[str, str]] = {
    "zh": {"category_name": "类别", "indicator_name": "指标", "completion_rate": "完成率",
           "national": "国家级试点（个）", "provincial": "省级试点（个）", "models": "成为示范的试点（个）",
           "local": "自主改革事项（项）"},
    "en": {"category_name": "Category", "indicator_name": "Indicator", "completion_rate": "Completion rate",
           "national": "National pilots", "provincial": "Provincial pilots", "models": "Pilots that became models",
           "local": "Local reform initiatives"},
}

#: Said once in an English document where it shows names the data gives only in Chinese
#: (inspections have no English name in the data): the column that holds them says so.
DATA_NAMES: dict[str, dict[str, str]] = {
    "zh": {"inspection_col": "督察"},
    "en": {"inspection_col": "Inspection (named as in the data, in Chinese)"},
}
#: The ``<title>`` of a brief's page (:func:`reformlib.briefs.publish.page_title`).
PAGE_TITLE = {"zh": "改革简报 {month}", "en": "Reform brief {month}"}
#: The heading at the top of a brief's page (:func:`reformlib.report.page.title_markdown`; Markdown).
PAGE_HEAD = {"zh": "# 改革简报 · {month} · {unit}", "en": "# Reform brief · {month} · {unit}"}

#: The pilots section of a brief whose data hold no pilots table (such as the national panel).
NO_PILOTS = {"zh": "数据中没有试点记录，本节无从统计。", "en": "The data hold no pilots; this section cannot be reported."}

#: The record of a run of ``notebooks/units.ipynb`` (:func:`reformlib.briefs.units.run_summary`).
UNITS_RUN: dict[str, dict[str, str]] = {
    "zh": {"summary": "{month}：已写出{units}的简报结果{synthetic}，用时{seconds}秒。", "synthetic": "（合成演示数据）",
           "one": "{n}个单位", "many": "{n}个单位"},
    "en": {"summary": "{month}: the brief results of {units} written{synthetic} in {seconds} s.",
           "synthetic": " (SYNTHETIC demonstration data)", "one": "{n} unit", "many": "{n} units"},
}

#: What changed since last month and which values were revised since the last published brief
#: (:mod:`reformlib.briefs.changes`; sentences and tables of :mod:`reformlib.report`).
CHANGES: dict[str, dict[str, str]] = {
    "zh": {
        "heading": "七、本月变化（与上月比较）", "revisions_heading": "自上期简报以来修订的数据",
        "no_previous": "数据中没有{previous}的数值，无法与上月比较。",
        "ranks_unscored": "数据不足以计算{previous}的月度评估（部分指标当年无数值），排名和等次变化从略。",
        "summary": "与{previous}相比，{parts}。", "summary_none": "与{previous}相比，任务完成和逾期、单位月度评估排名和等次、"
                                                           "指标达标和督察整改情况均无变化。",
        "part_completed": "本月完成任务{n}", "part_overdue": "新增逾期任务{n}",
        "part_ranks": "{n}单位月度评估排名或等次发生变化", "part_met": "{n}指标转为达标", "part_missed": "{n}指标转为未达标",
        "part_rectified": "督察问题整改销号{n}", "part_sep": "，",
        "unit_rank_up": "{unit}月度评估排名由第{before}名升至第{now}名",
        "unit_rank_down": "{unit}月度评估排名由第{before}名降至第{now}名",
        "unit_rank_same": "{unit}月度评估排名保持第{now}名", "unit_grade": "等次由{before}变为{now}", "unit_grade_same": "等次仍为{now}",
        "task_word": "项", "unit_word": "个", "indicator_word": "项次", "problem_word": "个", "day_word": "天",
        "value_word": "个数值", "place_word": "位", "score_word": "分",
        "kind_completed": "本月完成的任务", "kind_overdue": "新增逾期任务", "kind_rank": "月度评估排名或等次变化",
        "kind_met": "指标转为达标", "kind_missed": "指标转为未达标", "kind_rectified": "督察问题整改销号",
        "done": "已完成", "not_rectified": "未整改", "rectified_on": "{date}整改",
        "deadline": "完成时限{date}", "deadline_late": "完成时限{date}，逾期后完成", "days_overdue": "完成时限{date}，已逾期{days}",
        "rank_item": "月度评估", "time": "{time} UTC",
        "rank": "第{rank}名（{grade}）", "rank_up": "上升{n}", "rank_down": "下降{n}", "rank_same": "排名不变",
        "rank_peer": "{group}第{rank}/{n}名（{grade}）",
        "score": "得分{before}→{now}", "with_target": "{value}（目标{target}）",
        "found": "{date}发现，历时{days}", "late": "，超过整改时限{date}",
        "folder": "本简报的数据来自数据文件夹，文件夹不保存修订记录，无法说明数据自上期简报以来是否修订"
                  "（从数据库存储（.duckdb）生成的简报会列出修订）。",
        "no_brief": "此前没有发布过本简报或上月的同类简报，无从比较数据修订。",
        "brief": "{month}简报", "brief_unit": "{unit}{month}简报",
        "revised": "自{brief}发布（{time}）以来，本简报所用的数据中有{n}被修订，见下表。",
        "not_revised": "自{brief}发布（{time}）以来，本简报所用的数据没有修订。",
        "problem": "{inspection}（{category}类问题）",
        "not_reported": "未报送", "kind_indicators": "指标", "kind_progress": "任务进度", "kind_inspections": "督察问题整改日期",
    },
    "en": {
        "heading": "7. Changes since last month", "revisions_heading": "Values revised since the last published brief",
        "no_previous": "The data hold no values for {previous}: no comparison with last month is possible.",
        "ranks_unscored": "The data do not allow the monthly assessment of {previous} (some indicators have no value "
                          "that year): rank and grade changes are left out.",
        "summary": "Compared with {previous}: {parts}.", "summary_none": "Compared with {previous}, nothing changed in "
                                                                     "tasks completed or overdue, units' monthly assessment ranks and grades, "
                                                                     "indicators against target or inspection problems.",
        "part_completed": "{n} completed this month", "part_overdue": "{n} newly overdue",
        "part_ranks": "{n} changed monthly assessment rank or grade", "part_met": "{n} now on target", "part_missed": "{n} now off target",
        "part_rectified": "{n} rectified", "part_sep": "; ",
        "unit_rank_up": "{unit} rose from monthly assessment rank {before} to {now}",
        "unit_rank_down": "{unit} fell from monthly assessment rank {before} to {now}",
        "unit_rank_same": "{unit} kept monthly assessment rank {now}", "unit_grade": "grade {before} became {now}", "unit_grade_same": "grade still {now}",
        "task_word": "task", "unit_word": "unit", "indicator_word": "indicator value", "problem_word": "inspection problem",
        "day_word": "day", "value_word": "value", "place_word": "place", "score_word": "",
        "kind_completed": "Task completed this month", "kind_overdue": "Task newly overdue", "kind_rank": "Monthly assessment rank or grade changed",
        "kind_met": "Indicator now on target", "kind_missed": "Indicator now off target", "kind_rectified": "Inspection problem rectified",
        "done": "completed", "not_rectified": "open", "rectified_on": "rectified {date}",
        "deadline": "deadline {date}", "deadline_late": "deadline {date}, completed late", "days_overdue": "deadline {date}, {days} overdue",
        "rank_item": "monthly assessment", "time": "{time} UTC",
        "rank": "rank {rank} ({grade})", "rank_up": "up {n}", "rank_down": "down {n}", "rank_same": "rank unchanged",
        "rank_peer": "{rank} of {n} {group} ({grade})",
        "score": "score {before} → {now}", "with_target": "{value} (target {target})",
        "found": "found {date}, open {days}", "late": ", past its deadline {date}",
        "folder": "This brief's data come from a data folder, which keeps no record of revisions: whether values were "
                  "revised since the last brief cannot be traced (a brief made from a .duckdb store lists them).",
        "no_brief": "No earlier brief of this kind, for this month or the month before, has been published: "
                    "there is nothing to compare revisions with.",
        "brief": "the brief for {month}", "brief_unit": "the brief for {unit}, {month}",
        "revised": "Since {brief} was published ({time}), {n} of the values this brief uses were revised (table below).",
        "not_revised": "Since {brief} was published ({time}), no value this brief uses was revised.",
        "problem": "{inspection} ({category})",
        "not_reported": "not reported", "kind_indicators": "indicator", "kind_progress": "task progress",
        "kind_inspections": "inspection problem, date rectified",
    },
}
#: Column headers of the changes and revisions tables.
CHANGE_HEADERS: dict[str, dict[str, str]] = {
    "zh": {"change": "变化", "item": "事项", "unit_name": "单位", "before": "上月", "now": "本月", "note": "说明",
           "kind": "数据类别", "period": "月份", "old": "原值", "new": "修订后", "source": "来源", "revised_at": "修订时间"},
    "en": {"change": "Change", "item": "Item", "unit_name": "Unit", "before": "Last month", "now": "This month", "note": "Note",
           "kind": "Kind of value", "period": "Month", "old": "Was", "new": "Revised to", "source": "Source",
           "revised_at": "Revised at"},
}

#: Default (Chinese) labels; pass ``labels=EVENT_STUDY_LABELS_EN`` for English.
EVENT_STUDY_LABELS_ZH: dict[str, str] = {
    "title": "改革前后的效应（事件研究）",
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

#: Words around the analysis notebooks' tables and figures (:mod:`reformlib.report.notebook`).
NOTEBOOK_TEXT: dict[str, dict[str, str]] = {
    "zh": {"synthetic": "注意：本页使用合成演示数据，仅用于演示，不代表真实情况。"},
    "en": {"synthetic": "Note: this page runs on SYNTHETIC demonstration data; no figure here is real."},
}

#: Words of the evaluation's tables and figures (:mod:`reformlib.report.evaluation_tables`,
#: :mod:`reformlib.report.evaluation_plots`).
EVALUATION_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "results": "评估结果：{period}（赋权：{weighting}，标准化：{normalisation}）",
        "phased": "阶段考核：{label}",
        "unit": "单位", "score": "得分", "grade": "等次", "month": "月份", "item": "考核项目", "lost": "失分",
        "rank": "排名（1为最好）", "nominal": "基准排名", "median": "排名中位数", "interval": "5%-95%区间",
        "S1": "一阶指数", "ST": "总效应指数", "factor": "不确定因素", "sobol": "Sobol指数",
        "alpha": "Cronbach α", "node": "指标组",
        "monthly_title": "各月定量得分", "ranks_title": "排名及其不确定区间",
        "sensitivity_title": "排名对建模选择的敏感性", "lost_title": "各单位各项失分",
        "corr_title": "标准化指标相关系数",
        "flat": "标准化后各单位相同（不区分单位）的指标：{names}",
        "alpha_overall": "Cronbach α（全部指标）：{alpha:.2f}",
        "list_sep": "、",
    },
    "en": {
        "results": "Results: {period} (weighting: {weighting}, normalisation: {normalisation})",
        "phased": "Phased assessment: {label}",
        "unit": "Unit", "score": "Score", "grade": "Grade", "month": "Month", "item": "Item", "lost": "Points lost",
        "rank": "Rank (1 = best)", "nominal": "nominal rank", "median": "median rank", "interval": "5-95 % interval",
        "S1": "first order", "ST": "total", "factor": "Uncertain input", "sobol": "Sobol index",
        "alpha": "Cronbach's alpha", "node": "Group",
        "monthly_title": "Monthly quantitative score", "ranks_title": "Ranks and their uncertainty",
        "sensitivity_title": "Sensitivity of the ranking to modelling choices", "lost_title": "Points lost by unit and item",
        "corr_title": "Correlations of the normalised indicators",
        "flat": "Indicators equal for every unit after normalisation (they do not discriminate): {names}",
        "alpha_overall": "Cronbach's alpha (all indicators): {alpha:.2f}",
        "list_sep": ", ",
    },
}

#: Column headers of the evaluation's display tables.
EVALUATION_HEADERS: dict[str, dict[str, str]] = {
    "zh": {"item": "考核项目", "kind": "类型", "max_points": "满分", "points": "分值", "lost": "失分", "reason": "原因",
           "unit": "单位", "a": "指标或指标组A", "b": "指标或指标组B", "level": "层级", "relation": "关系",
           "r": "相关系数", "flag": "提示", "value": "数值"},
    "en": {"item": "Item", "kind": "Kind", "max_points": "Full points", "points": "Points", "lost": "Points lost",
           "reason": "Why", "unit": "Unit", "a": "Indicator or group A", "b": "Indicator or group B", "level": "Level",
           "relation": "Relation", "r": "Correlation", "flag": "Flag", "value": "Value"},
}

#: The uncertain inputs of the rank-uncertainty analysis (its Sobol factors).
UNCERTAIN_FACTORS: dict[str, dict[str, str]] = {
    "zh": {"normalisation": "标准化方法", "aggregation": "集成方法", "imputation": "缺失值处理", "weighting": "赋权方法",
           "weights": "权重扰动", "exclusion": "剔除指标"},
    "en": {"normalisation": "normalisation", "aggregation": "aggregation", "imputation": "imputation",
           "weighting": "weighting", "weights": "weight noise", "exclusion": "indicator exclusion"},
}

#: Words of the task ledger's figures and sentences (:mod:`reformlib.report.ledger_tables`,
#: :mod:`reformlib.report.plots`).
LEDGER_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "tasks": "任务数", "lead_title": "牵头任务最多的{n}个单位",
        "deadline_month": "截止月份", "on_time_rate": "按期完成率（%）", "on_time_title": "各月到期任务的按期完成率",
        "documents": "截至{month}，{documents}个改革文件中已出台{issued}个，按期出台{on_time}个，"
                     "提前半年以上出台{early}个（{early_rate:.1f}%），经深改组审议{reviewed_by_group}个。",
        "no_open_problems": "本月底没有未整改问题。",
        "open_problems": "未整改问题数", "ageing_title": "未整改问题账龄（天）", "age": "账龄（天）",
        "predicted": "预测逾期概率", "observed": "实际逾期比例", "calibration_title": "校准曲线（留出月份）",
        "importance": "置换重要性（AUC下降）", "drivers_title": "主要驱动因素",
    },
    "en": {
        "tasks": "Tasks", "lead_title": "The {n} units leading most tasks",
        "deadline_month": "Deadline month", "on_time_rate": "On time (%)", "on_time_title": "On-time rate of the tasks due each month",
        "documents": "By the end of {month}, {issued} of {documents} reform documents were issued, {on_time} on time "
                     "and {early} at least six months early ({early_rate:.1f} %); reviewed by the leading group: "
                     "{reviewed_by_group}.",
        "no_open_problems": "No problem is open at the end of the month.",
        "open_problems": "Open problems", "ageing_title": "Age of open problems (days)", "age": "Age (days)",
        "predicted": "Predicted probability", "observed": "Observed share missed", "calibration_title": "Calibration (held-out months)",
        "importance": "Permutation importance (drop in AUC)", "drivers_title": "Main drivers",
    },
}

#: Column headers and values of the task ledger's display tables.
LEDGER_HEADERS: dict[str, dict[str, str]] = {
    "zh": {"name": "名称", "tasks": "任务数", "due": "已到期", "completed": "已完成", "on_time": "按期完成",
           "completion_rate": "完成率（%）", "on_time_rate": "按期完成率（%）", "leader_level": "牵头领导层级",
           "key_task": "重点任务", "lead_unit": "牵头单位", "inspection_level": "督察层级", "upper": "上级督察",
           "local": "本级督察", "found": "发现问题", "rectified": "已整改", "open": "未整改", "overdue": "超期未整改",
           "rectified_late": "超期整改", "open_0-30": "未整改0-30天", "open_31-90": "未整改31-90天",
           "open_>90": "未整改90天以上", "rectification_rate": "整改率（%）", "mean_days_to_rectify": "平均整改天数",
           "method": "方法", "model": "模型", "baseline": "基准", "horizon": "提前月数", "all": "全部",
           "auc": "ROC AUC", "brier": "Brier", "n": "快照数", "missed": "逾期数", "folds": "检验期数",
           "folds_fitted": "拟合模型的期数", "task_id": "任务编号", "title": "任务", "probability": "逾期概率",
           "reason": "主要原因"},
    "en": {"name": "Name", "tasks": "Tasks", "due": "Due", "completed": "Completed", "on_time": "On time",
           "completion_rate": "Completion (%)", "on_time_rate": "On time (%)", "leader_level": "Leader level",
           "key_task": "Key task", "lead_unit": "Lead unit", "inspection_level": "Inspection", "upper": "From above",
           "local": "Local", "found": "Found", "rectified": "Rectified", "open": "Open", "overdue": "Open past due",
           "rectified_late": "Rectified late", "open_0-30": "Open 0-30 d", "open_31-90": "Open 31-90 d",
           "open_>90": "Open >90 d", "rectification_rate": "Rectified (%)", "mean_days_to_rectify": "Mean days to rectify",
           "method": "Method", "model": "Model", "baseline": "Baseline", "horizon": "Months ahead", "all": "all",
           "auc": "ROC AUC", "brier": "Brier", "n": "Snapshots", "missed": "Missed", "folds": "Cutoffs",
           "folds_fitted": "Cutoffs with the model fitted", "task_id": "Task", "title": "Title",
           "probability": "Probability of missing", "reason": "Main reasons"},
}

#: Words of the trends, interrupted time series and pilot effects (:mod:`reformlib.report.trend_tables`,
#: :mod:`reformlib.report.plots`).
TRENDS_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "no_pilot": "所选试点在本月之前启动未满{min_months}个月。",
        "observed": "观测值", "fit": "分段回归", "counterfactual": "无改革的延续",
        "effects": "可估计{ok}个试点×指标组合。对这{ok}项检验作多重检验校正后，在{level:g}%水平上，"
                   "Holm法（控制族错误率）下显著的有{holm}个，Benjamini-Hochberg法（控制错误发现率）下显著的有{bh}个"
                   "（未经校正的p值小于{level:g}%的有{raw}个）；其余{other}个因缺少可比单位或前后期数据而无法估计。",
        "yearly": "线性趋势（每年变化）",
    },
    "en": {
        "no_pilot": "No chosen pilot has {min_months} months of data since its start.",
        "observed": "Observed", "fit": "Segmented fit", "counterfactual": "Without the reform",
        "effects": "{ok} pilot x indicator {pairs} could be estimated. Adjusted for the {ok} {tests}, {holm} of them "
                   "{holm_is} significant at {level:g} % by Holm's method (family-wise error rate) and {bh} by "
                   "Benjamini-Hochberg's (false discovery rate); {raw} {raw_has} an unadjusted p-value below {level:g} %. "
                   "{other} could not be estimated (no comparison unit or too few months before or after).",
        "yearly": "Linear trend (change per year)",
    },
}

#: Column headers and terms of the trend and pilot-effect tables.
TRENDS_HEADERS: dict[str, dict[str, str]] = {
    "zh": {"pilot_id": "试点编号", "unit": "单位", "level": "层级", "indicator": "指标", "start": "启动月份",
           "term": "项", "estimate": "估计值", "std_error": "标准误", "statistic": "统计量", "p_value": "p值（未校正）",
           "p_holm": "p值（Holm校正）", "p_bh": "p值（BH校正）",
           "ci_low": "置信区间下限", "ci_high": "置信区间上限", "n": "观测数", "n_comparison_units": "可比单位数",
           "level_change": "水平变化", "slope_change": "斜率变化", "national": "国家级", "provincial": "省级",
           "local": "本地"},
    "en": {"pilot_id": "Pilot", "unit": "Unit", "level": "Level", "indicator": "Indicator", "start": "Start",
           "term": "Term", "estimate": "Estimate", "std_error": "Std. error", "statistic": "Statistic",
           "p_value": "p-value (unadjusted)", "p_holm": "p-value (Holm)", "p_bh": "p-value (Benjamini-Hochberg)",
           "ci_low": "CI low", "ci_high": "CI high", "n": "Observations",
           "n_comparison_units": "Comparison units", "level_change": "level change", "slope_change": "slope change",
           "national": "national", "provincial": "provincial", "local": "local"},
}

#: The index of published briefs (``reports/index.html``) and the links at the top of a brief's page.
INDEX_TEXT: dict[str, dict[str, str]] = {
    "zh": {"title": "改革简报索引", "count": "已发布简报共{n}份。", "none": "尚未发布简报。", "unit": "单位", "code": "代码",
           "lang_zh": "中文", "page": "简报", "memo.docx": "公文（Word）", "memo.pdf": "公文（PDF）",
           "tables.xlsx": "表格（Excel）", "published": "发布于", "nav_index": "全部简报索引",
           "nav_city": "本月全市简报：", "nav_city_later": "本月全市简报发布后列入简报索引。",
           "nav_units": "本月已发布的单位简报：", "nav_units_more": "（其余单位的简报发布后列入简报索引）",
           "nav_units_later": "本月单位简报发布后列入简报索引。", "nav_sep": "　｜　", "list_sep": "、"},
    "en": {"title": "Index of reform briefs", "count": "Briefs published: {n}.", "none": "No brief is published yet.",
           "unit": "Unit", "code": "Code", "lang_en": "English", "page": "Brief", "memo.docx": "Memo (Word)",
           "memo.pdf": "Memo (PDF)", "tables.xlsx": "Tables (Excel)", "published": "published ",
           "nav_index": "Index of all briefs", "nav_city": "This month's city brief: ",
           "nav_city_later": "This month's city brief will be listed in the index once published.",
           "nav_units": "Unit briefs published this month: ",
           "nav_units_more": " (other units' briefs are listed in the index once published)",
           "nav_units_later": "This month's unit briefs will be listed in the index once published.",
           "nav_sep": " | ", "list_sep": ", "},
}

#: Sheets and columns the brief's workbook adds to its tables (:mod:`reformlib.report.workbook`).
WORKBOOK_TEXT: dict[str, dict[str, str]] = {
    "zh": {"supervision": "督办清单", "city_score": "全市得分", "change": "较上年末变化", "growth": "较上年同期增长",
           "lead_name": "牵头单位", "leader_level": "牵头领导", "progress": "进度", "days_overdue": "逾期天数",
           "status_text": "状态", "note": "说明", "period": "评估期", "deadline": "完成时限",
           "no_supervision": "本月没有逾期、本月到期未完成或近两个月到期且进度滞后的任务。",
           "past_due": "超过整改时限未整改", "no_past_due": "本月末没有超过整改时限仍未整改的督察问题。"},
    "en": {"supervision": "Supervision list", "city_score": "City score", "change": "Change since last December",
           "growth": "Growth on last year", "lead_name": "Lead unit", "leader_level": "Leader", "progress": "Progress",
           "days_overdue": "Days overdue", "status_text": "Status", "note": "Note", "period": "Assessment period",
           "deadline": "Deadline",
           "no_supervision": "No task is overdue, due this month and unfinished, or due within two months and behind schedule.",
           "past_due": "Open past the rectification deadline",
           "no_past_due": "No inspection problem is open past its rectification deadline at the end of the month."},
}

#: The headline's own comparisons (:func:`reformlib.briefs.content.headline`): column labels of
#: the page, the workbook and the memo's attachment, and whether a value meets its target.
HEADLINE_TEXT: dict[str, dict[str, str]] = {
    "zh": {"target": "年度目标（流量指标按月折算）", "meets_target": "是否达到目标", "met": "达到", "missed": "未达到",
           "value": "本月数值（流量指标为1月至本月累计）", "previous_month": "上月（流量指标为1月至上月累计）",
           "year_earlier": "上年同期（流量指标为上年1月至同月累计）", "city_value": "全市",
           "att_headline": "主要指标与年度目标、上月、上年同期比较",
           "att_headline_unit": "主要指标与年度目标、上月、上年同期和全市比较",
           "att_headline_cols": "指标|本月数值（流量指标为1月至本月累计）|年度目标（流量指标按月折算）|是否达到目标|"
                                "上月（流量指标为1月至上月累计）|上年同期（流量指标为上年1月至同月累计）",
           "headline_targets": "{whose}有目标的{n}主要指标中，{met}达到年度目标（流量指标按月折算），{missed}未达到（附件：{att}）。",
           "units_differ": "；本数据中{names}未达到目标",
           "units_note": "注：“文件表述”是2017年全市年度总结的原文，说的是全市；本数据中，以下指标有单位未达到年度目标：{items}。",
           "units_item": "{name}（{names}）", "units_sep": "；"},
    "en": {"target": "Annual target (flows: pro rata to the month)", "meets_target": "Meets the target", "met": "met",
           "missed": "missed",
           "value": "This month (flows: year to date)", "previous_month": "Previous month (flows: year to date)",
           "year_earlier": "Same month last year (flows: year to date)", "city_value": "City",
           "att_headline": "Headline figures against the annual target, last month and the same month last year",
           "att_headline_unit": "Headline figures against the annual target, last month, the same month last year and the city",
           "att_headline_cols": "Indicator|This month (flows: year to date)|Annual target (flows: pro rata to the month)|"
                                "Meets the target|"
                                "Previous month (flows: year to date)|Same month last year (flows: year to date)",
           "headline_targets": "Of the {n} headline figures{whose} with a target, {met} met the annual target (flows: pro "
                               "rata to the month) and {missed} missed it (attachment: {att}).",
           "units_differ": "; in these data {names} missed the target",
           "units_note": "Note: “As the document puts it” quotes the 2017 year-end summary, which speaks of the whole "
                         "city; in these data some units missed the annual target: {items}.",
           "units_item": "{name} ({names})", "units_sep": "; "},
}

#: Peer groups the brief ranks units within (unit kind -> group, :data:`PEER_GROUP_OF`) and
#: the words of the brief's evaluation: which assessment a score is, and a rank within its group.
PEER_GROUP_OF: dict[str, str] = {"district": "county_district", "county": "county_district",
                                 "county_city": "county_district", "park": "park", "department": "department"}
PEERS_TEXT: dict[str, dict[str, str]] = {
    "zh": {"county_district": "县市区", "park": "园区", "department": "市直部门",
           "peer_rank": "第{rank}/{n}名（{group}）",
           "monthly": "{year}年{month}月月度评估", "year_end": "{year}年度年终评估（含定性评价）",
           "scores_note": "以下得分为{label}。各单位在同类单位（县市区、园区）内排名，“同类排名区间”是改变建模选择"
                          "（标准化、加总、插补、权重）时同类排名的5%–95%分位。",
           "city": "全市（按全市指标及市本级牵头任务、市本级督察问题计）得分{score}分（{grade}），单独报告，不参与排名。",
           "cols": "单位|得分|等次|同类排名|同类排名区间|县市区和园区中排名|说明",
           "excerpt": "本单位所在同类单位共{n}个，表中列出前{ends}名、后{ends}名和本单位前后各{around}名，“…”处从略；"
                      "完整排名见本月简报文件夹中的排名表{file}。",
           "league_cols": "单位代码|单位|得分|等次|县市区和园区中排名|同类|同类排名|同类单位数|同类排名下限（5%）|"
                          "同类排名上限（95%）|说明",
           "gap": "…"},
    "en": {"county_district": "counties, cities and districts", "park": "parks", "department": "city departments",
           "peer_rank": "{rank} of {n} ({group})",
           "monthly": "monthly assessment, {month_name} {year}", "year_end": "year-end assessment {year} (with the qualitative part)",
           "scores_note": "Scores are the {label}. Units are ranked within their peer group (counties, cities and "
                          "districts; parks); the interval is the 5th to 95th percentile of that rank when the modelling "
                          "choices (normalisation, aggregation, imputation, weights) change.",
           "city": "The city (scored on city-wide indicators with the tasks its city-level departments lead and the inspection "
                   "problems found at city level) scored {score} ({grade}); it is reported on its own, not ranked.",
           "cols": "Unit|Score|Grade|Rank among peers|Interval of that rank|Rank among all parts|Note",
           "excerpt": "The unit's peer group holds {n} units: the table lists the first {ends}, the last {ends} and the "
                      "{around} either side of this unit, leaving out the rows marked “…”; the whole ranking is in the month's brief folder, {file}.",
           "league_cols": "Unit code|Unit|Score|Grade|Rank among all parts|Peer group|Rank among peers|Peers|"
                          "Rank among peers, 5th percentile|Rank among peers, 95th percentile|Note",
           "gap": "…"},
}

#: The family figure's rows that stand for a peer group (:func:`reformlib.briefs.content.family_section`).
FAMILY_ROWS: dict[str, dict[str, str]] = {
    "zh": {"peers": "{group}中位数（{n}个单位）", "county_district": "县市区", "park": "园区", "department": "市直部门"},
    "en": {"peers": "Median of the {group} ({n} units)", "county_district": "counties, cities and districts",
           "park": "parks", "department": "city departments"},
}

#: What the early warning's probabilities mean, stated beside the at-risk list.
WARNING_TEXT: dict[str, dict[str, str]] = {
    "zh": {"meaning": "概率指任务到截止月底仍未完成（逾期）的可能性，按档显示。",
           "checked": "在截至本月可检验的{n}个留出任务快照上，所用排序方法的ROC AUC为{auc}（95%区间{low}–{high}；0.5相当于随机排序）。",
           "bands": "各档在留出检验中的实际逾期率：{items}。",
           "band_item": "{band}档{observed}（95%区间{low}–{high}，{n}个快照）",
           "band_empty": "{band}档无快照",
           "unchecked": "截至本月尚无可留出检验的月份，这些概率未经检验，只可作排序参考。",
           "synthetic": "演示数据为合成数据，其逾期由数据生成程序按台账各列人为设定。",
           "band_col": "逾期概率（档）", "observed_col": "该档实际逾期率（留出检验）",
           "observed_cell": "{observed}（{low}–{high}）", "sep": "；",
           "meaning_gap": "名单不显示逾期概率，而列出各项任务的进度和按计划本月底应达到的进度。",
           "unfitted_gap": "本月已到期任务不足{min_tasks}项，模型未拟合。",
           "unchecked_gap": "截至本月尚无可留出检验的月份，这一排序未经检验。",
           "unfitted_plain": "名单按进度落后于计划的程度排序，列出各项任务的进度和按计划本月底应达到的进度；"
                             "逾期预警模型须有至少{min_tasks}项已到期任务的历史数据，截至本月不足，因此未启用，名单不给出逾期概率。",
           "progress_col": "进度", "expected_col": "按计划本月底应达进度", "gap_col": "与计划相比",
           "gap_behind": "落后{n}", "gap_ahead": "超前{n}", "gap_even": "与计划持平", "points_word": "个百分点"},
    "en": {"meaning": "The probability is that of a task still unfinished at the end of its deadline month (overdue), shown in bands.",
           "checked": "On the {n} held-out task snapshots that can be checked by this month, the ranking used has a ROC AUC "
                      "of {auc} (95 % interval {low}-{high}; 0.5 is a random order).",
           "bands": "Observed miss rate in each band on the held-out check: {items}.",
           "band_item": "{band}: {observed} (95 % interval {low}-{high}, {n})",
           "band_empty": "{band}: no snapshot",
           "unchecked": "No month can be held out yet to check these probabilities; read them as an order only.",
           "synthetic": "The demonstration data are synthetic; their delays are planted by the data generator from the "
                        "ledger's columns.",
           "band_col": "Probability of missing (band)", "observed_col": "Observed miss rate in the band (held-out)",
           "observed_cell": "{observed} ({low}-{high})", "sep": "; ",
           "meaning_gap": "The list shows no probability of missing the deadline: each task's progress stands beside the "
                          "progress its schedule expects by the end of the month.",
           "unfitted_gap": "Fewer than {min_tasks} tasks were due by this month, so the model was not fitted.",
           "unchecked_gap": "No month can be held out yet to check this order.",
           "unfitted_plain": "The list ranks tasks by how far their progress is behind schedule, giving each task's progress "
                             "and the progress its schedule expects by the month's end; the early-warning model needs the "
                             "history of at least {min_tasks} tasks past their deadline, which this month does not yet have, "
                             "so it is not used and the list gives no probability of missing a deadline.",
           "progress_col": "Progress", "expected_col": "Expected by the schedule at month end", "gap_col": "Against the schedule",
           "gap_behind": "{n} behind", "gap_ahead": "{n} ahead", "gap_even": "on schedule", "points_word": "percentage point"},
}

#: Titles and axis labels of the brief's figures (:mod:`reformlib.report.plots`).
PLOT_TEXT: dict[str, dict[str, str]] = {
    "zh": {"progress_title": "各类改革任务按推进状态的任务数", "tasks_axis": "任务数（项）",
           "as_of": "（截至{year}年{month}月底）", "as_of_plain": "截至{year}年{month}月底", "family_title": "{family}类指标各单位数值", "any_family": "各单位指标数值",
           "open": "（", "close": "）", "sep": "；", "city_red": "红色为全市", "band_dashed": "虚线为合理区间边界",
           "target_solid": "绿色实线为目标值"},
    "en": {"progress_title": "Reform tasks by category and status", "tasks_axis": "Tasks",
           "as_of": " (end of {name})", "as_of_plain": "end of {name}", "family_title": "The {family} indicators by unit", "any_family": "Indicators by unit",
           "open": " (", "close": ")", "sep": "; ", "city_red": "the city in red", "band_dashed": "dashed: edges of the reasonable band",
           "target_solid": "green line: target"},
}

#: How a unit's score is made up (:mod:`reformlib.report.makeup`): the lines of its table and
#: the memo's sentence; the parts add up to the score shown.
MAKE_UP: dict[str, dict[str, str]] = {
    "zh": {"cols": "项目|分值|说明", "full": "基础分（适用考核项目满分）", "full_note": "各适用考核项目满分合计",
           "lost": "失分：{item}", "gained": "超额得分：{item}", "rescale": "不适用项目按比例折算至{base}分",
           "base_line": "基础得分", "base_note": "基础分减去各项失分", "base_note_rescaled": "基础分减去各项失分，再按比例折算",
           "not_applicable": "不适用项目：{items}", "score_line_monthly": "评估得分",
           "bonus_item": "加分：{item}", "bonus_cap": "加分合计封顶", "bonus_line": "加分合计", "no_bonus": "本期无加分",
           "quantitative_line": "定量得分", "quantitative_note": "基础得分加上加分",
           "quantitative_part": "定量得分×{weight}", "qualitative_part": "定性评价得分×{weight}",
           "part_note": "{value}分×{weight}",
           "part_note_rounded": "{value}分×{weight}＝{product}分；本行按未四舍五入的得分计算，末位按各部分之和等于综合得分取舍",
           "sentence_rounded": "（各部分按未四舍五入的得分计算，末位按合计等于综合得分取舍）",
           "score_line": "综合得分", "score_note": "定量部分与定性部分之和，即评估得分",
           "score_note_monthly": "基础得分加上加分，即评估得分（月度评估不含定性评价）",
           "sentence": "{unit}{assessment}得分{score}分：{parts}。",
           "sentence_base": "基础分{full}分，失分{lost}分，基础得分{base}分",
           "sentence_base_rescaled": "适用考核项目满分{full}分，失分{lost}分，得{earned}分，"
                                     "按比例折算至{base_points}分后基础得分{base}分",
           "sentence_bonus": "加分{bonus}分，定量得分{quantitative}分", "sentence_bonus_monthly": "加分{bonus}分",
           "sentence_monthly": "合计{score}分（月度评估不含定性评价）",
           "sentence_year": "定量得分按{q_weight}计{q_part}分，定性评价得分{qualitative}分按{l_weight}计{l_part}分，"
                            "合计{score}分",
           "sep": "；", "att": "{unit}{assessment_title}得分构成", "sheet": "得分构成",
           "largest": "失分最多的是{items}。", "largest_item": "{item}失分{lost}分（{reason}）", "largest_sep": "；"},
    "en": {"cols": "Item|Points|Why", "full": "Base (full points of the items that apply)",
           "full_note": "full points of the items that apply",
           "not_applicable": "items that do not apply: {items}", "score_line_monthly": "Score",
           "base_note_rescaled": "base less the points lost, then rescaled",
           "lost": "Lost: {item}", "gained": "Above full points: {item}", "rescale": "Items that do not apply: rescaled to {base}",
           "base_line": "Base score", "base_note": "base less the points lost",
           "bonus_item": "Bonus: {item}", "bonus_cap": "Bonus over its total cap", "bonus_line": "Bonus",
           "no_bonus": "no bonus this period",
           "quantitative_line": "Quantitative score", "quantitative_note": "base score plus bonus",
           "quantitative_part": "Quantitative score x {weight}", "qualitative_part": "Qualitative score x {weight}",
           "part_note": "{value} x {weight}",
           "part_note_rounded": "{value} x {weight} = {product}; this line is computed from the unrounded scores, its last "
                                "digit set so that the parts add up to the score",
           "sentence_rounded": " (the parts are computed from the unrounded scores, their last digit set so that they add "
                               "up to the score)",
           "score_line": "Score", "score_note": "the two parts added: the assessment's score",
           "score_note_monthly": "base score plus bonus: the assessment's score (no qualitative part monthly)",
           "sentence": "{unit} scored {score} in {assessment}: {parts}.",
           "sentence_base": "base {full}, {lost} points lost, base score {base}",
           "sentence_base_rescaled": "full points of the items that apply {full}, {lost} lost, {earned} earned, "
                                     "rescaled to {base_points}: base score {base}",
           "sentence_bonus": "bonus {bonus}, quantitative score {quantitative}", "sentence_bonus_monthly": "bonus {bonus}",
           "sentence_monthly": "score {score} (no qualitative part in a monthly assessment)",
           "sentence_year": "the quantitative score counts {q_weight} ({q_part}), the qualitative score {qualitative} "
                            "counts {l_weight} ({l_part}), together {score}",
           "sep": "; ", "att": "How the score of {unit} is made up: {assessment_title}", "sheet": "Score make-up",
           "largest": "Its largest deductions: {items}.", "largest_item": "{item}, {lost} points lost ({reason})", "largest_sep": "; "},
}
