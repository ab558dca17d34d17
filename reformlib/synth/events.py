"""Synthetic inspections, pilots, recognitions and qualitative ratings.

Counts follow the document: 5 inspections received from above and 4 run locally with 89
problems ordered fixed; 25 national and 30 provincial pilots of which 12 became models
(the six the document names among them, under their own names and units), and 132 reforms
the counties and parks launched themselves; recognitions the document mentions (Xinhua,
the provincial reform brief, the provincial general office, ...) plus synthetic ones.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from reformlib.synth.catalogue import INDICATORS, SUB_UNITS, TERRITORIAL

INSPECTIONS = [
    ("I1", "中央农业转移人口市民化改革政策落实情况督察", "upper"), ("I2", "省委改革办试点清理督察", "upper"),
    ("I3", "省委改革办重点改革任务督察", "upper"), ("I4", "省司法体制改革督察", "upper"), ("I5", "省生态文明体制改革督察", "upper"),
    ("I6", "市委中期督察", "local"), ("I7", "户籍制度改革督察", "local"), ("I8", "文化体制改革专项督察", "local"),
    ("I9", "生态文明改革专项督察", "local"),
]
#: Each inspection's name in English, for English outputs (``inspection_en``).
INSPECTION_EN = {
    "I1": "central inspection of the policies granting migrant farmers urban residency",
    "I2": "provincial reform office's inspection of the pilot clean-up",
    "I3": "provincial reform office's inspection of key reform tasks",
    "I4": "provincial inspection of judicial reform", "I5": "provincial inspection of ecological civilisation reform",
    "I6": "municipal party committee's mid-term inspection", "I7": "inspection of household registration reform",
    "I8": "special inspection of cultural system reform", "I9": "special inspection of ecological civilisation reform",
}
INSPECTION_MONTH = {"I1": 3, "I2": 5, "I3": 8, "I4": 6, "I5": 10, "I6": 7, "I7": 4, "I8": 9, "I9": 11}

#: pilot_id, name_zh, name_en, level, unit, became_model, target indicators (named in the document)
NAMED_PILOTS = [
    ("N001", "城市公立医院综合改革", "public-hospital reform", "national", "430300", True, None),
    ("N002", "全域医养结合", "city-wide medical and elderly care", "national", "430300", True, None),
    ("N003", "推进新型城镇化长株潭城市群", "Changsha-Zhuzhou-Xiangtan urbanisation", "national", "430300", True, "housing_destock_months"),
    ("P001", "湘潭县相对集中行政处罚权", "Xiangtan County relatively centralised administrative penalty power", "provincial", "430321", True, "approval_items_investment"),
    ("P002", "湘乡市深化供销合作社综合改革", "Xiangxiang supply-and-marketing co-operative reform", "provincial", "430381", True, "land_coop_enrolment"),
    ("P003", "韶山市绿色GDP评价体系改革", "Shaoshan green-GDP evaluation", "provincial", "430382", True, "river_chief_plan_rate"),
    ("P004", "湘潭经开区相对集中行政许可权改革", "Xiangtan ETDZ relatively centralised licensing power", "provincial", "xtjk", False, "online_approved_projects"),
    ("P005", "雨湖区法律服务征地征拆矛盾多元化解", "Yuhu legal services in land acquisition disputes", "provincial", "430302", False, "petition_legal_share"),
    ("N004", "城市双修试点", "urban repair and ecological restoration pilot", "national", "430300", False, None),
    ("N005", "湘潭经开区增量配电改革", "Xiangtan ETDZ incremental power distribution", "national", "xtjk", False, "tax_fee_cut"),
]
#: The document's recognitions: unit, level, month, description.
NAMED_RECOGNITIONS = [
    ("430321", "national_media", 6, "湘潭县“扩权强镇”委托执法调查被新华网推介"),
    ("430381", "provincial_brief", 7, "湘乡市分级诊疗改革试点在省委改革简报刊发"),
    ("430382", "provincial_leader", 9, "韶山市旅游管理体制和执法机制改革被省委办公厅专题推介"),
    ("430302", "provincial_leader", 8, "雨湖区法律服务征地征拆做法得到省政法委书记肯定"),
    ("430304", "ministry", 11, "岳塘区“绿心”保护发展模式在长株潭“两型”社会建设十周年改革观摩会推介"),
]
UNIT_CODES = [u[0] for u in TERRITORIAL]
_TARGETABLE = [row[0] for row in INDICATORS if row[0] not in ("reform_office_staff", "land_coop_villages")]


def build_inspections(quality: dict[str, float], rng: np.random.Generator) -> pd.DataFrame:
    """89 problems over 9 inspections; weaker units get more problems and fix them later."""
    per = rng.multinomial(89 - 9, np.full(9, 1 / 9)) + 1
    w = np.exp(-0.5 * np.array([quality[u] for u in UNIT_CODES]))
    rows, n = [], 0
    for (iid, name, level), k in zip(INSPECTIONS, per):
        found0 = pd.Timestamp(2017, INSPECTION_MONTH[iid], 10)
        for _ in range(k):
            n += 1
            unit = UNIT_CODES[rng.choice(len(UNIT_CODES), p=w / w.sum())]
            found = found0 + pd.Timedelta(days=int(rng.integers(0, 15)))
            due = found + pd.Timedelta(days=int(rng.choice([30, 60, 90])))
            days = rng.gamma(2.0, 30 * np.exp(-0.3 * quality[unit]))
            fixed = found + pd.Timedelta(days=int(days) + 5)
            rows.append(dict(problem_id=f"P{n:03d}", inspection_id=iid, inspection_zh=name,
                             inspection_en=INSPECTION_EN[iid], inspection_level=level,
                             unit=unit, category=f"C{int(rng.integers(1, 10))}", found_on=found, due_on=due,
                             rectified_on=fixed if fixed <= pd.Timestamp("2017-12-31") else pd.NaT))
    return pd.DataFrame(rows).assign(synthetic=True)


def build_pilots(quality: dict[str, float], rng: np.random.Generator) -> pd.DataFrame:
    """25 national, 30 provincial (12 models in all), 132 local reforms."""
    rows = []
    for pid, zh, en, level, unit, model, targets in NAMED_PILOTS:
        rows.append(dict(pilot_id=pid, name_zh=zh, name_en=en, level=level, unit=unit, became_model=model,
                         named_in_document=True, target_indicators=targets))
    counts = {"national": 25, "provincial": 30, "local": 132}
    prefix = {"national": "N", "provincial": "P", "local": "L"}
    zh_level = {"national": "国家级", "provincial": "省级", "local": "自主"}
    used = set()
    for level, total in counts.items():
        have = sum(r["level"] == level for r in rows)
        for i in range(have + 1, total + 1):
            unit = UNIT_CODES[int(rng.integers(len(UNIT_CODES)))] if level != "local" else SUB_UNITS[int(rng.integers(len(SUB_UNITS)))]
            target = None
            if rng.random() < (0.5 if level != "local" else 0.3):
                code = _TARGETABLE[int(rng.integers(len(_TARGETABLE)))]
                if (unit, code) not in used:
                    used.add((unit, code))
                    target = code
            rows.append(dict(pilot_id=f"{prefix[level]}{i:03d}", name_zh=f"{zh_level[level]}改革试点{prefix[level]}{i:03d}（合成）",
                             name_en=f"{level} reform pilot {prefix[level]}{i:03d} (synthetic)", level=level, unit=unit,
                             became_model=False, named_in_document=False, target_indicators=target))
    pilots = pd.DataFrame(rows)
    others = pilots.index[(pilots["level"] != "local") & ~pilots["named_in_document"]]
    pilots.loc[rng.choice(others, 12 - int(pilots["became_model"].sum()), replace=False), "became_model"] = True
    start_days = rng.integers(0, 640, len(pilots))
    pilots["start"] = pd.Timestamp("2016-03-01") + pd.to_timedelta(start_days, unit="D")
    pilots["start"] = pilots["start"].dt.to_period("M").dt.start_time
    model_on = pilots["start"] + pd.to_timedelta(rng.integers(120, 400, len(pilots)), unit="D")
    pilots["model_on"] = model_on.where(pilots["became_model"]).clip(upper=pd.Timestamp("2017-12-31"))
    pilots.loc[pilots["became_model"] & (pilots["start"] > pd.Timestamp("2017-09-01")), "start"] = pd.Timestamp("2016-09-01")
    pilots["model_on"] = pilots["model_on"].where(~pilots["became_model"] | (pilots["model_on"] > pilots["start"]),
                                                  pilots["start"] + pd.Timedelta(days=180))
    return pilots.assign(synthetic=True)


def build_recognitions(quality: dict[str, float], pilots: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The document's recognitions, one per pilot that became a model, and synthetic others."""
    rows = [dict(unit=u, level=lv, date=pd.Timestamp(2017, m, 15), description_zh=d) for u, lv, m, d in NAMED_RECOGNITIONS]
    for p in pilots[pilots["became_model"]].itertuples():
        rows.append(dict(unit=p.unit, level="pilot_model", date=p.model_on, description_zh=f"{p.name_zh}形成示范"))
    levels = ["national_media", "ministry", "provincial_leader", "provincial_brief"]
    for unit in UNIT_CODES:
        for _ in range(rng.poisson(np.exp(0.6 + 0.5 * quality[unit]))):
            lv = levels[rng.choice(4, p=[0.15, 0.15, 0.25, 0.45])]
            rows.append(dict(unit=unit, level=lv, date=pd.Timestamp(2017, int(rng.integers(1, 13)), 20),
                             description_zh="改革经验获推介（合成）"))
    rec = pd.DataFrame(rows).sort_values(["date", "unit"]).reset_index(drop=True)
    rec.insert(0, "recognition_id", [f"R{i + 1:03d}" for i in range(len(rec))])
    return rec.assign(synthetic=True)


def build_ratings(quality: dict[str, float], rng: np.random.Generator) -> pd.DataFrame:
    """Year-end grades by rater group: self (lenient), peers, leaders, public."""
    grades = np.array(["poor", "fair", "good", "excellent"])
    raters = {"self": (1, 0.8), "peer": (8, 0.0), "leader": (5, 0.1), "public": (20, -0.2)}
    rows = []
    for unit in UNIT_CODES:
        for group, (n, lenient) in raters.items():
            latent = 1.6 + 0.7 * quality[unit] + lenient + rng.normal(0, 0.7, n)
            for i, x in enumerate(np.clip(np.round(latent), 0, 3).astype(int)):
                rows.append(dict(unit=unit, rater_group=group, rater_id=f"{group[:2]}{i + 1:02d}", grade=grades[x]))
    return pd.DataFrame(rows).assign(synthetic=True)
