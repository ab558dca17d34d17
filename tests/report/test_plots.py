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
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from reformlib.errors import SpecError  # noqa: E402
from reformlib.report import plots  # noqa: E402
from reformlib.report.figures import MissingGlyphError, check_glyphs, glyph_errors  # noqa: E402
from reformlib.report.fonts import cjk_font_available  # noqa: E402

needs_cjk = pytest.mark.skipif(not cjk_font_available(), reason="no Chinese font installed (make fonts)")
DEJAVU_ONLY = {"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}


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
    colours = {matplotlib.colors.to_hex(p.get_facecolor()) for p in fig.axes[0].patches}
    assert colours == set(plots.STATUS_COLOURS.values())


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
    assert fig._suptitle.get_text() == "债务类指标各单位数值（截至2017年12月底；红色为全市；绿色实线为目标值）"
    without = plots.family_figure(frame.drop(columns="target"), lang="en", family="debt")
    assert not [line for line in without.axes[0].lines if list(line.get_xdata()) == [90.0, 90.0]]
    assert without._suptitle.get_text() == "The debt indicators by unit (the city in red)"
    plt.close("all")
