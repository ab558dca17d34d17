"""Layout of the memo as a 公文 (publication step: memo content -> Word), GB/T 9704-2012.

As OFFICE.md sets it out: A4; top margin (天头) 37 mm, left (订口) 28 mm, type area (版心)
156 × 225 mm (right margin 26 mm, bottom 35 mm); a document grid of 22 lines of 28
characters (line pitch 225 mm / 22, exactly); title 2号 (22 pt) 小标宋, centred, one blank
line above the addressee, who stands flush left with a full-width colon; body 3号 (16 pt)
仿宋, paragraphs indented two characters; ``一、`` headings 黑体, ``（一）`` headings 楷体;
the attachment note after the body, the issuer and the date (right-aligned, four
characters in from the margin); each attachment on its own page (``附件1`` in 黑体, its
title in 小标宋, the table in 仿宋), on landscape pages (the type area turned, 225 mm wide)
when its table's words cannot fit 156 mm or the turn saves a page (:func:`landscape`); page
numbers 4号 (14 pt) 宋体 ``— 1 —`` at the outside edge (right on odd pages, left on even ones),
one character in. Punctuation never hangs past the type area (``w:overflowPunct`` off): a
mark ending a full line is set on the next with the character before it.

Fonts (:data:`FONTS`) are the official faces as Windows names them, set in ``w:eastAsia``
of every run (python-docx's ``font.name`` sets only the Latin slots; theme fonts are
removed so that they cannot override); Latin letters and figures use Times New Roman and are
tagged English (``w:lang w:val``), Chinese text Chinese (``w:eastAsia``), so that no figure is
broken across lines; a table's columns are at least as wide as their widest word, figure or
date, as the PDF's face measures them (:func:`least_widths`, :func:`column_widths`), so that
no word is split inside its letters. Every character of a Chinese memo's own words is one the GB2312 faces
have (dates written 2017年7月24日, ranges with the 浪纹线 ～); an English memo's ISO dates keep
their hyphens unbreakable (U+2011, which only its Latin face is asked to show).
The file is written atomically: a failure leaves an existing memo untouched.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import docx
import matplotlib
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from matplotlib.ft2font import FT2Font, LoadFlags

from reformlib.report.atomic import atomic_path

__all__ = ["FONTS", "LANDSCAPE_WIDTH", "LATIN_FONT", "LINE_PITCH", "MEASURE_FONTS", "NON_BREAKING_HYPHEN", "TYPE_HEIGHT", "TYPE_WIDTH",
           "MemoContent", "column_widths", "landscape", "least_widths", "overflow_punct", "table_height", "text_width", "unbroken_pieces",
           "write_docx"]

#: The official faces by role, as Windows names them (w:eastAsia of each run).
FONTS: dict[str, str] = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "heading": "黑体",
                         "subheading": "楷体_GB2312", "page_number": "宋体"}
#: Latin font slots (w:ascii, w:hAnsi, w:cs).
LATIN_FONT = "Times New Roman"
#: 22 lines on 225 mm: the exact line pitch of the body.
LINE_PITCH = Pt(225 / 22 / 25.4 * 72)
_BODY, _TITLE, _PAGE, _TABLE = Pt(16), Pt(22), Pt(14), Pt(12)
#: Line pitch of a table's cells (1.25 lines of 12 pt).
_TABLE_LINE = Pt(15)
#: Left and right margin of a table cell (Word's default, 0.08 inch), in points.
_CELL_MARGIN = 5.4
#: Cell margins and a rule's width, added to a column's text width.
_PAD = 2 * _CELL_MARGIN + 2
#: Width of the type area (版心) in points: 156 mm upright, 225 mm on a landscape page.
TYPE_WIDTH = 156 / 25.4 * 72
LANDSCAPE_WIDTH = TYPE_HEIGHT = 225 / 25.4 * 72
#: Faces that measure a table's Latin letters and figures, the first installed: the stand-in
#: that prints them in the PDF (:mod:`reformlib.report.memo_pdf`; Times New Roman, which Word
#: uses, is narrower), else matplotlib's own DejaVu Serif, about as wide.
MEASURE_FONTS: tuple[Path, ...] = (
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSerifCJK-Regular.ttc"),
    Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf",
)
_WIDE = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
#: A date written in Chinese (2017年7月24日), a run of anything but spaces and Chinese
#: characters, or one Chinese character.
_PIECE = re.compile(rf"\d{{4}}\u5e74\d{{1,2}}\u6708(?:\d{{1,2}}\u65e5)?|[^\s{_WIDE}]+|[{_WIDE}]")  # 年 月 日
#: Where a hyphenated word may break: after a hyphen between letters (not in a date or a sign).
_AFTER_HYPHEN = re.compile(r"(?<=[^\W\d_]-)(?=[^\W\d_])")
#: Character spacing of body runs, in twentieths of a point (28 characters to the line).
_CONDENSE = -5
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
#: A date in a table cell of an English memo is written with this hyphen, at which no line breaks
#: (a Chinese memo writes its dates 2017年7月24日: the GB2312 faces have no such hyphen).
NON_BREAKING_HYPHEN = "\u2011"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: The paragraph properties that follow w:overflowPunct in w:pPr (ECMA-376 order).
_AFTER_OVERFLOW_PUNCT = {qn(f"w:{t}") for t in (
    "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
    "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
    "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")}


@dataclass(frozen=True)
class MemoContent:
    """Everything the memo says, in order; ``problems`` and ``advice`` pair up by position;
    each attachment is ``(title, header, rows)``."""

    title: str
    addressee: str
    issuer: str
    date: str
    notice: str
    overview: list[str]
    problems: list[tuple[str, str]]
    advice: list[tuple[str, str]]
    attachments: list[tuple[str, list[str], list[list[str]]]] = field(default_factory=list)
    headings: tuple[str, str, str] = ("一、总体情况", "二、存在问题", "三、下步建议")
    attachment_words: tuple[str, str] = ("附件：", "附件")


def _fonts(element: Any, east_asia: str) -> None:
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)


def _run(paragraph: Any, text: str, role: str = "body", *, size: Pt = _BODY, bold: bool = False) -> Any:
    """``text`` as runs of ``role``'s faces (the last run returned); a curly quote that opens or
    closes Latin text set in the Latin face (:func:`_quote_pieces`)."""
    run = None
    for piece, latin in _quote_pieces(text):
        run = paragraph.add_run(piece)
        run.font.size, run.font.bold = size, bold
        _fonts(run._r, LATIN_FONT if latin else FONTS[role])
        if size == _BODY:  # 28 characters on 156 mm: a pitch of 15.79 pt for 16 pt type
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:val"), str(_CONDENSE))
            run._r.get_or_add_rPr().append(spacing)
    return run


#: Curly quotes: the same characters quote Chinese and English; their width follows the text they quote.
_QUOTES = "\u201c\u201d\u2018\u2019"


def _quote_pieces(text: str) -> list[tuple[str, bool]]:
    """``text`` cut so that each curly quote whose quoted side is Latin (the character after an
    opening quote, before a closing one, is not a Chinese character) stands alone, flagged True:
    in a Chinese document those characters are otherwise set in the Chinese face, full width
    (“health care…” printed with gaps); a quote around Chinese text keeps the Chinese face."""
    out: list[tuple[str, bool]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch not in _QUOTES:
            continue
        inner = text[i + 1:i + 2] if ch in "\u201c\u2018" else text[i - 1:i]
        if inner and not _wide(inner):
            if i > start:
                out.append((text[start:i], False))
            out.append((ch, True))
            start = i + 1
    if start < len(text) or not out:
        out.append((text[start:], False))
    return out


def _para(doc: Any, *, indent: bool = True, align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
          size: Pt = _BODY) -> Any:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment, fmt.space_before, fmt.space_after = align, Pt(0), Pt(0)
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_PITCH
    if indent:
        fmt.first_line_indent = 2 * size
    return p


def _page_setup(doc: Any) -> None:
    sec = doc.sections[0]
    _orient(sec, landscape=False)
    grid = sec._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sec._sectPr.append(grid)
    grid.attrib.pop(qn("w:type"), None)  # no snapping: exact line spacing gives the 22 lines
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(sec.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def _orient(sec: Any, *, landscape: bool) -> None:
    """An upright A4 page with the 156 × 225 mm type area; or, for a table too wide for it, the
    page turned a quarter clockwise (the binding edge on top, where a landscape table's head
    stands on an odd page): 225 mm of type width over 156 mm, the margins those of the upright
    page turned with it."""
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Mm(297), Mm(210)
        sec.top_margin, sec.right_margin = Mm(28), Mm(37)
        sec.bottom_margin, sec.left_margin = Mm(210 - 28 - 156), Mm(297 - 37 - 225)
        sec.footer_distance = Mm(210 - 28 - 156 - 7 - 7)
    else:
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.left_margin = Mm(37), Mm(28)
        sec.right_margin, sec.bottom_margin = Mm(210 - 28 - 156), Mm(297 - 37 - 225)
        sec.footer_distance = Mm(297 - 37 - 225 - 7 - 7)


def _field(paragraph: Any, instruction: str) -> None:
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        run = _run(paragraph, "", "page_number", size=_PAGE)
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        elif text == instruction:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instruction} "
            run._r.append(el)
        else:
            run.text = text


def _page_number(footer: Any, align: Any) -> None:
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.paragraph_format.alignment = align
    side = "right_indent" if align == WD_ALIGN_PARAGRAPH.RIGHT else "left_indent"
    setattr(p.paragraph_format, side, _PAGE)
    _run(p, "— ", "page_number", size=_PAGE)
    _field(p, "PAGE")
    _run(p, " —", "page_number", size=_PAGE)


def _styles(doc: Any, lang: str) -> None:
    normal = doc.styles["Normal"]
    _fonts(normal.element, FONTS["body"])
    normal.font.size = _BODY
    # w:val is the language of the Latin-script text, figures included: tagged Chinese, LibreOffice
    # breaks a figure anywhere ("52.|5", "9|0%"); tagged English, a figure and its % stay whole
    el = OxmlElement("w:lang")
    el.set(qn("w:val"), "en-GB")
    el.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(el)
    overflow_punct(normal, False)  # punctuation never hangs into the margin
    _fonts(doc.styles["Table Grid"].element, FONTS["body"])


def overflow_punct(style: Any, val: bool) -> None:
    """Write ``w:overflowPunct w:val`` on a paragraph style: in Word's reading (ECMA-376), whether
    punctuation may hang past the line's end into the margin. A memo's may not (GB/T 9704: a
    mark at a line's end may be compressed but stays in the type area); the copy LibreOffice
    converts says the opposite, as it reads the element the other way round
    (:func:`reformlib.report.memo_pdf.memo_pdf`)."""
    ppr = style.element.get_or_add_pPr()
    el = ppr.find(qn("w:overflowPunct"))
    if el is None:
        el = OxmlElement("w:overflowPunct")
        later = [c for c in ppr if c.tag in _AFTER_OVERFLOW_PUNCT]
        if later:
            later[0].addprevious(el)
        else:
            ppr.append(el)
    el.set(qn("w:val"), "1" if val else "0")


def _headed(doc: Any, head: str, text: str) -> None:
    """A paragraph opening with a 楷体 ``（一）…`` heading run, then the body text."""
    p = _para(doc)
    if head:
        _run(p, head + ("" if head.endswith(("。", ".")) else "。" if head[:1] == "（" else ". "), "subheading")
    _run(p, text)


@functools.cache
def _measure_font() -> FT2Font:
    """The face that measures Latin letters and figures at table size: the first of
    :data:`MEASURE_FONTS` installed (matplotlib ships the last)."""
    font = FT2Font(str(next(p for p in MEASURE_FONTS if p.is_file())))
    font.set_size(_TABLE.pt, 72)  # at 72 dpi a pixel is a point
    return font


def _body_width(text: str) -> Pt:
    """Width of ``text`` in body type (3号, 16 pt), as :func:`text_width` measures it in table type."""
    return Pt(text_width(text) * _BODY.pt / _TABLE.pt)


def text_width(text: str) -> float:
    """Width of ``text`` in table type (12 pt), in points: a Chinese character or full-width
    mark a full em, any other character its advance in the face the PDF prints it in, and a
    quarter em where a Chinese character meets a Latin letter or figure (the space Word and
    LibreOffice put between them: 2017 年 7 月 24 日)."""
    gaps = sum(1 for a, b in zip(text, text[1:]) if (_wide(a) and b.isalnum() and not _wide(b))
               or (_wide(b) and a.isalnum() and not _wide(a)))
    return sum(_advance(ch) for ch in text) + gaps * _TABLE.pt / 4


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


@functools.cache
def _advance(ch: str) -> float:
    if _wide(ch):
        return _TABLE.pt
    return _measure_font().load_char(ord(ch), flags=LoadFlags.NO_HINTING).linearHoriAdvance / 65536


def unbroken_pieces(text: str) -> list[str]:
    """The parts of a cell's ``text`` inside which no line may break: each run of letters,
    figures and marks between spaces (a word, a figure with its sign and %, a date), a
    hyphenated word cut after each hyphen ("debt-", "to-", "asset"); a date written in Chinese
    is whole (2017年7月24日), any other Chinese character stands alone."""
    return [part for run in _PIECE.findall(text) for part in _AFTER_HYPHEN.split(run) if part]


def least_widths(header: list[str], rows: list[list[str]]) -> list[float]:
    """Per column, the width (points, cell margins included) below which a word, figure or
    date of the column would be split: its widest unbroken piece (:func:`unbroken_pieces`),
    and at least two Chinese characters."""
    columns = list(zip(header, *rows)) if rows else [(h,) for h in header]
    return [max([2 * _TABLE.pt] + [text_width(p) for v in col for p in unbroken_pieces(v)]) + _PAD
            for col in columns]


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a cell ``width`` points wide, its unbroken pieces set
    one after another as far as each line holds them."""
    room, lines, used = width - _PAD, 1, 0.0
    for token in text.split():
        parts = unbroken_pieces(token)
        for i, part in enumerate(parts):
            w = text_width(part)
            if used and used + w > room:
                lines, used = lines + 1, 0.0
            used += w + (text_width(" ") if i == len(parts) - 1 else 0)
    return lines


def table_height(header: list[str], rows: list[list[str]], widths: list[float]) -> float:
    """The height of the table in points with columns ``widths`` wide, as :func:`_lines` wraps
    its cells: each row as tall as its tallest cell."""
    return sum(max(_lines(v, w) for v, w in zip(row, widths)) * _TABLE_LINE.pt + 2 for row in [header, *rows])


def landscape(header: list[str], rows: list[list[str]]) -> bool:
    """Whether an attachment's table is set on landscape pages (225 mm of type width over
    156 mm): when its words cannot all fit the upright type area (156 mm) without being split,
    or when the wider columns shorten it by more than the lower page does (a long list whose
    cells wrap to several lines upright, when it saves a page)."""
    if sum(least_widths(header, rows)) > TYPE_WIDTH + 1e-6:
        return True
    head = 5 * LINE_PITCH.pt  # 附件N, a blank line, the title, a blank line
    upright = math.ceil((head + table_height(header, rows, column_widths(header, rows))) / TYPE_HEIGHT)
    wide = math.ceil((head + table_height(header, rows, column_widths(header, rows, total=LANDSCAPE_WIDTH)))
                     / TYPE_WIDTH)
    return wide < upright


def column_widths(header: list[str], rows: list[list[str]], *, total: float = TYPE_WIDTH) -> list[float]:
    """Widths (points) of a table's columns over ``total`` points of type width: each column at
    least as wide as its widest word, figure or date (:func:`least_widths`); the rest of the
    width goes to the columns whose longest cell (up to 14 characters; the header, set once,
    may take more lines) would be wider, the smallest such wishes met whole first and the
    others sharing what is left evenly, so that as many columns as can be are set without
    wrapping. A table whose cells fit is widened evenly to the full width; one whose words
    cannot all fit ``total`` has its least widths scaled down to it."""
    columns = list(zip(*rows)) if rows else [(h,) for h in header]
    low = least_widths(header, rows)
    want = [max(lo, min(max(text_width(v) for v in col), 14 * _TABLE.pt) + _PAD) for lo, col in zip(low, columns)]
    if sum(want) <= total:
        return [w + (total - sum(want)) / len(want) for w in want]
    room, wish = total - sum(low), [w - lo for w, lo in zip(want, low)]
    if room <= 0:
        return [lo * total / sum(low) for lo in low]
    widths = list(low)
    order = sorted(range(len(low)), key=lambda j: wish[j])
    for k, j in enumerate(order):  # the least wishes met whole, the rest share what is left evenly
        give = min(wish[j], room / (len(order) - k))
        widths[j] += give
        room -= give
    return widths


def _table(doc: Any, header: list[str], rows: list[list[str]], lang: str, *, total: float = TYPE_WIDTH) -> None:
    """The attachment's table: python-docx makes the table and its grid, its rows are written as
    one piece of XML (:func:`_row_xml`; python-docx's cell-by-cell calls cost most of a memo's
    time): each cell as wide as its column, each row unsplittable, the header repeated."""
    table = doc.add_table(rows=0, cols=len(header))
    table.style, table.alignment = "Table Grid", WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = column_widths(header, rows, total=total)
    for column, width in zip(table.columns, widths):  # the grid (LibreOffice); every cell's own below (Word)
        column.width = Pt(width)
    twips = [Pt(width).twips for width in widths]
    xml = "".join(_row_xml(values, role, twips, lang)
                  for values, role in [(header, "heading"), *((r, "body") for r in rows)])
    for tr in list(parse_xml(f"<w:tbl {nsdecls('w')}>{xml}</w:tbl>")):
        table._tbl.append(tr)


#: A cell's paragraph: lines of a fixed pitch, as :func:`table_height` counts them.
_CELL_PARAGRAPH = (f'<w:pPr><w:spacing w:lineRule="exact" w:line="{round(_TABLE_LINE.pt * 20)}" w:before="0" w:after="0"/>'
                   '<w:jc w:val="{}"/></w:pPr>')


def _row_xml(values: list[str], role: str, twips: list[int], lang: str) -> str:
    """One table row as WordprocessingML: a row that never splits across pages (the header's
    also repeated on each page), each cell ``twips`` wide holding one paragraph of table type in
    ``role``'s faces (a figure set flush right in the body), its curly quotes around Latin text in
    the Latin face (:func:`_quote_pieces`), an English memo's ISO dates unbreakable."""
    cells = []
    for text, width in zip(values, twips):
        numeric = role == "body" and text[:1].isdigit()
        if lang != "zh" and _DATE.fullmatch(text):  # never broken at its hyphens ("2017-04-|30")
            text = text.replace("-", NON_BREAKING_HYPHEN)
        runs = "".join(_run_xml(piece, LATIN_FONT if latin else FONTS[role]) for piece, latin in _quote_pieces(text))
        cells.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr><w:p>'
                     f'{_CELL_PARAGRAPH.format("right" if numeric else "left")}{runs}</w:p></w:tc>')
    head = "<w:tblHeader/>" if role == "heading" else ""
    return f"<w:tr><w:trPr><w:cantSplit/>{head}</w:trPr>{''.join(cells)}</w:tr>"


