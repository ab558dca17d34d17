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
import subprocess
from pathlib import Path

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
from reformlib.report.workbook import BRIEF_SHEETS, MAX_SHEET_NAME

pytestmark = pytest.mark.slow
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def published(published_reports):
    """The shared December 2017 city brief (tests/conftest.py), as published."""
    return published_reports / "2017-12" / "current"


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
    assert set(wb.sheetnames) == set(SHEETS["zh"].values()) | set(BRIEF_SHEETS["zh"].values())
    for name in wb.sheetnames:
        assert len(name) <= MAX_SHEET_NAME and not set(name) & set("[]:*?/\\"), name
        header = [c.value for c in wb[name][1]]
        assert all(CJK.search(str(h)) for h in header), (name, header)
    res = read_results(published / "results.json")
    inspections = [c.value for c in wb[SHEETS["zh"]["inspections"]][2]]
    assert inspections == [res["inspections"][k] for k in ("found", "rectified", "open", "open_over_90_days", "past_due")]
    assert all(isinstance(v, int) for v in inspections)
    headline = wb[SHEETS["zh"]["headline"]]
    col = next(i for i, c in enumerate(headline[1], start=1) if str(c.value).startswith("本月数值"))
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
    # the notebook draws its figures from its results, as a page rendered without a kernel does
    assert code.count("render.draw_figures(") == 1 and ".savefig(" not in code and "save_figure(" not in code


# ------------------------------------------------------------------ print, links and typography
def _pdf_pages(pdf) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"^Page +\d+ size: +([0-9.]+) x ([0-9.]+) pts", info, re.M)]


@needs_chromium
@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils (pdfinfo, pdftotext) not installed")
def test_page_prints_on_a4_with_table_headers_on_every_page(published, tmp_path):
    from reformlib.report.browser import CHROMIUM_ARGS

    pdf = tmp_path / "brief.pdf"
    done = subprocess.run([str(CHROMIUM), "--headless", *CHROMIUM_ARGS, f"--user-data-dir={tmp_path / 'profile'}",
                           "--no-pdf-header-footer", f"--print-to-pdf={pdf}", (published / "brief.html").as_uri()],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and pdf.is_file(), done.stderr[-500:]
    pages = _pdf_pages(pdf)
    assert len(pages) > 1 and all(round(w) == 595 and round(h) == 842 for w, h in pages), pages  # A4, as the page asks
    texts = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    assert "import reformlib" not in "".join(texts) and "In [" not in "".join(texts)  # no code, no prompts
    assert "一、主要指标" in texts[0] and "二、改革任务推进情况" in "".join(texts)
    # as printed (print media in the same Chromium): rows never split, headers repeated on every page
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 680, "height": 1000})  # A4's 180 mm of type, at 96 px an inch
            page.goto((published / "brief.html").as_uri(), wait_until="load")
            page.emulate_media(media="print")
            printed = page.evaluate("""() => ({
              heads: Array.from(document.querySelectorAll('thead')).map(e => getComputedStyle(e).display),
              rows: Array.from(document.querySelectorAll('tbody tr')).map(e => getComputedStyle(e).breakInside),
              links: Array.from(document.querySelectorAll('.brief-links')).map(e => getComputedStyle(e).display),
              headline: Array.from(document.querySelector('table').querySelectorAll('thead th'))
                .filter(th => th.textContent.trim()).map(th => {
                  const range = document.createRange(); range.selectNodeContents(th);
                  return [th.textContent.trim(), new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size];
                })})""")
        finally:
            browser.close()
    assert len(printed["heads"]) >= 6 and set(printed["heads"]) == {"table-header-group"}
    assert printed["rows"] and set(printed["rows"]) == {"avoid"} and printed["links"] == ["none"]
    # the headline table (about 12 columns) prints its headers in lines of four characters or more,
    # not one or two (是否达到本月目标 took eight lines; now 是否达到目标)
    headline = printed["headline"]
    assert len(headline) >= 9 and any(text == "是否达到目标" for text, _ in headline)
    assert [(text, lines) for text, lines in headline if lines > max(1, -(-len(text) // 4))] == []


def test_figures_carry_their_captions_as_alt_text(published):
    html = (published / "brief.html").read_text(encoding="utf-8")
    alts = [html_lib.unescape(a) for _, a in re.findall(r"""<img\b[^>]*\balt=(["'])(.*?)\1""", html)]
    captions = [f["caption"] for f in read_results(published / "results.json")["figures"]]
    assert len(alts) == html.count("<img") >= 2 and alts == captions and all(a.strip() for a in alts)
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert "@page { size: A4" in style and "break-inside: avoid" in style and "table-header-group" in style


def test_number_columns_right_text_columns_left_and_changes_as_numbers_print_them(published):
    from reformlib.report.numbers import difference, row_decimals

    html = (published / "brief.html").read_text(encoding="utf-8")
    head = re.search(r"<table.*?</thead>", html, re.S).group(0)  # the headline table comes first
    cls = {html_lib.unescape(re.sub(r"<[^>]+>", "", m.group(2))).strip(): "num" in m.group(1)
           for m in re.finditer(r'<th([^>]*)>(.*?)</th>', head, re.S)}
    value = next(h for h in cls if h.startswith("本月数值"))  # flows: the year to date, as the header says
    assert cls["指标"] is False and cls[value] is True and cls["较上年末变化"] is True
    for h in read_results(published / "results.json")["headline"]:
        if h["change"] is not None:
            # every figure of the row with the row's decimals (9.9个月 | -4.0个月), as the memo and workbook write it
            shown = difference(h["change"], h["unit"], "zh", signed=True, decimals=row_decimals(h))
            assert f">{shown}</td>" in html, (h["code"], shown)
    assert "截至2017年12月底，" in html and "（完成率" in html  # full-width punctuation in the page's sentences


def test_no_open_tasks_sentence_is_true_of_the_list_below_it(published):
    from reformlib.i18n import MEMO, t

    html = (published / "brief.html").read_text(encoding="utf-8")
    sentence = t("no_open_tasks", "zh")
    assert read_results(published / "results.json")["tasks"]["at_risk"] == [] and sentence in html
    table = re.search(r"<table.*?</table>", html[html.index(sentence):], re.S).group(0)  # the next table: 督办清单
    assert "牵头领导" in table and "逾期天数" in table
    for status in ("due_this_month", "overdue"):  # each kind of task the sentence sends the reader to is listed
        word = MEMO["zh"]["status_" + status]
        assert word in sentence and f">{word}</td>" in table, word


def test_city_brief_links_to_the_index_which_lists_it(published):
    reports = published.parent.parent
    html = (published / "brief.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a href="([^"]+)"', html)
    assert "../../index.html" in hrefs
    for href in hrefs:  # relative, and each opens a file from the page's own place
        assert not re.match(r"^[a-z]+:|^/", href) and Path(os.path.normpath(published / href)).is_file(), href
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "2017-12/current/brief.html" in index and "2017-12/current/memo.docx" in index
    assert ("2017-12/current/memo.pdf" in index) == (published / "memo.pdf").is_file()  # listed when made
    assert html_is_offline(index) == [] and active_content(index) == []


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
