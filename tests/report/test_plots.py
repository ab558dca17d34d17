"""Figures of reformlib.report.plots: a hand-made Chinese figure shows every glyph after
``rl.setup_plots()`` or after merely importing the plotting helpers, and each figure function
draws what it says, in Chinese and English, from small hand-made frames."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from reformlib.errors import SpecError  # noqa: E402
from reformlib.report import plots  # noqa: E402
from reformlib.report.figures import MissingGlyphError, check_glyphs, glyph_errors, save_figure  # noqa: E402
from reformlib.report.fonts import cjk_font_available  # noqa: E402

needs_cjk = pytest.mark.skipif(not cjk_font_available(), reason="no Chinese font installed (make fonts)")
DEJAVU_ONLY = {"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}
STATUS_ORDER = ["completed", "on_schedule", "behind", "overdue", "not_started"]


@pytest.fixture(autouse=True)
def _close_and_restore():
    with matplotlib.rc_context():
        yield
    plt.close("all")


def _texts(fig: Figure) -> str:
    parts = [fig.get_suptitle()]
    for ax in fig.axes:
        parts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        parts += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
        legend = ax.get_legend()
        if legend is not None:
            parts += [legend.get_title().get_text()] + [t.get_text() for t in legend.get_texts()]
    for legend in fig.legends:
        parts += [t.get_text() for t in legend.get_texts()]
    return "\n".join(parts)


# --------------------------------------------------------------------------- glyphs
@needs_cjk
def test_hand_made_chinese_figure_after_setup_plots_has_every_glyph():
    import reformlib as rl

    with matplotlib.rc_context(DEJAVU_ONLY):
        rl.setup_plots()
        fig, ax = plt.subplots()
        ax.set_title("改革任务完成情况")
        ax.bar(["已完成", "滞后"], [186, 8])
        with glyph_errors():
            fig.canvas.draw()
        check_glyphs(fig)


def test_the_glyph_check_fails_without_the_chinese_font():
    with matplotlib.rc_context(DEJAVU_ONLY):
        fig, ax = plt.subplots()
        ax.set_title("改革任务完成情况")
        with pytest.raises(MissingGlyphError):
            check_glyphs(fig)


_IMPORT_ONLY = textwrap.dedent("""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    assert "Noto" not in str(matplotlib.rcParams["font.sans-serif"][:1])  # nothing set up yet
    import {module}
    from reformlib.report.figures import glyph_errors
    fig, ax = plt.subplots()
    ax.set_title("改革任务完成情况")
    with glyph_errors():
        fig.canvas.draw()
    print("ok")
