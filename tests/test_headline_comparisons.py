"""Each headline figure is compared with what describes it, each comparison labelled: its own
target that month, its own value a month and a year earlier and, in a unit's brief, the
city's value; the document's year-end words stand only beside the city's December 2017
figure. Results, page, workbook and memo quote the same numbers, written by
:mod:`reformlib.report.numbers`; the early warning's probabilities read as bands with their
observed miss rate in the workbook and the memo, as on the page. On the demonstration data,
without papermill."""
from __future__ import annotations

import html
import math
import re

import openpyxl
import pandas as pd
import pytest

import reformlib as rl
from reformlib.briefs import content as brief
from reformlib.briefs import publish
from reformlib.data.task_status import shown_schedule
from reformlib.errors import DataValidationError
from reformlib.i18n import HEADLINE_TEXT, WARNING_TEXT
from reformlib.report.memo import memo_content
from reformlib.report.numbers import headline_cell
from reformlib.report.page import headline_display
from reformlib.report.results import validate_results, write_results

pytestmark = pytest.mark.slow
WORDS = HEADLINE_TEXT["zh"]
COMPARED = ("target", "previous_month", "year_earlier", "city_value")


@pytest.fixture(scope="module")
def data(demo):
    return rl.load_data(None), rl.load_pilots(None), rl.load_reference()


def _results(data, month: str, unit: str = "", *, at_risk: bool = False) -> dict:
    tables, pilots, reference = data
    uc = unit or brief.CITY
    obs, ind, units = tables["observations"], tables["indicators"], tables["units"]
    status, by_category = brief.task_progress(tables["tasks"], tables["progress"], month, unit=uc)
    sections = {"indicators_off_target": brief.off_target(obs, ind, units, month, unit=uc),
                "supervision": [] if at_risk else brief.supervision_list(tables["tasks"], status, month, units=units)}
    if at_risk:
        sections["at_risk"] = brief.at_risk_section(tables["tasks"], tables["progress"], month, units=units,
                                                    unit=uc, synthetic=True)
    return validate_results(brief.results(
        month=month, lang="zh", unit=unit or None, headline_table=brief.headline(obs, ind, reference, month, unit=uc),
        status=status, by_category=by_category, synthetic=True, figures=[], sections=sections, units=units))


@pytest.fixture(scope="module")
def yuhu(data):
    return _results(data, "2017-12", "430302")


@pytest.fixture(scope="module")
def june(data):
    return _results(data, "2017-06")


def _observed(obs: pd.DataFrame, code: str, unit: str, annual: str, month: str) -> float | None:
    """The value of ``code`` for ``unit`` in ``month`` read straight from the observations:
    a level's value that month, a flow's sum from January to that month."""
    m = pd.Period(month, "M")
    rows = obs[(obs["indicator"] == code) & (obs["unit"] == unit)]
    if annual == "december":
        hit = rows.loc[rows["period"] == m, "value"]
        return float(hit.iloc[0]) if len(hit) else None
    window = rows[(rows["period"].dt.year == m.year) & (rows["period"] <= m)]
    return float(window["value"].sum()) if len(window) else None


def _target(row: pd.Series, value: float, month: int) -> float | None:
    """The catalogue's target as the off-target list holds a value to it."""
    if row["direction"] == "band":
        return row["band_low"] if value < row["band_low"] else row["band_high"]
    if pd.isna(row["target"]):
        return None
    return row["target"] * (month / 12 if row["annual"] == "sum" else 1)


def test_unit_headline_carries_its_own_target_last_month_last_year_and_the_city(data, yuhu):
    tables = data[0]
    obs, ind = tables["observations"], tables["indicators"].set_index("indicator")
    assert len(yuhu["headline"]) >= 20
    checked = dict.fromkeys(COMPARED, 0)
    for h in yuhu["headline"]:
        row = ind.loc[h["code"]]
        annual = row["annual"]
        expected = {"previous_month": _observed(obs, h["code"], "430302", annual, "2017-11"),
                    "year_earlier": _observed(obs, h["code"], "430302", annual, "2016-12"),
                    "city_value": _observed(obs, h["code"], "430300", annual, "2017-12"),
                    "target": _target(row, h["value"], 12)}
        assert h["value"] == pytest.approx(_observed(obs, h["code"], "430302", annual, "2017-12"))
        for key, want in expected.items():
            assert key in h, (h["code"], key)
            if want is None:
                assert h[key] is None, (h["code"], key)
            else:
                assert h[key] == pytest.approx(want), (h["code"], key)
                checked[key] += 1
        if h["target"] is not None:
            higher = row["direction"] == "higher" or row["direction"] == "band" and h["value"] >= h["target"]
            meets = (row["band_low"] <= h["value"] <= row["band_high"] if row["direction"] == "band"
                     else h["value"] >= h["target"] if higher else h["value"] <= h["target"])
            assert h["meets_target"] is bool(meets), h["code"]
        else:
            assert h["meets_target"] is None
        assert h["comparison"] == ""  # the city's year-end words never stand beside a district
    assert min(checked.values()) >= 10, checked
    assert {h["code"]: h["meets_target"] for h in yuhu["headline"]}["river_chief_plan_rate"] is False


