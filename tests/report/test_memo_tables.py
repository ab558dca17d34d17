"""The memo's attachment tables: every column at least as wide as its widest word, figure or
date, in both languages, so that no word is split letter by letter ("Ind|ica|tor"); a table
whose words cannot fit the upright type area set on landscape pages; punctuation never hangs
into the margin. On the demonstration data's June 2017 brief, built by the brief's own
functions (synthetic data)."""
from __future__ import annotations

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

import reformlib as rl
from reformlib.briefs import content as brief
from reformlib.report.memo import memo_content, write_memo
from reformlib.report.memo_layout import (
    LANDSCAPE_WIDTH,
    TYPE_WIDTH,
    column_widths,
    landscape,
    least_widths,
    table_height,
    text_width,
    unbroken_pieces,
)
from reformlib.report.results import validate_results


def _june(lang: str) -> dict:
    data, reference = rl.load_data(None), rl.load_reference()
    obs, ind, units, month = data["observations"], data["indicators"], data["units"], "2017-06"
    status, by_category = brief.task_progress(data["tasks"], data["progress"], month, lang=lang)
    sections = {"evaluation": brief.evaluation_section(data, month, uncertainty=False, lang=lang),
                "indicators_off_target": brief.off_target(obs, ind, units, month, lang=lang),
                "inspections": brief.inspections_summary(data["inspections"], month, units=units),
                "supervision": brief.supervision_list(data["tasks"], status, month, units=units, lang=lang)}
    return validate_results(brief.results(
        month=month, lang=lang, unit=None, headline_table=brief.headline(obs, ind, reference, month, units=units, lang=lang),
        status=status, by_category=by_category, synthetic=True, figures=[], sections=sections, units=units))


@pytest.fixture(scope="module")
def june(demo):
    return {lang: _june(lang) for lang in ("en", "zh")}


def _longest(header, rows) -> list[float]:
    """Per column, the width of its widest word, figure or date, as the text prints it."""
    return [max(text_width(p) for v in col for p in unbroken_pieces(v)) for col in zip(header, *rows)]


def test_pieces_keep_words_figures_and_dates_whole():
    assert unbroken_pieces("Indicator") == ["Indicator"]
    assert unbroken_pieces("debt-to-asset ratio") == ["debt-", "to-", "asset", "ratio"]
    assert unbroken_pieces("2017-04-30 +0.6 percentage points") == ["2017-04-30", "+0.6", "percentage", "points"]
    assert unbroken_pieces("差距52.5个百分点") == ["差", "距", "52.5", "个", "百", "分", "点"]
    assert unbroken_pieces("截至2017年6月30日") == ["截", "至", "2017年6月30日"]
    assert text_width("Administration") > text_width("Indicator") > text_width("Item") > 0
    assert text_width("湘潭") == 24  # a Chinese character is a full em of 12 pt type
    # a quarter em where Chinese meets figures, as Word and LibreOffice space them (2017 年 4 月 20 日)
    assert text_width("2017年4月20日") == pytest.approx(
        text_width("2017") + text_width("4") + text_width("20") + 3 * 12 + 5 * 3)


def test_a_column_is_never_narrower_than_its_longest_word():
    """The English supervision list of June 2017 had a 0.92 cm "Indicator" column and broke
    every word letter by letter; each column now holds its longest word on one line."""
    header = ["Indicator", "Item", "Value"]
    rows = [["investment-construction approval items", "newly transferred farmland", "32,820 mu"],
            ["debt-to-asset ratio of industrial firms above designated size", "Administration", "57.6%"]]
    widths = column_widths(header, rows)
    assert sum(widths) == pytest.approx(TYPE_WIDTH)
    for w, low, word in zip(widths, least_widths(header, rows), _longest(header, rows)):
        assert w >= low > word
    assert widths[0] > text_width("construction") and widths[1] > text_width("Administration")


def test_a_table_too_wide_for_the_upright_page_turns_and_long_lists_get_shorter():
    header = ["Task", "Lead unit", "Leader", "Deadline", "Progress", "Status", "Days overdue"]
    wide = [["administration: set up a mechanism", "Administration for Industry and Commerce", "division head",
             "2017-06-30", "90%", "unfinished", "61"]]
    assert sum(least_widths(header, wide)) > TYPE_WIDTH and landscape(header, wide)
    turned = column_widths(header, wide, total=LANDSCAPE_WIDTH)
    assert all(w >= lo for w, lo in zip(turned, least_widths(header, wide)))
    short = [["Yuhu District", "88.52"]]
    assert not landscape(["Unit", "Score"], short)
    # a cell that wraps in a narrow column takes more lines than in a wide one
    assert table_height(["Indicator"], [["debt-to-asset ratio of industrial firms"]], [60.0]) > \
        table_height(["Indicator"], [["debt-to-asset ratio of industrial firms"]], [300.0])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_june_memo_columns_hold_their_longest_words(june, lang, tmp_path):
    """Every attachment table of the June 2017 memo, as written to Word: no column narrower
    than its longest word, figure or date; the tables too wide upright stand on landscape
    pages, each in a section of its own; the memo's paragraphs never hang punctuation."""
    content = memo_content(june[lang], lang=lang)
    assert len(content.attachments) >= 4
    doc = docx.Document(str(write_memo(june[lang], tmp_path / "memo.docx", lang=lang)))
    assert len(doc.tables) == len(content.attachments)
    turned = [landscape(h, rows) for _, h, rows in content.attachments]
    for table, (_, header, rows), wide in zip(doc.tables, content.attachments, turned):
        grid = [int(c.get(qn("w:w"))) / 20 for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(grid) <= (LANDSCAPE_WIDTH if wide else TYPE_WIDTH) + 1
        for width, low, word in zip(grid, least_widths(header, rows), _longest(header, rows)):
            assert width >= low - 0.1 > word, (header, width, word)
    landscapes = [s for s in doc.sections if s.orientation == WD_ORIENT.LANDSCAPE]
    assert len(landscapes) == sum(t != p for t, p in zip(turned, [False, *turned[:-1]]) if t)
    for s in landscapes:
        assert s.page_width > s.page_height
        assert round((s.page_width - s.left_margin - s.right_margin) / 36000) == 225  # mm of type width
    if lang == "en":  # the supervision list's and the headline table's words cannot fit 156 mm
        assert any(turned)
    normal = doc.styles["Normal"].element.pPr
    assert normal.find(qn("w:overflowPunct")).get(qn("w:val")) == "0"
