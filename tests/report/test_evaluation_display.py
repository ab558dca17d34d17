"""Display tables and figures of one evaluation (reformlib.report.evaluation_tables and
evaluation_plots), on the demonstration data: the names, headers and shapes a reader sees, in
Chinese and English, and the errors of a wrong argument."""
from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import reformlib as rl  # noqa: E402
from reformlib.report import evaluation_plots as ep  # noqa: E402
from reformlib.report import evaluation_tables as et  # noqa: E402
from reformlib.report.figures import check_glyphs  # noqa: E402
from reformlib.report.fonts import cjk_font_available  # noqa: E402

needs_cjk = pytest.mark.skipif(not cjk_font_available(), reason="no Chinese font installed (make fonts)")


@pytest.fixture(scope="module")
def evaluated(demo):
    data = rl.load_data(demo)
    spec = rl.load_spec(indicators=data["indicators"])
    result = rl.evaluate(spec, data, period="2017")
    return {"data": data, "spec": spec, "result": result, "uncertainty": result.rank_uncertainty(n=8),
            "phased": rl.phased_assessment(spec, data, until="2017-03")}


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_unit_names_and_headings(evaluated):
    result = evaluated["result"]
    assert et.unit_names(result, lang="zh")["430321"] == "湘潭县"
    assert et.unit_names(result, lang="en")["430321"] == "Xiangtan County"
    assert et.results_heading(result, lang="en") == "## Results: 2017 (weighting: expert, normalisation: minmax)"
    assert et.results_heading(result, lang="zh").startswith("## 评估结果：2017")
    assert et.phase_heading("2017-06", "half", lang="zh") == "### 阶段考核：2017H1"
    with pytest.raises(ValueError, match="lang"):
        et.results_heading(result, lang="de")
    with pytest.raises(TypeError, match="EvaluationResult"):
        et.results_heading(result.combined)


def test_phase_table_grades_the_quarter(evaluated):
    table = et.phase_table(evaluated["phased"], evaluated["result"], period="2017-03", phase="quarter", lang="en")
    assert list(table.columns) == ["Score", "Grade"] and table.index.name == "Unit"
    assert len(table) == 9 and table["Score"].is_monotonic_decreasing
    assert set(table["Grade"]) <= {"excellent", "good", "fair", "poor"}
    expected = evaluated["phased"].score("2017-03", "quarter").round(2)
    assert sorted(table["Score"]) == sorted(expected)
    with pytest.raises(TypeError, match="PhasedScores"):
        et.phase_table(evaluated["result"], evaluated["result"], period="2017-03", phase="quarter")


def test_sensitivity_table_names_the_uncertain_inputs(evaluated):
    table = et.sensitivity_table(evaluated["uncertainty"], lang="zh")
    assert list(table.columns) == ["一阶指数", "总效应指数"] and table.index.name == "不确定因素"
    assert "赋权方法" in table.index and "剔除指标" in table.index
    with pytest.raises(TypeError, match="RankUncertainty"):
        et.sensitivity_table(evaluated["result"])


def test_lost_points_matrix_and_one_units_table(evaluated):
    result = evaluated["result"]
    matrix = et.lost_points_matrix(result, lang="en")
    assert matrix.index[0] == "Yuetang District"  # best score first
    assert (matrix.to_numpy() >= 0).all() and matrix.index.name == "Unit"
    worst = result.combined["score"].idxmin()
    table = et.lost_points_table(result, unit=worst, lang="zh")
    assert table.index.name == result.units.at[worst, "name_zh"]
    assert list(table.columns) == ["满分", "分值", "失分", "原因"]
    lost = result.lost_points()
    assert table["失分"].sum() == pytest.approx(lost.loc[lost["unit"] == worst, "lost"].sum(), abs=0.05)
    with pytest.raises(ValueError, match="unit must be one of"):
        et.lost_points_table(result, unit="nowhere")


def test_bonus_table_lists_bonuses_and_vetoes(evaluated):
    result = evaluated["result"]
    table = et.bonus_table(result, lang="en")
    assert list(table.columns) == ["Unit", "Item", "Points", "Why"]
    points = result.points
    expected = ((points["kind"] == "bonus") & (points["points"] != 0)) | (points["kind"] == "veto")
    assert len(table) == int(expected.sum())


def test_audit_tables(evaluated):
    result = evaluated["result"]
    flat = et.flat_indicators(result)
    assert all(result.normalised[c].nunique() < 2 for c in flat)
    note = et.flat_note(result, lang="en")
    assert (note == "") == (not flat)
    alpha = et.alpha_table(result, lang="en")
    assert alpha.columns[0] == "Cronbach's alpha" and alpha.index.name == "Group" and alpha.notna().all().all()
    assert et.alpha_note(result, lang="zh").startswith("Cronbach α（全部指标）：")
    flags = et.correlation_flags(result, lang="en", top=3)
    assert len(flags) <= 3 and "Correlation" in flags.columns
    with pytest.raises(ValueError, match="top"):
        et.correlation_flags(result, top=0)


def test_provenance_table_holds_hashes_versions_and_seed(evaluated):
    table = et.provenance_table(evaluated["result"])
    assert table.at["seed", "value"] == evaluated["spec"].seed
    assert any(i.startswith("spec:") for i in table.index) and any(i.startswith("data:") for i in table.index)
    assert all(len(v) == 12 for i, v in table["value"].items() if i.startswith(("spec:", "data:")))


def test_compare_ranks_side_by_side(evaluated):
    result = evaluated["result"]
    other = rl.evaluate(evaluated["spec"].using(weighting="equal"), evaluated["data"], period="2017", audit=False)
    table = et.compare_ranks({"expert": result, "equal": other}, lang="en")
    assert list(table.columns) == ["expert", "equal"] and table.index.name == "Unit"
    assert table["expert"].tolist() == sorted(table["expert"].tolist())
    assert table.loc["Yuetang District", "equal"] == other.combined.at["430304", "rank"]
    with pytest.raises(ValueError, match="non-empty"):
        et.compare_ranks({})


@needs_cjk
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_evaluation_figure_draws_with_its_title(evaluated, lang):
    r, u = evaluated["result"], evaluated["uncertainty"]
    figures = {"monthly_title": ep.monthly_score_figure(evaluated["phased"], r, lang=lang),
               "ranks_title": ep.rank_interval_figure(u, r, lang=lang),
               "sensitivity_title": ep.sensitivity_figure(u, lang=lang),
               "lost_title": ep.lost_points_figure(r, lang=lang),
               "corr_title": ep.correlation_figure(r, lang=lang)}
    for key, fig in figures.items():
        check_glyphs(fig)
        assert fig.axes[0].get_title() == rl.i18n.EVALUATION_TEXT[lang][key]


def test_rank_interval_figure_puts_the_best_unit_on_top(evaluated):
    fig = ep.rank_interval_figure(evaluated["uncertainty"], evaluated["result"], lang="en")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "Yuetang District" and len(labels) == 9
    assert fig.axes[0].yaxis_inverted()
    with pytest.raises(TypeError, match="RankUncertainty"):
        ep.sensitivity_figure(pd.DataFrame())
