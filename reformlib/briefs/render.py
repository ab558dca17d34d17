"""The brief's page from its results (publication step: ``results.json`` -> blocks -> page).

The page's content is defined once, here, as an ordered list of blocks built from a brief's
results alone (:func:`blocks`, by section :func:`section`): :class:`Text` (Markdown), :class:`Table`
(a frame with the reader's headers, every cell as the page shows it) and :class:`Figure` (a
saved PNG with its caption). The brief notebook displays these blocks (each has the
``_repr_*_`` method IPython displays, so nbconvert writes the city's page from them), and a
batch of unit briefs writes each unit's page straight from that unit's results, with no
kernel: :func:`draw_figures` draws the figures the results list, from the results, and
:func:`write_page` writes ``brief.html`` with the same skeleton, style sheet, print rules,
column alignment and Content-Security-Policy as the notebook's page
(:func:`reformlib.briefs.publish.write_page_html`).

Nothing from the data becomes markup: every value inside Markdown is escaped
(:func:`reformlib.report.page.markdown_text`) and Markdown is converted by mistune with raw
HTML escaped; every table cell and header goes through
:func:`reformlib.report.tables.styled` (HTML-escaped); every alt text through
:func:`html.escape`.

May import: as :mod:`reformlib.briefs`, and mistune (nbconvert's Markdown converter).
"""
from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from reformlib.briefs import peers, risk
from reformlib.briefs.content import HEADLINE_COLUMNS, past_due_frame, supervision_frame
from reformlib.briefs.publish import align_styled, page_title, write_page_html
from reformlib.data.schemas import CITY
from reformlib.i18n import CHANGES, FAMILY, MAKE_UP, MEMO, name_column, t
from reformlib.report import page
from reformlib.report.makeup import make_up_frame
from reformlib.report.memo import assessment, changes_summary, revisions_summary
from reformlib.report.tables import display_table, results_tables, styled

__all__ = ["SECTIONS", "Figure", "Table", "Text", "block_html", "blocks", "draw_figures", "headline_table",
           "section", "warm_up", "write_page"]

#: The page's sections, in order.
SECTIONS = ("title", "headline", "tasks", "at_risk", "supervision", "evaluation", "off_target", "family",
            "inspections", "pilots", "changes")


@dataclass(frozen=True)
class Text:
    """A piece of Markdown (headings, sentences); every data value in it already escaped."""

    markdown: str

    def _repr_markdown_(self) -> str:
        return self.markdown


@dataclass(frozen=True)
class Table:
    """A table as the reader sees it: headers in the reader's language, each cell as the page
    writes it. ``key`` names it on the page (the ids of its cells)."""

    key: str
    frame: pd.DataFrame

    def to_html(self) -> str:
        return styled(self.frame).set_uuid(self.key).to_html()

    def _repr_html_(self) -> str:
        return self.to_html()


@dataclass(frozen=True)
class Figure:
    """A figure of the results' list: its ``path`` (relative to the brief's folder) and its
    ``caption`` (the image's alt text)."""

    name: str
    path: str
    caption: str

    def _repr_png_(self) -> tuple[bytes, dict[str, str]]:
        """The saved PNG (read relative to the working folder, where the notebook runs), with
        its caption as the image's alt text."""
        return Path(self.path).read_bytes(), {"alt": self.caption}


Block = Text | Table | Figure


def _table(key: str, frame: pd.DataFrame, lang: str, empty: str | None = None) -> Block:
    """``frame`` as the page shows it (:func:`~reformlib.report.tables.display_table`): a
    table, or the sentence standing for an empty one."""
    shown = display_table(frame, lang=lang, empty=empty)
    return Table(key, shown.data) if isinstance(shown.data, pd.DataFrame) else Text(str(shown.data))


def headline_table(results: Mapping[str, Any]) -> pd.DataFrame:
    """The headline as :func:`reformlib.briefs.content.headline` made it, from the results'
    ``headline`` (``unit`` is the measure, ``reference_value`` the document's figure)."""
    rename = {"unit": "measure_unit", "reference_value": "document"}
    rows = [{rename.get(k, k): v for k, v in r.items()} for r in results.get("headline", [])]
    frame = pd.DataFrame([{c: r.get(c) for c in HEADLINE_COLUMNS} for r in rows], columns=HEADLINE_COLUMNS)
    frame["document_text"] = frame["document_text"].fillna("")
    frame["comparison"] = frame["comparison"].fillna("")
    frame["units_behind"] = frame["units_behind"].fillna("")
    return frame


