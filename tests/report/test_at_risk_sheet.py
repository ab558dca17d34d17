"""The workbook's at-risk sheet (逾期风险任务) stores its percentages as numbers whose number
format reads as the page prints them (``30%``, ``落后37个百分点``), as the other sheets do;
on the demonstration data's June 2017 list (synthetic data), built by the brief's own
functions, and on a list ranked by probability."""
from __future__ import annotations

import openpyxl
import pytest

import reformlib as rl
from reformlib.briefs import content as brief
from reformlib.report.tables import results_tables
from reformlib.report.workbook import BRIEF_HEADERS, brief_sheets, write_tables
from reformlib.tasks import warning


def _june(lang: str) -> dict:
    data = rl.load_data(None)
    month = "2017-06"
    status, by_category = brief.task_progress(data["tasks"], data["progress"], month, lang=lang)
    check = warning.month_check(data["tasks"], data["progress"], month, units=data["units"], n_boot=20)
    risky = brief.at_risk_section(data["tasks"], data["progress"], month, lang=lang, units=data["units"], check=check)
    return brief.results(month=month, lang=lang, unit=None, headline_table=brief.headline(
        data["observations"], data["indicators"], rl.load_reference(), month, units=data["units"], lang=lang),
        status=status, by_category=by_category, synthetic=True, figures=[], sections={"at_risk": risky},
        units=data["units"])


def _written(results: dict, lang: str, path) -> tuple[list, list]:
    """The at-risk sheet as the page's table writes it, and as the workbook stores it."""
    tables = results_tables(results, lang=lang)
    sheets, formats = brief_sheets(tables, results, lang=lang)
    used = write_tables(sheets, path, lang=lang, headers=BRIEF_HEADERS[lang], formats=formats)
    ws = openpyxl.load_workbook(path)[used["at_risk"]]
    return tables["at_risk"].to_dict("records"), [list(row) for row in ws.iter_rows(min_row=2)]


def _reads(value: float, number_format: str) -> str:
    """How Excel shows ``value`` under the simple formats of this sheet: a literal, ``0``
    with quoted words around it, or a share under ``0%``."""
    section = number_format.split(";")[0 if value >= 0 else 1]
    if number_format == "0%":
        return f"{round(100 * value)}%"
    words = section.split('"')
    return "".join(str(round(abs(value))) if (i % 2 == 0 and part == "0") else part
                   for i, part in enumerate(words) if part)


@pytest.fixture(scope="module")
def june(demo):
    return {lang: _june(lang) for lang in ("zh", "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_progress_and_schedule_are_numbers_reading_as_the_page(june, lang, tmp_path):
    shown, stored = _written(june[lang], lang, tmp_path / "tables.xlsx")
    records = june[lang]["tasks"]["at_risk"]
    assert records and len(stored) == len(shown) == len(records)
    for row, cells, r in zip(shown, stored, records):
        progress, expected, gap = cells[3], cells[4], cells[5]
        assert isinstance(progress.value, int) and abs(progress.value - r["progress"]) <= 0.5
        assert isinstance(expected.value, int) and abs(expected.value - r["expected"]) <= 0.5
        assert progress.number_format == expected.number_format == '0"%"'
        assert f"{progress.value}%" == row["task_progress"] and f"{expected.value}%" == row["schedule_expected"]
        # the printed gap is the printed progress less the printed schedule
        assert isinstance(gap.value, int) and gap.value == progress.value - expected.value
        assert _reads(gap.value, gap.number_format) == row["schedule_gap"]
        assert not any(isinstance(c.value, str) and c.value.endswith("%") for c in cells)


def test_a_probability_without_band_is_a_share_under_a_percent_format(results, tmp_path):
    """A list ranked by probability whose records carry no band (tests/report/conftest.py):
    the probability a number under 0%, read as the page prints it (62%)."""
    shown, stored = _written(results, "zh", tmp_path / "tables.xlsx")
    assert len(stored) == len(shown) == len(results["tasks"]["at_risk"]) == 2
    for row, cells, r in zip(shown, stored, results["tasks"]["at_risk"]):
        band = cells[3]
        assert band.value == pytest.approx(r["probability"]) and band.number_format == "0%"
        assert _reads(band.value, band.number_format) == row["band"]


def test_printed_gap_is_printed_schedule_less_printed_progress(june, tmp_path):
    """June 2017: 金融改革 (T001) at 35 % against a schedule of 45.45 % and T166 at 15 % against
    37.5 % read 35%, 45%, 落后10个百分点 and 15%, 38%, 落后23个百分点 (they read 46% beside a gap
    of 10, and 38% beside 22), in the page's table, the workbook and the reason beside them."""
    shown, stored = _written(june["zh"], "zh", tmp_path / "tables.xlsx")
    rows = {r["task_id"]: (row, cells, r) for row, cells, r in zip(shown, stored, june["zh"]["tasks"]["at_risk"])}
    for task, want in (("T001", ("35%", "45%", "落后10个百分点")), ("T166", ("15%", "38%", "落后23个百分点"))):
        row, cells, r = rows[task]
        assert (row["task_progress"], row["schedule_expected"], row["schedule_gap"]) == want
        assert [c.value for c in cells[3:6]] == [int(want[0][:-1]), int(want[1][:-1]), int(want[0][:-1]) - int(want[1][:-1])]
        assert f"进度比计划{want[2]}" in r["reason"]
    for row, _, _r in rows.values():
        gap = int(row["task_progress"][:-1]) - int(row["schedule_expected"][:-1])
        assert row["schedule_gap"] == (f"落后{-gap}个百分点" if gap < 0 else f"超前{gap}个百分点" if gap else "与计划持平")
