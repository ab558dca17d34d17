"""The form of a brief's parameters, checked without reading any data: a month written
``YYYY-MM``, a language of the briefs and a positive per-cell limit. The command line checks
them before anything starts (a kernel included), and :func:`reformlib.briefs.run.validate_params`
checks them again with the data's own facts (the months and units it holds).

May import: the standard library, :mod:`reformlib.errors` and :mod:`reformlib.i18n`.
"""
from __future__ import annotations

import re

from reformlib.errors import ParameterError
from reformlib.i18n import LANGS

__all__ = ["MONTH", "check_form", "check_lang", "check_month", "check_timeout"]

#: A month exactly as written in parameters and folder names: no space, no line break.
MONTH = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])")


def check_month(month: object) -> str:
    """``month`` written exactly ``YYYY-MM`` (no space, no line break), else ParameterError."""
    if not isinstance(month, str) or not MONTH.fullmatch(month):
        raise ParameterError(f"month must be a month written YYYY-MM (such as 2017-06), got {month!r}")
    return month


def check_lang(lang: object) -> str:
    """``lang`` one of the briefs' languages, else ParameterError."""
    if lang not in LANGS:
        raise ParameterError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return str(lang)


def check_timeout(timeout: object) -> int:
    """The per-cell limit in seconds: a positive whole number (0 or less would mean no limit)."""
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < 1:
        raise ParameterError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return timeout


def check_form(month: object, lang: object, timeout: object) -> None:
    """The month (when given), language and limit of one brief, in that order."""
    if month is not None:
        check_month(month)
    check_lang(lang)
    check_timeout(timeout)
