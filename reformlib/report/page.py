"""The brief's page (publication step): title, headings, the sentences around the tables, and
the headline table as the reader sees it.

Every value that fills a piece of Markdown here goes through :func:`markdown_text`, which
backslash-escapes every ASCII punctuation character (CommonMark): a unit named
``<script>`` or ``![x](https://...)`` is shown as those characters, never read as HTML,
a link or an image. Tables go through :func:`reformlib.report.tables.styled`, which
escapes every cell and header.

The headline's change columns read as :mod:`reformlib.report.numbers` writes them, the same
as the workbook's cells: ``+5.2个百分点`` (a percentage's change since last December),
``+23个`` (a count's), ``29.3%`` (a flow's growth on the same months of last year). Chinese
sentences use full-width punctuation (，。：；（）), numbers and codes half-width.

May import: pandas, :mod:`reformlib.i18n`, :mod:`reformlib.data.periods`,
:mod:`reformlib.report.numbers` and :mod:`reformlib.report.tables`.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from reformlib.data.periods import as_month
from reformlib.i18n import HEADINGS, HEADLINE_TEXT, PAGE_HEAD, TASK_SENTENCE, WORKBOOK_TEXT, t
from reformlib.report.numbers import MISSING, count, difference, growth_cell, headline_cell, present, row_decimals
from reformlib.report.tables import styled

__all__ = ["heading", "headline_display", "headline_heading", "markdown_text",
           "shows_document", "task_sentence", "title_markdown"]

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def markdown_text(value: object) -> str:
    """``value`` as literal text inside Markdown: every ASCII punctuation character
    backslash-escaped (so no HTML, link, image, emphasis or heading can start from it)
    and line breaks turned into spaces (so it stays inside its heading or sentence)."""
    return _PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(value)))


def _present(v: object) -> bool:
    return present(v)


def headline_display(table: pd.DataFrame, *, lang: str = "zh"):
    """``headline`` for the page: translated headers, no index, no codes, each number as the
    memo and the workbook print it (:func:`~reformlib.report.numbers.headline_cell`): values with their unit, the
    change since last December in the indicator's unit (percentage points for a percentage)
    and the growth on last year in percent; then each figure's own comparisons, each
    labelled (:data:`~reformlib.i18n.HEADLINE_TEXT`; a flow's values are years to date): this
    month's target (a band indicator's band) and whether it is met, the value a month and a
    year earlier, and in a unit's brief the city's value. The document's columns are shown
    only where they hold its figure (the city at the document's month), the city's column
    only in a unit's brief."""
    words, compare = WORKBOOK_TEXT[lang], HEADLINE_TEXT[lang]
    names = {"name": t("indicator", lang), "change": words["change"], "growth": words["growth"],
             "document_text": t("document_2017", lang), "comparison": t("comparison", lang),
             **{k: compare[k] for k in ("value", "target", "meets_target", "previous_month", "year_earlier",
                                        "city_value")}}
    shown = table.copy()
    records = table.to_dict("records")
    if "change" in shown.columns:
        shown["change"] = [difference(c, u, lang, signed=True, decimals=row_decimals(r)) if _present(c) else MISSING
                           for c, u, r in zip(shown["change"], shown["measure_unit"], records)]
    if "growth" in shown.columns:
        shown["growth"] = [growth_cell(r, lang) for r in records]
    for c in ("value", "target", "previous_month", "year_earlier", "city_value"):
        if c in shown.columns:
            shown[c] = [headline_cell(r, c, lang) for r in records]
    if "meets_target" in shown.columns:
        shown["meets_target"] = [compare["met" if m else "missed"] if _present(m) else MISSING
                                 for m in shown["meets_target"]]
    empty = [c for c in ("document_text", "comparison") if c in shown.columns
             and not shown[c].astype(str).str.len().any()]
    if "city_value" in shown.columns and not any(_present(v) for v in table["city_value"]):
        empty.append("city_value")
    # the units that missed the target go in the note under the table (units_behind_note), not in a column
    hidden = [c for c in ("code", "document", "measure_unit", "band_low", "band_high", "units_behind") if c in shown.columns]
    return styled(shown.drop(columns=[*hidden, *empty]).rename(columns=names))


def shows_document(table: pd.DataFrame) -> bool:
    """Whether the headline table sets any figure beside the document's figure or words."""
    return any(c in table.columns and table[c].fillna("").astype(str).str.len().any()
               for c in ("document_text", "comparison"))


def headline_heading(table: pd.DataFrame, lang: str) -> str:
    """The headline section's heading: against the year-end summary only when the table shows
    the document's figures (the city at the document's month), else against their annual targets."""
    return heading("headline" if shows_document(table) else "headline_own", lang)


def units_behind_note(table: pd.DataFrame, lang: str) -> str:
    """The note under the headline table where the document's words speak of the whole city
    and some of the data's units missed the target (``units_behind``); "" when none did."""
    if "units_behind" not in table.columns:
        return ""
    words = HEADLINE_TEXT[lang]
    items = [words["units_item"].format(name=r["name"], names=r["units_behind"])
             for _, r in table.iterrows() if isinstance(r["units_behind"], str) and r["units_behind"]]
    return markdown_text(words["units_note"].format(items=words["units_sep"].join(items))) if items else ""


def heading(key: str, lang: str, **fmt: str) -> str:
    """A section heading (Markdown) in ``lang``; sub-sections (no number) one level lower."""
    level = "### " if key in ("at_risk", "family") else "## "
    return level + HEADINGS[lang][key].format(**{k: markdown_text(v) for k, v in fmt.items()})


def title_markdown(month: str, lang: str, unit_name: str, synthetic: bool) -> str:
    """The brief's title block (Markdown), with the synthetic-data notice when it applies."""
    m, name = as_month(month), markdown_text(unit_name)
    when = f"{m.year}年{m.month}月" if lang == "zh" else m.strftime("%B %Y")
    head = PAGE_HEAD[lang].format(month=when, unit=name)
    notice = f"\n\n> **{t('synthetic_notice', lang)}**" if synthetic else ""
    return head + notice


def task_sentence(status: pd.DataFrame | Mapping, month: str | pd.Period, *, lang: str = "zh") -> str:
    """One sentence on the programme's progress in ``month``: from each task's status (a
    frame with a ``status`` column) or from the counts of the results' ``tasks`` section
    (``total``, ``completed``, ``on_schedule``, ``behind``, ``overdue`` and ``not_started``;
    without ``not_started``, the tasks in none of the other four statuses). Counts are written
    as the memo writes them (:func:`~reformlib.report.numbers.count`, the rate with one decimal
    and %), and a count of zero is left out."""
    keys = ("completed", "on_schedule", "behind", "overdue", "not_started")
    if isinstance(status, Mapping):
        n = int(status["total"])
        done, on_time, behind, overdue = (int(status.get(k) or 0) for k in keys[:4])
        waiting = status.get("not_started")
        waiting = int(n - done - on_time - behind - overdue if waiting is None else waiting)
    else:
        c = status["status"].value_counts()
        n = len(status)
        done, on_time, behind, overdue, waiting = (int(c.get(k, 0)) for k in keys)
    words, m = TASK_SENTENCE[lang], as_month(month)
    parts = [words[k].format(n=count(v, words["word"], lang))
             for k, v in zip(keys[1:], (on_time, behind, overdue, waiting)) if v]
    return words["sentence"].format(
        month=f"{m.year}年{m.month}月" if lang == "zh" else m.strftime("%B %Y"), total=count(n, words["word"], lang),
        done=count(done, words["word"], lang), rate=f"{100 * done / n if n else 0.0:.1f}%",
        parts="".join(words["lead"] + p if i == 0 else words["sep"] + p for i, p in enumerate(parts)))