""")


@needs_cjk
def test_importing_the_plotting_helpers_sets_up_the_font():
    """In a fresh interpreter: import only reformlib.report.plots, then draw by hand; a missing
    glyph raises MissingGlyphError and fails the script."""
    proc = subprocess.run([sys.executable, "-c", _IMPORT_ONLY.format(module="reformlib.report.plots")],
                          capture_output=True, text=True, timeout=1800, env={**os.environ, "MPLBACKEND": "Agg"})
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


# --------------------------------------------------------------------------- the task ledger
COUNTS = pd.DataFrame({"lead_unit": ["fgw", "czj", "430321"], "not_started": [0, 1, 0], "on_schedule": [3, 1, 2],
                       "behind": [1, 0, 2], "completed": [5, 2, 1], "overdue": [1, 0, 0], "total": [10, 4, 5]})
NAMES = {"fgw": "市发展和改革委员会", "czj": "市财政局", "430321": "湘潭县"}


@needs_cjk
def test_lead_unit_figure_shows_the_top_units_by_name():
    fig = plots.lead_unit_figure(COUNTS, lang="zh", names=NAMES, top=2)
    check_glyphs(fig)
    text = _texts(fig)
    assert "牵头任务最多的2个单位" in text and "市发展和改革委员会" in text and "湘潭县" in text
    assert "市财政局" not in text  # third by total, beyond top=2
    assert "已完成" in text


def test_lead_unit_figure_in_english_and_bad_input():
    text = _texts(plots.lead_unit_figure(COUNTS, lang="en"))
    assert "The 3 units leading most tasks" in text and "fgw" in text and "Completed" in text
    with pytest.raises(SpecError, match="top"):
        plots.lead_unit_figure(COUNTS, top=0)
    with pytest.raises(SpecError, match="overdue"):
        plots.lead_unit_figure(COUNTS.drop(columns="overdue"))
    with pytest.raises(ValueError, match="lang"):
        plots.lead_unit_figure(COUNTS, lang="fr")


def test_on_time_figure_one_bar_per_deadline_month():
    monthly = pd.DataFrame({"group": "all", "period": pd.period_range("2017-03", periods=3, freq="M"),
                            "due": [4, 5, 6], "on_time": [4, 4, 3], "completed": [4, 5, 5],
                            "on_time_rate": [100.0, 80.0, 50.0]})
    fig = plots.on_time_figure(monthly, lang="en")
    ax = fig.axes[0]
    assert [round(p.get_height()) for p in ax.patches] == [100, 80, 50]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2017-03", "2017-04", "2017-05"]
    assert ax.get_ylim() == (0, 100) and ax.get_title() == "On-time rate of the tasks due each month"


@needs_cjk
def test_ageing_figure_counts_open_problems_by_bucket():
    ageing = pd.DataFrame({"unit": ["430321", "430321", "czj", "czj"], "open": [True, True, True, False],
                           "bucket": pd.Categorical(["0-30", ">90", "31-90", None], categories=["0-30", "31-90", ">90"])})
    fig = plots.ageing_figure(ageing, lang="zh", names=NAMES)
    check_glyphs(fig)
    assert sum(p.get_width() for p in fig.axes[0].patches) == 3  # the rectified problem is not drawn
    assert "未整改问题账龄（天）" in _texts(fig) and "湘潭县" in _texts(fig)
    with pytest.raises(SpecError, match="no open problem"):
        plots.ageing_figure(ageing.assign(open=False))


@needs_cjk
def test_warning_figure_has_calibration_and_drivers():
    calibration = pd.DataFrame({"method": ["model", "model", "baseline", "baseline"], "bin": [1, 2, 1, 2],
                                "mean_predicted": [0.1, 0.6, 0.2, 0.5], "observed": [0.05, 0.7, 0.3, 0.4]})
    drivers = pd.DataFrame({"feature": ["gap", "shortfall", "progress"], "importance": [0.12, 0.08, 0.01]})
    fig = plots.warning_figure(calibration, drivers, lang="zh", feature_names={"gap": "进度与计划之差"}, top=2)
    check_glyphs(fig)
    text = _texts(fig)
    assert "校准曲线（留出月份）" in text and "模型" in text and "基准" in text
    assert "进度与计划之差" in text and "shortfall" in text and "progress" not in text
    with pytest.raises(SpecError, match="importance"):
        plots.warning_figure(calibration, drivers.drop(columns="importance"))


def test_progress_figure_keeps_its_status_colours():
    by_category = pd.DataFrame({"category": ["C1"], "name": ["economy"], "not_started": [1], "on_schedule": [2],
                                "behind": [1], "completed": [5], "overdue": [1], "total": [10], "completion_rate": [50.0]})
    fig = plots.progress_figure(by_category, lang="en")
    colours = [matplotlib.colors.to_hex(c) for c in fig.axes[0].collections[0].get_facecolors()]
    assert colours == [plots.STATUS_COLOURS[s] for s in STATUS_ORDER]
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["Completed", "On schedule", "Behind schedule", "Overdue", "Not started"]
    assert [matplotlib.colors.to_hex(h.get_facecolor()) for h in legend.legend_handles] == colours


# --------------------------------------------------------------------------- trends
class _Trend:
    """What plots reads of a stats.trend result."""

    def __init__(self, fitted: pd.DataFrame):
        self.fitted = fitted


def _fitted(unit: str, level: float) -> pd.DataFrame:
    months = pd.period_range("2017-01", periods=4, freq="M")
    fit = pd.Series([level, level + 1, level + 2, level + 3])
    return pd.DataFrame({"unit": unit, "period": months, "value": fit, "fitted": fit, "ci_low": fit - 1,
                         "ci_high": fit + 1})


@needs_cjk
def test_trend_figure_one_panel_per_indicator_one_colour_per_unit():
    both = pd.concat([_fitted("430321", 10), _fitted("430381", 20)], ignore_index=True)
    trends = {"gov_debt_ratio": _Trend(both), "land_transfer_rate": _Trend(_fitted("430321", 40))}
    fig = plots.trend_figure(trends, unit_names={"430321": "湘潭县", "430381": "湘乡市"},
                             indicator_names={"gov_debt_ratio": "政府综合债务率"})
    check_glyphs(fig)
    assert [ax.get_title() for ax in fig.axes] == ["政府综合债务率", "land_transfer_rate"]
    assert [len(ax.lines) for ax in fig.axes] == [2, 1]
    assert fig.axes[0].lines[0].get_color() == fig.axes[1].lines[0].get_color()  # 湘潭县 in both
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["湘潭县", "湘乡市"]
    with pytest.raises(SpecError, match="non-empty"):
        plots.trend_figure({})
    with pytest.raises(SpecError, match="ci_low"):
        plots.trend_figure({"x": _Trend(both.drop(columns="ci_low"))})


@needs_cjk
def test_its_figure_draws_observed_fit_counterfactual_and_start():
    fitted = _fitted("430321", 10).assign(counterfactual=lambda d: d["fitted"] - 1)
    fig = plots.its_figure(fitted, start=pd.Period("2017-03", "M"), lang="zh", title="湘潭县 · 政府综合债务率")
    check_glyphs(fig)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["观测值", "分段回归", "无改革的延续"]
    assert ax.get_title() == "湘潭县 · 政府综合债务率"
    assert len(ax.lines) == 4  # three series and the start line
    fig_en = plots.its_figure(fitted, start=pd.Timestamp("2017-03-01"), lang="en")
    assert "Without the reform" in _texts(fig_en)


@needs_cjk
def test_brief_figures_count_in_whole_tasks_draw_targets_and_say_what_they_show():
    by_category = pd.DataFrame({"name": ["放管服", "农村改革"], "completed": [3, 1], "on_schedule": [1, 0],
                                "behind": [0, 1], "overdue": [1, 0], "not_started": [0, 1]})
    fig = plots.progress_figure(by_category, lang="zh", month="2017-12")
    check_glyphs(fig)
    ax = fig.axes[0]
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)  # 5 tasks: no 0.5-task ticks
    assert ax.get_title() == "各类改革任务按推进状态的任务数（截至2017年12月底）" and ax.get_xlabel() == "任务数（项）"
    frame = pd.DataFrame({"unit": ["430300", "430302"], "unit_name": ["湘潭市", "雨湖区"], "indicator": "d",
                          "indicator_name": "政府综合债务率（%）", "value": [87.0, 78.0], "band_low": None,
                          "band_high": None, "target": 90.0})
    fig = plots.family_figure(frame, lang="zh", family="debt", month="2017-12")
    check_glyphs(fig)
    solid = [line for line in fig.axes[0].lines if line.get_linestyle() == "-" and list(line.get_xdata()) == [90.0, 90.0]]
    assert len(solid) == 1  # the target, as a line
    # one panel: the title is broken between its notes to fit the figure's width
    assert fig._suptitle.get_text() == "债务类指标各单位数值（截至2017年12月底；\n红色为全市；绿色实线为目标值）"
    without = plots.family_figure(frame.drop(columns="target"), lang="en", family="debt")
    assert not [line for line in without.axes[0].lines if list(line.get_xdata()) == [90.0, 90.0]]
    assert without._suptitle.get_text() == "The debt indicators by unit (the city in red)"
    plt.close("all")


# --------------------------------------------------------------------------- a brief's figures, fast
LONG = "经济体制和财税金融改革及其配套制度建设"  # a long category name
CATEGORIES = pd.DataFrame({"name": ["放管服", LONG, "农村改革", "司法体制和法治建设"], "completed": [3, 0, 12, 1],
                           "on_schedule": [1, 2, 0, 0], "behind": [0, 1, 0, 0], "overdue": [1, 0, 0, 0],
                           "not_started": [0, 1, 0, 0]})


def _family_frame(indicators: int, units: list[tuple[str, str]], target: float | None = 90.0) -> pd.DataFrame:
    rows = [{"unit": code, "unit_name": name, "indicator": f"i{k}", "indicator_name": f"指标{k}（%）" if k else
             "规上工业企业资产负债率及其他很长的指标名称（%）", "value": 40.0 + 7 * k + 5 * u, "band_low": 30.0 if k == 1 else None,
             "band_high": 80.0 if k == 1 else None, "target": target}
            for k in range(indicators) for u, (code, name) in enumerate(units)]
    return pd.DataFrame(rows).astype({"band_low": float, "band_high": float, "target": float})


UNITS = [("430302", "雨湖区"), ("peers:county_district", "县市区中位数（5个单位）"), ("430300", "湘潭市")]


def _texts_drawn(fig: Figure) -> list:
    """Every non-empty text the saved figure shows (titles, axis labels, the tick labels in
    view, legends), with its box in pixels."""
    renderer = fig.canvas.get_renderer()
    texts = [fig._suptitle] + [t for legend in fig.legends for t in legend.get_texts()]
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        texts += [ax.title, ax.xaxis.label, ax.yaxis.label]
        for axis, (lo, hi) in ((ax.xaxis, sorted(ax.get_xlim())), (ax.yaxis, sorted(ax.get_ylim()))):
            texts += [t.label1 for t in axis.get_major_ticks() if lo - 1e-9 <= t.get_loc() <= hi + 1e-9]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in texts
            if t is not None and t.get_visible() and t.get_text()]


def _check_layout(fig: Figure, tmp_path) -> None:
    """Drawn as saved: every text inside the figure, no two texts overlapping."""
    save_figure(fig, tmp_path / "fig.png", dpi=int(fig.dpi), crop=False)
    inside = fig.bbox.padded(1)
    shown = _texts_drawn(fig)
    assert shown
    for text, box in shown:
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1, text
    for k, (a, box_a) in enumerate(shown):
        for b, box_b in shown[k + 1:]:
            assert not box_a.shrunk(0.98, 0.98).overlaps(box_b.shrunk(0.98, 0.98)), (a, b)


@needs_cjk
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_progress_figure_fits_its_texts_and_counts_every_task(lang, tmp_path):
    with matplotlib.rc_context({**plots.house_style(), "figure.dpi": 200}):
        fig = plots.progress_figure(CATEGORIES, lang=lang, month="2017-12", reuse=True)
        _check_layout(fig, tmp_path)
    ax = fig.axes[0]
    bars = ax.collections[0]
    # one segment per status with tasks, widths the counts, the first category on top (y = 3)
    boxes = [p.get_extents() for p in bars.get_paths()]
    widths = {(round((b.y0 + b.y1) / 2), b.x0, b.x1) for b in boxes}
    assert widths == {(3, 0, 3), (3, 3, 4), (3, 4, 5), (2, 0, 2), (2, 2, 3), (2, 3, 4), (1, 0, 12), (0, 0, 1)}
    assert dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels()))) == dict(
        zip([3, 2, 1, 0], CATEGORIES["name"]))
    assert ax.get_xlim() == (0.0, pytest.approx(12.6))  # starts at 0, 5 % beyond the longest bar
    ticks = [t for t in ax.get_xticks() if 0 <= t <= 12.6]
    assert all(float(t).is_integer() for t in ticks)
    # the legend below the axis label, not over it
    renderer = fig.canvas.get_renderer()
    assert fig.legends[0].get_window_extent(renderer).y1 <= ax.xaxis.label.get_window_extent(renderer).y0


@needs_cjk
@pytest.mark.parametrize(("indicators", "units"), [(2, UNITS), (4, UNITS[:2]), (1, [("430300", "湘潭市")])])
def test_family_figure_fits_its_texts(indicators, units, tmp_path):
    frame = _family_frame(indicators, units)
    with matplotlib.rc_context({**plots.house_style(), "figure.dpi": 200}):
        fig = plots.family_figure(frame, lang="zh", family="debt", month="2017-12", reuse=True)
        _check_layout(fig, tmp_path)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len(shown) == indicators and len(fig.axes) == {1: 1, 2: 2, 4: 6}[indicators]  # 3 panels a row
    city = matplotlib.colors.to_hex(sns.desaturate("#c62828", 0.75))
    for ax in shown:
        faces = [matplotlib.colors.to_hex(c) for c in ax.collections[0].get_facecolors()]
        names = [t.get_text() for t in ax.get_yticklabels()]
        assert names == [name for _, name in units]
        assert [f == city for f in faces] == [code == "430300" for code, _ in units]
        assert ax.get_ylim()[0] > ax.get_ylim()[1]  # the first unit on top


def test_family_figure_names_bad_input():
    frame = _family_frame(1, UNITS)
    with pytest.raises(SpecError, match=r"frame row 3: unit '雨湖区' appears twice for indicator"):
        plots.family_figure(pd.concat([frame, frame.iloc[:1]], ignore_index=True))
    with pytest.raises(SpecError, match="band_high"):
        plots.family_figure(frame.drop(columns="band_high"))
    with pytest.raises(SpecError, match="no indicator value"):
        plots.family_figure(frame.iloc[:0])
    with pytest.raises(SpecError, match="no category"):
        plots.progress_figure(CATEGORIES.iloc[:0])
    with pytest.raises(SpecError, match="overdue"):
        plots.progress_figure(CATEGORIES.drop(columns="overdue"))


def _png(fig: Figure) -> bytes:
    """The figure's pixels as drawn (with their shape)."""
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())
    return repr(pixels.shape).encode() + pixels.tobytes()


