"""A month in which a unit did not report one of the headline indicators (湘潭经开区 has no
改革办专职人员 figure for November 2017 in the demonstration data) is normal input: the
unit's brief is made, the missing figure reads "—" on the page, in the memo and the
workbook, and results.json holds it as null beside the figures it is compared with. A
results file that does break its schema names the first problem on the first line."""
from __future__ import annotations

import docx
import openpyxl
import pytest

import reformlib as rl
from reformlib.briefs import publish, render
from reformlib.briefs import units as unit_briefs
from reformlib.errors import DataValidationError, Problem
from reformlib.report.numbers import MISSING
from reformlib.report.results import read_results, validate_results


@pytest.fixture(scope="module")
def november_xtjk(tmp_path_factory, demo):
    data = rl.load_data(None)
    obs = data["observations"]
    gone = obs[(obs["unit"] == "xtjk") & (obs["indicator"] == "reform_office_staff") & (obs["period"] == "2017-11")]
    assert gone.empty or gone["value"].isna().all()  # the demonstration data's gap this test stands on
    results = unit_briefs.unit_results({**data, "pilots": rl.load_pilots(None)}, "2017-11", lang="zh", units=["xtjk"],
                                       reference=rl.load_reference())["xtjk"]
    folder = tmp_path_factory.mktemp("xtjk")
    rl.report.write_results(results, folder / "results.json")
    render.draw_figures(folder, results, lang="zh")
    render.write_page(folder, results, lang="zh")
    documents = publish.write_documents(folder, lang="zh")
    return folder, documents


def test_the_missing_figure_is_null_in_results_beside_its_comparisons(november_xtjk):
    november_xtjk, documents = november_xtjk
    res = validate_results(read_results(november_xtjk / "results.json"))
    row = next(h for h in res["headline"] if h["code"] == "reform_office_staff")
    assert row["value"] is None and row["change"] is None and row["previous_month"] == 4.0
    assert publish.check_outputs(november_xtjk, documents) == []


def test_the_missing_figure_reads_as_a_dash_on_the_page_in_the_memo_and_the_workbook(november_xtjk):
    november_xtjk, _ = november_xtjk
    page = (november_xtjk / "brief.html").read_text(encoding="utf-8")
    row = page[page.index("改革办专职人员"):].split("</tr>")[0]
    assert f">{MISSING}<" in row.replace(" ", "") and "nan" not in row.lower() and "None" not in row
    memo = docx.Document(str(november_xtjk / "memo.docx"))
    rows = [[c.text for c in r.cells] for t in memo.tables for r in t.rows]
    staff = next(r for r in rows if r[0] == "改革办专职人员")
    assert staff[1] == MISSING and "nan" not in "".join(staff).lower()
    wb = openpyxl.load_workbook(november_xtjk / "tables.xlsx", read_only=True)
    cells = next(r for ws in wb for r in ws.iter_rows(values_only=True) if r and r[0] == "改革办专职人员")
    assert cells[1] is None and MISSING in cells  # an empty value cell; the text cells say "—"


def test_a_schema_error_names_its_first_problem_on_its_first_line():
    err = DataValidationError("<results>", [Problem(None, "$.headline[11].value", "None is not of type 'number'"),
                                            Problem(None, "$.tasks.total", "-1 is less than the minimum of 0")])
    first = str(err).splitlines()[0]
    assert first.startswith("<results>: 2 problems; the first:") and "$.headline[11].value" in first and "not of type" in first


def test_a_unit_that_leads_no_task_gets_its_brief_without_a_progress_figure(demo, tmp_path):
    """Most county units of a national panel lead no reform task: their brief's figures are
    drawn (only the indicator family's) and the tasks section has no empty chart."""
    data = rl.load_data(None)
    tasks = data["tasks"]
    led = set(tasks.loc[tasks["lead_unit"] == "430302", "task_id"])
    data = {**data, "tasks": tasks[~tasks["task_id"].isin(led)],
            "progress": data["progress"][~data["progress"]["task_id"].isin(led)]}
    results = unit_briefs.unit_results({**data, "pilots": rl.load_pilots(None)}, "2017-12", lang="zh", units=["430302"],
                                       reference=rl.load_reference())["430302"]
    assert [f["name"] for f in results["figures"]] == ["family_debt"]
    render.draw_figures(tmp_path, results, lang="zh")
    render.write_page(tmp_path, results, lang="zh")
    assert [p.name for p in (tmp_path / "figures").iterdir()] == ["family_debt.png"]
    assert "task_progress.png" not in (tmp_path / "brief.html").read_text(encoding="utf-8")
