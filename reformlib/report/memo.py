"""Policy memo of a brief (publication step: results.json -> Word).

Officials of the reform leading group read memos as Word documents (DOMAIN.md). The memo
is one to two pages: title with the month, a date line, a notice when the data are
synthetic, key findings written as full sentences from the numbers in ``results.json``
(:func:`key_findings`, Chinese by default, English on request), two short tables (top and
bottom units by evaluation score; tasks at risk) and one or two figures.

Fonts. python-docx's ``font.name`` sets only the Latin slots, and the default template's
styles use theme fonts, which override explicit names (PIPELINE.md, "Chinese text"). So
the Normal, Title, Heading and Caption styles and every run get explicit ``w:ascii``,
``w:hAnsi``, ``w:cs`` = :data:`LATIN_FONT` and ``w:eastAsia`` = :data:`EAST_ASIA_FONT`,
with the theme attributes removed. ``SimSun`` (宋体) is chosen because it ships with every
Simplified-Chinese Windows and Office, where the memos are read; LibreOffice on Linux
substitutes Noto Serif CJK SC for it through fontconfig. Noto Sans CJK would be missing on
the readers' machines and Word would substitute a font of its own choosing.

The file is written atomically: a failure leaves an existing memo untouched.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from reformlib.data.periods import month_words
from reformlib.errors import ParameterError
from reformlib.i18n import MEMO, UNIT_NAMES
from reformlib.report.atomic import atomic_path
from reformlib.report.results import section, validate_results

__all__ = ["EAST_ASIA_FONT", "LATIN_FONT", "key_findings", "write_memo"]

#: East-Asian font slot (w:eastAsia) of every style and run.
EAST_ASIA_FONT = "SimSun"
#: Latin font slots (w:ascii, w:hAnsi, w:cs).
LATIN_FONT = "Times New Roman"
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "Caption")
_MAX_WIDTH, _MAX_HEIGHT = Cm(15.5), Cm(7.5)


def _num(x: float | int) -> str:
    """27000 -> '27,000'; 9.9 -> '9.9'; 0.05 -> '0.05' (at most two decimals)."""
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")




def _date(iso: str, lang: str) -> str:
    d = datetime.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else f"{d.day} {d:%B %Y}"


def _names(results: Mapping[str, Any], lang: str) -> dict[str, str]:
    scores = (section(results, "evaluation")[0] or {}).get("scores", [])
    return {**UNIT_NAMES[lang], **{s["unit"]: s["name"] for s in scores}}


def _na(t: Mapping[str, str], key: str, note: str | None) -> str:
    """The 'not yet available' sentence, with the section's note before the full stop."""
    if not note:
        return t[key]
    stop = t[key][-1]
    return t[key][:-1] + t["note"].format(note=note.rstrip("。.")) + stop


def _headline(results: Mapping[str, Any], t: Mapping[str, str], lang: str) -> list[str]:
    space, (left, right) = ("", "（）") if lang == "zh" else (" ", ("(", ")"))
    items = [f"{h['name']}{space}{_num(h['value'])}{h['unit'] or ''}"
             + (f"{space}{left}{h['comparison']}{right}" if h.get("comparison") else "")
             for h in results.get("headline", [])[:4]]
    return [t["headline"].format(items=t["headline_sep"].join(items))] if items else []


def _tasks(results: Mapping[str, Any], t: Mapping[str, str], lang: str,
           names: Mapping[str, str]) -> list[str]:
    tasks, note = section(results, "tasks")
    if tasks is None:
        return [_na(t, "tasks_na", note)]
    counts = {k: tasks[k] for k in ("total", "completed", "on_schedule", "behind", "overdue")}
    out = [t["tasks"].format(month=month_words(results["month"], lang),
                             rate=f"{tasks['completion_rate']:.1f}", **counts)]
    risky = sorted(tasks["at_risk"], key=lambda r: -r["probability"])
    if not risky:
        return out + [t["risk_none"]]
    first = risky[0]
    return out + [t["risk"].format(n=len(risky), title=first["title"],
                                   lead=names.get(first["lead_unit"], first["lead_unit"]),
                                   p=f"{100 * first['probability']:.0f}")]