def _unit_name(results: Mapping[str, Any], lang: str, units: pd.DataFrame | None) -> str:
    code = results.get("unit") or CITY
    names = results.get("names") or {}
    if code in names:
        return names[code]
    if units is not None:
        found = units.loc[units["unit"].astype(str) == code, name_column(lang)]
        if len(found):
            return str(found.iloc[0])
    return code


def _figure(results: Mapping[str, Any], name: str | None = None, prefix: str | None = None) -> list[Figure]:
    listed = results.get("figures")
    return [Figure(f["name"], f["path"], f.get("caption") or "") for f in (listed if isinstance(listed, list) else [])
            if f["name"] == name or (prefix and f["name"].startswith(prefix))][:1]


def _family_name(results: Mapping[str, Any], lang: str) -> str | None:
    family = results.get("family")
    if isinstance(family, Mapping) and family.get("available", True) and family.get("name"):
        return str(family["name"])
    listed = _figure(results, prefix="family_")
    if listed:
        code = listed[0].name.removeprefix("family_")
        return FAMILY[lang].get(code, code)
    return None


def section(key: str, results: Mapping[str, Any], *, lang: str, units: pd.DataFrame | None = None,
            tables: Mapping[str, pd.DataFrame] | None = None) -> list[Block]:
    """The blocks of one section of the page (:data:`SECTIONS`), from ``results`` alone
    (``units``: names for a results file without ``names``; ``tables``: the results' tables,
    :func:`~reformlib.report.tables.results_tables`, when already made)."""
    if key not in SECTIONS:
        raise ValueError(f"section: unknown section {key!r}; expected one of {SECTIONS}")
    tables = results_tables(results, lang=lang) if tables is None else tables
    tasks = results.get("tasks") if isinstance(results.get("tasks"), Mapping) else {}
    out: list[Block] = []
    if key == "title":
        out.append(Text(page.title_markdown(results["month"], lang, _unit_name(results, lang, units),
                                            bool(results.get("synthetic")))))
    elif key == "headline":
        headline = headline_table(results)
        out += [Text(page.headline_heading(headline, lang)), Table("headline", page.headline_display(headline, lang=lang).data)]
        note = page.units_behind_note(headline, lang)
        if note:  # the data's units that missed a target the document calls met by all, apart from its words
            out.append(Text(note))
    elif key == "tasks":
        out.append(Text(page.heading("tasks", lang)))
        if "total" in tasks:
            out.append(Text(page.task_sentence(tasks, results["month"], lang=lang)))
        out += _figure(results, "task_progress")
        out.append(_table("by_category", tables["by_category"], lang))
    elif key == "at_risk":
        out.append(Text(page.heading("at_risk", lang)))
        at_risk = tasks.get("at_risk") or []
        if at_risk and tasks.get("warning"):
            out.append(Text(page.markdown_text(tasks["warning"]["text"])))
        out.append(_table("at_risk", risk.risk_frame(at_risk, lang=lang, units=units) if at_risk else tables["at_risk"],
                          lang, empty=t("no_open_tasks", lang)))
    elif key == "supervision":
        out += [Text("### " + MEMO[lang]["att_supervision"]),
                _table("supervision", supervision_frame(tasks.get("supervision", []), lang=lang), lang)]
    elif key == "evaluation":
        out.append(Text(page.heading("evaluation", lang)))
        evaluation = results.get("evaluation") if isinstance(results.get("evaluation"), Mapping) else {}
        if evaluation.get("available", True) and evaluation.get("scores"):
            out += [Text(page.markdown_text(peers.scores_note(evaluation, lang))),
                    _table("scores", peers.scores_frame(evaluation, lang=lang, unit=results.get("unit")), lang)]
            note = peers.scores_excerpt_note(evaluation, lang=lang, unit=results.get("unit"))
            if note:  # a long league: the unit's peer group in excerpt, said under the table
                out.append(Text(page.markdown_text(note)))
            own = next((s for s in evaluation["scores"] if s["unit"] == results.get("unit") and s.get("make_up")), None)
            if own is not None:  # a unit's brief: how its score is made up, each lost point with its reason
                title = MAKE_UP[lang]["att"].format(unit=own["name"], assessment_title=assessment(results, MEMO[lang], title=True))
                out += [Text("### " + page.markdown_text(title)),
                        _table("make_up", make_up_frame(evaluation, own["unit"], lang=lang), lang)]
        else:
            out.append(_table("scores", tables["scores"], lang))
    elif key == "off_target":
        out += [Text(page.heading("off_target", lang)), _table("off_target", tables["off_target"], lang)]
    elif key == "family":
        name = _family_name(results, lang)
        if name is not None:
            out += [Text(page.heading("family", lang, family=name)), *_figure(results, prefix="family_")]
    elif key in ("inspections", "pilots"):
        out += [Text(page.heading(key, lang)), _table(key, tables[key], lang)]
        inspections = results.get(key) if key == "inspections" and isinstance(results.get(key), Mapping) else {}
        if inspections.get("past_due_items"):  # open past their rectification deadline, longest first
            out += [Text("### " + MEMO[lang]["att_past_due"]),
                    _table("past_due", past_due_frame(inspections, lang=lang), lang)]
    elif key == "changes":
        w = CHANGES[lang]
        out.append(Text("## " + w["heading"]))
        summary = changes_summary(results, lang=lang)
        if summary is not None:
            out.append(Text(page.markdown_text(summary)))
        out += [_table("changes", tables["changes"], lang), Text("### " + w["revisions_heading"])]
        revised = revisions_summary(results, lang=lang)
        if revised is not None:
            out.append(Text(page.markdown_text(revised)))
        changes = results.get("changes") if isinstance(results.get("changes"), Mapping) else {}
        if ((changes.get("revisions") or {}).get("items")):
            out.append(_table("revisions", tables["revisions"], lang))
    return out


