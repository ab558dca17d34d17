"""Publishing a brief (publication step: results.json -> tables, workbook, memo, HTML page,
manifest).

Everything a reader gets is made from the run's validated ``results.json`` (the memo, its
PDF and the workbook) or from the executed notebooks (the HTML page), inside the run's staging
folder. The memo's PDF needs LibreOffice (:func:`reformlib.report.memo_pdf.memo_pdf`): without
it, when the conversion fails, or when ``REFORMLIB_MEMO_PDF=off`` turns it off, the brief is still published and the manifest's
``documents`` record says that ``memo.pdf`` was not made and why (:func:`write_documents`),
never a silent gap. :func:`check_outputs` refuses a run with any expected file missing or
empty, or a ``memo.pdf`` that is neither present (an A4 PDF) nor explained, and
only then is the whole folder published in one atomic step
(:func:`reformlib.briefs.store.promote`). A failed run goes to ``failed/<run-id>/``
(:func:`keep_failed`); one whose process died is moved there by the next run
(:func:`recover_interrupted`). Follows the papermill practice of report portfolios: the
executed notebook is the record of one run and is never edited.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from reformlib.briefs import freshness
from reformlib.briefs.store import brief_lock, current_version, recover
from reformlib.data.io import atomic_write
from reformlib.data.paths import ROOT
from reformlib.errors import RunError
from reformlib.i18n import PAGE_TITLE
from reformlib.report.browser import PAGE, content_security_policy, style_sheets, unsafe_content
from reformlib.report.numbers import MISSING

#: Files every published brief holds (figures are checked from the results file's list).
EXPECTED_FILES = ("brief.html", "memo.docx", "tables.xlsx", "results.json")
#: Files a published brief holds unless its manifest's ``documents`` record says why not.
OPTIONAL_FILES = ("memo.pdf",)
#: The environment variable that turns the memo's PDF off (``off``, ``0``, ``no`` or ``false``):
#: a publishing machine without LibreOffice, or a run that needs no PDF, skips the 5-10 s
#: conversion; the manifest says so.
MEMO_PDF_SWITCH = "REFORMLIB_MEMO_PDF"
#: A4 in PostScript points, as a PDF's MediaBox gives it (595.28 x 841.89), rounded.
A4_POINTS = (595, 842)


@dataclass(frozen=True)
class PreparedMemo:
    """A brief's memo made before its brief is staged, from the same results: ``docx`` and
    either ``pdf`` or ``reason`` (why the PDF was not made), as a batch makes the memos of
    many briefs and converts them to PDF with one LibreOffice process
    (:func:`reformlib.briefs.run.prepare_memos`)."""

    docx: Path
    pdf: Path | None = None
    reason: str = ""


def memo_pdf_off() -> str:
    """Why the memo's PDF is not to be made (:data:`MEMO_PDF_SWITCH` turns it off), or ""."""
    value = os.environ.get(MEMO_PDF_SWITCH, "")
    return f"turned off by {MEMO_PDF_SWITCH}={value}" if value.strip().lower() in ("0", "off", "no", "false") else ""


