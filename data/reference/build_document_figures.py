"""Writes document_figures.csv: every figure of the 2017 year-end reform summary of
Xiangtan city (湘潭市), with its source sentence. Kept as code so the CSV can be rebuilt
byte for byte; the figures themselves are transcribed by hand from the document.

Columns: code, name_zh, name_en, value, value_high (upper end of a range), unit, period,
direction (higher / lower / band / none), qualifier (exact / over / range),
baseline (the "from" value of a comparison), change (the stated change, in `unit` or
points), change_basis (year_on_year / national_average / before_reform /
previous_year_percent), comparison (English wording of the comparison), comparison_zh
(the same in the document's words), kind (metric / count),
source_zh (the sentence in the document).
"""
from __future__ import annotations

import csv
from pathlib import Path

COLUMNS = ["code", "name_zh", "name_en", "value", "value_high", "unit", "period", "direction",
           "qualifier", "baseline", "change", "change_basis", "comparison", "comparison_zh", "kind", "source_zh"]

#: The comparison in the document's own words.
COMPARISON_ZH = {'land_transfer_rate': '高出全国平均水平11.7个百分点', 'land_coop_enrolment': '85%以上', 'housing_destock_months': '提前3年实现去化周期目标', 'industrial_debt_ratio': '同比下降2.0个百分点', 'gov_debt_ratio': '下降5个百分点', 'tax_fee_cut': '8亿元', 'approval_items_investment': '由43项减少为35项', 'market_entities_new': '比上年增长45.4%', 'assoc_decoupled_rate': '305家全部脱钩', 'assoc_decoupled': '305家全部脱钩', 'judge_quota_ratio': '不超过中央规定的39%', 'prosecutor_quota_ratio': '不超过中央规定的39%', 'legal_station_rate': '已建成61个', 'legal_point_rate': '已建成822个', 'petition_legal_share': '由改革前的53%下降到22%', 'party_coverage_nonpublic': '处于全省第一方阵', 'party_coverage_social': '处于全省第一方阵', 'graduate_retention_rate': '提高4个百分点', 'river_chief_plan_rate': '5个县市区、3个园区和66个乡镇全部出台', 'food_cases': '300余件', 'discipline_offices': '实现对70家市一级机关全覆盖', 'discipline_offices_county': '实现县一级机关全覆盖', 'inspection_members_handled': '年内完成三轮巡察', 'inspection_cases_county_level': '占总数的70.3%(原文如此)', 'reform_office_staff': '均按3-5名配备到位', 'reform_docs_early_rate': '121项中74项', 'tasks_total': '9大类35小类', 'tasks_led_unit_head': '每人2-3项', 'tasks_led_county_head': '每人5项', 'docs_reviewed': '均完成方案内评', 'docs_early': '121项中74项', 'research_trips': '20多次', 'innovation_tasks': '6大工程', 'library_investment': '建成11个分馆以及20个流动点'}

#: What a stated change is measured against (the document mixes several bases).
CHANGE_BASIS = {
    "land_transfer_rate": "national_average",  # points above the national average, not a change over time
    "industrial_debt_ratio": "year_on_year",
    "gov_debt_ratio": "year_on_year",
    "approval_items_investment": "before_reform",
    "market_entities_new": "previous_year_percent",
    "petition_legal_share": "before_reform",
    "graduate_retention_rate": "year_on_year",
}

