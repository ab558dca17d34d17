"""Figures a researcher or a brief draws: task progress by category and by lead unit, on-time
rates, the age of open inspection problems, the early warning's check, an indicator family by
unit, trends with bands, an interrupted time series, an event study (the figures of one
evaluation are in :mod:`.evaluation_plots`). Importing this module registers the Chinese font with matplotlib
(:func:`reformlib.report.fonts.use_cjk_font`), so a figure with a Chinese title drawn by hand
after ``import reformlib as rl`` shows glyphs, not boxes; :func:`setup_plots` also applies
the house seaborn theme. No function shows or saves a figure.

May import: matplotlib, seaborn, pandas, numpy, :mod:`reformlib.i18n`, :mod:`reformlib.data.schemas`,
:mod:`reformlib.report.fonts`, :mod:`reformlib.report.notebook`, :mod:`reformlib.errors`.
Figures of analytic results take the frames :mod:`reformlib.tasks` and :mod:`reformlib.stats`
return; they import neither.

The event-study layout follows the usual event-study plot
(e.g. Freyaldenhoven, Hansen, Pérez & Shapiro 2021, "Visualization, identification, and
estimation in the linear panel event-study design", NBER WP 29170): estimates with
intervals, a zero line, a dashed line just before the event, the reference period marked.
"""
from __future__ import annotations

import re
import textwrap
import threading
from collections.abc import Mapping
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from reformlib.data.schemas import CITY
from reformlib.errors import SpecError
from reformlib.i18n import (
    EVENT_STUDY_LABELS_EN,
    EVENT_STUDY_LABELS_ZH,
    FAMILY,
    LEDGER_HEADERS,
    LEDGER_TEXT,
    PLOT_TEXT,
    TRENDS_TEXT,
    t,
)
from reformlib.report.fonts import cjk_font_available, use_cjk_font
from reformlib.report.frames import lookup, require_columns
from reformlib.report.notebook import words

__all__ = ["DRAWING", "FIGURE_PAD", "STATUS_COLOURS", "ageing_figure", "family_figure", "house_style", "its_figure",
           "lead_unit_figure", "on_time_figure", "plot_event_study", "progress_figure", "setup_plots", "trend_figure",
           "warning_figure"]

if cjk_font_available():  # glyphs for any figure drawn after import; setup_plots() says what is missing
    use_cjk_font()

