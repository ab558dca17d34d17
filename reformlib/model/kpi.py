"""Model step 7: the key-indicator rubric (关键指标法) - points, bonuses, deductions, vetoes, grades.

The common practice of Chinese performance evaluation, kept as data (``rubric.csv``,
``grades.csv``): a base of 100 points split over items; ``completion`` items pay points in
proportion to achievement against a target (capped per item); ``schedule`` items pay for
tasks on their time schedule (:func:`reformlib.tasks.ledger.task_status`); ``deduction`` items
lose points per occurrence down to a floor (扣完为止); ``bonus`` items add points per
recognition with a cap per item and in total (加分, may lift a score above 100); ``veto``
items (一票否决) cap the grade or remove a unit from the ranking. Items that do not apply
to a unit (no target indicator, no task due) are left out and the base is rescaled pro rata.

Two steps, both pure: :func:`kpi_measures` turns the ledgers into one long table of
measures (unit, basis, value, count, detail), and :func:`score_rubric` turns measures into
a ledger of points, one row per point gained or lost and why, and a summary per unit.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from reformlib.data.periods import period_window
from reformlib.data.task_status import task_status
from reformlib.errors import SpecError

__all__ = ["MEASURE_COLUMNS", "LEDGER_COLUMNS", "task_units", "kpi_measures",
           "score_rubric", "assign_grades", "lost_points"]

MEASURE_COLUMNS = ["unit", "basis", "value", "count", "detail_zh", "detail_en"]
LEDGER_COLUMNS = ["unit", "item", "kind", "basis", "value", "count", "max_points", "points", "capped",
                  "applicable", "reason_zh", "reason_en"]




def task_units(tasks: pd.DataFrame, units: pd.DataFrame, evaluated: Sequence[str]) -> pd.Series:
    """The evaluated unit answerable for each task: its lead unit, or the lead unit's parent
    when the lead unit is not evaluated itself (city departments answer to the city)."""
    parent = dict(zip(units["unit"], units["parent"]))
    ev = set(evaluated)
    owner = [u if u in ev else (parent.get(u) if parent.get(u) in ev else None) for u in tasks["lead_unit"]]
    return pd.Series(owner, index=tasks["task_id"].to_numpy(), name="unit", dtype=object)


def _rows(units: Sequence[str], basis: str, value, count, zh, en) -> dict[str, np.ndarray]:
    """One basis's measures of ``units`` (column -> array, as a frame of them holds them)."""
    value = np.asarray(value, dtype=float)
    return {"unit": pd.Index(units).to_numpy(), "basis": _repeat(basis, len(units)),
            "value": np.full(len(units), value) if value.ndim == 0 else value,
            "count": np.asarray(count, dtype=float), "detail_zh": np.asarray(zh, dtype=object),
            "detail_en": np.asarray(en, dtype=object)}


