"""Documents of a reform brief (publication step): results file, memo, workbook, figures.

``results.json`` (:mod:`.results`) holds every number a brief quotes; the Word memo
(:mod:`.memo`), the Excel workbook (:mod:`.workbook`) and the figures (:mod:`.figures`)
are produced from it and from the run's tables. :mod:`.browser` checks that an HTML brief
opens offline. Every writer is atomic: a failed write leaves the last good file in place.
"""
from __future__ import annotations

from reformlib.report.results import read_results, validate_results, write_results

__all__ = ["read_results", "validate_results", "write_results"]