_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
#: Colours of the task statuses, from done to not started.
STATUS_COLOURS = {"completed": "#2e7d32", "on_schedule": "#81c784", "behind": "#ffb300", "overdue": "#d32f2f",
                  "not_started": "#bdbdbd"}


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
    require_columns(table, ("event_time", "estimate", "ci_low", "ci_high", "reference"), name="table")
    if table.empty:
        raise SpecError("table is empty")
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
    when no Chinese font is installed.

    >>> setup_plots()  # doctest: +SKIP
    'Noto Sans CJK JP'
    """
    sns.set_theme(style="whitegrid", context="notebook")
    return use_cjk_font()


_HOUSE_STYLE: dict[str, Any] = {}


def house_style() -> dict[str, Any]:
    """The matplotlib settings :func:`setup_plots` makes from matplotlib's defaults (seaborn's
    theme, the CJK font first), made once per process: figures drawn under
    ``matplotlib.rc_context(house_style())`` have the house style whatever the process set
    before (a notebook's kernel, a batch's worker), the caller's settings are left as they
    were, and the font is registered once, not again for every figure of a batch."""
    if not _HOUSE_STYLE:
        with matplotlib.rc_context():
            matplotlib.rcdefaults()
            setup_plots()
            _HOUSE_STYLE.update((k, v) for k, v in dict.items(matplotlib.rcParams) if k != "backend")
    return dict(_HOUSE_STYLE)


def _month_words(month: object, lang: str) -> str:
    m = pd.Period(month, "M")
    return PLOT_TEXT[lang]["as_of"].format(year=m.year, month=m.month, name=m.strftime("%B %Y"))


# --------------------------------------------------------------------------- a brief's figures
# A brief's two figures are drawn for every unit of a batch, so they are built for speed as well
# as for the reader: plain matplotlib bars (the colours seaborn would draw), titles at a fixed
# height, margins measured once from the texts (:func:`_fit`) so that the figure is drawn once
# when saved (no tight layout, no tight bounding box), and with ``reuse=True`` the axes and
# their ticks kept and redrawn for the next figure of the same shape.

#: Space left around a brief figure's content, in inches (as ``savefig.pad_inches`` leaves).
FIGURE_PAD = 0.1
_KEEP = 12  # figures kept per thread with reuse=True (one per shape; each holds a canvas)
_kept = threading.local()
#: Held while figures are drawn under a temporary style (``matplotlib.rc_context``): matplotlib's
#: settings belong to the whole process, so two threads drawing at once would draw with each
#: other's, and leave the caller's changed.
DRAWING = threading.RLock()


def _figure(kind: tuple, size: tuple[float, float], shape: tuple[int, int], reuse: bool) -> tuple[Figure, Any, bool]:
    """A figure with a grid of axes: new and registered with pyplot, or (``reuse``) this
    thread's figure of that kind, size, grid and matplotlib settings with its data artists
    removed. Returns the figure, the axes (2-d) and whether it is new."""
    if not reuse:
        fig, axes = plt.subplots(*shape, figsize=size, squeeze=False)
        return fig, axes, True
    kept = _kept.__dict__.setdefault("figures", {})
    key = (kind, size, shape, repr(list(dict.values(matplotlib.rcParams))))
    if key in kept:
        fig, axes = kept[key] = kept.pop(key)  # most recently used last
        for ax in axes.ravel():
            for artist in [*ax.patches, *ax.lines, *ax.collections]:
                artist.remove()
            ax.containers.clear()
            ax.relim()
            ax.set_autoscale_on(True)
        return fig, axes, False
    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    axes = fig.subplots(*shape, squeeze=False)
    kept[key] = (fig, axes)
    while len(kept) > _KEEP:
        kept.pop(next(iter(kept)))
    return fig, axes, True


def _set_lines(text: Any, pieces: list[str], width: float, renderer: Any) -> None:
    """Set ``text`` to ``pieces`` joined, on one line if it is at most ``width`` pixels wide,
    else broken between pieces into as few lines as fit (a piece wider than ``width`` keeps a
    line of its own)."""
    text.set_text("".join(pieces))
    if text.get_window_extent(renderer).width <= width:
        return
    lines = [pieces[0]]
    for piece in pieces[1:]:
        text.set_text(lines[-1] + piece)
        if text.get_window_extent(renderer).width > width:
            lines[-1] = lines[-1].rstrip()
            lines.append(piece.lstrip())
        else:
            lines[-1] += piece
    text.set_text("\n".join(lines))


def _fit(fig: Figure, axes: Any, *, top: float = 0.0, bottom: float = 0.0) -> None:
    """Lay out a grid of axes so that tick labels, axis labels and titles fit inside the
    figure with :data:`FIGURE_PAD` around them, as a tight layout and a tight bounding box
    would, from one measurement of each axis: how far its labels reach beyond the axes does
    not depend on where the axes are, except for the rightmost tick label (the ticks may
    change with the width: half the widest label is kept free) and a title wider than its
    panel (the panels' width is solved for). Columns share one width and rows one height, as
    in a tight layout. ``top`` and ``bottom`` (pixels) are kept free for a suptitle and a
    legend."""
    renderer = fig._get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    pad = FIGURE_PAD * fig.dpi
    nrow, ncol = axes.shape
    left, right, titles = [0.0] * ncol, [0.0] * ncol, [0.0] * ncol
    above, below = [0.0] * nrow, [0.0] * nrow
    for (i, j), ax in np.ndenumerate(axes):
        if not ax.get_visible():
            continue
        box = ax.bbox
        parts = [b for b in (ax.xaxis.get_tightbbox(renderer), ax.yaxis.get_tightbbox(renderer)) if b is not None]
        ticks = [label.get_window_extent(renderer).width for label in ax.xaxis.get_ticklabels() if label.get_text()]
        left[j] = max(left[j], box.x0 - min([box.x0, *(b.x0 for b in parts)]))
        right[j] = max(right[j], max([box.x1, *(b.x1 for b in parts)]) - box.x1, max(ticks, default=0.0) / 2)
        below[i] = max(below[i], box.y0 - min([box.y0, *(b.y0 for b in parts)]))
        if ax.title.get_text():
            title = ax.title.get_window_extent(renderer)
            above[i] = max(above[i], title.y1 - box.y1)
            titles[j] = max(titles[j], title.width)
    hgap = max([below[i] + above[i + 1] for i in range(nrow - 1)], default=0.0) + pad
    axes_h = (height - 2 * pad - top - bottom - above[0] - below[-1] - (nrow - 1) * hgap) / nrow

    def across(axes_w: float) -> tuple[float, float, list[float]]:
        """The panels' width, the gap between columns and how far each column's title reaches
        beyond its panel, for titles laid out over panels ``axes_w`` wide; a title reaching
        beyond its panel needs room from its neighbour's title, not from its tick labels."""
        over = [max(0.0, (w - axes_w) / 2) for w in titles]
        gap = max([max(right[j] + left[j + 1], over[j] + over[j + 1]) for j in range(ncol - 1)], default=0.0) + pad
        outer = max(left[0], over[0]) + max(right[-1], over[-1])
        return (width - 2 * pad - outer - (ncol - 1) * gap) / ncol, gap, over

    low, high = 0.0, width  # bisection for the widest panels that leave their titles room
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if across(middle)[0] >= middle else (low, middle)
    axes_w, wgap, over = across(low)
    if axes_w <= 0:  # titles too wide for any panels: the panels get the room, the titles reach over
        titles = [0.0] * ncol
        axes_w, wgap, over = across(0.0)
    lefts, rights = [max(a, b) for a, b in zip(left, over)], [max(a, b) for a, b in zip(right, over)]
    if axes_w <= 0 or axes_h <= 0:
        raise SpecError(f"the figure's labels leave no room for its panels ({width / fig.dpi:.1f} × "
                        f"{height / fig.dpi:.1f} in); shorten the names")
    fig.subplots_adjust(left=(pad + lefts[0]) / width, right=1 - (pad + rights[-1]) / width,
                        bottom=(pad + bottom + below[-1]) / height, top=1 - (pad + top + above[0]) / height,
                        wspace=wgap / axes_w, hspace=hgap / axes_h)


def _bars(ax: Axes, y: np.ndarray, left: np.ndarray, width: np.ndarray, height: float, colours: list) -> None:
    """Horizontal bars (``width`` from ``left`` at ``y``, each ``height`` tall) drawn as one
    collection with the house style's edges, as ``ax.barh`` draws them but without a patch
    each; a bar of no value (NaN) is not drawn; the value axis starts at 0 and is scaled to
    the bars."""
    keep = ~np.isnan(width)
    y, left, width = y[keep], left[keep], width[keep]
    y0, y1, x0, x1 = y - height / 2, y + height / 2, left, left + width
    bars = PolyCollection(np.stack([np.c_[x0, y0], np.c_[x0, y1], np.c_[x1, y1], np.c_[x1, y0]], axis=1),
                          facecolors=[c for c, k in zip(colours, keep) if k])
    bars.sticky_edges.x.append(0)
    ax.add_collection(bars)
    ax.autoscale_view(scaley=False)


def progress_figure(by_category: pd.DataFrame, *, lang: str = "zh", month: object = None,
                    reuse: bool = False) -> Figure:
    """Stacked horizontal bars: task statuses by category (a table of
    :func:`reformlib.tasks.ledger.status_by_category`), counted in whole tasks on the axis,
    under a title that says what is counted (and as of which month, with ``month``), the
    statuses' legend below; the figure is neither shown nor saved.

    With ``reuse`` the figure is not registered with pyplot: it is this thread's figure of
    this shape, drawn again in place (the same pixels as a new one), valid until the next
    call with ``reuse`` (save it first; do not close it).

    >>> fig = progress_figure(status_by_category(task_status(tasks, progress, "2017-06")))  # doctest: +SKIP
    """
    cols = ["completed", "on_schedule", "behind", "overdue", "not_started"]
    require_columns(by_category, ["name", *cols], name="by_category")
    if by_category.empty:
        raise SpecError("by_category has no category to draw")
    words = PLOT_TEXT[lang]
    n = len(by_category)
    fig, axes, new = _figure(("progress", lang), (8, 0.45 * n + 1.5), (1, 1), reuse)
    ax = axes[0, 0]
    y = np.arange(n - 1, -1, -1)  # the first category on top
    # one collection of the bars' segments (a segment of no task is not drawn), drawn as bars
    # (the house style's edges); the axis starts at 0
    counts = by_category[cols].to_numpy(dtype=float)
    shown = counts > 0
    rows = np.broadcast_to(y[:, None], counts.shape)[shown]
    _bars(ax, rows, (counts.cumsum(axis=1) - counts)[shown], counts[shown], 0.75,
          list(np.broadcast_to(np.array([STATUS_COLOURS[c] for c in cols]), counts.shape)[shown]))
    ax.set_yticks(y, [str(name) for name in by_category["name"]])
    ax.set_ylim(-0.625, n - 0.375)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(words["tasks_axis"])
    ax.set_title(words["progress_title"] + (_month_words(month, lang) if month is not None else ""),
                 fontsize=11, y=1)
    if new:
        fig.legend(handles=[Patch(facecolor=STATUS_COLOURS[c], label=t(c, lang)) for c in cols], ncol=5,
                   loc="lower center", frameon=False, fontsize=9, borderaxespad=0)
    legend = fig.legends[0]
    renderer = fig._get_renderer()
    size = legend.get_window_extent(renderer)
    pad = FIGURE_PAD * fig.dpi
    _fit(fig, axes, bottom=size.height + pad / 2)
    # the legend at the foot, under the axes' middle as far as the figure's edges allow
    middle = min(max((ax.bbox.x0 + ax.bbox.x1) / 2, pad + size.width / 2), fig.bbox.width - pad - size.width / 2)
    legend.set_bbox_to_anchor((middle / fig.bbox.width, pad / fig.bbox.height), transform=fig.transFigure)
    return fig


#: Characters per line of a bar's label, by language, before it wraps (a peer group's median
#: reads "Median of the counties, cities and districts (5 units)" in English).
LABEL_WIDTH = {"zh": 12, "en": 24}


def _label(name: object, lang: str) -> str:
    """A bar's label wrapped into lines of :data:`LABEL_WIDTH` characters (between words in
    English; anywhere in Chinese, which has no spaces), so a long name leaves its panel room."""
    return "\n".join(textwrap.wrap(str(name), LABEL_WIDTH.get(lang, 24), break_long_words=lang != "en")) or str(name)


def family_figure(frame: pd.DataFrame, *, lang: str = "zh", family: str = "", month: object = None,
                  reuse: bool = False) -> Figure:
    """One panel per indicator of the family, a bar per unit, the city highlighted (red); the
    edges of a reasonable band as dashed lines and, when ``frame`` has a ``target`` column,
    the target as a solid line; the title says what is shown and which lines mean what.
    ``reuse`` as for :func:`progress_figure`."""
    require_columns(frame, ["unit", "unit_name", "indicator_name", "value", "band_low", "band_high"], name="frame")
    if frame.empty:
        raise SpecError("frame has no indicator value to draw")
    twice = frame[frame.duplicated(["indicator_name", "unit_name"])]
    if not twice.empty:
        row = twice.iloc[0]
        raise SpecError(f"frame row {twice.index[0]}: unit {row['unit_name']!r} appears twice for indicator "
                        f"{row['indicator_name']!r}; one bar per unit and indicator")
    panels = list(dict.fromkeys(frame["indicator_name"]))
    ncol = min(3, len(panels))
    nrow = -(-len(panels) // ncol)
    fig, axes, _ = _figure(("family", len(panels)), (4.2 * ncol, 3.4 * nrow), (nrow, ncol), reuse)
    # seaborn's bars: its default saturation (0.75) applied to the colours
    city, other = sns.desaturate("#c62828", 0.75), sns.desaturate("#5c6bc0", 0.75)
    for ax, name in zip(axes.ravel(), panels):
        d = frame[frame["indicator_name"] == name]
        y = np.arange(len(d))
        _bars(ax, y, np.zeros(len(d)), d["value"].to_numpy(dtype=float), 0.8,
              [city if c == CITY else other for c in d["unit"]])
        ax.set_yticks(y, [_label(u, lang) for u in d["unit_name"]])
        ax.set_ylim(len(d) - 0.5, -0.5)  # the first unit on top
        ax.yaxis.grid(False)
        for edge in (d["band_low"].iloc[0], d["band_high"].iloc[0]):
            if pd.notna(edge):
                ax.axvline(edge, ls="--", color="#555555", lw=1)
        target = d["target"].dropna() if "target" in d.columns else pd.Series(dtype=float)
        if not target.empty:
            ax.axvline(float(target.iloc[0]), ls="-", color="#2e7d32", lw=1.6)
        ax.set_title(name, fontsize=10, y=1)
    for ax in axes.ravel()[len(panels):]:
        ax.set_visible(False)
    words = PLOT_TEXT[lang]
    has_band = frame[["band_low", "band_high"]].notna().any().any()
    has_target = "target" in frame.columns and frame["target"].notna().any()
    has_city = bool((frame["unit"] == CITY).any())  # a national unit's figure may have no city bar
    keys = [k for k, on in (("city_red", has_city), ("band_dashed", has_band), ("target_solid", has_target)) if on]
    title = words["family_title"].format(family=FAMILY[lang].get(family, family)) if family else words["any_family"]
    notes = ([words["as_of_plain"].format(year=pd.Period(month, "M").year, month=pd.Period(month, "M").month,
                                          name=pd.Period(month, "M").strftime("%B %Y"))] if month is not None else [])
    notes += [words[k] for k in keys]
    pieces = [title, *(words["open"] * (k == 0) + note + (words["sep"] if k < len(notes) - 1 else words["close"])
                       for k, note in enumerate(notes))]
    suptitle = fig.suptitle("", fontsize=11, y=1 - FIGURE_PAD / fig.get_figheight(), va="top")
    renderer = fig._get_renderer()
    _set_lines(suptitle, pieces, fig.bbox.width - 2 * FIGURE_PAD * fig.dpi, renderer)
    _fit(fig, axes, top=suptitle.get_window_extent(renderer).height + FIGURE_PAD * fig.dpi)
    return fig


# --------------------------------------------------------------------------- the task ledger


def lead_unit_figure(counts: pd.DataFrame, *, lang: str = "zh", names: Mapping[str, str] | pd.Series | None = None,
                     top: int = 12) -> Figure:
    """Bars of task statuses for the ``top`` units leading most tasks, from
    ``tasks.ledger.status_counts(status, "lead_unit")``; unit codes through ``names``.

    >>> counts = rl.tasks.ledger.status_counts(rl.task_status(tasks, progress, "2017-09"), "lead_unit")  # doctest: +SKIP
    >>> fig = lead_unit_figure(counts, lang="en", names=unit_names)  # doctest: +SKIP
    """
    shown = ["completed", "on_schedule", "behind", "overdue"]
    require_columns(counts, ["lead_unit", "total", *shown], name="counts")
    if not isinstance(top, int) or isinstance(top, bool) or top < 1:
        raise SpecError(f"top must be a positive integer, got {top!r}")
    text = words(LEDGER_TEXT, lang)
    data = counts.sort_values("total", ascending=False).head(top)
    data = data.assign(lead_unit=data["lead_unit"].map(lookup(names)))
    long = data.melt(id_vars="lead_unit", value_vars=shown, var_name="status", value_name="n")
    long = long.assign(status=long["status"].map(lambda s: t(s, lang)))
    fig, ax = plt.subplots(figsize=(8, 4.5))
    sns.barplot(data=long, y="lead_unit", x="n", hue="status", ax=ax, palette=[STATUS_COLOURS[s] for s in shown])
    ax.set(xlabel=text["tasks"], ylabel="", title=text["lead_title"].format(n=len(data)))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(title="", fontsize=8)
    fig.tight_layout()
    return fig


def on_time_figure(monthly: pd.DataFrame, *, lang: str = "zh") -> Figure:
    """Bars of the on-time rate of the tasks due each month, from
    ``rl.completion_rates(tasks, progress, month, by="all", per="month")``.

    >>> fig = on_time_figure(rl.completion_rates(tasks, progress, "2017-09", by="all", per="month"))  # doctest: +SKIP
    """
    require_columns(monthly, ["period", "on_time_rate"], name="monthly")
    text = words(LEDGER_TEXT, lang)
    labels = pd.PeriodIndex(monthly["period"], freq="M").strftime("%Y-%m")
    fig, ax = plt.subplots(figsize=(7, 3.2))
    sns.barplot(x=list(labels), y=monthly["on_time_rate"].to_numpy(), color="#5c6bc0", ax=ax)
    ax.set(xlabel=text["deadline_month"], ylabel=text["on_time_rate"], title=text["on_time_title"], ylim=(0, 100))
    fig.tight_layout()
    return fig


def ageing_figure(ageing: pd.DataFrame, *, lang: str = "zh", names: Mapping[str, str] | pd.Series | None = None) -> Figure:
    """Open inspection problems by unit and age bucket (days), from
    ``tasks.oversight.inspection_ageing``; a SpecError when no problem is open.

    >>> fig = ageing_figure(rl.tasks.oversight.inspection_ageing(inspections, "2017-09"), names=unit_names)  # doctest: +SKIP
    """
    require_columns(ageing, ["unit", "open", "bucket"], name="ageing")
    open_ = ageing.loc[ageing["open"].astype(bool)]
    if open_.empty:
        raise SpecError("ageing has no open problem to draw; check ageing['open'].any() first")
    text = words(LEDGER_TEXT, lang)
    buckets = list(ageing["bucket"].cat.categories) if isinstance(ageing["bucket"].dtype, pd.CategoricalDtype) \
        else sorted(open_["bucket"].dropna().unique())
    fig, ax = plt.subplots(figsize=(7, 3.2))
    sns.countplot(data=open_.assign(unit=open_["unit"].map(lookup(names))), y="unit", hue="bucket",
                  hue_order=buckets, palette="YlOrRd", ax=ax)
    ax.set(xlabel=text["open_problems"], ylabel="", title=text["ageing_title"])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(title=text["age"], fontsize=8)
    fig.tight_layout()
    return fig


def warning_figure(calibration: pd.DataFrame, drivers: pd.DataFrame, *, lang: str = "zh",
                   feature_names: Mapping[str, str] | None = None, top: int = 10) -> Figure:
    """Two panels of the early warning's held-out check (``tasks.warning.validate``): the
    calibration curve of the model and the baseline, and the ``top`` drivers by permutation
    importance (feature codes through ``feature_names``).

    >>> check = warning.validate(tasks, progress)  # doctest: +SKIP
    >>> fig = warning_figure(check.calibration, check.drivers, feature_names=warning.FEATURE_LABELS["zh"])  # doctest: +SKIP
    """
    require_columns(calibration, ["method", "mean_predicted", "observed"], name="calibration")
    require_columns(drivers, ["feature", "importance"], name="drivers")
    text, head = words(LEDGER_TEXT, lang), words(LEDGER_HEADERS, lang)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    calib = calibration.assign(method=calibration["method"].map(lambda m: head.get(m, m)))
    sns.lineplot(data=calib, x="mean_predicted", y="observed", hue="method", marker="o", ax=axes[0])
    axes[0].plot([0, 1], [0, 1], ls="--", color="#888888", lw=1)
    axes[0].set(xlabel=text["predicted"], ylabel=text["observed"], title=text["calibration_title"])
    axes[0].legend(title="")
    ranked = drivers.head(top).assign(feature=lambda d: d["feature"].map(lookup(feature_names)))
    sns.barplot(data=ranked, y="feature", x="importance", color="#1f4e79", ax=axes[1])
    axes[1].set(xlabel=text["importance"], ylabel="", title=text["drivers_title"])
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- trends
def trend_figure(trends: Mapping[str, Any], *, unit_names: Mapping[str, str] | pd.Series | None = None,
                 indicator_names: Mapping[str, str] | pd.Series | None = None) -> Figure:
    """One panel per indicator: the fitted trend of each unit with its confidence band, from a
    mapping indicator code -> :func:`reformlib.stats.trend` result; one colour per unit in
    every panel, one legend below.

    >>> trends = {c: rl.trend(obs, indicator=c, method="local") for c in ["gov_debt_ratio"]}  # doctest: +SKIP
    >>> fig = trend_figure(trends, unit_names=names)  # doctest: +SKIP
    """
    if not isinstance(trends, Mapping) or not trends:
        raise SpecError("trends must be a non-empty mapping of indicator code -> trend result")
    fits = {code: require_columns(getattr(r, "fitted", None), ["unit", "period", "fitted", "ci_low", "ci_high"],
                           name=f"trends[{code!r}].fitted") for code, r in trends.items()}
    units = list(dict.fromkeys(u for f in fits.values() for u in f["unit"]))
    colours = dict(zip(units, sns.color_palette("tab10", len(units))))
    fig, axes = plt.subplots(1, len(fits), figsize=(5 * len(fits), 4), sharex=True, squeeze=False)
    for ax, (code, fit) in zip(axes[0], fits.items()):
        fit = fit.assign(date=fit["period"].dt.to_timestamp())
        for unit, d in fit.groupby("unit", sort=False):
            ax.plot(d["date"], d["fitted"], color=colours[unit], lw=1.5)
            ax.fill_between(d["date"], d["ci_low"], d["ci_high"], color=colours[unit], alpha=0.15, linewidth=0)
        ax.set(title=lookup(indicator_names)(code), xlabel="", ylabel="")
        ax.tick_params(axis="x", rotation=45)
    handles = [Line2D([], [], color=c, lw=2) for c in colours.values()]
    fig.legend(handles, [lookup(unit_names)(u) for u in colours], loc="lower center", ncol=min(len(units), 5),
               fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.08 * -(-len(units) // 5), 1, 1))
    return fig


def its_figure(fitted: pd.DataFrame, *, start: object, lang: str = "zh", title: str = "") -> Figure:
    """An interrupted time series (``ITSResult.fitted``): observed values, the segmented fit and
    the counterfactual without the reform, a line at ``start``.

    >>> its = rl.interrupted_time_series(obs, indicator=code, unit=unit, reform_date=start)  # doctest: +SKIP
    >>> fig = its_figure(its.fitted, start=start, title="湘潭县")  # doctest: +SKIP
    """
    require_columns(fitted, ["period", "value", "fitted", "counterfactual"], name="fitted")
    text = words(TRENDS_TEXT, lang)
    data = fitted.assign(date=fitted["period"].dt.to_timestamp())
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.plot(data["date"], data["value"], "o", color="#555555", ms=4, label=text["observed"])
    ax.plot(data["date"], data["fitted"], color="#1f4e79", label=text["fit"])
    ax.plot(data["date"], data["counterfactual"], ls="--", color="#c62828", label=text["counterfactual"])
    ax.axvline(start.to_timestamp() if isinstance(start, pd.Period) else pd.Timestamp(start), color="#888888", lw=1)
    ax.set(title=title, xlabel="", ylabel="")
    ax.tick_params(axis="x", rotation=45)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