R = [
    # --- outcome metrics (DOMAIN.md table) ---
    ("land_transfer_rate", "耕地流转率", "farmland transfer rate", 53, None, "%", "higher", "exact", None, 11.7,
     "11.7 points above the national average", "metric",
     "新增耕地流转面积7.5万亩,流转率达53%,高出全国平均水平11.7个百分点"),
    ("land_transfer_new_area", "新增耕地流转面积", "newly transferred farmland", 75000, None, "mu", "higher", "exact", None, None,
     "", "metric", "新增耕地流转面积7.5万亩"),
    ("land_coop_villages", "成立土地股份合作社的村", "villages with land shareholding co-operatives", 75, None, "villages", "higher", "exact", None, None,
     "", "metric", "75个村成立农村土地股份合作社"),
    ("land_coop_enrolment", "农户入社率", "household enrolment in land co-operatives", 85, None, "%", "higher", "over", None, None,
     "above 85 %", "metric", "农户入社率达85%以上"),
    ("housing_destock_months", "商品房去化周期", "months to sell the housing inventory", 9.9, None, "months", "lower", "exact", None, None,
     "target met 3 years early", "metric", "全市房地产市场库存的去化周期为9.9个月,提前3年实现去化周期目标"),
    ("industrial_debt_ratio", "规上工业企业资产负债率", "debt-to-asset ratio of industrial firms above designated size", None, None, "%", "lower", "exact", None, -2.0,
     "down 2.0 points year on year", "metric", "规模以上工业企业资产负债率同比下降2.0个百分点"),
    ("gov_debt_ratio", "市本级政府综合债务率", "municipal comprehensive government debt ratio", None, None, "%", "lower", "exact", None, -5.0,
     "down 5 points", "metric", "市本级政府综合债务率下降5个百分点"),
    ("fees_cancelled", "取消和停征行政事业性收费项目", "administrative fees cancelled or suspended", 34, None, "items", "higher", "exact", None, None,
     "", "metric", "全市行政事业性收费取消和停征收费项目34项"),
    ("gov_funds_cancelled", "取消市本级政府性基金", "municipal government funds cancelled", 2, None, "items", "higher", "exact", None, None,
     "", "metric", "取消市本级政府性基金2项"),
    ("tax_fee_cut", "减税降费", "tax and fee cuts", 8, None, "100 million yuan", "higher", "exact", None, None,
     "0.8 billion yuan", "metric", "全年减税降费达8亿元"),
    ("approval_items_investment", "投资报建审批事项", "investment-construction approval items", 35, None, "items", "lower", "exact", 43, -8,
     "from 43 down to 35", "metric", "投资报建审批事项由43项减少为35项"),
    ("approvals_cancelled", "市本级新取消行政审批项目", "municipal approval items newly cancelled", 26, None, "items", "higher", "exact", None, None,
     "", "metric", "市本级新取消26项行政审批项目"),
    ("online_approved_projects", "在线受理审批项目", "projects approved on the online platform", 506, None, "projects", "higher", "exact", None, None,
     "", "metric", "在线受理审批项目506个"),
    ("market_entities_new", "新增市场主体", "new market entities", 27000, None, "entities", "higher", "exact", None, 45.4,
     "+45.4 % on the previous year", "metric", "新增各类市场主体2.7万户,比上年增长45.4%"),
    ("assoc_decoupled_rate", "行业协会商会脱钩率", "trade associations decoupled from agencies", 100, None, "%", "higher", "exact", None, None,
     "305 of 305", "metric", "该市需与行政机关脱钩的305家行业协会商会已全部实现与业务主管部门脱钩"),
    ("assoc_decoupled", "已脱钩行业协会商会", "trade associations decoupled", 305, None, "associations", "higher", "exact", None, None,
     "all 305 required", "count", "该市需与行政机关脱钩的305家行业协会商会已全部实现与业务主管部门脱钩"),
    ("judge_quota_ratio", "首批入额法官比例", "first-round quota judges, share of staff", 36.3, None, "%", "band", "exact", None, None,
     "within the central cap of 39 %", "metric", "首批入额法官、检察官比例为36.3% 、32.8%"),
    ("prosecutor_quota_ratio", "首批入额检察官比例", "first-round quota prosecutors, share of staff", 32.8, None, "%", "band", "exact", None, None,
     "within the central cap of 39 %", "metric", "首批入额法官、检察官比例为36.3% 、32.8%"),
    ("legal_centre_rate", "县级公共法律服务中心建成率", "county public legal service centres built", 100, None, "%", "higher", "exact", None, None,
     "", "metric", "推进法律服务中心实体平台建设,县级中心建成率达到了100%"),
    ("legal_station_rate", "乡镇(街道)公共法律服务工作站建成率", "township public legal service stations built", 95, None, "%", "higher", "exact", None, None,
     "61 stations", "metric", "已建成乡镇(街道)公共法律服务工作站61个、村(社区)工作点822个,建成率分别为95%、90%"),
    ("legal_stations", "乡镇(街道)公共法律服务工作站", "township public legal service stations", 61, None, "stations", "higher", "exact", None, None,
     "", "count", "已建成乡镇(街道)公共法律服务工作站61个"),
    ("legal_point_rate", "村(社区)公共法律服务工作点建成率", "village public legal service points built", 90, None, "%", "higher", "exact", None, None,
     "822 points", "metric", "已建成乡镇(街道)公共法律服务工作站61个、村(社区)工作点822个,建成率分别为95%、90%"),
    ("legal_points", "村(社区)公共法律服务工作点", "village public legal service points", 822, None, "points", "higher", "exact", None, None,
     "", "count", "村(社区)工作点822个"),
    ("petition_legal_share", "进京非访中涉法涉诉占比", "law-related share of unauthorised petitions in Beijing", 22, None, "%", "lower", "exact", 53, -31,
     "from 53 % before the reform to 22 %", "metric", "进京非访人员中涉法涉诉占比由改革前的53%下降到22%"),
    ("party_coverage_nonpublic", "非公党组织覆盖率", "party-organisation coverage of non-public firms", 89.4, None, "%", "higher", "exact", None, None,
     "in the province's first tier", "metric", "非公党组织覆盖率达89.4%,社会党组织覆盖率达69.9%,处于全省第一方阵"),
    ("party_coverage_social", "社会党组织覆盖率", "party-organisation coverage of social organisations", 69.9, None, "%", "higher", "exact", None, None,
     "in the province's first tier", "metric", "非公党组织覆盖率达89.4%,社会党组织覆盖率达69.9%,处于全省第一方阵"),
    ("graduate_retention_rate", "高校毕业生留潭率", "college-graduate retention rate", None, None, "%", "higher", "exact", None, 4.0,
     "up 4 points", "metric", "推出安家补助、创业扶持等12项措施,高校毕业生留潭率提高4个百分点"),
    ("river_chief_plan_rate", "河长制工作方案出台率", "river-chief plans issued", 100, None, "%", "higher", "exact", None, None,
     "5 counties/districts, 3 parks and 66 townships", "metric", "5个县市区、3个园区和66个乡镇已全部出台了河长制工作方案"),
    ("river_chief_townships", "出台河长制方案的乡镇", "townships with river-chief plans", 66, None, "townships", "higher", "exact", None, None,
     "", "count", "5个县市区、3个园区和66个乡镇已全部出台了河长制工作方案"),
    ("kindergartens_new", "新建公办幼儿园", "new public kindergartens", 7, None, "kindergartens", "higher", "exact", None, None,
     "", "metric", "新建公办幼儿园7所"),
    ("schools_upgraded", "改扩建义务教育薄弱学校", "upgraded weak compulsory-education schools", 99, None, "schools", "higher", "exact", None, None,
     "", "metric", "改扩建义务教育薄弱学校99所"),
    ("school_places_new", "新增城区优质学位", "new urban school places", 10700, None, "places", "higher", "exact", None, None,
     "", "metric", "新增城区优质学位1.07万个"),
    ("food_cases", "查办食品违法违规案件", "food-safety cases handled", 300, None, "cases", "none", "over", None, None,
     "over 300", "metric", "查办食品违法违规案件300余件"),
    ("discipline_offices", "市级派驻纪检组", "discipline-inspection offices stationed in city agencies", 25, None, "offices", "higher", "exact", None, None,
     "covering all 70 city agencies", "metric", "市级共设立派驻纪检组25家,实现对70家市一级党和国家机关派驻纪检机构全覆盖"),
    ("discipline_offices_county", "县级派驻纪检组", "discipline-inspection offices stationed in county agencies", 38, None, "offices", "higher", "exact", None, None,
     "covering all county agencies of 5 counties/districts", "count", "5个县市区共设立38家,实现县一级党和国家机关派驻纪检机构全覆盖"),
    ("inspection_members_handled", "巡察处理党员干部", "party members dealt with by inspection tours", 83, None, "persons", "none", "exact", None, None,
     "three rounds of inspection tours", "metric", "年内完成三轮巡察,处理党员干部83名"),
    ("inspection_cases", "巡察立案查处", "cases opened after inspection tours", 53, None, "persons", "none", "exact", None, None,
     "", "metric", "立案查处53人"),
    ("inspection_cases_county_level", "立案查处县处级干部", "cases opened against county-level cadres", 26, None, "persons", "none", "exact", None, None,
     "70.3 % of all cases (as printed)", "metric", "其中县处级干部26人,占到总数的70.3%"),
    ("reform_office_staff", "县市区(园区)改革办专职人员", "full-time staff per county-level reform office", 3, 5, "persons", "band", "range", None, None,
     "3 to 5 in every county-level reform office", "metric", "各县市区(园区)改革办专职人员均按3-5名配备到位"),
    ("reform_docs_early_rate", "改革文件提前6个月出台率", "reform documents issued 6 months early", 61.2, None, "%", "higher", "exact", None, None,
     "74 of 121", "metric", "该市应出台改革文件121项,其中在规定时限6个月前出台的达74项"),
    # --- programme counts ---
    ("tasks_total", "年度改革任务", "annual reform tasks", 213, None, "tasks", "none", "exact", None, None,
     "in 9 categories and 35 sub-categories", "count", "9大类35小类213项年度改革任务全部分解至各牵头单位"),
    ("task_categories", "改革任务大类", "task categories", 9, None, "categories", "none", "exact", None, None, "", "count",
     "9大类35小类213项年度改革任务全部分解至各牵头单位"),
    ("task_subcategories", "改革任务小类", "task sub-categories", 35, None, "sub-categories", "none", "exact", None, None, "", "count",
     "9大类35小类213项年度改革任务全部分解至各牵头单位"),
    ("key_tasks", "关键任务", "key tasks assigned by the party secretary", 19, None, "tasks", "none", "exact", None, None, "", "count",
     "其中有19项是湘潭亟待解决的关键任务,由市委书记亲自交办至各责任单位"),
    ("tasks_led_secretary_mayor", "市委书记、市长亲自领衔改革事项", "reform items led by the party secretary and the mayor", 6, None, "items", "none", "exact", None, None, "", "count",
     "市委书记曹炯芳、市长谈文胜……还亲自领衔改革事项6项"),
    ("tasks_led_group_leaders", "专项小组组长领衔改革事项", "reform items led by special-group leaders", 32, None, "items", "none", "exact", None, None, "", "count",
     "各专项小组组长领衔改革事项32项"),
    ("tasks_led_unit_head", "其他单位一把手领衔改革任务", "reform tasks led by each other unit head", 2, 3, "tasks", "none", "range", None, None, "2 to 3 each", "count",
     "其他单位一把手领衔2-3项改革任务"),
    ("tasks_led_county_head", "县市区、园区一把手领衔改革任务", "reform tasks led by each county/park head", 5, None, "tasks", "none", "exact", None, None, "5 each", "count",
     "县市区、园区一把手领衔5项改革任务"),
    ("group_meetings", "市委深改组会议", "meetings of the reform leading group", 4, None, "meetings", "none", "exact", None, None, "", "count",
     "全年共召开市委深改组会议4次,审议改革文件31个"),
    ("docs_reviewed", "深改组审议改革文件", "reform documents reviewed by the leading group", 31, None, "documents", "none", "exact", None, None,
     "all after an internal plan review", "count", "全年深改组会议审议通过的31个改革文件均完成方案内评"),
    ("docs_required", "应出台改革文件", "reform documents to be issued to match central ones", 121, None, "documents", "none", "exact", None, None, "", "count",
     "对标中央改革文件,该市应出台改革文件121项"),
    ("docs_early", "规定时限6个月前出台的改革文件", "reform documents issued at least 6 months early", 74, None, "documents", "higher", "exact", None, None,
     "74 of 121", "count", "其中在规定时限6个月前出台的达74项"),
    ("inspections_received", "迎接上级督察", "inspections received from above", 5, None, "inspections", "none", "exact", None, None, "", "count",
     "全年组织迎接中央农业转移人口市民化改革政策落实情况、省委改革办试点清理等5次督察"),
    ("inspections_local", "自主开展督察", "inspections run locally", 4, None, "inspections", "none", "exact", None, None, "", "count",
     "自主开展市委中期督察、户籍制度改革等4次督察"),
    ("inspection_problems", "督促整改问题", "inspection problems ordered fixed", 89, None, "problems", "none", "exact", None, None, "", "count",
     "全年共督促指导涉改部门整改问题89个"),
    ("pilots_national", "国家级改革试点", "national reform pilots", 25, None, "pilots", "none", "exact", None, None, "", "count",
     "承担国家级改革试点25项,省级改革试点30项"),
    ("pilots_provincial", "省级改革试点", "provincial reform pilots", 30, None, "pilots", "none", "exact", None, None, "", "count",
     "承担国家级改革试点25项,省级改革试点30项"),
    ("pilots_models", "已形成示范的改革事项", "pilots that became models", 12, None, "pilots", "higher", "exact", None, None, "", "count",
     "……等12项改革事项已形成示范"),
    ("reforms_self_initiated", "县市区(园区)自主铺排改革事项", "reforms launched by counties and parks themselves", 132, None, "reforms", "none", "exact", None, None, "", "count",
     "各县市区(园区)结合发展所需,共自主铺排改革事项132项"),
    ("briefs_issued", "编发《改革简报》", "reform briefs issued", 33, None, "issues", "none", "exact", None, None, "", "count",
     "以《改革简报》的形式发放到各级各部门,全年共编发简报33期"),
    ("research_trips", "组织或参与调研", "research trips organised or joined", 20, None, "trips", "none", "over", None, None, "more than 20", "count",
     "组织或参与调研20多次"),
    ("neeq_listings_new", "新增新三板上市企业", "new listings on the NEEQ (new third board)", 2, None, "firms", "higher", "exact", None, None, "", "count",
     "新增新三板上市企业2家"),
    ("industry_fund", "产业引导基金总规模", "industrial guidance fund, total size", 20, None, "100 million yuan", "none", "exact", None, None, "", "count",
     "产业引导基金总规模20亿元"),
    ("zhizaogu_fund", "智造谷基金总规模", "Zhizaogu fund, total size", 7.5, None, "100 million yuan", "none", "exact", None, None, "", "count",
     "智造谷基金总规模7.5亿元"),
    ("guarantee_capital", "市企业融资担保公司资本金", "capital of the city's financing guarantee company", 25, None, "100 million yuan", "none", "exact", None, None, "", "count",
     "市企业融资担保公司资本金增至25亿元"),
    ("innovation_tasks", "长株潭自创区具体任务", "Changsha-Zhuzhou-Xiangtan innovation zone tasks", 55, None, "tasks", "none", "exact", None, None, "in 6 programmes", "count",
     "重点部署了高端人才汇聚、创新平台打造、智能化改造升级、产业集群培育等6大工程55项具体任务"),
    ("park_approval_items", "园区行政审批局集中审批事项", "approval items centralised in the park approval bureau", 82, None, "items", "none", "exact", None, None, "", "count",
     "率先成立全省首家园区行政审批局,赋予集中审批事项82项"),
    ("agri_funds_integrated", "整合涉农资金", "agricultural funds integrated", 1, None, "100 million yuan", "none", "exact", None, None, "", "count",
     "全年整合涉农资金1亿元"),
    ("poverty_satisfaction", "脱贫攻坚群众满意度", "public satisfaction with poverty alleviation", 100, None, "%", "higher", "exact", None, None, "", "metric",
     "脱贫攻坚群众满意度调查达100%"),
    ("green_gdp_reforms", "绿色GDP评价配套改革", "supporting reforms of green-GDP evaluation", 22, None, "reforms", "none", "exact", None, None, "", "count",
     "率先在湖南将绿色GDP评价引入领导干部绩效考核,实行22项配套改革"),
    ("talent_measures", "人才引进措施", "talent measures (housing subsidy, start-up support, ...)", 12, None, "measures", "none", "exact", None, None, "", "count",
     "推出安家补助、创业扶持等12项措施"),
    ("library_investment", "书香湘潭投入", "'Reading Xiangtan' investment", 120, None, "10 thousand yuan", "none", "exact", None, None, "11 branch libraries and 20 mobile points", "count",
     "全年投入120万元,建成11个分馆以及20个流动点"),
    ("supervision_commissions", "监察委员会成立", "supervision commissions set up (city and 5 counties/districts)", 6, None, "commissions", "none", "exact", None, None, "", "count",
     "市本级监察委员会和5个县市区监察委员会全部成立"),
]


def rows() -> list[dict]:
    out = []
    for r in R:
        d = dict(zip(COLUMNS[:2] + COLUMNS[2:3] + ["value", "value_high", "unit", "direction", "qualifier",
                                                  "baseline", "change", "comparison", "kind", "source_zh"], r))
        d["period"] = "2017"
        d["change_basis"] = CHANGE_BASIS.get(d["code"])
        d["comparison_zh"] = COMPARISON_ZH.get(d["code"])
        out.append({c: ("" if d.get(c) is None else d[c]) for c in COLUMNS})
    return out


if __name__ == "__main__":
    path = Path(__file__).with_name("document_figures.csv")
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows())
    print(path)
