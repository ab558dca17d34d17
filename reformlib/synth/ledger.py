"""Synthetic task ledger, monthly progress reports and reform documents.

Counts follow the document: 213 tasks in 9 categories and 35 sub-categories, 19 key tasks,
6 led by the party secretary and the mayor, 32 by special-group leaders, 5 by each county,
district and park head, 2-3 by each department head (the rest by division heads); 121
documents, 74 of them issued six months early and 31 reviewed by the leading group.
The category names are a modelling choice consistent with the document.

How delays arise (so an early-warning model has something real to learn). Two things
make a task late, one visible in its reports and one only in the ledger's own columns:

1. Pace. Each task has a latent risk

       risk = -1.0 + 0.06 * (tasks led by its lead unit - 7) + 0.6 * difficulty[category]
              - 0.6 * key_task - 0.4 * (led by the party secretary or the mayor)
              - 0.6 * quality[lead unit] + 0.6 * (deadline within 5 months of the start)
              + noise(sd 0.8);

   its actual duration is the planned one times exp(0.4 * risk), and risky tasks make slow
   early progress (back-loaded curve, exponent 1 + 0.35 * risk). Extrapolating the
   reports catches these.
2. The last mile. A task whose result must be signed off (a document or a mechanism) can
   stall at 90 % waiting for review; the chance of a stall is

       logistic(-2.2 + 2.2 * difficulty[category] + 1.8 * (document or mechanism)
                + 0.15 * (tasks led by its lead unit - 7) - 1.6 * key_task
                - 1.3 * (led by the party secretary or the mayor)),

   and a stall lasts 2 + Poisson(1.2) months. Nothing in the early reports shows it; the
   category, completion form, workload and leadership of the task do.

About 30 % of the tasks end late. Reports are cumulative percentages rounded to 5,
from the start month until 100 or December 2017.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from reformlib.synth.catalogue import DEPARTMENTS, SUB_UNITS

#: code, zh, en, difficulty, [(sub-category zh, en), ...], number of tasks
CATEGORIES = [
    ("C1", "经济体制和财税金融", "economy, finance and state-owned enterprises", 0.3, [
        ("供给侧结构性改革", "supply-side structural reform"), ("财税体制改革", "fiscal and tax reform"),
        ("投融资体制改革", "investment and financing reform"), ("金融改革", "financial reform"),
        ("国资国企改革", "state-owned enterprise reform"), ("房地产去库存", "housing destocking")], 40),
    ("C2", "园区系统性改革", "industrial parks", 0.4, [
        ("园区管理体制", "park governance"), ("增量配电改革", "incremental power distribution"),
        ("自主创新示范区", "innovation demonstration zone")], 18),
    ("C3", "放管服和行政审批", "administrative approval (streamlining, delegation and services)", 0.0, [
        ("简政放权", "streamlining administration"), ("商事制度改革", "business registration"),
        ("行业协会商会脱钩", "decoupling trade associations"), ("事业单位改革", "public institutions")], 26),
    ("C4", "农村综合改革", "rural reform", 0.2, [
        ("农村土地制度", "rural land system"), ("涉农资金整合", "agricultural funds"),
        ("精准脱贫", "poverty alleviation"), ("供销合作社", "supply and marketing co-operatives")], 24),
    ("C5", "司法体制和法治建设", "judicial and rule of law", 0.1, [
        ("司法责任制", "judicial responsibility"), ("员额制改革", "quota system"),
        ("地方立法", "local legislation"), ("公共法律服务", "public legal services"),
        ("涉法涉诉信访", "law-related petitions")], 30),
    ("C6", "生态文明体制改革", "ecological civilisation", 0.5, [
        ("环境治理模式", "environmental governance"), ("河长制", "river chiefs"),
        ("绿色GDP评价", "green-GDP evaluation"), ("新型城镇化", "new urbanisation")], 20),
    ("C7", "社会事业和社会治理", "social services and governance", 0.2, [
        ("教育改革", "education"), ("医药卫生改革", "health care"),
        ("社会保障", "social security"), ("社会治理", "social governance")], 26),
    ("C8", "文化体制改革", "culture", -0.2, [
        ("文化资产管理", "cultural assets"), ("公共文化服务", "public cultural services")], 9),
    ("C9", "党的建设、纪检监察和群团改革", "party building, discipline and mass organisations", -0.3, [
        ("基层党建和人才", "grassroots party building and talent"), ("纪检监察体制", "discipline and supervision"),
        ("群团改革", "mass organisations")], 20),
]
FORMS = ["document", "mechanism", "project", "pilot", "report"]
FORM_ZH = {"document": "出台文件", "mechanism": "建立机制", "project": "完成项目", "pilot": "开展试点", "report": "形成报告"}
FORM_EN = {"document": "issue a document", "mechanism": "set up a mechanism", "project": "complete a project",
           "pilot": "run a pilot", "report": "deliver a report"}


def _month_end(year: int, month: int) -> pd.Timestamp:
    return pd.Period(f"{year}-{month:02d}", "M").end_time.normalize()


def build_tasks(quality: dict[str, float], rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """The 213-task ledger, and per task its latent pace risk and stall probability
    (an n x 2 array, not written to disk)."""
    dept_by_cat = {}
    for code, _, _, cat in DEPARTMENTS:
        dept_by_cat.setdefault(cat, []).append(code)
    rows = []
    n = 0
    for cat, czh, cen, _, subs, count in CATEGORIES:
        sub_idx = np.concatenate([np.arange(len(subs)), rng.integers(0, len(subs), count - len(subs))])
        rng.shuffle(sub_idx)
        # Departments in turn, some of them twice per round, so workloads differ but none is idle.
        depts = list(dept_by_cat[cat])
        cycle = depts + list(rng.choice(depts, max(1, len(depts) // 2), replace=False))
        rng.shuffle(cycle)
        for j, k in enumerate(sub_idx):
            n += 1
            szh, sen = subs[k]
            form = FORMS[rng.choice(5, p=[0.35, 0.3, 0.15, 0.1, 0.1])]
            rows.append(dict(task_id=f"T{n:03d}", category=cat, category_zh=czh, category_en=cen,
                             subcategory=f"{cat}.{k + 1}", subcategory_zh=szh, subcategory_en=sen,
                             completion_form=form, lead_unit=cycle[j % len(cycle)]))
    tasks = pd.DataFrame(rows)
    # Leader levels: 5 tasks per county-level head (taken from departments with more than
    # four tasks), 2-3 per department head, then 3 + 3 for the secretary and the mayor and
    # 32 for group leaders among the rest; division heads lead what remains.
    level = np.array(["division_head"] * len(tasks), dtype=object)
    order = list(rng.permutation(len(tasks)))
    for unit in SUB_UNITS:
        for _ in range(5):
            i = next(i for i in order if level[i] == "division_head" and (tasks["lead_unit"] == tasks.at[i, "lead_unit"]).sum() > 4
                     and tasks.at[i, "lead_unit"] not in SUB_UNITS)
            level[i] = "county_head"
            tasks.loc[i, "lead_unit"] = unit
    for dept in [d[0] for d in DEPARTMENTS]:
        own = [i for i in order if tasks.at[i, "lead_unit"] == dept]
        level[own[: int(rng.integers(2, 4))]] = "unit_head"
    rest = [i for i in order if level[i] == "division_head"]
    level[rest[:3]], level[rest[3:6]], level[rest[6:38]] = "party_secretary", "mayor", "group_leader"
    tasks["leader_level"] = level
    key = np.zeros(len(tasks), dtype=bool)
    key[rng.choice(len(tasks), 19, replace=False)] = True
    tasks["key_task"] = key
    start_month = rng.choice([1, 1, 1, 2, 2, 3, 3, 4, 5, 6], len(tasks))
    length = rng.choice([3, 4, 5, 6, 7, 8, 9, 10, 11], len(tasks), p=[.06, .08, .12, .16, .12, .12, .12, .1, .12])
    end_month = np.minimum(start_month + length, 12)
    tasks["start"] = [pd.Timestamp(2017, m, 1) for m in start_month]
    tasks["deadline"] = [_month_end(2017, m) for m in end_month]
    tasks["title_zh"] = [f"{r.subcategory_zh}：{FORM_ZH[r.completion_form]}（{r.task_id}）" for r in tasks.itertuples()]
    tasks["title_en"] = [f"{r.subcategory_en}: {FORM_EN[r.completion_form]} ({r.task_id})" for r in tasks.itertuples()]
    tasks["target_zh"] = [f"{_month_end(2017, m).month}月底前{FORM_ZH[r.completion_form]}" for m, r in zip(end_month, tasks.itertuples())]
    tasks["responsible"] = [f"{r.lead_unit}-{'主要负责人' if r.leader_level in ('county_head', 'unit_head') else '分管负责人'}"
                            for r in tasks.itertuples()]
    workload = tasks.groupby("lead_unit")["task_id"].transform("count").to_numpy()
    difficulty = tasks["category"].map({c[0]: c[3] for c in CATEGORIES}).to_numpy()
    lead_quality = tasks["lead_unit"].map(lambda u: quality.get(u, 0.0)).to_numpy()
    top = np.isin(level, ["party_secretary", "mayor"])
    risk = (-1.0 + 0.06 * (workload - 7) + 0.6 * difficulty - 0.6 * key - 0.4 * top
            - 0.6 * lead_quality + 0.6 * (end_month - start_month <= 5) + rng.normal(0, 0.8, len(tasks)))
    signoff = tasks["completion_form"].isin(["document", "mechanism"]).to_numpy()
    stall = -2.2 + 2.2 * difficulty + 1.8 * signoff + 0.15 * (workload - 7) - 1.6 * key - 1.3 * top
    stall_p = 1 / (1 + np.exp(-stall))
    return tasks.assign(synthetic=True), np.column_stack([risk, stall_p])


def build_progress(tasks: pd.DataFrame, risk: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Monthly cumulative progress reports, 2017-01 to 2017-12 (``risk`` from :func:`build_tasks`)."""
    rows = []
    for t, (r, stall_p) in zip(tasks.itertuples(), risk):
        s = t.start.month
        planned = t.deadline.month - s + 1
        actual = planned * np.exp(0.4 * r + rng.normal(0, 0.1))
        shape = max(0.6, 1 + 0.35 * r)
        wait = 2 + rng.poisson(1.2) if rng.random() < stall_p else 0
        last, held = 0.0, 0
        for m in range(s, 13):
            frac = min(1.0, (m - s + 1 - held) / actual) ** shape
            value = 100.0 if frac >= 0.999 else min(95.0, 5 * round(20 * frac + rng.normal(0, 0.5)))
            if value >= 90 and held < wait:
                value, held = 90.0, held + 1
            last = max(last, value, 0.0)
            rows.append((t.task_id, pd.Period(f"2017-{m:02d}", "M"), last))
            if last >= 100:
                break
    return pd.DataFrame(rows, columns=["task_id", "period", "progress"]).assign(synthetic=True)


