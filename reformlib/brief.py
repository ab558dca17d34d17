"""Content of the monthly brief (publication step: data -> the brief's sections): headline
figures against the year-end summary, task progress and the riskiest tasks, evaluation
scores with their uncertainty, indicators off target, inspection problems, pilots, and the
results file the memo and workbook are made from.

The brief notebook only calls these functions and narrates their output. Two parts come
from other model steps and are wired in when they are installed: the early warning of
tasks (:mod:`reformlib.warning`) and the evaluation model (:mod:`reformlib.model.evaluate`).
Until then their sections say "本节尚未纳入" / "not yet available" instead of inventing
numbers (the results file marks them ``{"available": false, "note": ...}``). Those sections,
and the indicators off target, inspections and pilots, live in :mod:`reformlib.brief_sections`.
"""
from __future__ import annotations

import datetime as dt

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from reformlib import ledger
from reformlib.brief_sections import (  # noqa: F401  (the sections are part of brief's interface)
    CITY, NOT_SUPPLIED, NOT_YET, _optional, _value_in, at_risk_section, available_parts, evaluation_section,
    inspections_summary, not_yet, off_target, pilots_summary,
)
from reformlib.fonts import use_cjk_font
from reformlib.i18n import FAMILY, measure, name_column, t


def setup_plots() -> str:
    """seaborn's theme with the CJK font first (set after the theme, which resets fonts)."""
    sns.set_theme(style="whitegrid", context="notebook")
    return use_cjk_font()


def latest_month(observations: pd.DataFrame) -> pd.Period:
    """The latest month with any observation."""
    return observations["period"].max()


def headline(observations: pd.DataFrame, indicators: pd.DataFrame, reference: pd.DataFrame,
             month: str | pd.Period, *, lang: str = "zh", unit: str = CITY) -> pd.DataFrame:
    """The document's metrics for ``unit`` in ``month`` beside the document's 2017 figure.

    Columns: code, name, value (month value, or year to date for flows), change (levels:
    change since last December, in the indicator's unit), growth (flows: year-to-date
    growth on the same months of last year, percent), measure_unit, document (the
    document's figure, or the change it states), document_text (the same as words, a range
    written low-high), comparison (the document's comparison, in ``lang``).
    """
    m = pd.Period(month, "M")
    ind = indicators.set_index("indicator")
    ref = reference.set_index("code")
    rows = []
    for code in [c for c in ind.index if c in ref.index]:
        obs = observations[(observations["indicator"] == code) & (observations["unit"] == unit)]
        if obs.empty:
            continue
        annual = ind.at[code, "annual"]
        now = _value_in(obs, annual, m).get(unit)
        change = growth = None
        if annual == "december":
            before = obs.loc[obs["period"] == pd.Period(f"{m.year - 1}-12", "M"), "value"]
            change = now - before.iloc[0] if len(before) and now is not None else None
        else:
            last = _value_in(obs, annual, m - 12).get(unit)
            growth = 100 * (now / last - 1) if last else None
        r = ref.loc[code]
        doc = r["value"] if pd.notna(r["value"]) else r["change"]
        text = _figure_text(r)
        words = r["comparison_zh"] if lang == "zh" else r["comparison"]
        rows.append(dict(code=code, name=ind.at[code, name_column(lang)], value=now, change=change, growth=growth,
                         measure_unit=measure(ind.at[code, "measure_unit"], lang), document=doc, document_text=text,
                         comparison=words if isinstance(words, str) else ""))
    return pd.DataFrame(rows)


def _figure_text(r: pd.Series) -> str:
    """The document's figure as written: a range as low-high, a stated change with its sign."""
    if pd.notna(r["value"]) and pd.notna(r["value_high"]):
        return f"{r['value']:g}–{r['value_high']:g}"
    if pd.notna(r["value"]):
        return f"{r['value']:,.10g}"
    return f"{r['change']:+g}" if pd.notna(r["change"]) else ""


