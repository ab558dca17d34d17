"""Policy memo: sentences from the numbers, East-Asian fonts on every run, atomic write."""
from __future__ import annotations

import os

import docx
import matplotlib
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm

from reformlib.errors import DataValidationError, ParameterError
from reformlib.report.memo import EAST_ASIA_FONT, LATIN_FONT, key_findings, write_memo
from reformlib.report.results import SECTIONS

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

THEME_ATTRS = [qn(a) for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")]


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def _runs(document):
    paragraphs = list(document.paragraphs)
    paragraphs += [p for t in document.tables for r in t.rows for c in r.cells
                   for p in c.paragraphs]
    return [run for p in paragraphs for run in p.runs]


def _png(path, size=(6, 3)):
    fig, ax = plt.subplots(figsize=size)
    ax.plot([1, 2, 3], [3, 1, 2])
    fig.savefig(path, dpi=50)
    plt.close(fig)
    return path


def test_chinese_memo_states_the_numbers_in_sentences(tmp_path, results):
    path = write_memo(results, tmp_path / "memo.docx")
    text = _text(docx.Document(str(path)))
    assert "《改革简报》要点（2017年12月）" in text
    assert "2018年1月5日" in text
    props = docx.Document(str(path)).core_properties
    assert props.author == "湘潭市改革数据应用研究中心"
    assert props.title == "《改革简报》要点（2017年12月）"
    assert props.created.isoformat().startswith("2018-01-05T01:30")
    assert "合成演示数据" in text
    assert "213项年度改革任务已完成186项，完成率87.3%" in text
    assert "风险最高的是“不动产统一登记信息平台建设”（牵头单位：湘潭高新区，逾期概率62%）" in text
    assert "得分最高的是湘潭县（92.4分，优秀），最低的是天易经开区（71.3分，一般）" in text
    assert "岳塘区的社会组织党组织覆盖率（实际66，目标70）" in text
    assert "尚有9个未整改，其中3个超过90天" in text
    assert "国家级改革试点25项" in text


def test_every_run_and_the_normal_style_carry_the_east_asian_font(tmp_path, results):
    _png(tmp_path / "fig.png")
    results["figures"] = [{"name": "scores", "path": "fig.png", "caption": "各单位得分"}]
    document = docx.Document(str(write_memo(results, tmp_path / "memo.docx")))
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == EAST_ASIA_FONT
    assert normal.get(qn("w:ascii")) == normal.get(qn("w:hAnsi")) == LATIN_FONT
    for name in ("Heading 1", "Heading 2", "Caption"):
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == EAST_ASIA_FONT
        assert not any(a in fonts.attrib for a in THEME_ATTRS), name
    runs = _runs(document)
    assert len(runs) > 20
    for run in runs:
        fonts = run._r.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == EAST_ASIA_FONT, run.text
        assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == LATIN_FONT
        assert not any(a in fonts.attrib for a in THEME_ATTRS)


def test_tables_list_top_and_bottom_units_and_tasks_at_risk(tmp_path, results):
    document = docx.Document(str(write_memo(results, tmp_path / "memo.docx")))
    units, risk = document.tables
    assert [c.text for c in units.rows[0].cells][:4] == ["排名", "单位", "得分", "等级"]
    assert [c.text for c in units.rows[1].cells] == ["1", "湘潭县", "92.4", "优秀", "1–2"]
    assert len(units.rows) == 1 + 4
    assert [c.text for c in risk.rows[1].cells][:4] == [
        "T-2017-041", "不动产统一登记信息平台建设", "湘潭高新区", "62%"]


def test_many_units_are_cut_to_top_three_and_bottom_three(tmp_path, results):
    base = results["evaluation"]["scores"][0]
    results["evaluation"]["scores"] = [
        {**base, "unit": f"u{i}", "name": f"单位{i}", "score": 95.0 - i, "rank": i + 1,
         "rank_p05": i + 1, "rank_p95": i + 1} for i in range(9)]
    table = docx.Document(str(write_memo(results, tmp_path / "memo.docx"))).tables[0]
    assert [r.cells[0].text for r in table.rows[1:]] == ["1", "2", "3", "7", "8", "9"]


def test_english_memo(tmp_path, results):
    text = _text(docx.Document(str(write_memo(results, tmp_path / "m.docx", lang="en"))))
    assert "Reform brief: key points (December 2017)" in text
    assert "186 of 213 annual reform tasks were completed (87.3%)" in text
    assert "synthetic demonstration data" in text
    assert "Xiangtan High-tech Zone" in text


def test_missing_sections_are_said_to_be_not_yet_available(tmp_path, results):
    results["evaluation"] = {"available": False, "note": "权重尚在论证"}
    for name in ("tasks", "indicators_off_target", "inspections", "pilots", "figures"):
        del results[name]
    document = docx.Document(str(write_memo(results, tmp_path / "memo.docx")))
    text = _text(document)
    assert "评估模型结果尚未纳入本期简报（权重尚在论证）" in text
    assert "改革任务台账数据尚未纳入本期简报" in text
    assert "督察问题整改情况尚未纳入本期简报" in text
    assert "改革试点情况尚未纳入本期简报" in text
    assert document.tables == []
    en = key_findings(results, lang="en")
    assert any("not yet included" in s and "权重尚在论证" in s for s in en)


def test_nothing_off_target_and_everything_rectified(results):
    results["indicators_off_target"] = []
    results["inspections"] = {"found": 5, "rectified": 5, "open": 0, "open_over_90_days": 0}
    results["tasks"]["at_risk"] = []
    text = "".join(key_findings(results))
    assert "均已达到目标" in text and "已全部整改" in text and "未发现存在较高逾期风险" in text


def test_real_data_carry_no_synthetic_notice(tmp_path, results):
    results["synthetic"] = False
    assert "合成" not in _text(docx.Document(str(write_memo(results, tmp_path / "m.docx"))))


def test_figures_are_sized_to_fit(tmp_path, results):
    wide, tall = _png(tmp_path / "wide.png", (12, 3)), _png(tmp_path / "tall.png", (3, 8))
    path = write_memo(results, tmp_path / "memo.docx",
                      figures=[wide, {"path": str(tall), "caption": "高图"}])
    document = docx.Document(str(path))
    shapes = document.inline_shapes
    assert len(shapes) == 2
    for shape in shapes:
        assert shape.width <= Cm(15.5) + 1 and shape.height <= Cm(7.5) + Cm(0.05)
    assert shapes[0].width > Cm(15)
    assert "图2　高图" in _text(document)


def test_bad_arguments_name_themselves(tmp_path, results):
    png = _png(tmp_path / "a.png")
    with pytest.raises(ParameterError, match="at most 2"):
        write_memo(results, tmp_path / "m.docx", figures=[png, png, png])
    with pytest.raises(ParameterError, match="missing.png"):
        write_memo(results, tmp_path / "m.docx", figures=[tmp_path / "missing.png"])
    with pytest.raises(ParameterError, match="lang"):
        write_memo(results, tmp_path / "m.docx", lang="fr")
    assert not (tmp_path / "m.docx").exists()


def test_failed_write_leaves_the_good_memo_untouched(tmp_path, results):
    path = write_memo(results, tmp_path / "memo.docx")
    before = path.read_bytes()
    broken = {**results, "tasks": {**results["tasks"], "completion_rate": 187.3}}
    with pytest.raises(DataValidationError):
        write_memo(broken, path)
    with pytest.raises(ParameterError):
        write_memo(results, path, figures=["nowhere.png"])
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["memo.docx"]


def test_sections_constant_covers_the_optional_sections():
    assert SECTIONS[0] == "tasks" and "evaluation" in SECTIONS
