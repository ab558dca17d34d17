"""Reading one cell of a submission: a number in the catalogue's unit of measure, a month, or
"not reported". Offices write values as text in many forms; each form below is read, and
anything else is refused with the rule it breaks (the caller adds file, sheet and cell).

Values: ``53%`` ``53.0％`` ``５３．２`` (full width), ``12,345``, non-breaking spaces,
``2.7万`` ``8亿元`` ``2320万元`` (multipliers 千 万 亿, converted into the catalogue's unit:
``2320万元`` is ``0.232`` for a catalogue unit of 亿元), unit suffixes (``1.5万亩``, ``35个``),
and percent-formatted spreadsheet cells (a stored 0.951 shown as 95.1 % is 95.1). The missing
markers ``—`` ``-`` ``/`` ``无`` ``暂无`` (and an empty cell) are *not reported*, never 0; a
written 0 stays 0.

Months: ``2017-12``, ``2017-1``, ``2017年12月``, ``2017年12月份``, ``2017.12``, ``2017/12``,
``201712``, a spreadsheet date or an Excel serial day number. A number such as 2017.1 is refused
(Excel turns 2017.10 into 2017.1), and so is a quarter.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata

import pandas as pd

__all__ = ["MISSING", "MEASURES", "ValueRefused", "normalise_text", "parse_month", "parse_value"]

#: Cells that mean "not reported".
MISSING = frozenset({"", "—", "——", "-", "--", "－", "/", "／", "无", "暂无", "n/a", "na", "#n/a", "—/—"})
_MULTIPLIERS = {"": 1.0, "千": 1e3, "万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8}
#: Catalogue unit of measure -> (its Chinese name, the words a value may carry, how many base units one is).
MEASURES: dict[str, tuple[str, frozenset[str], float]] = {
    "%": ("%", frozenset({"%"}), 1.0),
    "mu": ("亩", frozenset({"亩"}), 1.0),
    "100 million yuan": ("亿元", frozenset({"元"}), 1e8),
    "items": ("项", frozenset({"项", "个", "件"}), 1.0),
    "villages": ("个", frozenset({"个", "村"}), 1.0),
    "entities": ("户", frozenset({"户", "个", "家"}), 1.0),
    "projects": ("个", frozenset({"个", "项"}), 1.0),
    "persons": ("人", frozenset({"人", "名"}), 1.0),
    "months": ("个月", frozenset({"个月", "月"}), 1.0),
    "kindergartens": ("所", frozenset({"所", "个"}), 1.0),
    "schools": ("所", frozenset({"所", "个"}), 1.0),
    "places": ("个", frozenset({"个", "席"}), 1.0),
}
_NUMBER = re.compile(r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(.*)")
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")


class ValueRefused(ValueError):
    """A cell that cannot be read; the message is the rule it breaks."""


def normalise_text(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), every kind of space removed at the ends."""
    return unicodedata.normalize("NFKC", text).replace("\u00a0", " ").strip()


def _split_suffix(text: str) -> tuple[float, str]:
    compact = re.sub(r"\s+", "", text)
    m = _NUMBER.fullmatch(compact)
    if m is None:
        raise ValueRefused("not a number")
    number, suffix = m.group(1), m.group(2)
    head = compact[: len(compact) - len(suffix)]
    if "," in head:
        if not _THOUSANDS.fullmatch(head):
            raise ValueRefused("commas that are not thousands separators")
        number = head.replace(",", "")
    elif compact[len(number):].startswith(","):
        rest = compact[len(number):]
        m2 = re.match(r"((?:,[0-9]{3})+(?:\.[0-9]+)?)(.*)", rest)
        if m2 is None or not _THOUSANDS.fullmatch(number + m2.group(1)):
            raise ValueRefused("commas that are not thousands separators")
        number, suffix = (number + m2.group(1)).replace(",", ""), m2.group(2)
    return float(number), suffix


def parse_value(raw: object, *, measure_unit: str, percent_format: bool = False, column_unit: str | None = None) -> float | None:
    """The value of a cell in the catalogue's ``measure_unit``; None when not reported.

    ``percent_format``: the spreadsheet cell is formatted as a percentage (its stored 0.951 is
    95.1 %). ``column_unit``: the unit a file's 单位 column gives for the row (``万元``), used
    when the value carries none. Raises :class:`ValueRefused` naming the rule; a value that
    overflows on conversion (``1e306`` as a percentage) is refused as not finite.
    """
    value = _parse_value(raw, measure_unit=measure_unit, percent_format=percent_format, column_unit=column_unit)
    if value is not None and not math.isfinite(value):
        raise ValueRefused("not a finite number once converted into the catalogue's unit")
    return value