@needs_cjk
def test_a_reused_figure_gives_the_pixels_of_a_new_one():
    """Drawn again in place after other figures of the same shape (other bars, names, ticks,
    targets, bands), a figure is the same image as one drawn on a new figure."""
    other = CATEGORIES.assign(name=["甲", "乙", "丙", "丁"], completed=[40, 0, 1, 7])
    wide = _family_frame(2, [("430302", "很长很长很长很长的单位名称"), ("x", "乙"), ("430300", "湘潭市")], target=None)
    with matplotlib.rc_context({**plots.house_style(), "figure.dpi": 200}):
        new_progress = _png(plots.progress_figure(CATEGORIES, month="2017-12"))
        new_family = _png(plots.family_figure(_family_frame(2, UNITS), family="debt", month="2017-12"))
        plt.close("all")
        for _ in range(2):
            plots.progress_figure(other, month="2018-01", reuse=True)
            plots.family_figure(wide, family="debt", month="2018-01", reuse=True)
            again = plots.progress_figure(CATEGORIES, month="2017-12", reuse=True)
            assert _png(again) == new_progress
            again = plots.family_figure(_family_frame(2, UNITS), family="debt", month="2017-12", reuse=True)
            assert _png(again) == new_family
        assert again is plots.family_figure(wide, family="debt", reuse=True)  # one figure per shape, redrawn
    assert plt.get_fignums() == []  # reused figures are not pyplot's