def blocks(results: Mapping[str, Any], *, lang: str, units: pd.DataFrame | None = None) -> list[Block]:
    """The whole page, section by section (:data:`SECTIONS`), from ``results`` alone."""
    tables = results_tables(results, lang=lang)
    return [b for key in SECTIONS for b in section(key, results, lang=lang, units=units, tables=tables)]


# ------------------------------------------------------------------------------ figures
#: The figures' resolution, for their layout and their files (print resolution), fixed so that
#: a figure drawn in a notebook's kernel and in a batch process is the same file.
FIGURE_DPI = 200

def _progress_frame(results: Mapping[str, Any]) -> pd.DataFrame:
    from reformlib.data.task_status import STATUSES

    rows = (results.get("tasks") or {}).get("by_category") or []
    missing = sorted({k for r in rows for k in STATUSES if k != "completed" and k not in r})
    if missing:
        raise ValueError(f"results: tasks.by_category lacks the counts {missing} the task figure draws "
                         "(results made before they were kept; run the brief again)")
    return pd.DataFrame(rows)


def _family_frame(results: Mapping[str, Any]) -> pd.DataFrame:
    family = results.get("family")
    if not isinstance(family, Mapping) or family.get("available") is False or not family.get("rows"):
        raise ValueError("results: no family section to draw the family figure from "
                         "(results made before it was kept; run the brief again)")
    return pd.DataFrame(family["rows"]).astype({"value": float, "band_low": float, "band_high": float,
                                                 "target": float})


def draw_figures(folder: Path, results: Mapping[str, Any], *, lang: str) -> None:
    """Draw every figure ``results["figures"]`` lists into ``folder`` (its ``path``, under
    ``figures/``), from the results alone: the task progress by category
    (:func:`~reformlib.report.plots.progress_figure`) and the indicator family by unit
    (:func:`~reformlib.report.plots.family_figure`), saved by
    :func:`~reformlib.report.figures.save_figure` (atomic, refused with a missing glyph),
    in the house style (:func:`~reformlib.report.plots.house_style`) and laid out at
    :data:`FIGURE_DPI` whatever the caller's settings, which are left unchanged. The figures are drawn on
    this thread's kept figures (``reuse=True``: not pyplot's, nothing shown, nothing left
    open), each laid out by itself and saved at its own size (``crop=False``): the same bytes
    for the same results, whichever process or thread draws them and whatever it drew before."""
    import matplotlib

    from reformlib.report.figures import save_figure
    from reformlib.report.plots import DRAWING, family_figure, house_style, progress_figure
    listed = results.get("figures")
    jobs = []  # every figure's data first: nothing is drawn when any of it is missing
    month = results["month"]  # the titles name it
    for fig in listed if isinstance(listed, list) else []:
        name = fig["name"]
        if name == "task_progress":
            jobs.append((fig, lambda frame, _: progress_figure(frame, lang=lang, month=month, reuse=True),
                         _progress_frame(results)))
        elif name.startswith("family_"):
            jobs.append((fig, lambda frame, name: family_figure(frame, lang=lang, family=name.removeprefix("family_"),
                                                                month=month, reuse=True),
                         _family_frame(results)))
        else:
            raise ValueError(f"results: figure {name!r} cannot be drawn from results "
                             "(known: task_progress, family_<family>)")
    # the house style and the layout's resolution, whatever the caller's settings (left unchanged;
    # one thread at a time, matplotlib's settings being the process's)
    with DRAWING, matplotlib.rc_context({**house_style(), "figure.dpi": FIGURE_DPI}):
        for fig, draw, frame in jobs:
            save_figure(draw(frame, fig["name"]), Path(folder) / fig["path"], dpi=FIGURE_DPI, crop=False)