#: What python-docx writes for a tab and a line break inside a run's text.
_RUN_BREAKS = re.compile(r"([\t\r\n])")


def _run_xml(text: str, east_asia: str) -> str:
    """A run of table type (12 pt, not bold) in ``east_asia`` and the Latin face, holding
    ``text`` as python-docx writes it (tabs and line breaks as their elements)."""
    content = []
    for part in _RUN_BREAKS.split(text):
        if part == "\t":
            content.append("<w:tab/>")
        elif part in ("\r", "\n"):
            content.append("<w:br/>")
        elif part:
            space = ' xml:space="preserve"' if part.strip() != part else ""
            content.append(f"<w:t{space}>{xml_escape(part)}</w:t>")
    return (f'<w:r><w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:cs="{LATIN_FONT}" '
            f'w:eastAsia="{xml_escape(east_asia)}"/><w:b w:val="0"/><w:sz w:val="{round(_TABLE.pt * 2)}"/></w:rPr>'
            f'{"".join(content)}</w:r>')


def _body(doc: Any, c: MemoContent) -> None:
    _para(doc, indent=False)  # the blank line above the title
    for line in c.title.split("\n"):
        _run(_para(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=_TITLE), line, "title", size=_TITLE)
    _para(doc, indent=False)
    _run(_para(doc, indent=False), c.addressee)
    if c.notice:
        _run(_para(doc), c.notice, bold=True)
    for heading, items in zip(c.headings, ([("", s) for s in c.overview], c.problems, c.advice)):
        _run(_para(doc), heading, "heading")
        for head, text in items:
            _headed(doc, head, text)
    if c.attachments:
        _para(doc, indent=False)
        first, rest = c.attachment_words[0], c.attachments
        for i, (title, _, _) in enumerate(rest, start=1):
            # GB/T 9704 7.3.6: a long attachment name wraps to its own first character, after 附件：1.
            p = _para(doc, indent=False)
            number = f"{i}. "
            fmt = p.paragraph_format
            fmt.left_indent = 2 * _BODY + _body_width(first) + _body_width(number)
            fmt.first_line_indent = -(_body_width(number) + (_body_width(first) if i == 1 else 0))
            if i == 1:
                _run(p, first)
            _run(p, f"{number}{title}")
    _para(doc, indent=False)
    _para(doc, indent=False)
    for text in (c.issuer, c.date):
        p = _para(doc, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = 4 * _BODY
        _run(p, text)


def _attachments(doc: Any, c: MemoContent, lang: str) -> None:
    """Each attachment on a new page: upright, or on landscape pages (a section of its own)
    when its table is better set so (:func:`landscape`)."""
    turned = False
    for i, (title, header, rows) in enumerate(c.attachments, start=1):
        wide = landscape(header, rows)
        if wide != turned:  # a new section starts the new page
            doc.add_section(WD_SECTION.NEW_PAGE)
            end = doc.paragraphs[-1].paragraph_format  # the paragraph that closes the last section
            end.line_spacing_rule, end.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(1)
            end.space_before = end.space_after = Pt(0)
            _orient(doc.sections[-1], landscape=wide)
            turned = wide
            p = _para(doc, indent=False)
        else:
            p = _para(doc, indent=False)
            _run(p, "", "heading").add_break(WD_BREAK.PAGE)
        _run(p, f"{c.attachment_words[1]}{i}", "heading")
        _para(doc, indent=False)
        _run(_para(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=_TITLE), title, "title", size=_TITLE)
        _para(doc, indent=False)
        _table(doc, header, rows, lang, total=LANDSCAPE_WIDTH if wide else TYPE_WIDTH)


def write_docx(content: MemoContent, path: Path, *, lang: str, generated_at: str) -> Path:
    """Write ``content`` as a GB/T 9704-2012 memo to ``path`` atomically."""
    doc = docx.Document()
    _styles(doc, lang)
    _page_setup(doc)
    _body(doc, content)
    _attachments(doc, content, lang)
    props = doc.core_properties
    props.title, props.author = content.title.replace("\n", ""), content.issuer
    props.last_modified_by = content.issuer
    stamp = datetime.fromisoformat(generated_at)
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    props.created = props.modified = stamp
    props.revision = 1
    props.language = "zh-CN" if lang == "zh" else "en"
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path