def write_documents(folder: Path, *, lang: str, results: Mapping[str, Any] | None = None,
                    memo: PreparedMemo | None = None, issued: dt.date | None = None) -> dict[str, dict[str, Any]]:
    """``tables.xlsx``, ``memo.docx`` and, with LibreOffice, ``memo.pdf`` from
    ``folder/results.json`` (validated on reading; ``results``: those results already read
    and validated, as a unit's brief has them from the run that validated them when writing
    them). ``memo``: the memo already made from those results (copied into ``folder``, with
    its PDF or the reason it has none). ``issued``: the memo's date
    (:func:`reformlib.report.memo.memo_date`; default the day its results were made). Returns
    the ``documents`` record of the manifest: per file, ``made`` and, for a file not made, ``reason``."""
    # the document writers (python-docx, openpyxl, the model's tables) are imported here, not
    # with this module, so that a command refused before anything runs starts quickly
    import shutil

    from reformlib.report.memo import write_memo
    from reformlib.report.memo_pdf import memo_pdf
    from reformlib.report.results import read_results
    from reformlib.report.tables import HEADERS, SHEETS, results_tables
    from reformlib.report.workbook import BRIEF_HEADERS, BRIEF_SHEETS, brief_sheets, write_tables

    res = read_results(folder / "results.json") if results is None else results
    sheets = {**SHEETS[lang], **BRIEF_SHEETS[lang]}
    frames, formats = brief_sheets(results_tables(res, lang=lang), res, lang=lang)
    write_tables({sheets.get(k, k): v for k, v in frames.items()}, folder / "tables.xlsx", lang=lang,
                 headers={**BRIEF_HEADERS[lang], **HEADERS[lang]},
                 formats={sheets.get(k, k): v for k, v in formats.items()})
    if memo is not None:
        shutil.copyfile(memo.docx, folder / "memo.docx")
    else:
        write_memo(res, folder / "memo.docx", lang=lang, base_dir=folder, issued=issued)
    record: dict[str, dict[str, Any]] = {"tables.xlsx": {"made": True}, "memo.docx": {"made": True}}
    off = memo_pdf_off()
    if off:
        record["memo.pdf"] = {"made": False, "reason": off}
    elif memo is not None and memo.pdf is not None:
        shutil.copyfile(memo.pdf, folder / "memo.pdf")
        record["memo.pdf"] = {"made": True, "tool": "LibreOffice"}
    elif memo is not None:
        record["memo.pdf"] = {"made": False, "reason": memo.reason or "LibreOffice gave no PDF and no reason"}
    else:
        try:
            memo_pdf(folder / "memo.docx", folder / "memo.pdf")
            record["memo.pdf"] = {"made": True, "tool": "LibreOffice"}
        except RunError as exc:
            (folder / "memo.pdf").unlink(missing_ok=True)
            record["memo.pdf"] = {"made": False, "reason": str(exc).removeprefix("memo_pdf: ")}
    return record


def check_outputs(folder: Path, documents: Mapping[str, Mapping[str, Any]] | None = None) -> list[str]:
    """Expected files of a staged brief that are missing or empty: :data:`EXPECTED_FILES`,
    at least one figure, and every figure the results file lists (as PNG); and each of
    :data:`OPTIONAL_FILES` (``memo.pdf``: an A4 PDF) unless ``documents`` (the manifest's
    record; default: read from ``folder/manifest.json``) says why it was not made."""
    problems = [f"{name} is missing or empty" for name in EXPECTED_FILES
                if not (folder / name).is_file() or (folder / name).stat().st_size == 0]
    if documents is None:
        try:
            documents = json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("documents") or {}
        except (OSError, ValueError, AttributeError):
            documents = {}
    for name in OPTIONAL_FILES:
        said = documents.get(name) or {}
        if said.get("made") is False:
            if not str(said.get("reason") or "").strip():
                problems.append(f"{name} was not made and the manifest does not say why")
        else:
            problems += pdf_problems(folder / name)
    return problems + check_figures(folder)


_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([-0-9.]+)\s+([-0-9.]+)\s+([-0-9.]+)\s+([-0-9.]+)\s*\]")
#: A PDF object, and the type of one that is a page (not the page tree, /Pages, whose MediaBox
#: LibreOffice writes as the bounds of all its pages: 842 x 842 for upright and landscape ones).
_OBJECT = re.compile(rb"\bobj\b(.*?)\bendobj\b", re.S)
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def pdf_problems(path: Path) -> list[str]:
    """Why ``path`` is not a PDF of A4 pages (empty: it is): missing, empty, not a PDF, no
    page size found, or a page whose MediaBox is not 595 x 842 points (rounded), upright or
    landscape (a wide attachment's page)."""
    if not path.is_file() or path.stat().st_size == 0:
        return [f"{path.name} is missing or empty and the manifest does not say why it was not made"]
    raw = path.read_bytes()
    if not raw.startswith(b"%PDF-"):
        return [f"{path.name} is not a PDF file"]
    pages = b"".join(o for o in _OBJECT.findall(raw) if _PAGE.search(o))  # the pages' own boxes, else any
    found = _MEDIA_BOX.findall(pages) or _MEDIA_BOX.findall(raw)
    boxes = {(round(float(x1) - float(x0)), round(float(y1) - float(y0))) for x0, y0, x1, y1 in found}
    if not boxes:
        return [f"{path.name}: no page size found"]
    wrong = sorted(b for b in boxes if b not in (A4_POINTS, A4_POINTS[::-1]))  # upright or landscape
    return [f"{path.name}: pages of {wrong[0][0]} x {wrong[0][1]} pt, not A4 (595 x 842 pt, or 842 x 595 "
            "landscape)"] if wrong else []