def test_flows_compare_years_to_date(data):
    tables, _, reference = data
    obs, ind = tables["observations"], tables["indicators"]
    january = brief.headline(obs, ind, reference, "2017-01").set_index("code")
    march = brief.headline(obs, ind, reference, "2017-03").set_index("code")
    february = brief.headline(obs, ind, reference, "2017-02").set_index("code")
    flow = "land_transfer_new_area"
    assert pd.isna(january.at[flow, "previous_month"])  # last year's total is no month before a January year to date
    assert march.at[flow, "previous_month"] == pytest.approx(february.at[flow, "value"])
    assert march.at[flow, "year_earlier"] == pytest.approx(_observed(obs, flow, "430300", "sum", "2016-03"))
    assert march.at[flow, "growth"] == pytest.approx(100 * (march.at[flow, "value"] / march.at[flow, "year_earlier"] - 1))
    assert march.at["land_transfer_rate", "previous_month"] == pytest.approx(february.at["land_transfer_rate", "value"])
    assert "city_value" in march.columns and march["city_value"].isna().all()  # the city is not compared with itself


def test_june_city_brief_compares_with_its_own_figures_not_the_document(june):
    rows = june["headline"]
    assert all(h["comparison"] == "" for h in rows)
    assert all("city_value" not in h for h in rows)
    assert sum(h["target"] is not None for h in rows) >= 15
    assert all(h["previous_month"] is not None and h["year_earlier"] is not None for h in rows)
    c = memo_content(june)
    judged = [h for h in rows if h["meets_target"] is not None]
    met = sum(h["meets_target"] for h in judged)
    sentence = f"全市有目标的{len(judged)}项主要指标中，{met}项达到年度目标（流量指标按月折算），{len(judged) - met}项未达到"
    assert any(sentence in s for s in c.overview), c.overview
    title, cols, body = next(a for a in c.attachments if a[0] == WORDS["att_headline"])
    assert cols == ["指标", WORDS["value"], "年度目标（流量指标按月折算）", "是否达到目标", WORDS["previous_month"], WORDS["year_earlier"]]
    for h, r in zip(rows, body):
        assert r == [h["name"], headline_cell(h, "value", "zh"), headline_cell(h, "target", "zh", official=True),
                     "—" if h["meets_target"] is None else WORDS["met" if h["meets_target"] else "missed"],
                     headline_cell(h, "previous_month", "zh"), headline_cell(h, "year_earlier", "zh")]


def _cells(table_html: str) -> tuple[list[str], list[list[str]]]:
    head = re.findall(r"<th [^>]*col_heading[^>]*>(.*?)</th>", table_html)
    rows = [re.findall(r"<td [^>]*>(.*?)</td>", tr) for tr in re.findall(r"<tr>(.*?)</tr>", table_html, re.S)[1:]]
    return head, rows


@pytest.mark.parametrize("month, unit", [("2017-06", ""), ("2017-12", "430302")])
def test_page_headline_table_shows_the_labelled_comparisons(data, month, unit, june, yuhu):
    tables, _, reference = data
    res = june if not unit else yuhu
    frame = brief.headline(tables["observations"], tables["indicators"], reference, month, unit=unit or brief.CITY)
    head, rows = _cells(headline_display(frame).to_html())
    labels = [WORDS[k] for k in ("target", "meets_target", "previous_month", "year_earlier")]
    assert all(label in head for label in labels)
    assert (WORDS["city_value"] in head) is bool(unit)
    assert "文件表述" not in head and "2017年文件数值" not in head  # not the document's month or a unit
    at = {k: head.index(WORDS[k]) for k in COMPARED if WORDS[k] in head}
    for h, cells in zip(res["headline"], rows):  # as the memo writes them (reformlib.report.numbers)
        assert cells[head.index(WORDS["value"])] == headline_cell(h, "value", "zh")
        for key, i in at.items():
            assert cells[i] == headline_cell(h, key, "zh"), (h["code"], key)


def test_page_headline_escapes_names(data):
    tables, _, reference = data
    frame = brief.headline(tables["observations"], tables["indicators"], reference, "2017-06")
    frame.loc[0, "name"] = "<script>alert(1)</script>"
    page = headline_display(frame).to_html()
    assert "<script>" not in page and html.escape("<script>alert(1)</script>") in page


def _sheet(folder, title: str) -> tuple[list[str], list[dict]]:
    ws = openpyxl.load_workbook(folder / "tables.xlsx")[title]
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[0]]
    return header, [dict(zip(header, r)) for r in rows[1:]]


def _shown(cell) -> str:
    """A number cell as Excel shows it under its number format (``#,##0.0"亩"``, ``0.0"%"``,
    ``"平均"#,##0.0"人"``: quoted text around one number)."""
    fmt = cell.number_format.split(";")[0]
    lead, body, tail = re.match(r'^(?:"([^"]*)")?([#,0.]+)(?:"([^"]*)")?$', fmt).groups()
    decimals = len(body.partition(".")[2])
    value = f"{cell.value:,.{decimals}f}" if "," in body else f"{cell.value:.{decimals}f}"
    return (lead or "") + value + (tail or "")


