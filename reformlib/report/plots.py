"""Figures a researcher or a brief draws: task progress by category, an indicator family by
unit, an event study. Importing this module registers the Chinese font with matplotlib
(:func:`reformlib.report.fonts.use_cjk_font`), so a figure with a Chinese title drawn by hand
after ``import reformlib as rl`` shows glyphs, not boxes; :func:`setup_plots` also applies
the house seaborn theme. No function shows or saves a figure.

May import: matplotlib, seaborn, pandas, :mod:`reformlib.i18n`, :mod:`reformlib.data.schemas`,
:mod:`reformlib.report.fonts`, :mod:`reformlib.errors`.

The event-study layout follows the usual event-study plot
(e.g. Freyaldenhoven, Hansen, Pérez & Shapiro 2021, "Visualization, identification, and
estimation in the linear panel event-study design", NBER WP 29170): estimates with
intervals, a zero line, a dashed line just before the event, the reference period marked.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from reformlib.data.schemas import CITY
from reformlib.errors import SpecError
from reformlib.i18n import EVENT_STUDY_LABELS_EN, EVENT_STUDY_LABELS_ZH, FAMILY, t
from reformlib.report.fonts import cjk_font_available, use_cjk_font

__all__ = ["family_figure", "plot_event_study", "progress_figure", "setup_plots"]

if cjk_font_available():  # glyphs for any figure drawn after import; setup_plots() says what is missing
    use_cjk_font()

_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def plot_event_study(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    lang: str = "zh",
    labels: Mapping[str, str] | None = None,
    color: str = "#1f4e79",
) -> Axes:
    """Draw an :func:`~reformlib.stats.event_study` table and return the Axes.

    Labels are in ``lang`` (``"zh"`` or ``"en"``, :data:`reformlib.i18n.EVENT_STUDY_LABELS_ZH`
    / ``_EN``); ``labels`` overrides any of their keys (title, xlabel, ylabel, estimate,
    interval, reference). Chinese labels register the CJK font first.
    The figure is neither shown nor saved.
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in ("event_time", "estimate", "ci_low", "ci_high", "reference") if c not in table.columns]
    if table.empty or missing:
        raise SpecError(f"table is empty or lacks column(s) {missing}; it has {list(map(str, table.columns))}")
    unknown = set(labels or {}) - set(EVENT_STUDY_LABELS_ZH)
    if unknown:
        raise SpecError(f"labels has unknown key(s) {sorted(unknown)}; "
                        f"known: {sorted(EVENT_STUDY_LABELS_ZH)}")
    text = {**(EVENT_STUDY_LABELS_EN if lang == "en" else EVENT_STUDY_LABELS_ZH), **(labels or {})}
    if any(_CJK.search(v) for v in text.values()):
        use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    data = table.sort_values("event_time")
    est = data.loc[~data["reference"].astype(bool)]
    ref = data.loc[data["reference"].astype(bool)]
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.axvline(-0.5, color="grey", linestyle="--", linewidth=0.8)
    ax.fill_between(data["event_time"], data["ci_low"], data["ci_high"], color=color,
                    alpha=0.15, linewidth=0, label=text["interval"])
    ax.errorbar(est["event_time"], est["estimate"],
                yerr=[est["estimate"] - est["ci_low"], est["ci_high"] - est["estimate"]],
                fmt="o-", color=color, capsize=3, label=text["estimate"])
    if not ref.empty:
        ax.plot(ref["event_time"], ref["estimate"], marker="D", linestyle="none",
                color="white", markeredgecolor=color, label=text["reference"])
    ax.set(title=text["title"], xlabel=text["xlabel"], ylabel=text["ylabel"])
    ax.set_xticks(list(data["event_time"]))
    ax.legend(frameon=False)
    return ax


def setup_plots() -> str:
    """seaborn's theme with the CJK font first (set after the theme, which resets fonts);
    returns the font family. Raises :class:`~reformlib.errors.SetupError` naming the fix
    when no Chinese font is installed."""
    sns.set_theme(style="whitegrid", context="notebook")
    return use_cjk_font()


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