def warm_up() -> None:
    """Ready this process to publish a brief: import what its page, figures, memo and workbook
    use, compile the check of its results, and load the figures' and the memo's fonts by
    drawing a small figure in the house style into memory and measuring a table cell (a
    process's first figure costs about a second more than its next). A brief made alone does this while its kernel computes. Nothing is written
    and no setting is left changed."""
    import io

    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as PlotFigure

    from reformlib.report import memo_layout, results, workbook  # noqa: F401
    from reformlib.report.plots import DRAWING, house_style

    results.compile_check()
    workbook.ready()
    styled(pd.DataFrame({"a": [1.0]})).to_html()  # pandas' Styler and its templates

    with DRAWING, matplotlib.rc_context({**house_style(), "figure.dpi": FIGURE_DPI}):
        fig = PlotFigure(figsize=(2, 1))
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        ax.barh([0], [1])
        ax.set_title("湘潭市 2017年12月 Xiangtan 53%")
        fig.savefig(io.BytesIO(), format="png")
    memo_layout.text_width("湘潭市 2017-12 53%")


# --------------------------------------------------------------------------------- page
def _markdown():
    import mistune

    # raw HTML in Markdown is escaped (shown as text), never passed through; no autolinks
    return mistune.create_markdown(escape=True, plugins=["strikethrough", "table"])


def block_html(block: Block, folder: Path, markdown=None) -> str:
    """One block as HTML: Markdown converted by mistune (raw HTML escaped), a table through
    :func:`~reformlib.report.tables.styled` (every cell escaped) with its number columns
    right-aligned (:func:`~reformlib.briefs.publish.align_styled`, the rule of
    :func:`~reformlib.briefs.publish.align_columns` without parsing the page), a figure embedded as a PNG
    ``data:`` URL with its caption as alt text."""
    if isinstance(block, Text):
        return (markdown or _markdown())(block.markdown)
    if isinstance(block, Table):
        return f'<div class="output_html">\n{align_styled(block.to_html())}\n</div>'
    if isinstance(block, Figure):
        path = Path(folder) / block.path
        if not path.is_file():
            raise FileNotFoundError(f"{path}: the figure {block.name!r} the results list is missing "
                                    "(draw it first: draw_figures)")
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return (f'<div class="output_png"><img alt="{html.escape(block.caption, quote=True)}" '
                f'src="data:image/png;base64,{data}"></div>')
    raise TypeError(f"block_html: not a block: {type(block).__name__}")


def write_page(folder: Path, results: Mapping[str, Any], *, lang: str, nav: str = "",
               units: pd.DataFrame | None = None) -> Path:
    """Write ``folder/brief.html`` from ``results`` (:func:`blocks`; the figures must have been
    drawn, :func:`draw_figures`): the notebook's page without a notebook, written by
    :func:`reformlib.briefs.publish.write_page_html` (skeleton, style sheet with A4 print
    rules, aligned columns, Content-Security-Policy, offline check). ``nav`` (HTML,
    :func:`reformlib.briefs.index.navigation`) goes at the top."""
    folder = Path(folder)
    markdown = _markdown()
    body = "\n".join(block_html(b, folder, markdown) for b in blocks(results, lang=lang, units=units))
    return write_page_html(folder / "brief.html", body, title=page_title(results["month"], lang), lang=lang, nav=nav,
                           aligned=True)