def headline_display(table: pd.DataFrame, *, lang: str = "zh"):
    """``headline`` for the page: translated headers, no index, readable numbers."""
    from reformlib.publish import styled

    names = {"name": t("indicator", lang), "value": t("value", lang),
             "change": "较上年末变化" if lang == "zh" else "Change since last December",
             "growth": "较上年同期增长(%)" if lang == "zh" else "Growth on last year (%)",
             "measure_unit": t("measure_unit", lang), "document_text": t("document_2017", lang),
             "comparison": t("comparison", lang)}
    return styled(table.drop(columns=["code", "document"]).rename(columns=names))


def task_progress(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period, *, lang: str = "zh",
                  unit: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each task's status in ``month`` and the counts by category (optionally one lead unit's tasks)."""
    if unit and unit != CITY:
        tasks = tasks[tasks["lead_unit"] == unit]
        progress = progress[progress["task_id"].isin(tasks["task_id"])]
    status = ledger.task_status(tasks, progress, month)
    return status, ledger.status_by_category(status, lang=lang)


def progress_figure(by_category: pd.DataFrame, *, lang: str = "zh") -> plt.Figure:
    """Stacked horizontal bars: task statuses by category."""
    cols = ["completed", "on_schedule", "behind", "overdue", "not_started"]
    colours = ["#2e7d32", "#81c784", "#ffb300", "#d32f2f", "#bdbdbd"]
    data = by_category.set_index("name")[cols].rename(columns=lambda c: t(c, lang))
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(data) + 1.5))
    data.iloc[::-1].plot.barh(stacked=True, color=colours, ax=ax, width=0.75)
    ax.set_xlabel(t("tasks", lang))
    ax.set_ylabel("")
    ax.legend(ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.12 if lang == "zh" else -0.14), frameon=False, fontsize=9)
    fig.tight_layout()
    return fig


def family_frame(observations: pd.DataFrame, indicators: pd.DataFrame, units: pd.DataFrame, family: str,
                 month: str | pd.Period, *, lang: str = "zh") -> pd.DataFrame:
    """Values of one indicator family for every territorial unit in ``month`` (flows: year to date)."""
    m = pd.Period(month, "M")
    fam = indicators[indicators["family"] == family]
    if fam.empty:
        raise ValueError(f"family must be one of {sorted(indicators['family'].unique())}, got {family!r}")
    names = units.set_index("unit")[name_column(lang)]
    rows = []
    for r in fam.itertuples(index=False):
        obs = observations[observations["indicator"] == r.indicator]
        for unit, value in _value_in(obs, r.annual, m).items():
            rows.append(dict(unit=unit, unit_name=names.get(unit, unit), indicator=r.indicator,
                             indicator_name=f"{getattr(r, name_column(lang))} ({r.measure_unit})", value=value,
                             band_low=r.band_low, band_high=r.band_high))
    return pd.DataFrame(rows)


def family_figure(frame: pd.DataFrame, *, lang: str = "zh", family: str = "") -> plt.Figure:
    """One panel per indicator of the family, a bar per unit, the city highlighted; band edges dashed."""
    panels = list(dict.fromkeys(frame["indicator_name"]))
    ncol = min(3, len(panels))
    nrow = -(-len(panels) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.4 * nrow), squeeze=False)
    for ax, name in zip(axes.ravel(), panels):
        d = frame[frame["indicator_name"] == name]
        palette = {u: ("#c62828" if c == CITY else "#5c6bc0") for u, c in zip(d["unit_name"], d["unit"])}
        sns.barplot(data=d, y="unit_name", x="value", hue="unit_name", palette=palette, legend=False, ax=ax)
        for edge in (d["band_low"].iloc[0], d["band_high"].iloc[0]):
            if pd.notna(edge):
                ax.axvline(edge, ls="--", color="#555555", lw=1)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("")
        ax.set_ylabel("")
    for ax in axes.ravel()[len(panels):]:
        ax.set_visible(False)
    if family:
        fig.suptitle(FAMILY[lang].get(family, family), fontsize=12)
    fig.tight_layout()
    return fig


def results(*, month: str | pd.Period, lang: str, unit: str | None, headline_table: pd.DataFrame,
            status: pd.DataFrame, by_category: pd.DataFrame, synthetic: bool, figures: list[dict],
            sections: dict | None = None) -> dict:
    """The brief's results (every number the HTML, memo and workbook quote), shaped as ``results.json``.

    ``sections`` supplies ``at_risk`` (records or the placeholder of :func:`not_yet`),
    ``evaluation``, ``inspections``, ``pilots`` and ``indicators_off_target`` (a frame of
    :func:`off_target`); a section not supplied is marked not yet available.
    """
    counts = status["status"].value_counts()
    total = int(len(status))
    sections = dict(sections or {})
    risky = sections.pop("at_risk", None)
    tasks = {"available": True, "total": total,
             **{k: int(counts.get(k, 0)) for k in ("completed", "on_schedule", "behind", "overdue")},
             "completion_rate": round(100 * counts.get("completed", 0) / total, 1) if total else 0.0,
             "by_category": [
                 {"category": r.category, "name": r.name, "total": int(r.total), "completed": int(r.completed),
                  "completion_rate": float(r.completion_rate)} for r in by_category.itertuples(index=False)],
             "at_risk": risky if isinstance(risky, list) else []}
    if not isinstance(risky, list):  # the schema keeps at_risk a list: the note says why it is empty
        tasks["note"] = (risky or not_yet("at_risk", lang))["note"]
    out = {
        "month": str(pd.Period(month, "M")), "lang": lang, "unit": unit or None, "synthetic": bool(synthetic),
        "generated_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "headline": [
            {"code": r.code, "name": r.name, "value": _num(r.value), "unit": r.measure_unit,
             "reference_value": _num(r.document), "comparison": r.comparison}
            for r in headline_table.itertuples(index=False)],
        "tasks": tasks,
        "figures": figures,
    }
    for key in ("evaluation", "inspections", "pilots"):
        out[key] = sections.pop(key, None) or {"available": False, "note": NOT_SUPPLIED[lang]}
    off = sections.pop("indicators_off_target", None)
    out["indicators_off_target"] = (
        {"available": False, "note": NOT_SUPPLIED[lang]} if off is None else
        [{k: (str(r[k]) if k in ("unit", "indicator", "name") else float(r[k]))
          for k in ("unit", "indicator", "name", "value", "target", "gap")} for r in off.to_dict("records")])
    if sections:
        raise ValueError(f"sections: unknown section(s) {sorted(sections)}")
    return out


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


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


def heading(key: str, lang: str, **fmt: str) -> str:
    """A section heading (Markdown) in ``lang``; sub-sections (no number) one level lower."""
    level = "### " if key in ("at_risk", "family") else "## "
    return level + HEADINGS[lang][key].format(**fmt)


def title_markdown(month: str, lang: str, unit_name: str, synthetic: bool) -> str:
    """The brief's title block (Markdown), with the synthetic-data notice when it applies."""
    m = pd.Period(month, "M")
    if lang == "zh":
        head = f"# 改革简报 · {m.year}年{m.month}月 · {unit_name}"
    else:
        head = f"# Reform brief · {m.strftime('%B %Y')} · {unit_name}"
    notice = f"\n\n> **{t('synthetic_notice', lang)}**" if synthetic else ""
    return head + notice


def task_sentence(status: pd.DataFrame, month: str | pd.Period, *, lang: str = "zh") -> str:
    """One sentence on the programme's progress in ``month``."""
    c = status["status"].value_counts()
    n = len(status)
    done, behind, overdue, waiting = (int(c.get(k, 0)) for k in ("completed", "behind", "overdue", "not_started"))
    rate = 100 * done / n if n else 0.0
    m = pd.Period(month, "M")
    if lang == "zh":
        return (f"截至{m.year}年{m.month}月底,{n}项年度改革任务中已完成{done}项(完成率{rate:.1f}%),"
                f"进度滞后{behind}项,逾期未完成{overdue}项,尚未启动{waiting}项。")
    return (f"By the end of {m.strftime('%B %Y')}, {done} of the {n} annual reform tasks were complete ({rate:.1f} %); "
            f"{behind} were behind schedule, {overdue} overdue and {waiting} not yet started.")
