"""The brief's page rendered from its results alone (no notebook, no kernel): the notebook's
sections and headings in order, offline and inert like the nbconvert page, every value from
the data escaped, figures drawn from the results after the data files are gone, and the page
loaded (and printed at A4) by headless Chromium."""
from __future__ import annotations

import copy
import html as html_lib
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import reformlib as rl
from reformlib.briefs import content as brief
from reformlib.briefs import render
from reformlib.briefs.publish import STYLE, pdf_problems
from reformlib.i18n import CHANGES, HEADINGS, MEMO
from reformlib.report.browser import CHROMIUM, CHROMIUM_ARGS, active_content, html_is_offline, inspect_html
from reformlib.report.results import validate_results

pytestmark = pytest.mark.slow
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                    reason=f"headless Chromium not installed at {CHROMIUM} (`make chromium`)")
HOSTILE = '<script>alert("x")</script> & \'q\' ![i](https://example.invalid/i.png)'


def _results(folder: Path, month: str, unit: str, lang: str = "zh") -> dict:
    """A brief's results as the notebook makes them (without the uncertainty analysis)."""
    data, pilots, reference = rl.load_data(folder), rl.load_pilots(folder), rl.load_reference()
    uc = unit or brief.CITY
    obs, ind, units = data["observations"], data["indicators"], data["units"]
    status, by_category = brief.task_progress(data["tasks"], data["progress"], month, lang=lang, unit=uc)
    sections = {
        "at_risk": brief.at_risk_section(data["tasks"], data["progress"], month, lang=lang, unit=uc, units=units),
        "evaluation": brief.evaluation_section(data, month, lang=lang, uncertainty=False),
        "indicators_off_target": brief.off_target(obs, ind, units, month, lang=lang, unit=uc),
        "inspections": brief.inspections_summary(data["inspections"], month, unit=uc, units=units, lang=lang),
        "pilots": brief.pilots_summary(pilots, month, unit=uc),
        "supervision": brief.supervision_list(data["tasks"], status, month, lang=lang, units=units),
    }
    family = brief.family_section(brief.family_frame(obs, ind, units, "debt", month, lang=lang), "debt",
                                  lang=lang, unit=uc, units=units)
    return validate_results(brief.results(
        month=month, lang=lang, unit=unit or None, units=units, synthetic=True,
        headline_table=brief.headline(obs, ind, reference, month, lang=lang, unit=uc, units=units),
        status=status, by_category=by_category, figures=brief.brief_figures("debt", lang=lang),
        sections=sections, family=family))


@pytest.fixture(scope="module")
def built(demo, tmp_path_factory):
    """Results of the city's and 雨湖区's June briefs, made from a copy of the
    demonstration data that is deleted before anything is rendered."""
    data = tmp_path_factory.mktemp("data") / "demo"
    shutil.copytree(demo, data)
    out = {"city": _results(data, "2017-06", ""), "unit": _results(data, "2017-06", "430302")}
    shutil.rmtree(data)
    return out


@pytest.fixture(scope="module")
def pages(built, tmp_path_factory):
    folders = {}
    for key, res in built.items():
        folder = tmp_path_factory.mktemp(key)
        render.draw_figures(folder, res, lang="zh")
        render.write_page(folder, res, lang="zh")
        folders[key] = folder
    return folders


def _headings(html: str) -> list[str]:
    return [h.get_text(" ", strip=True) for h in BeautifulSoup(html, "html.parser").find_all(["h1", "h2", "h3"])]


def test_every_section_heading_of_the_notebook_page_in_order(pages, built):
    words = HEADINGS["zh"]
    for key, folder in pages.items():
        html = (folder / "brief.html").read_text(encoding="utf-8")
        headings = _headings(html)
        assert headings[0].startswith("改革简报") and ("湘潭市" if key == "city" else "雨湖区") in headings[0]
        res = built[key]
        # a unit's brief: how the unit's score is made up; either: the problems past their deadline
        make_up = [f"雨湖区{res['evaluation']['assessment_label']}得分构成"] if key == "unit" else []
        late = [MEMO["zh"]["att_past_due"]] if res["inspections"].get("past_due_items") else []
        expected = [words["headline_own"], words["tasks"], words["at_risk"], MEMO["zh"]["att_supervision"],
                    words["evaluation"], *make_up, words["off_target"], words["family"].format(family="债务"),
                    words["inspections"], *late, words["pilots"], CHANGES["zh"]["heading"],
                    CHANGES["zh"]["revisions_heading"]]
        assert headings[1:] == expected, key
        assert late or key == "unit", "the city's June brief lists problems past their deadline"
        # the blocks' own headings are those of the page, in the same order
        from_blocks = [b.markdown.lstrip("#").strip().split("\n")[0] for b in render.blocks(built[key], lang="zh")
                       if isinstance(b, render.Text) and b.markdown.startswith("#")]
        assert len(from_blocks) == len(headings)