def test_workbook_headline_sheet_reads_as_the_page(tmp_path, yuhu, monkeypatch):
    monkeypatch.setenv(publish.MEMO_PDF_SWITCH, "off")
    write_results(yuhu, tmp_path / "results.json")
    publish.write_documents(tmp_path, lang="zh")
    header, rows = _sheet(tmp_path, "主要指标")
    for key in COMPARED:
        assert WORDS[key] in header, key
    assert WORDS["meets_target"] in header
    assert len(rows) == len(yuhu["headline"])
    for h, r in zip(yuhu["headline"], rows):
        for key in ("value", *COMPARED):
            cell = r[WORDS[key]]
            if h[key] is None:
                assert cell.value == "—"
                continue
            if key == "target" and h.get("band_low") is not None:  # a band target reads as its band
                assert cell.value == headline_cell(h, key, "zh")
                continue
            assert cell.value == pytest.approx(h[key])
            assert _shown(cell) == headline_cell(h, key, "zh"), (h["code"], key, cell.number_format)
        met = r[WORDS["meets_target"]].value
        assert met == ("—" if h["meets_target"] is None else WORDS["met" if h["meets_target"] else "missed"])


def test_results_reject_comparisons_that_contradict_the_value(yuhu, june):
    bad = {**yuhu, "headline": [dict(h) for h in yuhu["headline"]]}
    flow = next(h for h in bad["headline"] if h["growth"] is not None)
    flow["growth"] += 5
    city = {**june, "headline": [{**june["headline"][0], "city_value": 1.0}, *june["headline"][1:]]}
    untargeted = next(i for i, h in enumerate(june["headline"]) if h["target"] is None)
    loose = {**june, "headline": [dict(h) for h in june["headline"]]}
    loose["headline"][untargeted]["meets_target"] = True
    with pytest.raises(DataValidationError, match=r"headline\[\d+\]\.growth"):
        validate_results(bad)
    with pytest.raises(DataValidationError, match=r"headline\[0\]\.city_value"):
        validate_results(city)
    with pytest.raises(DataValidationError, match=rf"headline\[{untargeted}\]\.meets_target"):
        validate_results(loose)


@pytest.fixture(scope="module")
def september(data):
    return _results(data, "2017-09", at_risk=True)


def test_at_risk_list_ranked_by_the_gap_reads_as_progress_against_schedule_never_as_probabilities(
        tmp_path_factory, september, monkeypatch):
    """September 2017: the list is ranked by the gap to schedule (the model does not beat it on
    held-out months), so the workbook and the memo show no probability band: each task's
    progress beside the progress its schedule expects and the gap, labelled so."""
    listed = september["tasks"]["at_risk"]
    assert september["tasks"]["warning"]["method"] == "gap_to_schedule"
    assert listed and all("band" not in r and r["expected"] is not None for r in listed)
    words = WARNING_TEXT["zh"]
    folder = tmp_path_factory.mktemp("september")
    monkeypatch.setenv(publish.MEMO_PDF_SWITCH, "off")
    write_results(september, folder / "results.json")
    publish.write_documents(folder, lang="zh")
    header, rows = _sheet(folder, "逾期风险任务")
    assert words["band_col"] not in header and words["observed_col"] not in header and "逾期概率" not in header
    assert [words[k] for k in ("progress_col", "expected_col", "gap_col")] == [
        h for h in header if h in (words["progress_col"], words["expected_col"], words["gap_col"])]
    raw = {f"{r['probability']:.4g}" for r in listed}  # the probabilities as stored: never printed
    for r, row in zip(listed, rows):
        p, e, gap = shown_schedule(r["progress"], r["expected"])  # the gap is the printed parts' difference
        assert [row[words[k]].value for k in ("progress_col", "expected_col", "gap_col")] == [p, e, gap]
        assert all(not isinstance(c.value, float) or not 0 < c.value <= 1 for c in row.values())
        assert not {str(c.value) for c in row.values()} & raw
    c = memo_content(september)
    title, cols, body = next(a for a in c.attachments if a[0] == "存在逾期风险的任务")
    assert cols[2:5] == [words["progress_col"], words["expected_col"], words["gap_col"]]
    assert words["band_col"] not in cols
    assert not {cell for r in body for cell in r} & raw
    sheet = {row[header[1]].value: [row[words[k]].value for k in ("progress_col", "expected_col", "gap_col")]
             for row in rows}
    for r in body:  # the memo reads as the workbook: the same whole percentages, the gap their difference
        p, e, gap = sheet[r[0]]
        assert r[2:5] == [f"{p}%", f"{e}%", f"落后{-gap}个百分点" if gap < 0 else f"超前{gap}个百分点" if gap else "与计划持平"]
        assert gap == p - e
    assert not any(math.isnan(r["probability"]) for r in listed)
