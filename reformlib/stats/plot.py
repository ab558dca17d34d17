"""Figure of an event study: coefficients by event time with confidence intervals.

Model step: communicating reform effects. The layout follows the usual event-study plot
(e.g. Freyaldenhoven, Hansen, Pérez & Shapiro 2021, "Visualization, identification, and
estimation in the linear panel event-study design", NBER WP 29170): estimates with
intervals, a zero line, a dashed line just before the event, the reference period marked.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes

from reformlib.errors import SpecError
from reformlib.fonts import use_cjk_font
from reformlib.stats._common import require_columns, require_frame

__all__ = ["plot_event_study", "EVENT_STUDY_LABELS_ZH", "EVENT_STUDY_LABELS_EN"]

#: Default (Chinese) labels; pass ``labels=EVENT_STUDY_LABELS_EN`` for English.
EVENT_STUDY_LABELS_ZH: dict[str, str] = {
    "title": "改革前后的效应(事件研究)",
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
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def plot_event_study(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    labels: Mapping[str, str] | None = None,
    color: str = "#1f4e79",
) -> Axes:
    """Draw an :func:`~reformlib.stats.event_study` table and return the Axes.

    ``labels`` overrides any of the keys of :data:`EVENT_STUDY_LABELS_ZH` (title, xlabel,
    ylabel, estimate, interval, reference). Chinese labels register the CJK font first.
    The figure is neither shown nor saved.
    """
    require_frame(table, name="table")
    require_columns(table, ["event_time", "estimate", "ci_low", "ci_high", "reference"],
                    name="table")
    unknown = set(labels or {}) - set(EVENT_STUDY_LABELS_ZH)
    if unknown:
        raise SpecError(f"labels has unknown key(s) {sorted(unknown)}; "
                        f"known: {sorted(EVENT_STUDY_LABELS_ZH)}")
    text = {**EVENT_STUDY_LABELS_ZH, **(labels or {})}
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