def test_the_page_says_what_the_results_say(pages, built):
    res = built["city"]
    html = (pages["city"] / "brief.html").read_text(encoding="utf-8")
    tasks = res["tasks"]
    assert f"{tasks['total']}项年度改革任务中已完成{tasks['completed']}项" in html
    assert "合成演示数据" in html
    soup = BeautifulSoup(html, "html.parser")
    scores = [t for t in soup.find_all("table") if "同类排名" in t.get_text()]
    assert scores, "the evaluation's score table"
    names = [r.find_all("td")[0].get_text(strip=True) for r in scores[0].find("tbody").find_all("tr")]
    assert names == [s["name"] for s in res["evaluation"]["scores"]]
    # number columns right-aligned, text columns left as text
    first = scores[0].find("tbody").find("tr").find_all("td")
    assert "num" in first[1].get("class", []) and "num" not in first[0].get("class", [])


def test_an_english_unit_page_on_the_demonstration_data_says_they_are_synthetic(demo, tmp_path):
    """A unit's page in English, from its results as units.ipynb computes them and drawn as a
    unit brief is published: its title, the unit's English name and the notice that the figures
    are synthetic (a unit brief published from offices' own figures carries none:
    tests/test_ingest_to_brief.py)."""
    from reformlib.briefs import units as unit_briefs

    data = unit_briefs.month_inputs(None, "2017-09")
    res = unit_briefs.unit_results(data, "2017-09", lang="en", units=["430302"], reference=rl.load_reference())["430302"]
    assert res["synthetic"] is True
    render.draw_figures(tmp_path, res, lang="en")
    render.write_page(tmp_path, res, lang="en")
    html = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert "Reform brief" in html and "Yuhu District" in html and "SYNTHETIC" in html


def test_the_page_is_offline_inert_and_carries_the_policy(pages):
    for folder in pages.values():
        html = (folder / "brief.html").read_text(encoding="utf-8")
        assert html_is_offline(html) == [] and active_content(html) == []
        policy = html_lib.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)[1])
        assert "script-src 'none'" in policy and "connect-src 'none'" in policy and "img-src data:" in policy
        assert STYLE in html and "@page { size: A4" in html
        assert "<script" not in html


