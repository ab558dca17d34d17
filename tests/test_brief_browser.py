"""A published brief looked at as its readers get it: the HTML page in headless Chromium
(headings, tables and figures render, no request leaves the machine), the Word memo and
the Excel workbook opened again with python-docx and openpyxl, and the figures checked
for having gone through :func:`reformlib.report.figures.save_figure`."""
from __future__ import annotations

import html as html_lib
import json
import os
import re
import shutil

import docx
import openpyxl
import pandas as pd
import pytest
from docx.oxml.ns import qn
from PIL import Image

from reformlib.briefs.run import run_brief
from reformlib.i18n import HEADINGS
from reformlib.report.browser import CHROMIUM, active_content, html_is_offline, inspect_html
from reformlib.report.results import read_results
from reformlib.report.tables import SHEETS
from reformlib.report.workbook import MAX_SHEET_NAME

pytestmark = pytest.mark.slow
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def published(tmp_path_factory, demo):
    result = run_brief("2017-12", "zh", reports=tmp_path_factory.mktemp("reports"), quiet=True)
    return result.folder


needs_chromium = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                    reason=f"headless Chromium not installed at {CHROMIUM} (`make chromium`)")


@needs_chromium
def test_brief_renders_offline_in_a_browser(published):
    page = inspect_html(published / "brief.html")
    assert page["external_requests"] == [] and page["page_errors"] == [] and page["console_errors"] == []
    headings = [h["text"] for h in page["headings"]]
    assert headings[0].startswith("改革简报") and "湘潭市" in headings[0]
    for key in ("headline", "tasks", "at_risk", "evaluation", "off_target", "inspections", "pilots"):
        assert HEADINGS["zh"][key] in headings, key
    assert page["tables"] >= 6  # in December no open task is still before its deadline: a sentence, not a table
    assert page["images"] >= 2 and page["images_rendered"] == page["images"]
    html = (published / "brief.html").read_text(encoding="utf-8")
    assert "本节尚未纳入" not in html  # every section of the brief is wired to its model


def test_memo_uses_the_east_asian_font_everywhere(published):
    from reformlib.report.memo_layout import FONTS

    memo = docx.Document(str(published / "memo.docx"))
    runs = [r for p in memo.paragraphs for r in p.runs]
    runs += [r for t in memo.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert any(CJK.search(r.text) for r in runs)
    for run in runs:
        fonts = run._r.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) in FONTS.values(), run.text
    normal = memo.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == FONTS["body"] and normal.get(qn("w:eastAsiaTheme")) is None
    text = "\n".join(p.text for p in memo.paragraphs)
    assert "2017年12月" in text and "合成演示数据" in text


def test_workbook_sheets_headers_and_numbers(published):
    wb = openpyxl.load_workbook(published / "tables.xlsx")
    assert wb.sheetnames == list(SHEETS["zh"].values())
    for name in wb.sheetnames:
        assert len(name) <= MAX_SHEET_NAME and not set(name) & set("[]:*?/\\"), name
        header = [c.value for c in wb[name][1]]
        assert all(CJK.search(str(h)) for h in header), (name, header)
    res = read_results(published / "results.json")
    inspections = [c.value for c in wb[SHEETS["zh"]["inspections"]][2]]
    assert inspections == [res["inspections"][k] for k in ("found", "rectified", "open", "open_over_90_days")]
    assert all(isinstance(v, int) for v in inspections)
    headline = wb[SHEETS["zh"]["headline"]]
    col = [c.value for c in headline[1]].index("数值") + 1
    values = [headline.cell(row=r, column=col) for r in range(2, headline.max_row + 1)]
    assert values and all(c.data_type == "n" and isinstance(c.value, (int, float)) for c in values)
    by_category = wb[SHEETS["zh"]["by_category"]]
    assert by_category.max_row - 1 == len(res["tasks"]["by_category"]) == 9