def _evaluation(results: Mapping[str, Any], t: Mapping[str, str]) -> list[str]:
    evaluation, note = section(results, "evaluation")
    scores = sorted((evaluation or {}).get("scores", []), key=lambda s: s["rank"])
    if not scores:
        return [_na(t, "eval_na", note or (evaluation or {}).get("note"))]
    top, bottom = scores[0], scores[-1]
    out = [t["eval" if len(scores) > 1 else "eval_one"].format(
        top=top["name"], top_score=f"{top['score']:.1f}", top_grade=top["grade"],
        bottom=bottom["name"], bottom_score=f"{bottom['score']:.1f}",
        bottom_grade=bottom["grade"])]
    lo, hi = top.get("rank_p05"), top.get("rank_p95")
    if lo is not None and hi is not None and lo != hi:
        out.append(t["eval_range"].format(top=top["name"], lo=_num(lo), hi=_num(hi)))
    return out


def _off_target(results: Mapping[str, Any], t: Mapping[str, str],
                names: Mapping[str, str]) -> list[str]:
    off, note = section(results, "indicators_off_target")
    if off is None:
        return [_na(t, "off_na", note)]
    if not off:
        return [t["off_none"]]
    items = [t["off_item"].format(unit=names.get(o["unit"], o["unit"]), name=o["name"],
                                  value=_num(o["value"]), target=_num(o["target"]))
             for o in off[:3]]
    return [t["off"].format(n=len(off), items=t["off_sep"].join(items))]


def _inspections_and_pilots(results: Mapping[str, Any], t: Mapping[str, str]) -> list[str]:
    insp, note = section(results, "inspections")
    if insp is None:
        out = [_na(t, "insp_na", note)]
    else:
        out = [t["insp" if insp["open"] else "insp_done"].format(
            over90=insp["open_over_90_days"], **insp)]
    pilots, note = section(results, "pilots")
    return out + [_na(t, "pilots_na", note) if pilots is None else t["pilots"].format(**pilots)]


def key_findings(results: Mapping[str, Any], *, lang: str = "zh") -> list[str]:
    """Key findings as full sentences generated from a valid results dict.

    A missing section gives a sentence saying it is not yet available (with its note).
    """
    t = MEMO[_check_lang(lang)]
    names = _names(results, lang)
    return (_headline(results, t, lang) + _tasks(results, t, lang, names)
            + _evaluation(results, t) + _off_target(results, t, names)
            + _inspections_and_pilots(results, t))


def _check_lang(lang: str) -> str:
    if lang not in MEMO:
        raise ParameterError(f"lang must be one of {sorted(MEMO)}, not {lang!r}")
    return lang


