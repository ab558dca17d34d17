"""Content of the monthly brief (publication step: loaded data -> the brief's sections and its
results): headline figures against the year-end summary, task progress and the riskiest
tasks (:mod:`reformlib.tasks`), evaluation scores with their uncertainty
(:mod:`reformlib.model`), indicators off target, inspection problems, pilots, and the
results file the memo and workbook are made from.

The brief notebook loads the tables once and passes them in; nothing here reads a file.
The page's words, tables and figures are made by :mod:`reformlib.report`.

May import: pandas, :mod:`reformlib.data`, :mod:`reformlib.model`, :mod:`reformlib.tasks`,
:mod:`reformlib.report`, :mod:`reformlib.i18n`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from reformlib.briefs import peers, risk
from reformlib.briefs.shared import memoised
from reformlib.data.periods import as_month, month_end
from reformlib.data.schemas import CITY, unit_code
from reformlib.data.task_status import STORED_DECIMALS, task_status
from reformlib.i18n import (
    FAMILY,
    FAMILY_ROWS,
    HEADINGS,
    INSPECTION_TITLE,
    MEMO,
    NOT_SUPPLIED,
    PEER_GROUP_OF,
    measure,
    name_column,
)
from reformlib.model.evaluate import DATA_TABLES, evaluate, rank_uncertainty
from reformlib.model.makeup import score_make_up
from reformlib.model.spec import Spec, load_spec
from reformlib.report.makeup import make_up_record
from reformlib.report.memo import past_due_columns
from reformlib.report.numbers import number
from reformlib.report.tables import brief_scores
from reformlib.tasks import ledger, warning

__all__ = ["CITY", "FAMILY_UNITS_SHOWN", "HEADLINE_COLUMNS", "at_risk_records", "at_risk_section", "brief_figures", "evaluation_section",
           "family_frame", "family_peers", "family_section", "headline", "inspection_name", "inspections_summary",
           "latest_month", "off_target", "past_due_frame", "pilots_summary", "results", "supervision_frame", "supervision_list",
           "target_in", "task_progress",
           "value_in"]


def value_in(obs: pd.DataFrame, annual: str, month: pd.Period) -> pd.Series:
    """December-type indicators: value in ``month``; sum-type: sum from January to ``month``."""
    if annual == "december":
        return obs.loc[obs["period"] == month].set_index("unit")["value"]
    window = obs[(obs["period"].dt.year == month.year) & (obs["period"] <= month)]
    return window.groupby("unit")["value"].sum()


def latest_month(observations: pd.DataFrame) -> pd.Period:
    """The latest month with any observation."""
    return observations["period"].max()


def headline(observations: pd.DataFrame, indicators: pd.DataFrame, reference: pd.DataFrame,
             month: str | pd.Period, *, lang: str = "zh", unit: str | int = CITY,
             units: pd.DataFrame | None = None) -> pd.DataFrame:
    """The document's metrics for ``unit`` in ``month`` beside the document's 2017 figure.

    Columns: code, name, value (month value, or year to date for flows), change (levels:
    change since last December, in the indicator's unit), growth (flows: year-to-date
    growth on the same months of last year, percent), measure_unit, document (the
    document's figure, or the change it states), document_text (the same as words, a range
    written low-high), comparison (the document's comparison, in ``lang``). The document's
    figure as words and its comparison describe the city at the end of the document's year
    (``period``): for another month or a unit both are left empty, never set beside a value
    they do not describe. Where the data's own territorial units (``units``) miss their
    target for that indicator in that month, ``units_behind`` names them (the document may say
    "全部", the units' reports may not; the page, memo and workbook say so beside the
    document's words, never inside them); without ``units`` to name them the
    document's figure and words are left out rather than set beside units that contradict them.

    Every month and unit is also compared with what describes it (:func:`_comparisons`):
    target (the catalogue's target the value is held to in ``month``, by the rule of
    :func:`target_in`: flows pro rata, a band's nearer edge; None without one) and
    meets_target, band_low/band_high (a band indicator's target band, else None),
    previous_month (the value a month earlier), year_earlier (the same month a
    year earlier) and city_value (the city's value in ``month``; a unit's brief only). Flows
    compare year-to-date values throughout (:func:`value_in`): previous_month is the year to
    date at the end of the month before (none in January, when the year to date starts
    again), year_earlier the same months of last year.
    """
    m, unit = as_month(month), unit_code(unit)
    ind = indicators.set_index("indicator")
    ref = reference.set_index("code")
    rows = []
    for code in [c for c in ind.index if c in ref.index]:
        obs = observations[(observations["indicator"] == code) & (observations["unit"] == unit)]
        if obs.empty:
            continue
        annual = ind.at[code, "annual"]
        now = value_in(obs, annual, m).get(unit)
        change = growth = None
        if annual == "december":
            before = obs.loc[obs["period"] == pd.Period(f"{m.year - 1}-12", "M"), "value"]
            change = now - before.iloc[0] if len(before) and now is not None else None
        else:
            last = value_in(obs, annual, m - 12).get(unit)
            growth = 100 * (now / last - 1) if last else None
        r = ref.loc[code]
        doc = r["value"] if pd.notna(r["value"]) else r["change"]
        # the document's figures and words describe the city at the end of their year: only there
        describes = unit == CITY and pd.notna(r["period"]) and m == pd.Period(f"{int(r['period'])}-12", "M")
        text = _figure_text(r) if describes else ""
        words = (r["comparison_zh"] if lang == "zh" else r["comparison"]) if describes else ""
        words = words if isinstance(words, str) else ""
        behind = _units_off_target(observations, ind.loc[code], code, m, units) if describes else []
        units_behind = ""
        if behind and units is None:
            text = words = ""
        elif behind:  # the data's units that missed the target, kept apart from the document's own words
            names = units.set_index("unit")[name_column(lang)]
            units_behind = ("、" if lang == "zh" else ", ").join(str(names.get(u, u)) for u in behind)
        rows.append(dict(code=code, name=ind.at[code, name_column(lang)], value=now, change=change, growth=growth,
                         measure_unit=measure(ind.at[code, "measure_unit"], lang), document=doc, document_text=text,
                         comparison=words, units_behind=units_behind,
                         **_comparisons(observations, ind.loc[code], code, unit, m, now)))
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)


def _units_off_target(observations: pd.DataFrame, indicator: pd.Series, code: str, month: pd.Period,
                      units: pd.DataFrame | None) -> list[str]:
    """The territorial units (``units``; without it every unit below the city) whose value of
    ``code`` misses its target in ``month`` (:func:`target_in`), in the data's order."""
    if indicator["direction"] != "band" and pd.isna(indicator["target"]):
        return []
    values = value_in(observations[observations["indicator"] == code], indicator["annual"], month)
    if units is not None:
        keep = list(units.loc[units["territorial"].astype(bool), "unit"])
    else:
        keep = sorted(u for u in values.index if u != CITY)
    return [u for u in keep if u != CITY and u in values.index and pd.notna(values[u])
            and target_in(indicator, month, values[u])[1]]


#: Columns of :func:`headline`, in order.
HEADLINE_COLUMNS = ["code", "name", "value", "change", "growth", "measure_unit", "document", "document_text",
                    "comparison", "units_behind", "target", "band_low", "band_high", "meets_target", "previous_month", "year_earlier",
                    "city_value"]


def _comparisons(observations: pd.DataFrame, indicator: pd.Series, code: str, unit: str, month: pd.Period,
                 now: float | None) -> dict:
    """A headline value's own target in ``month`` (:func:`target_in`) and whether it meets
    it, its value a month and a year earlier, and (a unit below the city) the city's value,
    each read as :func:`value_in` reads the value itself (flows: year to date)."""
    annual = indicator["annual"]
    obs = observations[observations["indicator"] == code]
    own = obs[obs["unit"] == unit]

    def at(frame: pd.DataFrame, who: str, when: pd.Period) -> float | None:
        v = value_in(frame, annual, when).get(who) if not frame.empty else None
        return None if v is None or pd.isna(v) else float(v)

    target = meets = low = high = None
    has_target = indicator["direction"] == "band" or pd.notna(indicator["target"])
    if has_target and now is not None and pd.notna(now):
        target, miss = target_in(indicator, month, now)
        target, meets = float(target), not miss
        if indicator["direction"] == "band":  # the target is the band, read as its two edges
            low, high = float(indicator["band_low"]), float(indicator["band_high"])
    city = at(obs[obs["unit"] == CITY], CITY, month) if unit != CITY else None
    # a flow's year to date starts again in January: last year's total is not a month earlier of it
    previous = None if annual != "december" and month.month == 1 else at(own, unit, month - 1)
    return dict(target=target, band_low=low, band_high=high, meets_target=meets, previous_month=previous,
                year_earlier=at(own, unit, month - 12), city_value=city)


def _figure_text(r: pd.Series) -> str:
    """The document's figure as written: a range as low-high, a stated change with its sign."""
    if pd.notna(r["value"]) and pd.notna(r["value_high"]):
        return f"{r['value']:g}–{r['value_high']:g}"
    if pd.notna(r["value"]):
        return f"{r['value']:,.10g}"
    return f"{r['change']:+g}" if pd.notna(r["change"]) else ""


def task_progress(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period, *, lang: str = "zh",
                  unit: str | int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each task's status in ``month`` and the counts by category (optionally one lead unit's tasks)."""
    one = _one_unit(unit)
    if one is not None:
        tasks = tasks[tasks["lead_unit"] == one]
        progress = progress[progress["task_id"].isin(tasks["task_id"])]
    status = task_status(tasks, progress, month)
    return status, ledger.status_by_category(status, lang=lang)


def _one_unit(unit: str | int | None) -> str | None:
    """A unit below the city as its code (text), or None for the whole city."""
    code = unit_code(unit) if unit not in (None, "") else None
    return None if code in (None, CITY) else code


def at_risk_section(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period, *, lang: str = "zh",
                    unit: str | int | None = None, units: pd.DataFrame | None = None, top: int = 10,
                    synthetic: bool | None = None, check: warning.MonthCheck | None = None) -> dict:
    """The riskiest open tasks with what their probabilities mean, as ``{"at_risk": records,
    "warning": summary}`` for the results' ``tasks.at_risk`` and ``tasks.warning``.

    The list is :func:`reformlib.tasks.warning.at_risk` with ``rule="auto"``: ranked by the
    model only where it beats the gap to schedule on held-out months, else by the gap, and the
    rule's note says which and why. Each record carries the task's ``progress`` and the
    ``expected`` progress of its schedule at the month's end; only a list the fitted model ranks
    carries probability bands (:func:`reformlib.briefs.risk.shows_bands`). The held-out check
    (``check``, else
    :func:`~reformlib.tasks.warning.month_check`, made once per month and data and then read
    from its cache) gives each probability's band its observed miss rate and the summary its
    AUC interval (:func:`reformlib.briefs.risk.warning_summary`). For one unit the model is
    fitted on every task and the unit's own tasks are kept. ``synthetic`` (default: the
    tasks' ``synthetic`` column) adds that the demonstration data's delays are planted. With no
    open task whose deadline is still ahead (December, when every task falls due) the list is
    empty, ``warning`` is None and no check is made.
    """
    one = _one_unit(unit)
    if warning.features(tasks, progress, month, units=units).empty:  # nothing open with a deadline ahead
        return {"at_risk": [], "warning": None}
    check = check or warning.month_check(tasks, progress, month, units=units)
    choice = warning.choose_rule(tasks, progress, month, units=units, check=check)
    table = warning.at_risk(tasks, progress, month, top=len(tasks) if one else top, units=units, lang=lang,
                            rule="auto", check=check)
    if one:
        table = table[table["lead_unit"] == one].head(top)
    if synthetic is None:
        synthetic = bool("synthetic" in tasks and tasks["synthetic"].astype(bool).all())
    summary = risk.warning_summary(check, table, choice, lang=lang, synthetic=synthetic)
    schedule = task_status(tasks, progress, month).set_index("task_id")
    names = units.set_index("unit")[name_column(lang)] if units is not None else pd.Series(dtype=str)
    return {"at_risk": at_risk_records(table, summary, schedule, names), "warning": summary}


def at_risk_records(table: pd.DataFrame, summary: Mapping, schedule: pd.DataFrame, names: pd.Series) -> list[dict]:
    """The at-risk list's records for ``results.json``: each ranked task of ``table``
    (:func:`~reformlib.tasks.warning.at_risk`) with its lead unit's name, its ``progress`` and
    the ``expected`` progress of its schedule (``schedule``, by task), and, where the fitted
    model ranks the list (``summary``, :func:`reformlib.briefs.risk.warning_summary`), its
    probability's band with the miss rate observed in it."""
    bands = {b["band"]: b for b in summary["bands"]}
    shown = risk.shows_bands(summary["method"])
    records = []
    for r, rec in zip(table.itertuples(index=False), warning.at_risk_records(table)):
        seen = bands.get(r.band, {})
        row = {**rec, "lead_name": str(names.get(r.lead_unit, r.lead_unit)),
               "progress": round(float(schedule.at[r.task_id, "progress"]), STORED_DECIMALS),
               "expected": round(float(schedule.at[r.task_id, "expected"]), STORED_DECIMALS)}
        if shown:  # the model's probability, as a band with the rate observed in it
            row.update({"band": str(r.band), "band_n": int(seen.get("n", 0)), "band_observed": seen.get("observed"),
                        "band_observed_low": seen.get("observed_low"), "band_observed_high": seen.get("observed_high")})
        records.append(row)
    return records


@memoised(DATA_TABLES)  # the same for every brief of a month: computed once per process
def evaluation_section(data: Mapping[str, pd.DataFrame], month: str | pd.Period, *, lang: str = "zh",
                       spec: Spec | None = None, uncertainty: bool = True, assessment: str = "auto",
                       peer_groups: Mapping[str, str] | None = None) -> dict:
    """Scores, grades and ranks of the city's parts, each ranked among all the parts and within
    its peer group with the 5-95 % interval of both ranks; the city's own score and grade under
    ``city``, unranked; which assessment the scores are (``assessment``, ``period``,
    ``assessment_label``).

    ``data`` holds the loaded tables the evaluation reads (:data:`~reformlib.model.evaluate.DATA_TABLES`;
    the brief notebook's own frames, so nothing is read twice). The scores are the monthly
    assessment of the brief's month, and in December the year-end assessment
    (``evaluate(spec, data, period="YYYY")``, as ``notebooks/evaluation.ipynb`` scores the
    year), so that a brief never uses data after its month (:mod:`reformlib.briefs.peers`;
    ``assessment`` "monthly" or "year_end" chooses). ``peer_groups`` maps unit kinds to peer
    groups (default :data:`~reformlib.i18n.PEER_GROUP_OF`: 县市区 and 园区).
    """
    missing = [t for t in DATA_TABLES if t not in data]
    if missing:
        raise ValueError(f"data lacks the tables {missing} that the evaluation reads")
    kind, period = peers.assessment_period(month, assessment)
    result = evaluate(spec or load_spec(indicators=data["indicators"]), data, period=period, audit=False)
    spread = rank_uncertainty(result) if uncertainty else None
    scores = brief_scores(result, lang=lang, uncertainty=None)
    vetoes = result.points[result.points["kind"] == "veto"]
    reasons = vetoes.groupby("unit")[f"reason_{lang}"].agg("；".join if lang == "zh" else "; ".join)
    made = _make_up(result, lang)
    scores = [{**s, "veto": reasons.get(s["unit"]), **made.get(s["unit"], {"lost_points": []})} for s in scores]
    city = [s for s in scores if s["unit"] == CITY]
    parts = _ranked_among_parts([s for s in scores if s["unit"] != CITY], result.combined, spread, lang=lang,
                                peer_groups=peer_groups)
    out = {"available": True, "assessment": kind, "period": period,
           "assessment_label": peers.assessment_label(kind, month, lang), "scores": parts}
    if city:
        # the city's own lost points, worst first: its score is told with its largest deductions
        out["city"] = {**{k: city[0][k] for k in ("unit", "name", "score", "grade")},
                       "lost_points": city[0].get("lost_points") or [],
                       **({"make_up": city[0]["make_up"]} if city[0].get("make_up") else {})}
    return out


def _make_up(result, lang: str) -> dict[str, dict]:
    """Each unit's ``make_up`` (:func:`reformlib.report.makeup.make_up_record`: how its score
    is made up, in the model's arithmetic, parts adding up to the score shown) and its
    ``lost_points`` (the make-up's items that lost points, worst first, as the make-up prints them)."""
    terms, totals = score_make_up(result, lang=lang)
    rows = terms.groupby("unit", sort=False).indices  # each unit's rows found once, not by a scan per unit
    none = terms.index[:0]
    out = {}
    for unit, row in totals.iterrows():
        record = make_up_record(terms.iloc[rows[unit]] if unit in rows else terms.loc[none], row, lang=lang)
        lost = sorted((t for t in record["terms"] if t["part"] == "item" and t["points"] < 0),
                      key=lambda t: t["points"])
        out[str(unit)] = {"make_up": record, "lost_points": [
            {"item": t["item"], "lost": round(-t["points"], 2) + 0.0, "reason": t["reason"]} for t in lost]}
    return out


def _ranked_among_parts(scores: list[dict], combined: pd.DataFrame, spread, *, lang: str,
                        peer_groups: Mapping[str, str] | None = None) -> list[dict]:
    """Ranks among the city's parts (the city itself is reported, not ranked) and within each
    part's peer group (:func:`reformlib.briefs.peers.peer_ranks`), best first; with ``spread``
    (the uncertainty analysis) each rank's 5th and 95th percentiles, recomputed among the
    parts and within the group in every replication."""
    table = peers.peer_ranks(combined, lang=lang, spread_scores=None if spread is None else spread.scores,
                             groups=peer_groups)
    cols = ["rank", "rank_p05", "rank_p95", "peer_group", "peer_group_name", "peer_rank", "peer_size",
            "peer_rank_p05", "peer_rank_p95", "peer_rank_text"]
    out = []
    for s in scores:
        row = table.loc[s["unit"]]
        out.append({**s, **{c: (row[c].item() if hasattr(row[c], "item") else row[c]) for c in cols}})
    return sorted(out, key=lambda s: (s["rank"], -s["score"], s["unit"]))


def supervision_list(tasks: pd.DataFrame, status: pd.DataFrame, month: str | pd.Period, *, lang: str = "zh",
                     units: pd.DataFrame | None = None, months_ahead: int = 2) -> list[dict]:
    """The 督办清单 for ``month``: every overdue task (``days_overdue`` past its deadline at the
    month's end), every task due this month and unfinished (never "on schedule"), and every
    task due within ``months_ahead`` months that is behind schedule; lead units by name;
    ``key_task`` true for a key task (重点任务; false when the ledger has no such column)."""
    m, end = as_month(month), month_end(month)
    df = status.merge(tasks[["task_id", f"title_{lang}", "deadline", "leader_level"]], on="task_id")
    due = df["deadline"].dt.to_period("M")
    kind = pd.Series("", index=df.index)
    kind[(due > m) & (due <= m + months_ahead) & (df["status"] == "behind")] = "behind"
    kind[(due == m) & (df["status"] != "completed")] = "due_this_month"
    kind[df["status"] == "overdue"] = "overdue"
    names = units.set_index("unit")[name_column(lang)] if units is not None else pd.Series(dtype=str)
    rows = [{"task_id": str(r.task_id), "title": str(getattr(r, f"title_{lang}")), "lead_unit": str(r.lead_unit),
             "lead_name": str(names.get(r.lead_unit, r.lead_unit)), "leader_level": str(r.leader_level),
             "deadline": f"{r.deadline:%Y-%m-%d}", "progress": float(0 if pd.isna(r.progress) else r.progress),
             "status": k, "days_overdue": max(0, (end - r.deadline).days) if k == "overdue" else 0,
             "key_task": getattr(r, "key_task", False) in (True, 1)}
            for r, k in zip(df.itertuples(index=False), kind) if k]
    order = {"overdue": 0, "due_this_month": 1, "behind": 2}
    return sorted(rows, key=lambda r: (order[r["status"]], -r["days_overdue"], r["deadline"], r["task_id"]))


def off_target(observations: pd.DataFrame, indicators: pd.DataFrame, units: pd.DataFrame, month: str | pd.Period, *,
               lang: str = "zh", unit: str | int | None = None) -> pd.DataFrame:
    """Every territorial unit's (the ``units`` table's) indicators that miss the catalogue's target in ``month``.

    Direction-aware: ``higher`` misses below ``target``, ``lower`` above it; ``band``
    indicators miss outside [band_low, band_high] and are compared with the nearer edge.
    Flows (year = sum of months) are compared with the target pro rata (``target`` x
    month / 12). ``gap`` = value - target. One unit only when ``unit`` is a unit below the
    city. Columns: unit, unit_name, indicator, name, direction, value, target, gap,
    measure_unit (the catalogue's, e.g. ``%``, ``mu``).
    """
    m = as_month(month)
    names = units.set_index("unit")[name_column(lang)]
    one = _one_unit(unit)
    territorial = list(units.loc[units["territorial"].astype(bool), "unit"])  # the data's own units, in its order
    keep = set(territorial) if one is None else {one}
    rows = []
    for r in indicators.itertuples(index=False):
        if r.direction != "band" and pd.isna(r.target):
            continue
        values = value_in(observations[observations["indicator"] == r.indicator], r.annual, m)
        for u, value in values.items():
            if u not in keep or pd.isna(value):
                continue
            target, miss = target_in(r, m, value)
            if miss:
                rows.append(dict(unit=u, unit_name=names.get(u, u), indicator=r.indicator,
                                 name=getattr(r, name_column(lang)), direction=r.direction, value=round(float(value), 2),
                                 target=round(float(target), 2), gap=round(float(value - target), 2),
                                 measure_unit=getattr(r, "measure_unit", None)))
    cols = ["unit", "unit_name", "indicator", "name", "direction", "value", "target", "gap", "measure_unit"]
    order = {u: i for i, u in enumerate(territorial)}
    out = pd.DataFrame(rows, columns=cols)
    return out.assign(_o=out["unit"].map(order)).sort_values(["_o"], kind="stable").drop(columns="_o").reset_index(drop=True)


def target_in(indicator, month: str | pd.Period, value: float) -> tuple[float, bool]:
    """The target ``value`` of ``indicator`` (a catalogue row) is held to in ``month``, and
    whether it misses it (the rule of :func:`off_target`): ``higher`` misses below the
    target, ``lower`` above it; ``band`` misses outside [band_low, band_high], the target
    being the edge nearer the value; flows (``annual`` ``sum``) are held to the target pro
    rata (``target`` x month / 12)."""
    m = as_month(month)
    if indicator.direction == "band":
        target = indicator.band_low if value < indicator.band_low else indicator.band_high
        return target, not indicator.band_low <= value <= indicator.band_high
    target = indicator.target * (m.month / 12 if indicator.annual == "sum" else 1)
    return target, bool(value < target if indicator.direction == "higher" else value > target)


def supervision_frame(records: list[dict], *, lang: str = "zh") -> pd.DataFrame:
    """The 督办清单 of :func:`supervision_list` as the page shows it, with the memo's headers,
    statuses and leader levels (:data:`~reformlib.i18n.MEMO`), names and never codes; a key
    task's title is marked 重点任务 (``key_mark``)."""
    words = MEMO[lang]
    rows = [[r["title"] + (words["key_mark"] if r.get("key_task") else ""), r["lead_name"],
             words.get("level_" + r["leader_level"], r["leader_level"]), r["deadline"], f"{r['progress']:.0f}%", words["status_" + r["status"]], r["days_overdue"] or None] for r in records]
    return pd.DataFrame(rows, columns=words["att_supervision_cols"].split("|"))


def inspections_summary(inspections: pd.DataFrame, month: str | pd.Period, *, unit: str | int | None = None,
                        units: pd.DataFrame | None = None, lang: str = "zh") -> dict:
    """Inspection problems as of the end of ``month``: found, rectified, open (found -
    rectified), open for more than 90 days since they were found and (``past_due``) open
    past their rectification deadline (整改时限, ``due_on`` before the month's last day, as the
    model's deduction counts them); with ``units``, both also by unit, named; the problems past
    their deadline listed (``past_due_items``: unit, inspection, found, deadline, days past
    it), longest past first."""
    end = month_end(month)
    one = _one_unit(unit)
    df = inspections if one is None else inspections[inspections["unit"] == one]
    found = df["found_on"] <= end
    rectified = found & df["rectified_on"].notna() & (df["rectified_on"] <= end)
    open_ = found & ~rectified
    over90 = open_ & ((end - df["found_on"]).dt.days > 90)
    out = {"available": True, "found": int(found.sum()), "rectified": int(rectified.sum()),
           "open": int(open_.sum()), "open_over_90_days": int(over90.sum())}
    past = open_ & df["due_on"].notna() & (df["due_on"] < end) if "due_on" in df.columns else None
    if past is not None:
        out["past_due"] = int(past.sum())
    names = units.set_index("unit")[name_column(lang)] if units is not None else None
    if names is not None:
        out["over_90_by_unit"] = [{"unit": str(u), "name": str(names.get(u, u)), "open_over_90_days": int(n)}
                                  for u, n in df[over90].groupby("unit").size().items()]
    if past is not None:
        late = df[past].assign(days=(end - df.loc[past, "due_on"]).dt.days)
        late = late.sort_values(["days", "problem_id"], ascending=[False, True])
        if names is not None:
            counts = late.groupby("unit").size()
            out["past_due_by_unit"] = sorted(
                ({"unit": str(u), "name": str(names.get(u, u)), "past_due": int(n)} for u, n in counts.items()),
                key=lambda r: (-r["past_due"], r["unit"]))
        out["past_due_items"] = [
            {"problem_id": str(r.problem_id), "unit": str(r.unit),
             "name": str(names.get(r.unit, r.unit)) if names is not None else str(r.unit),
             "inspection": inspection_name(r, lang), "found_on": f"{r.found_on:%Y-%m-%d}",
             "due_on": f"{r.due_on:%Y-%m-%d}", "days_past_due": int(r.days)} for r in late.itertuples(index=False)]
    return out


def inspection_name(row, lang: str) -> str:
    """An inspection problem's inspection (a row of the inspections table) as ``lang`` names it:
    ``inspection_zh`` in Chinese; in English ``inspection_en`` where the data give it, else the
    Chinese name quoted as the inspection's own title (:data:`~reformlib.i18n.INSPECTION_TITLE`)."""
    english = getattr(row, "inspection_en", None) if lang != "zh" else None
    if isinstance(english, str) and english.strip():
        return english.strip()
    return INSPECTION_TITLE[lang].format(name=str(getattr(row, "inspection_zh", "") or ""))


def past_due_frame(inspections: Mapping, *, lang: str = "zh") -> pd.DataFrame:
    """The inspection problems open past their rectification deadline
    (``results["inspections"]["past_due_items"]``) as the page shows them: unit by name,
    inspection, found on, deadline, days past it; longest past first."""
    # the city's own problems are its city-level departments' (市本级), as the memo names them
    rows = [[MEMO[lang]["city_level"] if r.get("unit") == CITY else r["name"], r["inspection"], r["found_on"], r["due_on"],
             r["days_past_due"]] for r in (inspections or {}).get("past_due_items", [])]
    return pd.DataFrame(rows, columns=past_due_columns([r[1] for r in rows], lang))


def pilots_summary(pilots: pd.DataFrame, month: str | pd.Period, *, unit: str | int | None = None) -> dict:
    """Pilots started by the end of ``month`` by level, and those that had become models by then."""
    end = month_end(month)
    one = _one_unit(unit)
    df = pilots if one is None else pilots[pilots["unit"] == one]
    df = df[df["start"] <= end]
    level = df["level"].value_counts()
    models = df["became_model"].astype(bool) & df["model_on"].notna() & (df["model_on"] <= end)
    return {"available": True, "national": int(level.get("national", 0)), "provincial": int(level.get("provincial", 0)),
            "models": int(models.sum()), "local": int(level.get("local", 0))}


def family_frame(observations: pd.DataFrame, indicators: pd.DataFrame, units: pd.DataFrame, family: str,
                 month: str | pd.Period, *, lang: str = "zh") -> pd.DataFrame:
    """Values of one indicator family for every territorial unit in ``month`` (flows: year to
    date), each with the catalogue's target as :func:`off_target` compares it (flows pro rata;
    none for band indicators, whose band edges are given instead)."""
    m = as_month(month)
    fam = indicators[indicators["family"] == family]
    if fam.empty:
        raise ValueError(f"family must be one of {sorted(indicators['family'].unique())}, got {family!r}")
    names = units.set_index("unit")[name_column(lang)]
    rows = []
    for r in fam.itertuples(index=False):
        obs = observations[observations["indicator"] == r.indicator]
        target = None
        if r.direction != "band" and pd.notna(r.target):
            target = float(r.target) * (m.month / 12 if r.annual == "sum" else 1)
        label = (f"{getattr(r, name_column(lang))}（{measure(r.measure_unit, lang)}）" if lang == "zh"
                 else f"{getattr(r, name_column(lang))} ({r.measure_unit})")
        for unit, value in value_in(obs, r.annual, m).items():
            rows.append(dict(unit=unit, unit_name=names.get(unit, unit), indicator=r.indicator, indicator_name=label,
                             value=value, band_low=r.band_low, band_high=r.band_high, target=target))
    return pd.DataFrame(rows)


#: A family figure names every unit up to this many territorial units below the city; beyond
#: it, the city's brief shows the city and each peer group's median.
FAMILY_UNITS_SHOWN = 30
_FAMILY_COLUMNS = ["unit", "unit_name", "indicator", "indicator_name", "value", "band_low", "band_high", "target"]


def family_peers(frame: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Each peer group's median of each indicator of :func:`family_frame` (the territorial
    units below the city, grouped by :data:`~reformlib.i18n.PEER_GROUP_OF`): columns
    indicator, group, value (the median), n (units with a value). Computed once for a month
    and passed to :func:`family_section` for every unit's brief."""
    table = units.assign(unit=units["unit"].astype(str))
    below = table[table["territorial"].astype(bool) & (table["unit"] != CITY)]
    group = below.set_index("unit")["kind"].astype(str).map(lambda k: PEER_GROUP_OF.get(k, k))
    values = frame.assign(group=frame["unit"].astype(str).map(group)).dropna(subset=["group", "value"])
    out = values.groupby(["indicator", "group"], sort=False)["value"].agg(["median", "size"]).reset_index()
    return out.rename(columns={"median": "value", "size": "n"})


def family_section(frame: pd.DataFrame, family: str, *, lang: str, unit: str | int | None = None,
                   units: pd.DataFrame, peers: pd.DataFrame | None = None) -> dict:
    """The family figure's data for ``results.json`` (``family``), from :func:`family_frame`
    (every territorial unit's values, computed once for a month and shared by every unit's
    brief, as are ``peers``, :func:`family_peers`, made here when not given): the city's
    brief names every unit (up to :data:`FAMILY_UNITS_SHOWN` below the city, else the city
    and each peer group's median); a unit's brief shows the unit, the median of its peer
    group (:data:`~reformlib.i18n.PEER_GROUP_OF`, the unit included) and the city, so a
    unit's results stay a few rows whatever the number of units. Each row's ``kind`` says
    which it is (``unit``, ``peers``, ``city``); a peers row gives ``peer_size``."""
    one = _one_unit(unit)
    codes = units["unit"].astype(str)
    below = codes[units["territorial"].astype(bool).to_numpy() & (codes != CITY).to_numpy()]
    keys = frame["unit"].astype(str)
    if one is None and len(below) <= FAMILY_UNITS_SHOWN:
        rows = [{**r, "unit": str(r["unit"]), "kind": "city" if str(r["unit"]) == CITY else "unit"}
                for r in frame[_FAMILY_COLUMNS].to_dict("records")]
    else:
        peers = family_peers(frame, units) if peers is None else peers
        if one is not None:
            kind = str(units.loc[codes == one, "kind"].iloc[0]) if (codes == one).any() else ""
            peers = peers[peers["group"] == PEER_GROUP_OF.get(kind, kind)]
        keep = [CITY] if one is None else [one, CITY]
        mine = [{**r, "unit": str(r["unit"])} for r in frame.loc[keys.isin(keep).to_numpy(), _FAMILY_COLUMNS].to_dict("records")]
        first = {r["indicator"]: r for r in frame.drop_duplicates("indicator")[_FAMILY_COLUMNS].to_dict("records")}
        medians = sorted(peers.to_dict("records"), key=lambda p: p["group"])
        rows = []
        for ind, head in first.items():
            rows += [{**r, "kind": "unit"} for r in mine if r["indicator"] == ind and r["unit"] == one]
            for p in (p for p in medians if p["indicator"] == ind):
                name = FAMILY_ROWS[lang]["peers"].format(group=FAMILY_ROWS[lang].get(p["group"], p["group"]),
                                                         n=number(int(p["n"])))
                rows.append({"unit": f"peers:{p['group']}", "unit_name": name, "indicator": ind,
                             "indicator_name": head["indicator_name"], "value": float(p["value"]),
                             **{k: head[k] for k in ("band_low", "band_high", "target")},
                             "kind": "peers", "peer_size": int(p["n"])})
            rows += [{**r, "kind": "city"} for r in mine if r["indicator"] == ind and r["unit"] == CITY]
    clean = [{k: (None if v is None or (isinstance(v, float) and pd.isna(v)) else
                  float(v) if k in ("value", "band_low", "band_high", "target") else v if k == "peer_size" else str(v))
              for k, v in r.items()} for r in rows]
    return {"available": True, "family": family, "name": FAMILY[lang].get(family, family), "rows": clean}


def brief_figures(family: str, *, lang: str) -> list[dict]:
    """The brief's figures for ``results.json`` (``figures``): the task progress by category
    and the indicator family by unit, each captioned with the heading it stands under."""
    return [{"name": "task_progress", "path": "figures/task_progress.png", "caption": HEADINGS[lang]["tasks"]},
            {"name": f"family_{family}", "path": f"figures/family_{family}.png",
             "caption": HEADINGS[lang]["family"].format(family=FAMILY[lang].get(family, family))}]


def results(*, month: str | pd.Period, lang: str, unit: str | None, headline_table: pd.DataFrame,
            status: pd.DataFrame, by_category: pd.DataFrame, synthetic: bool, figures: list[dict],
            sections: dict | None = None, units: pd.DataFrame | None = None, family: Mapping | None = None) -> dict:
    """The brief's results (every number the HTML, memo and workbook quote), shaped as ``results.json``.

    ``sections`` supplies ``at_risk`` (:func:`at_risk_section`, records or the placeholder of :func:`not_yet`),
    ``evaluation``, ``inspections``, ``pilots`` and ``indicators_off_target`` (a frame of
    :func:`off_target`), ``supervision`` (:func:`supervision_list`) and ``changes``
    (:func:`reformlib.briefs.changes.changes_section`, left out when not supplied); a section not
    supplied is marked not yet available. With ``units``, ``names`` maps every unit's code
    to its name in ``lang``, so that no output has to print a code. ``family``
    (:func:`family_section`) is the family figure's data. The page is rebuilt from these
    results alone (:mod:`reformlib.briefs.render`): each category's counts by status, the
    tasks not started and each headline figure's ``document_text`` are kept for it.
    """
    counts = status["status"].value_counts()
    total = int(len(status))
    sections = dict(sections or {})
    risky = sections.pop("at_risk", None)
    meaning = None
    if isinstance(risky, Mapping) and "at_risk" in risky:  # at_risk_section: the list and what it means
        risky, meaning = risky["at_risk"], risky.get("warning")
    tasks = {"available": True, "total": total,
             **{k: int(counts.get(k, 0)) for k in ("completed", "on_schedule", "behind", "overdue", "not_started")},
             "completion_rate": round(100 * counts.get("completed", 0) / total, 1) if total else 0.0,
             "by_category": [
                 {"category": r["category"], "name": r["name"], "total": int(r["total"]), "completed": int(r["completed"]),
                  "completion_rate": float(r["completion_rate"]),
                  **{k: int(r[k]) for k in ("on_schedule", "behind", "overdue", "not_started") if k in r}}
                 for r in by_category.to_dict("records")],
             "at_risk": risky if isinstance(risky, list) else []}
    if meaning is not None:
        tasks["warning"] = meaning
    if sections.get("supervision") is not None:
        tasks["supervision"] = sections.pop("supervision")
    sections.pop("supervision", None)
    if not isinstance(risky, list):  # the schema keeps at_risk a list: the note says why it is empty
        tasks["note"] = (risky or {"note": NOT_SUPPLIED[lang]})["note"]
    out = {
        "month": str(as_month(month)), "lang": lang, "unit": unit or None, "synthetic": bool(synthetic),
        "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "headline": [
            {"code": r.code, "name": r.name, "value": _num(r.value), "unit": r.measure_unit,
             "reference_value": _num(r.document), "comparison": r.comparison,
             "document_text": str(getattr(r, "document_text", "") or ""),
             **({"units_behind": r.units_behind} if getattr(r, "units_behind", "") else {}),
             "change": _num(getattr(r, "change", None)), "growth": _num(getattr(r, "growth", None)),
             **_headline_comparisons(r, unit)}
            for r in headline_table.itertuples(index=False)],
        "tasks": tasks,
        # a unit that leads no task this month has no progress by category to draw
        "figures": [f for f in figures if f.get("name") != "task_progress" or len(by_category)],
    }
    if units is not None:
        out["names"] = {str(u): str(n) for u, n in zip(units["unit"], units[name_column(lang)])}
    for key in ("evaluation", "inspections", "pilots"):
        out[key] = sections.pop(key, None) or {"available": False, "note": NOT_SUPPLIED[lang]}
    off = sections.pop("indicators_off_target", None)
    out["indicators_off_target"] = (
        {"available": False, "note": NOT_SUPPLIED[lang]} if off is None else
        [{**{k: (str(r[k]) if k in ("unit", "unit_name", "indicator", "name") else float(r[k])) for k in
             ("unit", "unit_name", "indicator", "name", "value", "target", "gap") if k in r},
          **({"measure_unit": str(r["measure_unit"])} if isinstance(r.get("measure_unit"), str) else {})}
         for r in off.to_dict("records")])
    if family is not None:
        out["family"] = dict(family)
    if "changes" in sections:
        out["changes"] = sections.pop("changes") or {"available": False, "note": NOT_SUPPLIED[lang]}
    if sections:
        raise ValueError(f"sections: unknown section(s) {sorted(sections)}")
    return out


def _headline_comparisons(r, unit: str | None) -> dict:
    """A headline row's own target (and whether it is met), its value a month and a year
    earlier, and in a unit's brief the city's value (:func:`headline`), for ``results.json``."""
    out = {k: _num(getattr(r, k, None)) for k in ("target", "band_low", "band_high", "previous_month", "year_earlier")}
    meets = getattr(r, "meets_target", None)
    out["meets_target"] = None if meets is None or pd.isna(meets) else bool(meets)
    if unit not in (None, "", CITY):
        out["city_value"] = _num(getattr(r, "city_value", None))
    return out


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)