@needs_cjk
def test_the_house_style_leaves_the_caller_settings_and_registers_the_font_once():
    from matplotlib import font_manager

    before = dict(matplotlib.rcParams)
    style = plots.house_style()
    fonts = len(font_manager.fontManager.ttflist)
    assert plots.house_style() == style and len(font_manager.fontManager.ttflist) == fonts
    assert dict(matplotlib.rcParams) == before
    assert style["font.sans-serif"][0] == "Noto Sans CJK JP" and style["axes.grid"] is True


def test_the_house_style_does_not_depend_on_what_the_process_set_before(monkeypatch):
    """Made again (as in a new process) after the settings were changed, the house style is
    the same."""
    made = plots.house_style()
    monkeypatch.setattr(plots, "_HOUSE_STYLE", {})  # as before the first figure of a process
    with matplotlib.rc_context({"font.size": 31, "axes.grid": False, "figure.facecolor": "red"}):
        assert plots.house_style() == made
    assert made["font.size"] != 31 and made["axes.grid"] is True


@needs_cjk
def test_a_title_too_wide_for_any_panel_leaves_the_panels_their_room(tmp_path):
    frame = _family_frame(3, UNITS).assign(indicator_name=lambda d: d["indicator"].map(
        lambda code: f"{code} " + "a very long indicator name that no panel of this figure is wide enough for " * 2))
    with matplotlib.rc_context({**plots.house_style(), "figure.dpi": 200}):
        fig = plots.family_figure(frame, lang="en", family="debt", reuse=True)
        save_figure(fig, tmp_path / "fig.png", crop=False)
    widths = [ax.bbox.width for ax in fig.axes]
    assert min(widths) > 0.5 * fig.dpi  # the panels are drawn, at least half an inch wide


def test_the_family_title_speaks_of_the_city_only_when_its_bar_is_drawn():
    without = _family_frame(1, UNITS[:2])
    fig = plots.family_figure(without, lang="en", family="debt", month="2017-12")
    assert "city" not in fig._suptitle.get_text() and "green line: target" in fig._suptitle.get_text()
    fig = plots.family_figure(_family_frame(1, UNITS), lang="en", family="debt", month="2017-12")
    assert "the city in red" in fig._suptitle.get_text()


def test_a_unit_without_a_value_has_no_bar_but_keeps_its_row():
    frame = _family_frame(1, UNITS)
    frame.loc[1, "value"] = float("nan")
    ax = plots.family_figure(frame, lang="zh", family="debt").axes[0]
    assert len(ax.collections[0].get_paths()) == 2 and len(ax.get_yticklabels()) == 3
