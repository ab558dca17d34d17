"""Presentation (publication step): everything a reader sees, in Chinese or English.

- :mod:`.tables`: display tables and workbook sheets from results, the evaluation's score table;
  :mod:`.league`: a long league table in excerpt for one unit's brief;
- :mod:`.page`: the brief page's title, headings and sentences;
- :mod:`.plots`: figures (task progress and the ledger, an indicator family, trends, an
  interrupted time series, an event study); importing it sets up Chinese glyphs (:mod:`.fonts`);
- :mod:`.evaluation_tables`, :mod:`.evaluation_plots`: the display tables and figures of one
  evaluation; :mod:`.ledger_tables`, :mod:`.trend_tables`: those of the task ledger and of
  trends and pilots; :mod:`.notebook`: the analysis notebooks' words and synthetic-data notice;
- :mod:`.figures`: saving figures atomically; :mod:`.results`: ``results.json``, which holds
  every number a brief quotes; :mod:`.memo`: the memo to the leading group (its content and
  rules), :mod:`.memo_layout`: its GB/T 9704-2012 Word layout, :mod:`.memo_pdf`: its PDF by
  LibreOffice with open stand-ins for the official faces; :mod:`.numbers`: how every number
  reads; :mod:`.workbook`: the Excel workbook; :mod:`.browser`: checking that an HTML page
  opens offline;
- the words themselves live in :mod:`reformlib.i18n`.

Every writer is atomic: a failed write leaves the last good file in place.

May import: pandas, numpy, matplotlib, seaborn, python-docx, openpyxl, jsonschema, fastjsonschema, nbconvert,
:mod:`reformlib.data`, :mod:`reformlib.model` (its result types), :mod:`reformlib.i18n` and
:mod:`reformlib.errors`; nothing from briefs.
"""
from __future__ import annotations

import sys

# jsonschema (reached through the results file) builds some 35 grammar parsers of its optional
# IRI checker rfc3987-syntax at import, seconds of CPU in every brief's kernel; reformlib's
# schemas use no IRI format, so a process that has not loaded it yet goes without it
sys.modules.setdefault("rfc3987_syntax", None)

from reformlib.report.results import read_results, validate_results, write_results  # noqa: E402

__all__ = ["read_results", "validate_results", "write_results"]
