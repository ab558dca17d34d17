"""Content of the monthly brief: headline figures against the document, task progress by
category, one indicator family by unit, and the results file the memo reads.

The brief notebook only calls these functions and narrates their output.
"""
from __future__ import annotations

import datetime as dt

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from reformlib import ledger
from reformlib.fonts import use_cjk_font
from reformlib.i18n import FAMILY, name_column, t

CITY = "430300"


def setup_plots() -> str:
    """seaborn's theme with the CJK font first (set after the theme, which resets fonts)."""
    sns.set_theme(style="whitegrid", context="notebook")
    return use_cjk_font()


def latest_month(observations: pd.DataFrame) -> pd.Period:
    """The latest month with any observation."""
    return observations["period"].max()


def _value_in(obs: pd.DataFrame, annual: str, month: pd.Period, year: int | None = None) -> pd.Series:
    """December-type indicators: value in ``month``; sum-type: sum from January to ``month``."""
    if annual == "december":
        return obs.loc[obs["period"] == month].set_index("unit")["value"]
    window = obs[(obs["period"].dt.year == month.year) & (obs["period"] <= month)]
    return window.groupby("unit")["value"].sum()


def headline(observations: pd.DataFrame, indicators: pd.DataFrame, reference: pd.DataFrame,
             month: str | pd.Period, *, lang: str = "zh", unit: str = CITY) -> pd.DataFrame:
    """The document's metrics for ``unit`` in ``month`` beside the document's 2017 figure.

    Columns: code, name, value (month value, or year to date for flows), change (since last
    December for levels; for flows the year-to-date change on the same months of last year,
    in percent), measure_unit, document (the document's figure or change), comparison.
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
        if annual == "december":
            before = obs.loc[obs["period"] == pd.Period(f"{m.year - 1}-12", "M"), "value"]
            change = now - before.iloc[0] if len(before) and now is not None else None
        else:
            last = _value_in(obs, annual, m - 12).get(unit)
            change = 100 * (now / last - 1) if last else None
        r = ref.loc[code]
        doc = r["value"] if pd.notna(r["value"]) else r["change"]
        rows.append(dict(code=code, name=ind.at[code, name_column(lang)], value=now, change=change,
                         measure_unit=ind.at[code, "measure_unit"], document=doc,
                         comparison=r["comparison"] if isinstance(r["comparison"], str) else ""))
    return pd.DataFrame(rows)


def headline_display(table: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """``headline`` with translated column names, for display."""
    names = {"name": t("indicator", lang), "value": t("value", lang), "change": "变化" if lang == "zh" else "Change",
             "measure_unit": t("measure_unit", lang), "document": t("document_2017", lang), "comparison": t("comparison", lang)}
    return table.drop(columns="code").rename(columns=names).round(2)


def task_progress(tasks: pd.DataFrame, progress: pd.DataFrame, month: str | pd.Period, *, lang: str = "zh",
                  unit: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each task's status in ``month`` and the counts by category (optionally one lead unit's tasks)."""
    if unit and unit != CITY:
        tasks = tasks[tasks["lead_unit"] == unit]
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
    """The brief's results (the numbers the memo uses), shaped as ``results.json``.

    ``sections`` supplies optional sections (evaluation, inspections, pilots, indicators
    off target, tasks at risk); a missing one is marked not available with a note.
    """
    counts = status["status"].value_counts()
    total = int(len(status))
    sections = dict(sections or {})
    out = {
        "month": str(pd.Period(month, "M")), "lang": lang, "unit": unit or None, "synthetic": bool(synthetic),
        "generated_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "headline": [
            {"code": r.code, "name": r.name, "value": _num(r.value), "unit": r.measure_unit,
             "reference_value": _num(r.document), "comparison": r.comparison}
            for r in headline_table.itertuples(index=False)],
        "tasks": {
            "available": True, "total": total,
            **{k: int(counts.get(k, 0)) for k in ("completed", "on_schedule", "behind", "overdue")},
            "completion_rate": round(100 * counts.get("completed", 0) / total, 1) if total else 0.0,
            "by_category": [
                {"category": r.category, "name": r.name, "total": int(r.total), "completed": int(r.completed),
                 "completion_rate": float(r.completion_rate)} for r in by_category.itertuples(index=False)],
            "at_risk": sections.pop("at_risk", []),
        },
        "figures": figures,
    }
    notes = {
        "evaluation": "评估模型结果尚未纳入本期简报" if lang == "zh" else "The evaluation model is not yet part of this brief",
    }
    for key in ("evaluation", "inspections", "pilots"):
        out[key] = sections.pop(key, {"available": False, "note": notes.get(key, "not yet available")})
    out["indicators_off_target"] = sections.pop("indicators_off_target", [])
    return out


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


HEADINGS = {
    "zh": {"headline": "一、主要指标与年度总结对照", "tasks": "二、改革任务推进情况", "family": "三、{family}类指标分单位情况",
           "notes": "说明"},
    "en": {"headline": "1. Headline figures against the year-end summary", "tasks": "2. Progress of the reform tasks",
           "family": "3. The {family} indicators by unit", "notes": "Notes"},
}


def heading(key: str, lang: str, **fmt: str) -> str:
    """A section heading (Markdown) in ``lang``."""
    return "## " + HEADINGS[lang][key].format(**fmt)


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