def test_figures_went_through_save_figure(published):
    res = read_results(published / "results.json")
    listed = {f["path"] for f in res["figures"]}
    assert listed == {f"figures/{p.name}" for p in (published / "figures").glob("*.png")} and len(listed) >= 2
    for path in listed:
        with Image.open(published / path) as img:
            # save_figure: 200 dpi and no "Software" tag; a plain savefig gives 100 dpi and names matplotlib
            assert img.format == "PNG" and round(img.info["dpi"][0]) == 200 and "Software" not in img.info, path
    notebook = json.loads((published / "notebooks" / "brief.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert code.count("save_figure(") == len(listed) and ".savefig(" not in code


# ------------------------------------------------------------------ hostile names in the data
#: Names that would run script or fetch from the network if they reached the page as HTML.
PAYLOADS = ['<script>alert("script")</script>', "<img src=x onerror=\"alert('onerror')\">",
            "<iframe srcdoc=\"<script>alert('iframe')</script>\"></iframe>",
            '<img srcset="https://evil.example/srcset.png 2x">', '<video poster="https://evil.example/poster.png"></video>',
            '<div style="background:url(https://evil.example/css.png)">c</div>',
            '<meta http-equiv="refresh" content="0;url=https://evil.example/refresh">',
            '<object data="https://evil.example/object"></object>', "![m](https://evil.example/markdown.png)"]


def _hostile_copy(demo, folder):
    """The demonstration data with a payload appended to unit, indicator, category and task names."""
    shutil.copytree(demo, folder)
    read = lambda name: pd.read_csv(folder / name, dtype=str, keep_default_na=False)  # noqa: E731
    units = read("units.csv")
    units["name_zh"] = [n + PAYLOADS[i % len(PAYLOADS)] for i, n in enumerate(units["name_zh"])]
    units.to_csv(folder / "units.csv", index=False)
    indicators = read("indicators.csv")
    indicators["name_zh"] = [n + PAYLOADS[i % len(PAYLOADS)] for i, n in enumerate(indicators["name_zh"])]
    indicators.to_csv(folder / "indicators.csv", index=False)
    tasks = read("tasks.csv")
    tasks["category_zh"] += tasks["category"].map({f"C{i + 1}": p for i, p in enumerate(PAYLOADS)})
    tasks["title_zh"] = [n + PAYLOADS[i % len(PAYLOADS)] for i, n in enumerate(tasks["title_zh"])]
    tasks.to_csv(folder / "tasks.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, demo):
    tmp = tmp_path_factory.mktemp("hostile")
    return run_brief("2017-06", "zh", data=_hostile_copy(demo, tmp / "data"), reports=tmp / "reports", quiet=True)


@needs_chromium
def test_hostile_names_run_no_script_and_fetch_nothing(hostile):
    html = hostile.html.read_text(encoding="utf-8")
    assert html_is_offline(html) == [] and active_content(html) == []
    page = inspect_html(hostile.html)
    assert page["external_requests"] == [] and page["dialogs"] == [] and page["page_errors"] == []
    assert page["active_elements"] == [] and page["event_handlers"] == [] and page["csp_violations"] == []
    assert page["console_errors"] == []  # the page's own style sheets match the policy's hashes
    assert "script-src 'none'" in page["csp"] and "default-src 'none'" in page["csp"]
    # the names are shown as the characters they are: title, tables (unit, indicator, category, task)
    assert page["headings"][0]["text"].endswith('湘潭市<script>alert("script")</script>')
    for payload in PAYLOADS:
        assert html_lib.escape(payload, quote=False) in html, payload
    assert page["tables"] >= 6 and page["images_rendered"] == page["images"] >= 2


@needs_chromium
def test_the_browser_check_sees_what_unescaped_names_would_do(tmp_path):
    """The same names written into a page as raw HTML: the check reports the script and the requests."""
    raw = tmp_path / "raw.html"
    raw.write_text("<html><body>" + "".join(f"<p>{p}</p>" for p in PAYLOADS) + "</body></html>", encoding="utf-8")
    assert "https://evil.example/refresh" in html_is_offline(raw.read_text(encoding="utf-8"))
    # in the browser without the refresh, which would leave the page before it can be looked at
    raw.write_text(raw.read_text(encoding="utf-8").replace(PAYLOADS[6], ""), encoding="utf-8")
    page = inspect_html(raw)
    assert "script" in page["dialogs"] and "onerror" in page["dialogs"]
    assert {"https://evil.example/srcset.png", "https://evil.example/poster.png",
            "https://evil.example/css.png"} <= set(page["external_requests"])
    assert {"script", "iframe", "video", "object"} <= set(page["active_elements"])
    assert set(html_is_offline(raw.read_text(encoding="utf-8"))) >= {
        "https://evil.example/srcset.png", "https://evil.example/poster.png", "https://evil.example/css.png",
        "https://evil.example/object"}