def build_documents(tasks: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """121 reform documents matching central ones: 74 issued at least six months early, 31 reviewed."""
    n = 121
    due = [_month_end(int(y), int(m)) for y, m in zip(rng.choice([2017, 2018], n, p=[0.45, 0.55]), rng.integers(1, 13, n))]
    issued = []
    early = np.zeros(n, dtype=bool)
    early[rng.choice(n, 74, replace=False)] = True
    for d, e in zip(due, early):
        if e:
            lead = int(rng.integers(190, 330))
        else:
            lead = int(rng.integers(-40, 176))
        day = d - pd.Timedelta(days=lead)
        issued.append(day if day <= pd.Timestamp("2017-12-31") else pd.NaT)
    issued = pd.Series(issued, dtype="datetime64[ns]")
    # An issued document six months early must fall inside 2017; re-draw the due date if not.
    for i in np.flatnonzero(early & issued.isna().to_numpy()):
        issued[i] = pd.Timestamp("2017-01-15") + pd.Timedelta(days=int(rng.integers(0, 300)))
        due[i] = _month_end((issued[i] + pd.DateOffset(months=8)).year, (issued[i] + pd.DateOffset(months=8)).month)
    reviewed = np.zeros(n, dtype=bool)
    reviewed[rng.choice(np.flatnonzero(issued.notna().to_numpy()), 31, replace=False)] = True
    leads = rng.choice(tasks["lead_unit"].unique(), n)
    return pd.DataFrame(dict(
        doc_id=[f"D{i + 1:03d}" for i in range(n)],
        title_zh=[f"关于{tasks['subcategory_zh'].iloc[int(rng.integers(len(tasks)))]}的实施意见（D{i + 1:03d}）" for i in range(n)],
        lead_unit=leads, due=due, issued_on=issued, reviewed_by_group=reviewed,
        internal_review=reviewed | (rng.random(n) < 0.5), synthetic=True))
