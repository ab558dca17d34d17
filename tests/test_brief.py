"""The brief runner really executes the notebook with papermill, publishes only a checked
run with every expected output, and keeps a failed one aside without touching the
published brief. The brief's section functions are checked on small hand-made frames."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from reformlib.briefs import content as brief
from reformlib.briefs import publish
from reformlib.briefs.run import check_executed, run_brief, validate_params
from reformlib.errors import ParameterError
from reformlib.i18n import HEADINGS, NOT_SUPPLIED, WARNING_TEXT
from reformlib.report.browser import html_is_offline
from reformlib.report.results import read_results, validate_results
from reformlib.report.tables import results_tables

pytestmark = pytest.mark.slow


MONTH = "2017-12"


@pytest.fixture(scope="module")
def published(published_reports):
    """The shared December 2017 city brief (tests/conftest.py): its reports folder and its
    ``current`` folder."""
    return published_reports, published_reports / MONTH / "current"


def test_brief_is_published_with_every_output(published):
    reports, folder = published
    assert folder.is_symlink() and folder.resolve().parent.name == "versions"
    for name in ("brief.html", "memo.docx", "tables.xlsx", "results.json", "manifest.json", "run.log",
                 "figures/task_progress.png", "figures/family_debt.png", "notebooks/brief.ipynb"):
        assert (folder / name).stat().st_size > 0, name
    assert not list((reports / MONTH / "staging").iterdir())
    assert check_executed(folder / "notebooks" / "brief.ipynb") == []
    assert publish.check_outputs(folder) == []


def test_brief_html_is_self_contained_and_hides_code(published):
    _, folder = published
    html = (folder / "brief.html").read_text(encoding="utf-8")
    assert html_is_offline(html) == []
    assert "<script" not in html
    assert html.count('src="data:image/png;base64,') >= 2
    assert "改革简报" in html and "耕地流转率" in html and "合成演示数据" in html
    assert "import reformlib" not in html and "load_observations" not in html
    assert "(template)" not in html  # the template's own notes are tagged remove_cell
    for key, title in HEADINGS["zh"].items():
        if "{" not in title and title != "说明" and key not in ("headline", "headline_own"):
            assert title in html, title
    # December stands beside the year-end document: the heading names it
    assert HEADINGS["zh"]["headline"] in html and HEADINGS["zh"]["headline_own"] not in html
    assert "30–39%" in html and "3–5人" in html  # band targets read as their band
    assert "本月数值（流量指标为1月至本月累计）" in html and "assoc_decoupled_rate" not in html
    # the document's words stand as written; the units of these data that missed the target, in a note apart
    assert "注：“文件表述”是2017年全市年度总结的原文" in html and "河长制工作方案出台率（雨湖区、湘潭县、湘乡市）" in html


def test_results_and_manifest(published, demo):
    _, folder = published
    res = read_results(folder / "results.json")
    assert res["month"] == MONTH and res["synthetic"] is True
    assert res["tasks"]["total"] == 213
    codes = {h["code"] for h in res["headline"]}
    assert {"land_transfer_rate", "gov_debt_ratio", "judge_quota_ratio"} <= codes
    assert res["evaluation"]["available"] is True
    scores = res["evaluation"]["scores"]
    assert [s["rank"] for s in scores] == sorted(s["rank"] for s in scores) and len(scores) >= 8
    assert all(1 <= s["rank_p05"] <= s["rank_p95"] <= len(scores) for s in scores)
    # December: the year-end assessment, named; ranks within each peer group
    html = (folder / "brief.html").read_text(encoding="utf-8")
    assert res["evaluation"]["assessment"] == "year_end" and "以下得分为2017年度年终评估" in html
    for group in {s["peer_group"] for s in scores}:
        members = [s for s in scores if s["peer_group"] == group]
        assert sorted(s["peer_rank"] for s in members) == list(range(1, len(members) + 1))
        assert all(s["peer_rank_text"] in html for s in members)
    # every task falls due by the year's end: none is still open before its deadline
    assert res["tasks"]["at_risk"] == [] and "warning" not in res["tasks"]
    insp, pilots = res["inspections"], res["pilots"]
    assert insp["rectified"] + insp["open"] == insp["found"] > 0
    assert 0 < pilots["national"] <= 25 and 0 < pilots["provincial"] <= 30 and pilots["local"] <= 132
    assert res["indicators_off_target"] and all(o["value"] != o["target"] for o in res["indicators_off_target"])
    man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert man["status"] == "published" and man["parameters"] == {"month": MONTH, "lang": "zh", "unit": ""}
    pdf = man["documents"]["memo.pdf"]  # the memo's PDF, made with LibreOffice (`make memo-tools`), on A4 pages
    assert pdf == {"made": True, "tool": "LibreOffice"}, pdf
    assert publish.pdf_problems(folder / "memo.pdf") == []
    assert set(man["input_hashes"]) >= {"observations.parquet", "tasks.csv"}
    assert set(man["inputs"]) == {"data", "model", "reference", "notebooks", "code", "packages", "fonts"}
    assert {"grades.csv", "rubric.csv", "spec.yml"} <= set(man["inputs"]["model"])
    assert "document_figures.csv" in man["inputs"]["reference"] and man["inputs"]["packages"]["pandas"]
    nb = man["timings_seconds"]["brief.ipynb"]
    assert man["packages"]["papermill"] and nb["cells"] > 0 and nb["start"] >= 0
    assert nb["wall"] == pytest.approx(nb["cells"] + nb["start"], abs=0.02)


def test_june_sections_say_which_assessment_and_that_the_model_was_not_fitted(demo):
    """What the brief notebook shows for June 2017, made by the functions its cells call:
    its own figures (no year-end document beside them), the monthly assessment named, and an
    at-risk list ranked by the gap to schedule because too few tasks were due to fit the
    model or to hold a month out, each said on the page."""
    import reformlib as rl
    from reformlib.briefs import peers, risk
    from reformlib.report import page

    data = rl.load_data(None)
    tasks, progress, units = data["tasks"], data["progress"], data["units"]
    headline = brief.headline(data["observations"], data["indicators"], rl.load_reference(), "2017-06", units=units)
    assert page.headline_heading(headline, "zh").lstrip("# ") == HEADINGS["zh"]["headline_own"]
    evaluation = brief.evaluation_section(data, "2017-06", lang="zh", uncertainty=False)
    assert evaluation["assessment"] == "monthly" and "以下得分为2017年6月月度评估" in peers.scores_note(evaluation, "zh")
    section = brief.at_risk_section(tasks, progress, "2017-06", lang="zh", unit=brief.CITY, units=units, top=10)
    warn, risky = section["warning"], section["at_risk"]
    assert 0 < len(risky) <= 10 and warn["rule"] == "gap" and warn["model_fitted"] is False and warn["checked"] is False
    assert "逾期预警模型须有至少60项已到期任务的历史数据，截至本月不足，因此未启用" in warn["text"] and "留出" not in warn["text"]
    words = WARNING_TEXT["zh"]
    shown = risk.risk_frame(risky, lang="zh", units=units)
    assert all("band" not in r for r in risky) and words["band_col"] not in shown.columns
    assert all(words[k] in shown.columns for k in ("progress_col", "expected_col", "gap_col"))


@pytest.mark.parametrize("kwargs, words", [
    (dict(month="2017-13"), "YYYY-MM"),
    (dict(month="2015-01"), "outside the data"),
    (dict(month="17-06"), "YYYY-MM"),
    (dict(lang="fr"), "lang must be one of"),
    (dict(unit=999999), "unit must be one of"),
    (dict(unit="999999"), "unit must be one of"),
    (dict(unit=4.3e5), "unit must be one of"),
])
def test_bad_parameters_are_refused_before_anything_runs(tmp_path, demo, kwargs, words):
    with pytest.raises(ParameterError, match=words):
        run_brief(**{"month": "2017-06", **kwargs}, reports=tmp_path, quiet=True)
    assert not any(tmp_path.iterdir())


def test_cli_refuses_a_bad_month_with_a_clear_message(tmp_path):
    out = subprocess.run([sys.executable, "-m", "reformlib", "brief", "--month", "2017-6", "--reports", str(tmp_path)],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert "month must be a month written YYYY-MM" in out.stderr
    assert not any(tmp_path.iterdir())


def test_default_month_is_the_latest(demo):
    assert validate_params().month == "2017-12"


def test_the_city_code_means_the_city_brief(demo):
    assert validate_params("2017-06", unit="430300").unit == ""
    assert validate_params("2017-06", unit=430300).unit == ""


def test_unit_codes_are_accepted_as_int_or_text(demo):
    assert validate_params("2017-06", unit=430302).unit == validate_params("2017-06", unit="430302").unit == "430302"
    assert validate_params("2017-06", unit=" XTJK ").unit == "xtjk"


def _indicators() -> pd.DataFrame:
    return pd.DataFrame({
        "indicator": ["up", "down", "band", "flow", "free"], "name_zh": ["升", "降", "区间", "流量", "无目标"],
        "name_en": ["up", "down", "band", "flow", "free"], "direction": ["higher", "lower", "band", "higher", "higher"],
        "band_low": [None, None, 30.0, None, None], "band_high": [None, None, 39.0, None, None],
        "annual": ["december", "december", "december", "sum", "december"], "target": [50.0, 10.0, None, 120.0, None]})


def _observations(values: dict[tuple[str, str], float], month: str = "2017-06") -> pd.DataFrame:
    rows = [{"unit": u, "indicator": i, "period": pd.Period(month, "M"), "value": v} for (u, i), v in values.items()]
    return pd.DataFrame(rows)


def test_off_target_is_direction_aware():
    units = pd.DataFrame({"unit": ["430302", "430304"], "name_zh": ["雨湖区", "岳塘区"], "name_en": ["Yuhu", "Yuetang"],
                          "territorial": [True, True]})
    obs = _observations({("430302", "up"): 49.0, ("430304", "up"): 50.0, ("430302", "down"): 10.5,
                         ("430304", "down"): 9.0, ("430302", "band"): 40.0, ("430304", "band"): 29.0,
                         ("430302", "flow"): 59.0, ("430304", "flow"): 61.0, ("430302", "free"): 0.0})
    off = brief.off_target(obs, _indicators(), units, "2017-06", lang="zh")
    got = {(r.unit, r.indicator): (r.target, r.gap) for r in off.itertuples()}
    # higher: 49 < 50; lower: 10.5 > 10; band: outside [30, 39] against the nearer edge;
    # flow: year to date against the target pro rata (120 x 6 / 12 = 60); no target: never off.
    assert got == {("430302", "up"): (50.0, -1.0), ("430302", "down"): (10.0, 0.5), ("430302", "band"): (39.0, 1.0),
                   ("430304", "band"): (30.0, -1.0), ("430302", "flow"): (60.0, -1.0)}
    one = brief.off_target(obs, _indicators(), units, "2017-06", unit="430304")
    assert set(one["unit"]) == {"430304"} and list(one["indicator"]) == ["band"]


def test_inspections_and_pilots_as_of_the_month():
    d = pd.to_datetime
    insp = pd.DataFrame({"unit": ["430302", "430302", "430304", "430304"],
                         "found_on": d(["2017-01-10", "2017-03-01", "2017-05-20", "2017-07-01"]),
                         "rectified_on": d(["2017-02-01", "2017-07-05", None, None])})
    # rectified after the month still counts as open then; found on 1 March: over 90 days open at 30 June
    assert brief.inspections_summary(insp, "2017-06") == {
        "available": True, "found": 3, "rectified": 1, "open": 2, "open_over_90_days": 1}
    assert brief.inspections_summary(insp, "2017-06", unit="430304")["found"] == 1
    pilots = pd.DataFrame({"level": ["national", "provincial", "local", "national"], "unit": ["430300"] * 4,
                           "start": d(["2016-05-01", "2017-02-01", "2017-06-30", "2017-07-01"]),
                           "became_model": [True, True, False, False], "model_on": d(["2017-03-01", "2017-08-01", None, None])})
    assert brief.pilots_summary(pilots, "2017-06") == {
        "available": True, "national": 1, "provincial": 1, "models": 1, "local": 1}


def test_sections_not_yet_available_say_so_in_results_and_tables(published):
    _, folder = published
    res = read_results(folder / "results.json")
    res["evaluation"] = {"available": False, "note": NOT_SUPPLIED["zh"]}
    res["tasks"] = {**res["tasks"], "at_risk": [], "note": NOT_SUPPLIED["zh"]}
    tables = results_tables(validate_results(res), lang="zh")
    for key in ("scores", "at_risk"):
        assert list(tables[key].columns) == ["note"] and "本节尚未纳入" in tables[key].iloc[0, 0]
    assert list(tables["inspections"].columns) == ["found", "rectified", "open", "open_over_90_days"]


def test_missing_or_empty_outputs_are_named(published, tmp_path):
    _, folder = published
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    (copy / "tables.xlsx").write_bytes(b"")
    (copy / "memo.docx").unlink()
    (copy / "figures" / "family_debt.png").unlink()
    problems = publish.check_outputs(copy)
    assert problems == ["memo.docx is missing or empty", "tables.xlsx is missing or empty",
                        "figure figures/family_debt.png is missing or empty"]


def test_evaluation_section_scores_the_frames_it_is_given(demo):
    """The brief's evaluation is the model run on the notebook's own tables: a change to
    those tables changes the section (nothing is reloaded from disk)."""
    from reformlib.model.evaluate import DATA_TABLES, evaluate, load_data
    from reformlib.model.spec import load_spec

    data = load_data(demo)
    section = brief.evaluation_section(data, "2017-06", lang="en", uncertainty=False)
    result = evaluate(load_spec(), data, period="2017-06")
    ranked = result.combined[result.combined["rank"].notna()].drop(index=brief.CITY)  # the city is reported, not ranked
    assert {s["unit"]: s["score"] for s in section["scores"]} == pytest.approx(ranked["score"].round(2).to_dict())
    assert section["city"]["score"] == pytest.approx(round(result.combined.at[brief.CITY, "score"], 2))
    assert sorted(s["rank"] for s in section["scores"]) == list(range(1, len(ranked) + 1))
    worse = {**data, "observations": data["observations"].assign(value=lambda d: d["value"].where(d["unit"] != "430302", 0.0))}
    changed = brief.evaluation_section(worse, "2017-06", lang="en", uncertainty=False)
    assert changed["scores"] != section["scores"]
    with pytest.raises(ValueError, match="ratings"):
        brief.evaluation_section({k: data[k] for k in DATA_TABLES if k != "ratings"}, "2017-06")


def test_changes_since_last_month_are_in_results_page_workbook_and_memo(published):
    from openpyxl import load_workbook

    from reformlib.i18n import CHANGES
    from reformlib.report.memo import changes_summary, memo_content
    from reformlib.report.tables import SHEETS

    _, folder = published
    res = read_results(folder / "results.json")
    c = res["changes"]
    assert (c["month"], c["previous_month"]) == (MONTH, "2017-11") and c["completed"] and c["rectified"]
    assert c["revisions"]["traceable"] is False  # the demonstration folder keeps no revisions
    html = (folder / "brief.html").read_text(encoding="utf-8")
    sentence = changes_summary(res)
    assert CHANGES["zh"]["heading"] in html and sentence in html and c["revisions"]["note"] in html
    assert all(r["title"] in html for r in c["completed"])
    assert memo_content(res).overview[-1] == sentence
    sheet = load_workbook(folder / "tables.xlsx", read_only=True)[SHEETS["zh"]["changes"]]
    listed = sum(len(c[k]) for k in ("completed", "newly_overdue", "ranks", "crossed", "rectified"))
    assert sheet.max_row == 1 + listed


def test_the_memo_pdf_can_be_turned_off_and_the_manifest_says_so(published, tmp_path, monkeypatch):
    _, folder = published
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    (copy / "memo.pdf").unlink()
    monkeypatch.setenv(publish.MEMO_PDF_SWITCH, "off")
    record = publish.write_documents(copy, lang="zh")
    assert record["memo.pdf"] == {"made": False, "reason": "turned off by REFORMLIB_MEMO_PDF=off"}
    assert not (copy / "memo.pdf").exists() and (copy / "memo.docx").stat().st_size > 0
    assert publish.check_outputs(copy, record) == []
    assert any("memo.pdf" in p for p in publish.check_outputs(copy, {}))  # not made and not explained: refused