def test_figures_are_drawn_from_results_with_their_captions_as_alt_text(pages, built):
    for key, folder in pages.items():
        html = (folder / "brief.html").read_text(encoding="utf-8")
        images = BeautifulSoup(html, "html.parser").find_all("img")
        listed = built[key]["figures"]
        assert [i["alt"] for i in images] == [f["caption"] for f in listed]
        assert all(i["src"].startswith("data:image/png;base64,") for i in images)
        for f in listed:
            assert (folder / f["path"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_unit_page_shows_how_its_score_is_made_up(pages, built):
    own = next(s for s in built["unit"]["evaluation"]["scores"] if s["unit"] == "430302")
    html = (pages["unit"] / "brief.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    table = next(t for t in soup.find_all("table") if "项目" in t.get_text() and "基础得分" in t.get_text())
    rows = [[c.get_text(strip=True) for c in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
    assert rows[-1][1] == f"{own['score']:.2f}"  # the make-up ends at the score the table above shows
    for lost in own["lost_points"]:
        assert any(lost["item"] in r[0] and lost["reason"] == r[2] for r in rows), lost


def test_a_unit_brief_keeps_its_family_figure_small(built):
    rows = built["unit"]["family"]["rows"]
    assert {r["kind"] for r in rows} == {"unit", "peers", "city"}
    per_indicator = {r["indicator"] for r in rows}
    assert len(rows) == 3 * len(per_indicator)
    assert all(r["unit_name"] in ("雨湖区", "湘潭市") or r["unit_name"].startswith("县市区中位数") for r in rows)
    city = built["city"]["family"]["rows"]
    assert len({r["unit"] for r in city}) == 9 and {r["kind"] for r in city} == {"unit", "city"}


def test_names_from_the_data_are_escaped(built, pages, tmp_path):
    res = copy.deepcopy(built["unit"])
    res["names"]["430302"] = HOSTILE
    res["headline"][0]["name"] = HOSTILE
    res["evaluation"]["scores"][0]["name"] = HOSTILE
    off = res["indicators_off_target"]
    if off:
        off[0]["name"] = HOSTILE
    res["figures"][0]["caption"] = HOSTILE
    validate_results(res)
    shutil.copytree(pages["unit"] / "figures", tmp_path / "figures")
    html = render.write_page(tmp_path, res, lang="zh").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<script" not in html
    assert html_is_offline(html) == [] and active_content(html) == []
    soup = BeautifulSoup(html, "html.parser")
    assert HOSTILE in soup.find("h1").get_text()  # shown as the characters it is made of
    cells = [td.get_text() for td in soup.find_all("td")]
    assert HOSTILE in cells
    assert soup.find("img")["alt"] == HOSTILE


def test_drawing_needs_what_the_figures_are_drawn_from(built, tmp_path):
    res = copy.deepcopy(built["unit"])
    del res["family"]
    with pytest.raises(ValueError, match="family"):
        render.draw_figures(tmp_path, res, lang="zh")


@needs_chromium
def test_a_rendered_page_loads_and_prints_at_a4_in_chromium(pages, tmp_path):
    from playwright.sync_api import sync_playwright

    path = pages["unit"] / "brief.html"
    seen = inspect_html(path)
    assert seen["external_requests"] == [] and seen["page_errors"] == [] and seen["console_errors"] == []
    assert seen["csp_violations"] == [] and seen["active_elements"] == [] and seen["event_handlers"] == []
    assert seen["images"] == 2 and seen["images_rendered"] == 2 and seen["tables"] >= 5
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(path.as_uri(), wait_until="load")
            page.pdf(path=str(tmp_path / "brief.pdf"), prefer_css_page_size=True)
        finally:
            browser.close()
    assert pdf_problems(tmp_path / "brief.pdf") == []


def test_the_notebook_displays_these_blocks_section_by_section():
    """The city's page (brief.ipynb under nbconvert) and a rendered page come from one
    definition: the notebook displays render.section for every section, in order, and
    writes no page content of its own."""
    import nbformat

    from reformlib.data.paths import NOTEBOOKS

    nb = nbformat.read(NOTEBOOKS / "brief.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    shown = re.findall(r'render\.section\("([a-z_]+)", results', code)
    assert shown == list(render.SECTIONS)
    assert "Markdown(" not in code and "display_table" not in code
    assert "render.draw_figures(" in code


def test_the_family_data_stays_small_with_many_units():
    """2,850 units: a unit's family data is its row, its peer group's median and the city's
    per indicator; the city's brief shows the city and each group's median, not every unit."""
    import numpy as np
    import pandas as pd

    n = 2850
    codes = [brief.CITY, *(str(500000 + i) for i in range(n))]
    units = pd.DataFrame({"unit": codes, "name_zh": codes, "kind": ["city", *["county"] * (n - 300), *["park"] * 300],
                          "territorial": True})
    values = np.arange(len(codes), dtype=float)
    frame = pd.concat([pd.DataFrame({"unit": codes, "unit_name": codes, "indicator": ind, "indicator_name": ind,
                                     "value": values + k, "band_low": np.nan, "band_high": np.nan, "target": 10.0})
                       for k, ind in enumerate(["a", "b"])], ignore_index=True)
    peers = brief.family_peers(frame, units)
    one = brief.family_section(frame, "debt", lang="zh", unit="500007", units=units, peers=peers)
    assert [(r["indicator"], r["kind"]) for r in one["rows"]] == [("a", "unit"), ("a", "peers"), ("a", "city"),
                                                                   ("b", "unit"), ("b", "peers"), ("b", "city")]
    median = float(np.median(values[1:n - 300 + 1]))  # the 2,550 counties
    assert one["rows"][1]["value"] == median and one["rows"][1]["peer_size"] == n - 300
    assert one["rows"][1]["unit_name"] == "县市区中位数（2,550个单位）"  # as the memo writes its numbers
    assert one == brief.family_section(frame, "debt", lang="zh", unit="500007", units=units)  # peers made when not given
    city = brief.family_section(frame, "debt", lang="zh", units=units, peers=peers)
    assert [(r["indicator"], r["kind"], r["peer_size"] if r["kind"] == "peers" else None) for r in city["rows"]] == [
        ("a", "peers", n - 300), ("a", "peers", 300), ("a", "city", None),
        ("b", "peers", n - 300), ("b", "peers", 300), ("b", "city", None)]
    validate_results({"month": "2017-06", "lang": "zh", "unit": "500007", "synthetic": True,
                      "generated_at": "2017-07-01T00:00:00+00:00", "headline": [], "family": one})


def test_rendering_again_gives_the_same_bytes(pages, built, tmp_path):
    """Pages and figures are the same files whichever process renders them (a batch on a
    cluster is compared with one process byte for byte)."""
    render.draw_figures(tmp_path, built["unit"], lang="zh")
    render.write_page(tmp_path, built["unit"], lang="zh")
    for name in ["brief.html", *(f["path"] for f in built["unit"]["figures"])]:
        assert (tmp_path / name).read_bytes() == (pages["unit"] / name).read_bytes(), name


def test_figures_are_the_same_bytes_whatever_was_drawn_before_and_on_any_thread(pages, built, tmp_path):
    """A batch draws a unit's figures on figures kept from the units drawn before it (the
    fixture drew the city's first); a new thread starts with none of them, and two threads
    drawing at once take turns. Either way the files are the same, the caller's matplotlib
    settings are left as they were, and the images are their figures' size at 200 dpi."""
    import threading

    import matplotlib
    from PIL import Image

    failures: list[BaseException] = []

    def draw(key: str) -> None:
        try:
            render.draw_figures(tmp_path / key, built[key], lang="zh")
        except BaseException as exc:  # reported below, on the test's thread
            failures.append(exc)

    before = dict(matplotlib.rcParams)
    threads = [threading.Thread(target=draw, args=(key,)) for key in ("unit", "city")]  # at the same time
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert dict(matplotlib.rcParams) == before
    for key in ("unit", "city"):
        for f in built[key]["figures"]:
            assert (tmp_path / key / f["path"]).read_bytes() == (pages[key] / f["path"]).read_bytes(), (key, f["path"])
    categories = len(built["unit"]["tasks"]["by_category"])
    with Image.open(pages["unit"] / "figures" / "task_progress.png") as img:
        assert img.size == (1600, round((0.45 * categories + 1.5) * 200)) and round(img.info["dpi"][0]) == 200


def test_a_styled_table_is_aligned_as_the_page_parser_aligns_it(built):
    """align_styled (no parse) gives every table of a unit's page the classes
    align_columns (a parse) gives it; a table it does not read as the Styler writes it goes
    through align_columns."""
    import pandas as pd

    from reformlib.briefs.publish import align_columns, align_styled
    from reformlib.report.tables import styled

    def classes(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
        cells = BeautifulSoup(text, "html.parser").find_all(["td", "th"])
        return [(c.get("id", ""), c.get_text(), tuple(c.get("class", []))) for c in cells]

    tables = [b for b in render.blocks(built["unit"], lang="zh") if isinstance(b, render.Table)]
    assert len(tables) >= 8
    marked = 0
    for table in tables:
        raw = table.to_html()
        fast = align_styled(raw)
        assert classes(fast) == classes(align_columns(raw)), table.key
        assert align_styled(fast) == fast  # not marked twice
        marked += fast.count(" num\"") + fast.count(" date\"")
    assert marked > 20
    # numbers with a missing figure, dates, text with markup characters, a dash
    frame = pd.DataFrame({"名称": ["<b>甲</b>", "乙&丙"], "数": ["1,234.5", "—"], "日期": ["2017-12-31", ""],
                          "率": ["75.0%", "平均4.0人"]})
    raw = styled(frame).set_uuid("t").to_html()
    assert classes(align_styled(raw)) == classes(align_columns(raw))
    assert [c[2][-1] for c in classes(align_styled(raw))[4:8]] == ["col0", "num", "date", "num"]
    two_rows = raw.replace("<thead>", "<thead>\n<tr><th>x</th></tr>", 1)  # not as the Styler writes it
    assert align_styled(two_rows) == align_columns(two_rows)
