"""The memo rendered to PDF by LibreOffice, once: A4 pages, the open stand-ins for the official
faces embedded, the three sections, 28 characters to the line, ``— 1 —`` page numbers, each
attachment on its own page."""
from __future__ import annotations

import copy
import re
import shutil
import subprocess

import docx
import pytest

from reformlib.report.memo import memo_content, write_memo
from reformlib.report.memo_pdf import memo_pdf

pytestmark = pytest.mark.slow
WIDE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]")


@pytest.fixture(scope="module")
def made(tmp_path_factory, results_template):
    """The memo's .docx and its PDF, made once."""
    results = copy.deepcopy(results_template)
    results["evaluation"]["scores"][2].update(grade="一般", veto="一票否决：发生一起较大安全生产责任事故；等次最高为一般")
    # the June 2017 memo's gaps, whose figures LibreOffice broke across lines ("差距52.|5个百分点")
    results["indicators_off_target"] = [
        {"unit": u, "unit_name": n, "indicator": "river_chief_plan_rate", "name": "河长制工作方案出台率", "value": v,
         "target": 100.0, "gap": v - 100.0, "measure_unit": "%"}
        for u, n, v in (("430302", "雨湖区", 40.0), ("430381", "湘乡市", 45.0), ("430321", "湘潭县", 47.5))]
    folder = tmp_path_factory.mktemp("memo")
    source = write_memo(results, folder / "memo.docx")
    return results, source, memo_pdf(source)


@pytest.fixture(scope="module")
def rendered(made):
    results, _, pdf = made
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return memo_content(results), pages.split("\f")[:-1], fonts, info


needs_tools = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdffonts") is None,
                                 reason="LibreOffice and poppler-utils are needed (make memo-tools)")


@needs_tools
def test_pdf_pages_sections_and_page_numbers(rendered):
    content, pages, _, info = rendered
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    body = [p for p in pages if not re.match(r"\s*附件\s*\d", p)]
    assert 1 <= len(body) <= 3 and len(pages) == len(body) + len(content.attachments)
    text = "".join(body).replace(" ", "")
    for heading in ("一、总体情况", "二、存在问题", "三、下步建议", "市委全面深化改革领导小组："):
        assert heading in text
    assert "雨湖区得分84.00分，因一票否决：发生一起较大安全生产责任事故，等次定为一般（该一票否决允许的最高等次）" in text.replace("\n", "")
    for n, page in enumerate(pages, start=1):
        assert re.search(rf"—\s*{n}\s*—", page), n
    for i, (title, _, _) in enumerate(content.attachments, start=1):
        page = pages[len(body) + i - 1]
        assert page.strip().startswith(f"附件{i}") or page.strip().startswith(f"附件 {i}")
        assert title in page.replace(" ", "").replace("\n", "")


@needs_tools
def test_body_has_28_characters_to_the_line(rendered):
    _, pages, _, _ = rendered
    lines = [ln.replace(" ", "") for p in pages[1:2] for ln in p.splitlines()]
    wide = [len(WIDE.findall(ln)) for ln in lines if ln and not re.search(r"\d", ln)]
    assert max(wide) == 28


@needs_tools
def test_open_stand_ins_are_embedded(rendered):
    _, _, fonts, _ = rendered
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in r for r in rows)  # every font embedded
    names = " ".join(r.split()[0] for r in rows)
    assert re.search(r"NotoSerifCJK\w*-Bold", names)  # title: 小标宋
    assert re.search(r"NotoSerifCJK\w*-Regular", names)  # body: 仿宋
    assert "NotoSansCJK" in names  # 黑体
    assert "UKai" in names  # 楷体
    assert not re.search(r"SimSun|FangSong|KaiTi|SimHei|FZ|DejaVu", names)


@needs_tools
def test_no_figure_is_broken_across_lines(rendered):
    """A figure and its % sign or decimals stay on one line (the June memo printed "差距52." at
    a line's end and "5个百分点" on the next, "进度9" and "0%"), in the body and in the tables."""
    content, pages, _, _ = rendered
    first = next(i for i, p in enumerate(pages) if re.match(r"\s*附件\s*\d", p))  # the attachments follow the body
    body = "\n".join(pages[:first]).replace(" ", "")
    assert "差距52.5个百分点" in body.replace("\n", "")
    assert re.findall(r"[0-9][0-9.,\-]*\n[0-9.%][0-9.,%\-]*", body) == []
    tables = "\n".join(pages[first:]).replace("\u2011", "-")
    # a table cell's figure is whole on its line: nothing ends in a decimal point or a hyphen, nothing starts with %
    assert re.findall(r"(?m)^.*[0-9][.\-]$|^%.*$", tables) == []


@needs_tools
def test_punctuation_stays_in_the_type_area_and_on_the_page(made, rendered):
    """No mark hangs past the type area's right edge (GB/T 9704: it may be compressed, never set
    in the margin), none is lost: LibreOffice hung a mark ending a full line into the margin,
    and at the end of a justified line printed it nowhere (June 2017: "市环境保护局" with no 、)."""
    _, source, pdf = made
    content, pages, _, _ = rendered
    first = next(i for i, p in enumerate(pages) if re.match(r"\s*附件\s*\d", p))
    words = docx.Document(str(source)).paragraphs
    body = "".join(p.text for p in words[:next(i for i, p in enumerate(words) if p.text.startswith("附件1"))])
    printed = "".join(pages[:first])
    for mark in "、，。；：":
        assert printed.count(mark) == body.count(mark), mark
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for page in re.findall(r'<page width="([0-9.]+)" height="([0-9.]+)">(.*?)</page>', boxes, re.S):
        width, height = float(page[0]), float(page[1])
        right = (297 - 37 if width > height else 28 + 156) / 25.4 * 72  # the type area's right edge
        for x, word in re.findall(r'xMax="([0-9.]+)"[^>]*>([^<]*)<', page[2]):
            assert float(x) <= right + 0.5, (word, float(x), right)