def _set_fonts(rpr_parent: Any) -> None:
    """Give an element with run properties explicit Latin and East-Asian fonts."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIA_FONT)


def _all_runs(doc: Any) -> list[Any]:
    paragraphs = list(doc.paragraphs)
    for table in doc.tables:
        paragraphs += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return [run for p in paragraphs for run in p.runs]


def _section_heading(doc: Any, text: str, number: int, lang: str) -> None:
    label = f"{'一二三四五六'[number - 1]}、" if lang == "zh" else f"{number}. "
    doc.add_heading(label + text, level=2)


def _table(doc: Any, header: str, rows: list[list[str]]) -> None:
    cols = header.split("|")
    table = doc.add_table(rows=1, cols=len(cols))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, cols):
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text


def _resolve_figures(results: Mapping[str, Any], figures: Sequence[Any] | None,
                     base: Path) -> list[tuple[Path, str]]:
    if figures is None:
        listed = section(results, "figures")[0] or []
        figures = [{"path": f["path"], "caption": f["caption"]} for f in listed[:2]]
    if len(figures) > 2:
        raise ParameterError(f"figures: a memo takes at most 2 figures, got {len(figures)}")
    out = []
    for fig in figures:
        path, caption = ((fig["path"], fig.get("caption", "")) if isinstance(fig, Mapping)
                         else (fig, ""))
        full = Path(path) if Path(path).is_absolute() else base / path
        if not full.is_file() or full.suffix.lower() != ".png":
            raise ParameterError(f"figures: {full} is not an existing PNG file")
        out.append((full, caption))
    return out


def _picture(doc: Any, path: Path) -> None:
    img = Image.from_file(str(path))
    width = min(_MAX_WIDTH, int(_MAX_HEIGHT * img.px_width / img.px_height))
    doc.add_picture(str(path), width=width)


def write_memo(results: Mapping[str, Any], path: Path | str, *, lang: str = "zh",
               figures: Sequence[Path | str | Mapping[str, str]] | None = None,
               base_dir: Path | str | None = None) -> Path:
    """Write the policy memo of ``results`` to ``path`` (.docx) atomically.

    ``figures``: up to two PNG paths (or ``{"path", "caption"}`` mappings); ``None`` takes
    the first two listed in ``results["figures"]``. Relative paths are resolved against
    ``base_dir`` (default: the memo's folder).
    """
    data = validate_results(results)
    t = MEMO[_check_lang(lang)]
    target = Path(path)
    pics = _resolve_figures(data, figures, Path(base_dir) if base_dir else target.parent)
    doc = docx.Document()
    for name in _STYLES:
        _set_fonts(doc.styles[name].element)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    lang_el = OxmlElement("w:lang")
    lang_el.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")
    lang_el.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang_el)
    for sec in doc.sections:
        sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
        sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = Cm(2.2)
    doc.add_heading(t["title"].format(month=month_words(data["month"], lang)), level=1)
    if data["unit"]:
        doc.add_paragraph(t["unit"].format(unit=_names(data, lang).get(data["unit"], data["unit"])))
    doc.add_paragraph(t["date"].format(date=_date(data["generated_at"], lang)))
    if data["synthetic"]:
        doc.add_paragraph().add_run(t["synthetic"]).bold = True
    number = 1
    _section_heading(doc, t["findings"], number, lang)
    for sentence in key_findings(data, lang=lang):
        doc.add_paragraph(sentence, style="List Bullet")
    scores = sorted((section(data, "evaluation")[0] or {}).get("scores", []),
                    key=lambda s: s["rank"])
    if scores:
        shown = scores if len(scores) <= 6 else scores[:3] + scores[-3:]
        number += 1
        _section_heading(doc, t["units_table"], number, lang)
        _table(doc, t["units_cols"], [
            [str(s["rank"]), s["name"], f"{s['score']:.1f}", s["grade"],
             "" if s.get("rank_p05") is None or s.get("rank_p95") is None
             else f"{_num(s['rank_p05'])}–{_num(s['rank_p95'])}"] for s in shown])
    tasks = section(data, "tasks")[0]
    if tasks and tasks["at_risk"]:
        names = _names(data, lang)
        number += 1
        _section_heading(doc, t["risk_table"], number, lang)
        risky = sorted(tasks["at_risk"], key=lambda r: -r["probability"])[:5]
        _table(doc, t["risk_cols"], [
            [r["task_id"], r["title"], names.get(r["lead_unit"], r["lead_unit"]),
             f"{100 * r['probability']:.0f}%", r["reason"]] for r in risky])
    if pics:
        number += 1
        _section_heading(doc, t["figures"], number, lang)
        for i, (pic, caption) in enumerate(pics, start=1):
            _picture(doc, pic)
            if caption:
                doc.add_paragraph(t["fig"].format(i=i, caption=caption), style="Caption")
    for run in _all_runs(doc):
        _set_fonts(run._r)
    props = doc.core_properties
    props.title = t["title"].format(month=month_words(data["month"], lang))
    props.author = props.last_modified_by = t["author"]
    stamp = datetime.fromisoformat(data["generated_at"])
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    props.created = props.modified = stamp
    props.revision = 1
    props.language = "zh-CN" if lang == "zh" else "en"
    with atomic_path(target) as tmp:
        doc.save(str(tmp))
    return target
