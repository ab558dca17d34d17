"""Units, departments and the indicator catalogue of the demonstration data set.

The 9 territorial units and their codes are DOMAIN.md's. The department codes, the
indicator targets and band edges other than the document's are modelling choices, and the
``source`` column of the catalogue says which is which. Each indicator also carries the
recipe the synthetic panel is drawn from (:class:`Recipe`): the city's anchors agree with
the 2017 figures of the source document.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

DOC = "湘潭市2017年全面深化改革工作总结 (source document)"
CHOICE = "modelling choice of the demonstration data"

#: code, name_zh, name_en, kind, parent
TERRITORIAL = [
    ("430300", "湘潭市", "Xiangtan city", "city", None),
    ("430302", "雨湖区", "Yuhu District", "district", "430300"),
    ("430304", "岳塘区", "Yuetang District", "district", "430300"),
    ("430321", "湘潭县", "Xiangtan County", "county", "430300"),
    ("430381", "湘乡市", "Xiangxiang", "county_city", "430300"),
    ("430382", "韶山市", "Shaoshan", "county_city", "430300"),
    ("xtjk", "湘潭经开区", "Xiangtan Economic & Technological Development Zone", "park", "430300"),
    ("xtgx", "湘潭高新区", "Xiangtan High-tech Zone", "park", "430300"),
    ("tyjk", "天易经开区", "Tianyi Economic Development Zone", "park", "430300"),
]
SUB_UNITS = [u[0] for u in TERRITORIAL[1:]]

#: City departments that lead tasks (codes are this project's own), with the categories they lead.
DEPARTMENTS = [
    ("fgw", "市发展和改革委员会", "Development and Reform Commission", "C1"),
    ("czj", "市财政局", "Finance Bureau", "C1"),
    ("gzw", "市国资委", "State-owned Assets Commission", "C1"),
    ("jrb", "市金融办", "Financial Affairs Office", "C1"),
    ("zjj", "市住房和城乡建设局", "Housing and Urban-Rural Development Bureau", "C1"),
    ("kjj", "市科技局", "Science and Technology Bureau", "C2"),
    ("jxw", "市经济和信息化委员会", "Economy and Information Commission", "C2"),
    ("spj", "市政务服务中心", "Government Service Centre", "C3"),
    ("bb", "市编办", "Staffing Office", "C3"),
    ("gsj", "市工商局", "Administration for Industry and Commerce", "C3"),
    ("mzj", "市民政局", "Civil Affairs Bureau", "C3"),
    ("nw", "市农委", "Agriculture Commission", "C4"),
    ("gtj", "市国土资源局", "Land and Resources Bureau", "C4"),
    ("gxs", "市供销社", "Supply and Marketing Co-operative", "C4"),
    ("zfw", "市委政法委", "Political and Legal Affairs Commission", "C5"),
    ("zy", "市中级人民法院", "Intermediate People's Court", "C5"),
    ("jcy", "市人民检察院", "People's Procuratorate", "C5"),
    ("sfj", "市司法局", "Justice Bureau", "C5"),
    ("rd", "市人大常委会办公室", "Office of the People's Congress Standing Committee", "C5"),
    ("hbj", "市环境保护局", "Environmental Protection Bureau", "C6"),
    ("slj", "市水利局", "Water Resources Bureau", "C6"),
    ("jyj", "市教育局", "Education Bureau", "C7"),
    ("wjw", "市卫生计生委", "Health and Family Planning Commission", "C7"),
    ("gaj", "市公安局", "Public Security Bureau", "C7"),
    ("rsj", "市人力资源和社会保障局", "Human Resources and Social Security Bureau", "C7"),
    ("xcb", "市委宣传部", "Publicity Department", "C8"),
    ("wgxj", "市文广新局", "Culture, Radio, Film and Press Bureau", "C8"),
    ("zzb", "市委组织部", "Organisation Department", "C9"),
    ("jw", "市纪委监委", "Discipline Inspection and Supervision Commission", "C9"),
    ("zgh", "市总工会", "Federation of Trade Unions", "C9"),
]


def units_table() -> pd.DataFrame:
    rows = [dict(unit=c, name_zh=zh, name_en=en, kind=k, parent=p, territorial=True) for c, zh, en, k, p in TERRITORIAL]
    rows += [dict(unit=c, name_zh=zh, name_en=en, kind="department", parent="430300", territorial=False)
             for c, zh, en, _ in DEPARTMENTS]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Recipe:
    """How the synthetic panel of one indicator is drawn.

    ``annual='december'`` levels: the city's path runs from ``start`` (2016-01) through
    ``dec2016`` to ``dec2017``; sub-units sit at the city path times (1 + a unit offset
    drawn with relative spread ``spread``), or add up to it when ``additive``.
    ``annual='sum'`` flows: ``total2016`` / ``total2017`` are the city's yearly totals,
    split over months and sub-units; the city row is the sum of the sub-units.
    """

    start: float | None = None
    dec2016: float | None = None
    dec2017: float | None = None
    total2016: float | None = None
    total2017: float | None = None
    spread: float = 0.08
    decimals: int = 1
    lo: float = 0.0
    hi: float | None = None
    additive: bool = False
    parks: bool = True


#: indicator, name_zh, name_en, measure_unit, direction, band, family, annual, target, in_document, source, recipe
INDICATORS = [
    ("land_transfer_rate", "耕地流转率", "farmland transfer rate", "%", "higher", None, "land", "december", 50.0, True, DOC,
     Recipe(start=45.5, dec2016=47.8, dec2017=53.0, spread=0.10, hi=100)),
    ("land_transfer_new_area", "新增耕地流转面积", "newly transferred farmland", "mu", "higher", None, "land", "sum", None, True, DOC,
     Recipe(total2016=58000, total2017=75000, decimals=0, parks=False)),
    ("land_coop_villages", "成立土地股份合作社的村", "villages with land shareholding co-operatives", "villages", "higher", None, "land", "december", None, True, DOC,
     Recipe(start=40, dec2016=52, dec2017=75, decimals=0, additive=True, parks=False)),
    ("land_coop_enrolment", "农户入社率", "household enrolment in land co-operatives", "%", "higher", None, "land", "december", 80.0, True, DOC,
     Recipe(start=76.0, dec2016=79.5, dec2017=86.1, spread=0.05, hi=100, parks=False)),
    ("industrial_debt_ratio", "规上工业企业资产负债率", "debt-to-asset ratio of industrial firms above designated size", "%", "lower", None, "debt", "december", 57.0, True, DOC,
     Recipe(start=59.1, dec2016=58.6, dec2017=56.6, spread=0.07, hi=100)),
    ("gov_debt_ratio", "政府综合债务率", "comprehensive government debt ratio", "%", "lower", None, "debt", "december", 90.0, True, DOC,
     Recipe(start=93.5, dec2016=92.0, dec2017=87.0, spread=0.12)),
    ("housing_destock_months", "商品房去化周期", "months to sell the housing inventory", "months", "lower", None, "economy", "december", 12.0, True, DOC,
     Recipe(start=16.8, dec2016=13.9, dec2017=9.9, spread=0.15)),
    ("tax_fee_cut", "减税降费", "tax and fee cuts", "100 million yuan", "higher", None, "economy", "sum", None, True, DOC,
     Recipe(total2016=5.2, total2017=8.0, decimals=3)),
    ("market_entities_new", "新增市场主体", "new market entities", "entities", "higher", None, "economy", "sum", None, True, DOC,
     Recipe(total2016=18569, total2017=27000, decimals=0)),
    ("fees_cancelled", "取消和停征行政事业性收费项目", "administrative fees cancelled or suspended", "items", "higher", None, "economy", "sum", None, True, DOC,
     Recipe(total2016=21, total2017=34, decimals=0)),
    ("approval_items_investment", "投资报建审批事项", "investment-construction approval items", "items", "lower", None, "approval", "december", 35.0, True, DOC,
     Recipe(start=43, dec2016=43, dec2017=35, decimals=0, spread=0.10)),
    ("approvals_cancelled", "新取消行政审批项目", "approval items newly cancelled", "items", "higher", None, "approval", "sum", None, True, DOC,
     Recipe(total2016=17, total2017=26, decimals=0)),
    ("online_approved_projects", "在线受理审批项目", "projects approved on the online platform", "projects", "higher", None, "approval", "sum", None, True, DOC,
     Recipe(total2016=318, total2017=506, decimals=0)),
    ("assoc_decoupled_rate", "行业协会商会脱钩率", "trade associations decoupled from agencies", "%", "higher", None, "approval", "december", 100.0, True, DOC,
     Recipe(start=12.0, dec2016=41.0, dec2017=100.0, spread=0.0, hi=100)),
    ("judge_quota_ratio", "首批入额法官比例", "first-round quota judges, share of staff", "%", "band", (30.0, 39.0), "staffing", "december", None, True,
     DOC + "; band's lower edge 30 % is a " + CHOICE, Recipe(start=36.3, dec2016=36.3, dec2017=36.3, spread=0.09, hi=45, parks=False)),
    ("prosecutor_quota_ratio", "首批入额检察官比例", "first-round quota prosecutors, share of staff", "%", "band", (30.0, 39.0), "staffing", "december", None, True,
     DOC + "; band's lower edge 30 % is a " + CHOICE, Recipe(start=32.8, dec2016=32.8, dec2017=32.8, spread=0.10, hi=45, parks=False)),
    ("reform_office_staff", "改革办专职人员", "full-time staff per county-level reform office", "persons", "band", (3.0, 5.0), "staffing", "december", None, True,
     DOC + "; the city row is the mean over the county-level offices", Recipe(start=2.6, dec2016=3.4, dec2017=4.0, spread=0.2, decimals=0, lo=1)),
    ("legal_centre_rate", "县级公共法律服务中心建成率", "county public legal service centres built", "%", "higher", None, "legal", "december", 100.0, True, DOC,
     Recipe(start=40.0, dec2016=80.0, dec2017=100.0, spread=0.0, hi=100)),
    ("legal_station_rate", "乡镇公共法律服务工作站建成率", "township public legal service stations built", "%", "higher", None, "legal", "december", 95.0, True, DOC,
     Recipe(start=52.0, dec2016=74.0, dec2017=95.0, spread=0.05, hi=100)),
    ("legal_point_rate", "村（社区）公共法律服务工作点建成率", "village public legal service points built", "%", "higher", None, "legal", "december", 90.0, True, DOC,
     Recipe(start=38.0, dec2016=63.0, dec2017=90.0, spread=0.07, hi=100)),
    ("petition_legal_share", "进京非访中涉法涉诉占比", "law-related share of unauthorised petitions in Beijing", "%", "lower", None, "legal", "december", 30.0, True, DOC,
     Recipe(start=53.0, dec2016=36.0, dec2017=22.0, spread=0.15, hi=100)),
    ("party_coverage_nonpublic", "非公党组织覆盖率", "party-organisation coverage of non-public firms", "%", "higher", None, "party", "december", 85.0, True, DOC,
     Recipe(start=81.0, dec2016=84.6, dec2017=89.4, spread=0.05, hi=100)),
    ("party_coverage_social", "社会党组织覆盖率", "party-organisation coverage of social organisations", "%", "higher", None, "party", "december", 65.0, True, DOC,
     Recipe(start=55.0, dec2016=61.3, dec2017=69.9, spread=0.08, hi=100)),
    ("graduate_retention_rate", "高校毕业生留潭率", "college-graduate retention rate", "%", "higher", None, "social", "december", 30.0, True, DOC,
     Recipe(start=27.0, dec2016=27.8, dec2017=31.8, spread=0.10, hi=100)),
    ("kindergartens_new", "新建公办幼儿园", "new public kindergartens", "kindergartens", "higher", None, "social", "sum", None, True, DOC,
     Recipe(total2016=4, total2017=7, decimals=0)),
    ("schools_upgraded", "改扩建义务教育薄弱学校", "upgraded weak compulsory-education schools", "schools", "higher", None, "social", "sum", None, True, DOC,
     Recipe(total2016=61, total2017=99, decimals=0)),
    ("school_places_new", "新增城区优质学位", "new urban school places", "places", "higher", None, "social", "sum", None, True, DOC,
     Recipe(total2016=6800, total2017=10700, decimals=0)),
    ("river_chief_plan_rate", "河长制工作方案出台率", "river-chief plans issued", "%", "higher", None, "ecology", "december", 100.0, True, DOC,
     Recipe(start=0.0, dec2016=10.0, dec2017=100.0, spread=0.0, hi=100)),
]


def indicators_table() -> pd.DataFrame:
    rows = []
    for code, zh, en, mu, direction, band, family, annual, target, in_doc, source, _ in INDICATORS:
        rows.append(dict(indicator=code, name_zh=zh, name_en=en, measure_unit=mu, direction=direction,
                         band_low=band[0] if band else None, band_high=band[1] if band else None,
                         family=family, annual=annual, target=target, in_document=in_doc,
                         source=source if target is None or code in ("approval_items_investment",) else f"{source}; target: {CHOICE}",
                         # plausible range (empty: 0 to 100 for %, >= 0 otherwise); a government debt ratio may pass 100 %
                         valid_min=None, valid_max=300.0 if code == "gov_debt_ratio" else None))
    return pd.DataFrame(rows)


RECIPES: dict[str, Recipe] = {row[0]: row[-1] for row in INDICATORS}
ANNUAL: dict[str, str] = {row[0]: row[7] for row in INDICATORS}