def _unit_counts(owner: Sequence, units: Sequence[str], flags: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """For each of ``flags`` (one bool per row), how many flagged rows each of ``units`` has,
    ``owner`` giving each row's unit (None: no unit): a groupby sum reindexed to ``units``."""
    codes, uniques = pd.factorize(np.asarray(owner, dtype=object))
    at = pd.Index(uniques).get_indexer(units)
    at = np.where(at >= 0, at, len(uniques))  # a unit without rows reads the 0 appended below
    return {name: np.append(np.bincount(codes[(codes >= 0) & flag], minlength=len(uniques)), 0)[at]
            for name, flag in flags.items()}


def _task_measures(tasks, progress, owner, units, month, tolerance) -> list[dict[str, np.ndarray]]:
    status = task_status(tasks, progress, month, tolerance=tolerance)
    done = progress[progress["progress"] >= 100].groupby("task_id")["period"].min()
    finished = tasks["task_id"].map(done).to_numpy()
    deadline = tasks["deadline"].dt.to_period("M").to_numpy()
    due = deadline <= month
    complete = np.array([pd.notna(f) and f <= month for f in finished], dtype=bool)
    on_time = np.array([pd.notna(f) and f <= d for f, d in zip(finished, deadline)], dtype=bool)
    flags = {"due": due, "complete": complete & due, "missed": due & ~on_time,
             "started": (status["status"] != "not_started").to_numpy(),
             "good": status["status"].isin(["on_schedule", "completed"]).to_numpy()}
    key = status["key_task"].to_numpy(dtype=bool)
    out = []
    for basis, rows in (("tasks", np.ones(len(key), bool)), ("key_tasks", key)):
        g = _unit_counts(owner, units, {k: v & rows for k, v in flags.items()})
        out.append(_rows(units, basis, g["complete"] / np.where(g["due"] > 0, g["due"], np.nan), g["due"],
                         [f"到期任务{d}项，已完成{c}项" for d, c in zip(g["due"], g["complete"])],
                         [f"{_count(d, 'task')} due, {c} complete" for d, c in zip(g["due"], g["complete"])]))
        out.append(_rows(units, f"schedule:{basis}", g["good"] / np.where(g["started"] > 0, g["started"], np.nan),
                         g["started"], [f"已启动任务{s}项，按进度或已完成{k}项" for s, k in zip(g["started"], g["good"])],
                         [f"{_count(s, 'task')} started, {k} on schedule or complete" for s, k in zip(g["started"], g["good"])]))
        name = "overdue_tasks" if basis == "tasks" else "overdue_key_tasks"
        out.append(_rows(units, name, np.nan, g["missed"], [f"未按期完成任务{m}项" for m in g["missed"]],
                         [f"{_count(m, 'task')} missed {'its' if m == 1 else 'their'} deadline" for m in g["missed"]]))
    return out


def _count(n: int, word: str) -> str:
    """An English count with its noun in the number it takes: 1 task, 2 tasks, 0 tasks."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def kpi_measures(
    units: Sequence[str],
    *,
    period: str,
    unit_table: pd.DataFrame,
    tasks: pd.DataFrame,
    progress: pd.DataFrame,
    inspections: pd.DataFrame,
    recognitions: pd.DataFrame,
    vetoes: pd.DataFrame,
    tolerance: float = 10.0,
) -> pd.DataFrame:
    """Measures of every unit for the period (from January of its year to its last day).

    Bases: ``tasks`` / ``key_tasks`` (value = share of tasks due by the end of the period that
    are complete; NaN when none is due), ``schedule:tasks`` / ``schedule:key_tasks`` (share of
    started tasks on schedule or complete), ``overdue_tasks`` / ``overdue_key_tasks`` (count of
    due tasks not completed by their deadline month), ``open_problems`` (inspection problems
    found and not rectified by the end), ``overdue_problems`` (of them, past their due date),
    each recognition level (count in the period) and ``veto:<item>`` (veto events).
    """
    start, end, month = period_window(period)
    units = list(units)
    owner = task_units(tasks, unit_table, units)
    out = _task_measures(tasks, progress, owner, units, month, tolerance)
    found = inspections[inspections["found_on"] <= end]
    is_open = (found["rectified_on"].isna() | (found["rectified_on"] > end)).to_numpy()
    problems = _unit_counts(found["unit"], units, {"open_problems": is_open,
                                                   "overdue_problems": is_open & (found["due_on"] < end).to_numpy()})
    for basis, n in problems.items():
        out.append(_rows(units, basis, np.nan, n, [f"督察问题未整改{k}个" for k in n],
                         [f"{_count(k, 'inspection problem')} open" for k in n]))
    rec = recognitions[(recognitions["date"] >= start) & (recognitions["date"] <= end)]
    level, levels = pd.factorize(rec["level"], sort=True)  # the levels in the order groupby gives them
    for basis, n in _unit_counts(rec["unit"], units, {v: level == i for i, v in enumerate(levels)}).items():
        out.append(_rows(units, basis, np.nan, n, [f"获{k}次" for k in n], [_count(k, "time") for k in n]))
    vet = vetoes[(vetoes["date"] >= start) & (vetoes["date"] <= end)]
    for item, sub in vet.groupby("item"):
        # each event with its date, as the grade beside it must say which event capped it
        sub = sub.assign(reason_zh=[f"{d.year}年{d.month}月{d.day}日{r}" for d, r in zip(sub["date"], sub["reason_zh"])],
                         reason_en=[f"{d:%Y-%m-%d}: {r}" for d, r in zip(sub["date"], sub["reason_en"])])
        by_unit = sub.groupby("unit")
        reasons = pd.DataFrame({"reason_zh": by_unit["reason_zh"].agg("；".join),
                                "reason_en": by_unit["reason_en"].agg("; ".join)}).reindex(units)
        n = sub.groupby("unit").size().reindex(units, fill_value=0)
        out.append(_rows(units, f"veto:{item}", np.nan, n, reasons["reason_zh"].fillna(""), reasons["reason_en"].fillna("")))
    return _concat_rows(out)[MEASURE_COLUMNS]


#: What score_rubric reads for a unit without a measure (a missing count or detail reads the same).
_NO_MEASURE = {"value": np.nan, "count": 0.0, "detail_zh": "", "detail_en": ""}


def _lookups(measures: pd.DataFrame, bases: Sequence[str], units: Sequence[str]) -> dict[str, dict | None]:
    """The measures of each of ``bases`` for ``units``, read from ``measures`` in one pass: per
    basis a dict of arrays ``unit`` (an Index), ``value``, ``count``, ``detail_zh`` and
    ``detail_en`` in unit order (:data:`_NO_MEASURE` where a unit has none); ``None`` for a
    basis with more than one row for some unit, which :func:`score_rubric` refuses when an
    item uses it."""
    index = pd.Index(list(units))
    sub = measures[measures["basis"].isin(set(bases))]
    doubled = set(sub.loc[sub.duplicated(["basis", "unit"]), "basis"])
    columns = {c: (sub[c] if c == "value" else sub[c].fillna(fill)).to_numpy()
               for c, fill in _NO_MEASURE.items() if c in sub.columns}
    rows = sub.groupby("basis", sort=False).indices
    out: dict[str, dict | None] = {}
    for basis in dict.fromkeys(bases):
        if basis in doubled:
            out[basis] = None
        elif basis not in rows:
            out[basis] = {"unit": index, **{c: np.full(len(index), v, dtype=float if c in ("value", "count") else object)
                                            for c, v in _NO_MEASURE.items()}}
        else:
            row_of = dict(zip(sub["unit"].to_numpy()[rows[basis]], rows[basis]))
            at = np.array([row_of.get(u, -1) for u in index], dtype=np.intp)  # each unit's row, or -1
            taken = {c: v[np.maximum(at, 0)] for c, v in columns.items()}
            out[basis] = {"unit": index, **{c: np.where(at >= 0, v, _NO_MEASURE[c]) for c, v in taken.items()}}
    return out


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def _item_rows(rule, m: Mapping[str, Any], grade_names: Mapping[str, tuple[str, str]]) -> dict[str, np.ndarray]:
    """The ledger rows (column -> array) of one rubric item from its measures ``m`` (:func:`_lookups`)."""
    kind = rule.kind
    value, count = np.asarray(m["value"], dtype=float), np.asarray(m["count"], dtype=float)
    applicable = np.ones(len(value), bool)
    if kind in ("completion", "schedule"):
        cap = rule.points if _blank(rule.cap) else rule.cap
        raw = rule.points * np.clip(np.nan_to_num(value, nan=0.0), 0, None)
        applicable = ~np.isnan(value)
        points, capped, top = np.minimum(raw, cap), raw > cap + 1e-12, np.where(applicable, rule.points, 0.0)
        points = np.where(applicable, points, 0.0)
        zh = [f"{d}；完成度{v:.1%}，得{p:.2f}分" + (f"（封顶{cap:g}）" if c else "") if a else f"{d}；不适用，按比例折算"
              for d, v, p, c, a in zip(m["detail_zh"], value, points, capped, applicable)]
        en = [f"{d}; achievement {v:.1%}, {p:.2f} points" + (f" (capped at {cap:g})" if c else "") if a
              else f"{d}; not applicable, base rescaled" for d, v, p, c, a in zip(m["detail_en"], value, points, capped, applicable)]
    elif kind == "deduction":
        floor = 0.0 if _blank(rule.floor) else rule.floor
        raw = rule.points - rule.per_occurrence * count
        points, capped, top = np.maximum(raw, floor), raw < floor - 1e-12, np.full(len(value), rule.points)
        zh = [f"{d}，每个扣{rule.per_occurrence:g}分，扣{rule.points - p:.2f}分" + ("（扣完为止）" if c else "")
              for d, p, c in zip(m["detail_zh"], points, capped)]
        en = [f"{d}, {rule.per_occurrence:g} off each: {rule.points - p:.2f} points lost" + (" (down to the floor)" if c else "")
              for d, p, c in zip(m["detail_en"], points, capped)]
    elif kind == "bonus":
        raw = rule.per_occurrence * count
        points, capped, top = np.minimum(raw, rule.cap), raw > rule.cap + 1e-12, np.zeros(len(value))
        zh = [f"{rule.name_zh}{d}，加{p:.2f}分" + (f"（单项封顶{rule.cap:g}）" if c else "") for d, p, c in zip(m["detail_zh"], points, capped)]
        en = [f"{rule.name_en}: {d}, +{p:.2f} points" + (f" (item cap {rule.cap:g})" if c else "")
              for d, p, c in zip(m["detail_en"], points, capped)]
    else:  # veto
        hit = count > 0
        m, value, count = {k: v[hit] for k, v in m.items()}, value[hit], count[hit]
        points, capped, top = np.zeros(len(value)), np.zeros(len(value), bool), np.zeros(len(value))
        applicable = np.ones(len(value), bool)
        zh_name, en_name = grade_names.get(rule.grade_cap, (rule.grade_cap, rule.grade_cap))
        tail_zh = f"等次最高为{zh_name}" + ("，不参加排名" if rule.unranked else "")
        tail_en = f"grade at most {en_name}" + ("; not ranked" if rule.unranked else "")
        # the rule by name (重大责任事故) and each event with its date (the measures' detail)
        rule_zh, rule_en = str(rule.name_zh).removesuffix("一票否决"), str(rule.name_en).removeprefix("veto: ")
        zh = [f"一票否决（{rule_zh}）：{d}；{tail_zh}" for d in m["detail_zh"]]
        en = [f"veto ({rule_en}): {d}; {tail_en}" for d in m["detail_en"]]
    n = len(value)
    return {"unit": m["unit"].to_numpy(), "item": _repeat(rule.item, n), "kind": _repeat(kind, n),
            "basis": _repeat(rule.basis, n), "value": value, "count": count, "max_points": top, "points": points,
            "capped": capped, "applicable": applicable, "reason_zh": np.array(zh, dtype=object),
            "reason_en": np.array(en, dtype=object)}


def _repeat(x: Any, n: int) -> np.ndarray:
    """``x`` ``n`` times, in the dtype a DataFrame gives a column of one scalar (a string: object)."""
    return np.full(n, x, dtype=object if isinstance(x, str) or x is None else None)


def _concat_rows(parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """Rows in parts (column -> array, the same columns) as one frame, as ``pd.concat`` of the
    parts' frames gives it: where a column's arrays differ in dtype, by ``pd.concat`` itself
    (its rules for mixed and empty columns), else by joining the arrays."""
    if any(len({p[c].dtype for p in parts}) > 1 for c in parts[0]):
        return pd.concat([pd.DataFrame(p) for p in parts], ignore_index=True)
    return pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in parts[0]})


def score_rubric(
    rubric: pd.DataFrame,
    measures: pd.DataFrame,
    *,
    units: Sequence[str],
    base_points: float = 100.0,
    bonus_cap: float = 10.0,
    grade_names: Mapping[str, tuple[str, str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every unit on every rubric item; returns ``(ledger, summary)``.

    ``measures`` is :func:`kpi_measures`' table plus rows for indicator and index bases
    (value = achievement). The ledger has one row per unit and item (:data:`LEDGER_COLUMNS`)
    plus, where needed, a ``base_rescale`` row (pro-rata rescaling when items do not apply)
    and a ``bonus_total`` row (total bonus cap), so that a unit's points sum to its
    ``quantitative`` score. The summary has per unit ``base_max`` (applicable points),
    ``base_earned``, ``base_score``, ``bonus``, ``quantitative``, ``vetoes``, ``grade_cap``
    (worst cap; None without veto) and ``unranked``. ``grade_names`` (grade -> (zh, en))
    names the grade caps in the reasons.
    """
    units = list(units)
    rules = list(rubric.itertuples(index=False))
    bases = [f"veto:{rule.item}" if rule.kind == "veto" else (
             f"schedule:{rule.basis}" if rule.kind == "schedule" else rule.basis) for rule in rules]
    found = _lookups(measures, bases, units)
    parts = []
    for rule, basis in zip(rules, bases):
        if found[basis] is None:
            raise SpecError(f"measures hold more than one row per unit for basis {basis!r}")
        parts.append(_item_rows(rule, found[basis], grade_names or {}))
    ledger = _concat_rows(parts) if parts else pd.concat(parts)
    base = ledger[ledger["kind"].isin(["completion", "schedule", "deduction"])]
    base_max = base.groupby("unit")["max_points"].sum().reindex(units, fill_value=0.0)
    earned = base.groupby("unit")["points"].sum().reindex(units, fill_value=0.0)
    if (base_max <= 0).any():
        raise SpecError(f"no rubric item applies to units {base_max.index[base_max <= 0].tolist()}")
    base_score = earned / base_max * base_points
    bonus_raw = ledger[ledger["kind"] == "bonus"].groupby("unit")["points"].sum().reindex(units, fill_value=0.0)
    bonus = bonus_raw.clip(upper=bonus_cap)
    adjustments = _adjustment_rows(units, base_max, earned, base_score, base_points, bonus_raw, bonus, bonus_cap)
    if len(adjustments):
        ledger = pd.concat([ledger, adjustments], ignore_index=True)
    vetoes = ledger[ledger["kind"] == "veto"]
    caps = rubric.set_index("item")
    summary = pd.DataFrame({"base_max": base_max, "base_earned": earned, "base_score": base_score,
                            "bonus": bonus, "quantitative": base_score + bonus}, index=pd.Index(units, name="unit"))
    items = vetoes.groupby("unit", sort=False)["item"].agg(list).reindex(units)
    items = [lst if isinstance(lst, list) else [] for lst in items]
    grade_cap, unranked = caps["grade_cap"].to_dict(), caps["unranked"].eq(True).to_dict()
    summary["vetoes"] = [";".join(lst) for lst in items]
    summary["grade_cap"] = [[grade_cap[i] for i in lst] or None for lst in items]
    summary["unranked"] = [any(unranked[i] for i in lst) for lst in items]
    return ledger[LEDGER_COLUMNS], summary


def _adjustment_rows(units: list[str], base_max: pd.Series, earned: pd.Series, base_score: pd.Series,
                     base_points: float, bonus_raw: pd.Series, bonus: pd.Series, bonus_cap: float) -> pd.DataFrame:
    """The ``base_rescale`` rows (items that do not apply, rescaled pro rata) and the
    ``bonus_total`` rows (bonus over its cap), in unit order, rescale first."""
    rescale = (base_score - earned).abs() > 1e-12
    over = bonus_raw > bonus_cap + 1e-12
    rows = []
    for pos, u in enumerate(units):  # only units that need a row are formatted
        if rescale.iat[pos]:
            e, m = earned.iat[pos], base_max.iat[pos]
            rows.append((pos, 0, (u, "base_rescale", "completion", "", m / base_points, np.nan, 0.0,
                                  base_score.iat[pos] - e, False, True, f"不适用项目按比例折算：{e:.2f}/{m:g}×{base_points:g}",
                                  f"items that do not apply: {e:.2f}/{m:g} x {base_points:g}")))
        if over.iat[pos]:
            r = bonus_raw.iat[pos]
            rows.append((pos, 1, (u, "bonus_total", "bonus", "", np.nan, np.nan, 0.0, bonus.iat[pos] - r, True, True,
                                  f"加分合计{r:g}分，封顶{bonus_cap:g}分", f"bonus {r:g}, total cap {bonus_cap:g}")))
    return pd.DataFrame([row for *_, row in sorted(rows, key=lambda x: x[:2])], columns=LEDGER_COLUMNS)


def assign_grades(score: pd.Series, grades: pd.DataFrame, *, caps: pd.Series | None = None) -> pd.DataFrame:
    """Grade of each unit: the best grade whose ``min_score`` it reaches (grades best first).

    ``caps`` maps a unit to the grades its vetoes allow at most (a list; the worst one
    applies). Then the top grade's ``quota`` (a share of the graded units, rounded down)
    keeps it only for the highest scores: ties at the boundary keep it together. Returns
    ``by_score``, ``grade`` and ``reason`` per unit.
    """
    if score.isna().any():
        raise SpecError(f"cannot grade units without a score: {score.index[score.isna()].tolist()}")
    codes = list(grades["grade"])
    mins = grades["min_score"].to_numpy(float)
    idx = pd.Series([int(np.argmax(s >= mins)) for s in score], index=score.index)
    by_score = idx.map(lambda i: codes[i])
    reason = pd.Series("", index=score.index, dtype=object)
    if caps is not None:
        for u, cap in caps.dropna().items():
            worst = max(codes.index(c) for c in cap)
            if idx[u] < worst:
                idx[u], reason[u] = worst, f"veto: at most {codes[worst]}"
    quota = grades["quota"].iloc[0]
    if len(codes) > 1 and not pd.isna(quota):
        top = score[idx == 0]
        allowed = int(np.floor(quota * len(score) + 1e-9))
        demote = top.index[top.rank(method="min", ascending=False) > allowed]
        idx[demote] = 1
        reason[demote] = f"quota: at most {allowed} {codes[0]}"
    return pd.DataFrame({"by_score": by_score, "grade": idx.map(lambda i: codes[i]), "reason": reason})


def lost_points(ledger: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Points lost per unit and item (applicable items scoring below their maximum), worst first."""
    base = ledger[ledger["kind"].isin(["completion", "schedule", "deduction"]) & ledger["applicable"]]
    lost = base.assign(lost=base["max_points"] - base["points"])
    lost = lost[lost["lost"] > 1e-9]
    cols = ["unit", "item", "kind", "max_points", "points", "lost", f"reason_{lang}"]
    return lost.sort_values(["unit", "lost"], ascending=[True, False])[cols].reset_index(drop=True)