def check_figures(folder: Path) -> list[str]:
    """Figures the results file lists that are missing, empty or not PNG; none at all."""
    problems = []
    if (folder / "results.json").is_file():
        listed = json.loads((folder / "results.json").read_text(encoding="utf-8")).get("figures") or []
        for fig in listed if isinstance(listed, list) else []:
            path = folder / fig["path"]
            if not path.is_file() or path.stat().st_size == 0:
                problems.append(f"figure {fig['path']} is missing or empty")
            elif path.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
                problems.append(f"figure {fig['path']} is not a PNG file")
    if not list((folder / "figures").glob("*.png")):
        problems.append("figures/ holds no PNG figure")
    return problems


# ------------------------------------------------------------------------------- HTML
STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       max-width: 1100px; margin: 2em auto; padding: 0 1.5em; color: #222; line-height: 1.55; }
h1 { border-bottom: 3px solid #c62828; padding-bottom: .3em; }
h2 { border-left: 5px solid #c62828; padding-left: .5em; margin-top: 1.8em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; max-width: 100%; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.date { white-space: nowrap; }
img { max-width: 100%; height: auto; } .anchor-link { display: none; }
.prompt, .input_prompt, .output_prompt { display: none; } pre { white-space: pre-wrap; }
.brief-links { font-size: 0.92em; color: #555; border-bottom: 1px solid #ddd; }
@page { size: A4; margin: 18mm 15mm 20mm 15mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; line-height: 1.45; }
  .brief-links, .input, .prompt, .input_prompt, .output_prompt, .anchor-link { display: none !important; }
  table { font-size: 9pt; page-break-inside: auto; }
  thead { display: table-header-group; } tfoot { display: table-footer-group; }
  tr, td, th, img, .output_png { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  img { max-height: 230mm; }
  a { color: inherit; text-decoration: none; }
}
"""
#: A cell that holds a number as the page writes it: sign, digits with separators, decimals,
#: a range (``80–90``) and at most a short unit (``%``, ``个百分点``, ``亩``, `` percentage points``),
#: an average said to be one (``平均3.1人``, ``average 3.1 persons``, :func:`reformlib.report.numbers.quantity`).
_NUMERIC = re.compile(r"(?:\u5e73\u5747|average )?[+\-\u2212]?[0-9][0-9,]*(?:\.[0-9]+)?(?:\u2013[0-9][0-9,]*(?:\.[0-9]+)?)?"
                      r"(?:%|[\u4e00-\u9fff]{1,4}| ?[A-Za-z %]{1,24})?")


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?")


def column_kind(texts: list[str]) -> str | None:
    """The class of a table column whose cells read ``texts`` (as a reader sees them, spaces
    at the ends stripped): ``"num"`` when every non-empty cell is a number as :data:`_NUMERIC`
    reads it ("—" for a missing figure aside), ``"date"`` when every one is a date, else None."""
    filled = [t for t in texts if t and t != MISSING]  # "—" marks a figure not reported
    return ("num" if filled and all(_NUMERIC.fullmatch(t) for t in filled) else
            "date" if filled and all(_DATE.fullmatch(t) for t in filled) else None)


def align_columns(body: str) -> str:
    """``body`` with every table's number columns (every non-empty cell a number, as
    :data:`_NUMERIC` reads it, "—" for a missing figure aside) marked ``class="num"`` (right-aligned), the other columns
    left as text (left-aligned), header cells included; a column of dates (``2017-12-31``)
    is marked ``class="date"`` (never broken at its hyphens) (:func:`column_kind`). A
    cell marked already is not marked again."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    for table in soup.find_all("table"):
        rows = [tr.find_all(["td", "th"], recursive=False) for tr in (table.tbody or table).find_all("tr")]
        rows = [r for r in rows if r and not (table.thead and r[0].find_parent("thead"))]
        width = max((len(r) for r in rows), default=0)
        for col in range(width):
            kind = column_kind([r[col].get_text(strip=True) for r in rows if col < len(r) and r[col].name == "td"])
            if kind is None:
                continue
            head = table.thead.find_all("tr")[-1].find_all(["th", "td"]) if table.thead else []
            cells = [r[col] for r in rows if col < len(r) and r[col].name == "td"]
            for cell in cells + ([head[col]] if kind == "num" and col < len(head) else []):
                if kind not in cell.get("class", []):
                    cell["class"] = [*cell.get("class", []), kind]
    return str(soup)


#: A header or body cell as pandas' Styler writes it (``<td id="T_<key>_row<i>_col<j>" class="..." >``).
_STYLER_CELL = re.compile(r'<(?P<tag>t[dh]) id="T_[^"]*_(?P<where>row\d+|level0)_col(?P<col>\d+)" class="(?P<cls>[^"]*)" >'
                          r'(?P<text>.*?)</(?P=tag)>', re.S)
#: Every cell's opening tag.
_CELL_TAG = re.compile(r"<(t[dh])[\s>/]", re.I)


def align_styled(table_html: str) -> str:
    """A table written by pandas' Styler (:func:`reformlib.report.tables.styled`: one header
    row, no index) with the classes :func:`align_columns` gives its columns, found from its
    cells' text without parsing the page (the same rule, :func:`column_kind`). Anything else
    (a table of several header rows, a cell not as the Styler writes it) goes through
    :func:`align_columns`."""
    cells = list(_STYLER_CELL.finditer(table_html))
    body = [m for m in cells if m["tag"] == "td" and m["where"] != "level0"]
    heads = [m for m in cells if m["where"] == "level0"]
    tags = _CELL_TAG.findall(table_html)
    if (not cells or tags.count("td") != len(body) or tags.count("th") != len(heads)
            or any(m["tag"] != "th" for m in heads) or "<" in "".join(m["text"] for m in cells)):
        return align_columns(table_html)
    texts: dict[int, list[str]] = {}
    for m in body:
        texts.setdefault(int(m["col"]), []).append(html.unescape(m["text"]).strip())
    kinds = {col: column_kind(found) for col, found in texts.items()}

    def marked(m: re.Match) -> str:
        kind = kinds.get(int(m["col"]))
        if kind is None or (m["tag"] == "th" and kind != "num") or kind in m["cls"].split():
            return m[0]
        return m[0].replace(f'class="{m["cls"]}"', f'class="{m["cls"]} {kind}"', 1)

    return _STYLER_CELL.sub(marked, table_html)


_HEADING = re.compile(r"^#{1,6}\s+(.*)$", re.M)
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def describe_figures(nb: nbformat.NotebookNode, figures: list[Mapping[str, Any]]) -> int:
    """Give every code cell that shows an image an ``alt`` text (nbconvert writes it on the
    ``<img>``): the caption of the figure the cell saves (its path from ``figures``, the
    results file's list), else the heading the image stands under. Returns the cells given one."""
    heading, done = "", 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = _HEADING.findall(cell.source)
            heading = _MD_ESCAPE.sub(r"\1", found[-1]).strip() if found else heading
            continue
        if cell.cell_type != "code":
            continue
        shows = False
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            found = _HEADING.findall(str(data.get("text/markdown", "")))
            if found:
                heading = _MD_ESCAPE.sub(r"\1", found[-1]).strip()
            shows = shows or "image/png" in data
        if not shows:
            continue
        own = [f for f in figures if f.get("path") and f["path"] in cell.source and f.get("caption")]
        cell.metadata["alt"] = str(own[0]["caption"]) if own else heading
        done += 1
    return done


def to_html(notebooks: list[Path], out: Path, *, title: str, lang: str, nav: str = "",
            figures: list[Mapping[str, Any]] | None = None) -> Path:
    """One self-contained page from executed notebooks: code hidden, images embedded, offline;
    cells tagged ``remove_cell`` (a template's notes to its maintainers) left out.

    ``nav`` (HTML, :func:`reformlib.briefs.index.navigation`) goes at the top. Every figure
    gets its caption as ``alt`` text (``figures``: the results file's list, default read from
    ``results.json`` beside ``out``; :func:`describe_figures`); number columns of tables are
    right-aligned, text columns left-aligned (:func:`align_columns`); the style sheet prints
    on A4 with table rows kept whole, table headers repeated on each page and no code.

    The page carries a Content-Security-Policy that allows no script and no request (only
    embedded images and its own style sheets, by hash); it is refused (:class:`RunError`)
    if a parse finds any external URL (:func:`~reformlib.report.browser.html_is_offline`)
    or anything that could run (:func:`~reformlib.report.browser.active_content`).
    """
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    if figures is None:
        listed = out.parent / "results.json"
        figures = json.loads(listed.read_text(encoding="utf-8")).get("figures") or [] if listed.is_file() else []
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove_cell"}), enabled=True)
    parts = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        describe_figures(nb, figures)
        parts.append(exporter.from_notebook_node(nb)[0])
    return write_page_html(out, "\n".join(parts), title=title, lang=lang, nav=nav)


def page_title(month: str, lang: str) -> str:
    """The ``<title>`` of a brief's page."""
    return PAGE_TITLE[lang].format(month=month)


def write_page_html(out: Path, body: str, *, title: str, lang: str, nav: str = "", aligned: bool = False) -> Path:
    """Write ``out``, a brief's page, from its ``body`` (HTML): ``nav`` at the top, number
    columns right-aligned (:func:`align_columns`; ``aligned``: the body's tables are already), the page skeleton
    (:data:`~reformlib.report.browser.PAGE`) with :data:`STYLE` (A4 print rules) and a
    Content-Security-Policy allowing only its own style sheets and embedded images. Refused
    (:class:`RunError`, nothing written) if the page holds any external URL or anything that
    could run. Both the notebook's page (:func:`to_html`) and a page rendered from results
    (:func:`reformlib.briefs.render.write_page`) are written here."""
    body = nav + "\n" + (body if aligned else align_columns(body))
    policy = content_security_policy([STYLE, *style_sheets(body)])
    page = PAGE.format(lang="zh-CN" if lang == "zh" else "en", title=html.escape(title), style=STYLE,
                       body=body, policy=html.escape(policy))
    external, active = unsafe_content(page)
    if external or active:
        found = "; ".join([*(f"external URL {u[:80]}" for u in external[:3]), *active[:3]])
        raise RunError(f"{out.name} would fetch from the internet or run code ({found}); refusing to publish")
    return atomic_write(out, lambda p: p.write_text(page, encoding="utf-8"))


# ------------------------------------------------------------------------- provenance
def shown(path: str | os.PathLike) -> str:
    """A path as published outputs record it: relative to the repository, never absolute."""
    return os.path.relpath(Path(path).resolve(), ROOT)


def is_current(folder: Path, *, parameters: Mapping[str, str], inputs: Mapping[str, Mapping[str, str]]) -> bool:
    """Whether ``folder`` (a brief's folder) publishes a complete brief made from the same
    parameters and inputs (so running it again would give the same brief)."""
    return not why_due(folder, parameters=parameters, inputs=inputs)


def why_due(folder: Path, *, parameters: Mapping[str, str], inputs: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Why the brief of ``folder`` must run (empty: it is current); see :mod:`.freshness`."""
    version = current_version(folder)
    problems = check_outputs(version) if version is not None else []
    return freshness.why_due(version, parameters=parameters, inputs=inputs, problems=problems)


def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> Path:
    return atomic_write(folder / "manifest.json",
                        lambda p: p.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"))


def uniform_modes(folder: Path) -> None:
    """Give every file of ``folder`` 0666 and every folder 0777, less the umask, whichever
    library wrote it (a reader's access does not depend on which step made a file)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(folder, 0o777 & ~mask)
    for path in folder.rglob("*"):
        if not path.is_symlink():
            os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~mask)


# ------------------------------------------------------------------------------ failed
def keep_failed(staging: Path, message: str, manifest: Mapping[str, Any], *, status: str = "failed",
                detail: str = "") -> RunError:
    """Move a failed run from ``staging/<run-id>/`` to ``failed/<run-id>/`` with
    ``error.txt`` (``message``; ``detail``, such as a traceback, goes to ``run.log``) and a
    manifest of status ``status``; return the :class:`RunError` to raise. Writes what it
    can: on a full disk or a read-only folder the message still comes back, saying so."""
    failed = staging.parent.parent / "failed" / staging.name
    trouble = []
    for write in (lambda: (staging / "error.txt").write_text(message + "\n", encoding="utf-8"),
                  lambda: _append(staging / "run.log", detail) if detail else None,
                  lambda: write_manifest(staging, {**manifest, "status": status, "error": message})):
        try:
            write()
        except OSError as exc:
            trouble.append(exc.strerror or type(exc).__name__)
    try:
        failed.parent.mkdir(exist_ok=True)
        staging.rename(failed)
        where = f"kept in {_for_reader(failed)}"
    except OSError as exc:
        trouble.append(exc.strerror or type(exc).__name__)
        where = f"left in {_for_reader(staging)}"
    note = f" (writing its record failed: {trouble[0]})" if trouble else ""
    return RunError(f"{message} [{where}{note}; the published brief, if any, is unchanged]")


def _for_reader(path: Path) -> str:
    """A path in a message: relative to the working folder when inside it."""
    path = Path(path).absolute()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def _append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(text if text.endswith("\n") else text + "\n")


def recover_interrupted(folder: Path) -> list[Path]:
    """Move the staging folders of runs that died into ``failed/`` (see
    :func:`reformlib.briefs.store.recover`); raises :class:`RunError` if a run of this
    brief is alive (it holds the lock). Returns the folders moved."""
    with brief_lock(folder, name=f"the brief in {shown(folder)}") as lock:
        return recover(lock)