def _parse_value(raw: object, *, measure_unit: str, percent_format: bool, column_unit: str | None) -> float | None:
    if measure_unit not in MEASURES:
        raise ValueRefused(f"the catalogue's unit of measure {measure_unit!r} is not one reformlib can convert into")
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    if isinstance(raw, bool):
        raise ValueRefused("a true/false cell, not a number")
    if isinstance(raw, (int, float)):
        value = float(raw)
        if not math.isfinite(value):
            raise ValueRefused("not a finite number")
        if percent_format:
            if measure_unit != "%":
                raise ValueRefused(f"a percentage, but the catalogue's unit is {MEASURES[measure_unit][0]}")
            return round(value * 100, 10)
        return _in_unit(value, "", column_unit, measure_unit)
    if not isinstance(raw, str):
        raise ValueRefused(f"not a number ({type(raw).__name__})")
    text = normalise_text(raw)
    if text.lower() in MISSING:
        return None
    value, suffix = _split_suffix(text)
    if not math.isfinite(value):
        raise ValueRefused("not a finite number")
    return _in_unit(value, suffix, column_unit, measure_unit)


def _in_unit(value: float, suffix: str, column_unit: str | None, measure_unit: str) -> float:
    zh, words, base = MEASURES[measure_unit]
    if suffix == "" and column_unit:
        suffix = re.sub(r"\s+", "", normalise_text(column_unit)).strip("()（）")
    if suffix in ("%", "％"):
        if measure_unit != "%":
            raise ValueRefused(f"a percentage, but the catalogue's unit is {zh}")
        return value
    mult_word = next((w for w in sorted(_MULTIPLIERS, key=len, reverse=True) if w and suffix.startswith(w)), "")
    word = suffix[len(mult_word):]
    if word and word not in words:
        raise ValueRefused(f"unit {suffix!r} does not match the catalogue's {zh}")
    if measure_unit == "%" and (mult_word or word):
        raise ValueRefused(f"unit {suffix!r} does not match the catalogue's %")
    if not (mult_word or word):
        return value  # a bare number is in the catalogue's unit
    return value * _MULTIPLIERS[mult_word] / base


_MONTH_FORMS = [
    re.compile(r"(?P<y>[0-9]{4})\s*年\s*(?P<m>[0-9]{1,2})\s*月份?"),
    re.compile(r"(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})(?:[-/.](?P<d>[0-9]{1,2}))?"),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})"),
]


def parse_month(raw: object) -> pd.Period:
    """The month a cell names, as ``Period[M]``; :class:`ValueRefused` otherwise."""
    if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        return _month_cached(type(raw), raw)
    return _parse_month(raw)


@functools.lru_cache(maxsize=4096)
def _month_cached(_type: type, raw: object) -> pd.Period:  # the type in the key: 2017 and 2017.0 hash alike
    return _parse_month(raw)


def _parse_month(raw: object) -> pd.Period:
    if isinstance(raw, (dt.datetime, dt.date, pd.Timestamp)):
        return pd.Period(raw, "M")
    if isinstance(raw, bool) or raw is None:
        raise ValueRefused("not a month")
    if isinstance(raw, float) and not raw.is_integer():
        raise ValueRefused("a number such as 2017.1 is not a month (Excel writes 2017.10 that way): write 2017-10 or 2017年10月")
    if isinstance(raw, (int, float)):
        n = int(raw)
        if 20000 <= n <= 80000:  # an Excel serial day number (1954-2119)
            return pd.Period(pd.Timestamp("1899-12-30") + pd.Timedelta(days=n), "M")
        raw = str(n)
    text = normalise_text(str(raw))
    if "季" in text:
        raise ValueRefused("a quarter, not a month")
    for form in _MONTH_FORMS:
        m = form.fullmatch(text)
        if m:
            year, month = int(m.group("y")), int(m.group("m"))
            if not 1 <= month <= 12 or not 1900 <= year <= 2200:
                raise ValueRefused("not a month (month 1-12)")
            return pd.Period(year=year, month=month, freq="M")
    raise ValueRefused("not a month (write 2017-12 or 2017年12月)")
