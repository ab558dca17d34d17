"""Months and years: the one place where a period written as text becomes a pandas Period.

Every month a user, a file or a schedule gives goes through :func:`as_month` (strict
``YYYY-MM``: ``"September"`` or ``"2017-9-1"`` are refused rather than read as some other
month) or, for a column of a file, :func:`month_column`; an assessment period (``YYYY`` for
the year-end assessment, ``YYYY-MM`` for a monthly one) goes through :func:`as_period`.

May import: pandas, numpy and :mod:`reformlib.errors`.
"""
from __future__ import annotations

import re
from datetime import date, datetime

import numpy as np
import pandas as pd

from reformlib.errors import ParameterError

__all__ = ["MONTH_PATTERN", "YEAR_PATTERN", "as_month", "as_period", "is_month", "month_column", "month_end",
           "month_words", "period_kind", "period_window"]

#: A month as text: four-digit year, dash, two-digit month 01-12.
MONTH_PATTERN = r"[0-9]{4}-(0[1-9]|1[0-2])"
#: A year as text.
YEAR_PATTERN = r"[0-9]{4}"
_MONTH = re.compile(MONTH_PATTERN)
_YEAR = re.compile(YEAR_PATTERN)


def is_month(text: object) -> bool:
    """Whether ``text`` is exactly a month written ``YYYY-MM`` (no spaces, no newline)."""
    return isinstance(text, str) and _MONTH.fullmatch(text) is not None


def as_month(month: str | pd.Period | pd.Timestamp | date, *, name: str = "month") -> pd.Period:
    """``month`` as ``Period[M]``. Text must read ``YYYY-MM``; a Period, Timestamp or date
    gives its month. Anything else raises :class:`~reformlib.errors.ParameterError` (a
    ``ValueError``) naming ``name`` and the value.

    >>> as_month("2017-06")
    Period('2017-06', 'M')
    """
    if isinstance(month, str):
        if not is_month(month):
            raise ParameterError(f"{name} must be a month written YYYY-MM (such as 2017-06), got {month!r}")
        return pd.Period(month, "M")
    if isinstance(month, pd.Period):
        return month.asfreq("M", how="end") if month.freqstr != "M" else month
    if isinstance(month, (pd.Timestamp, datetime, date)) and not pd.isna(month):
        return pd.Period(month, "M")
    raise ParameterError(f"{name} must be a month written YYYY-MM (such as 2017-06), got {month!r}")


def period_kind(period: str | pd.Period) -> str:
    """``"year"`` for ``YYYY``, ``"month"`` for ``YYYY-MM`` (or a monthly Period); a
    ParameterError otherwise."""
    if isinstance(period, pd.Period):
        return "month" if period.freqstr == "M" else "year"
    if _YEAR.fullmatch(str(period)):
        return "year"
    if is_month(str(period)):
        return "month"
    raise ParameterError(f"period must be 'YYYY' or 'YYYY-MM', got {period!r}")


def as_period(period: str | pd.Period) -> pd.Period:
    """An assessment period: ``YYYY`` as a yearly Period, ``YYYY-MM`` as a monthly one."""
    kind = period_kind(period)
    if isinstance(period, pd.Period):
        return period
    return pd.Period(str(period), "Y" if kind == "year" else "M")


def period_window(period: str | pd.Period) -> tuple[pd.Timestamp, pd.Timestamp, pd.Period]:
    """First day of the year, last day of the period and its last month (``YYYY`` or ``YYYY-MM``)."""
    p = as_period(period)
    last = p.asfreq("M", how="end")
    return pd.Timestamp(f"{p.year}-01-01"), last.to_timestamp(how="end").normalize(), last


def month_end(month: str | pd.Period) -> pd.Timestamp:
    """The last day of ``month`` (midnight), the cut-off for what had happened "by" the month."""
    return as_month(month).end_time.normalize()


def month_words(month: str | pd.Period, lang: str) -> str:
    """``2017年6月`` or ``June 2017``."""
    m = as_month(month)
    return f"{m.year}年{m.month}月" if lang == "zh" else m.strftime("%B %Y")


def month_column(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column of months read from a file: the ``Period[M]`` values and a mask of the cells
    that are present but not ``YYYY-MM`` (for the loader to report by row)."""
    if isinstance(values.dtype, pd.PeriodDtype):
        return values, pd.Series(False, index=values.index)
    # read each distinct cell once (a panel repeats a few hundred months over millions of rows)
    codes, distinct = pd.factorize(values.astype(object), use_na_sentinel=True)
    text = pd.Series(distinct, dtype=object).astype("string").str.strip()
    ok_d = np.append(text.str.fullmatch(MONTH_PATTERN).fillna(False).to_numpy(bool), False)
    blank_d = np.append((text.isna() | (text == "")).to_numpy(bool), True)
    ordinals = np.full(len(distinct) + 1, np.iinfo(np.int64).min, dtype=np.int64)
    if ok_d.any():
        ordinals[np.flatnonzero(ok_d)] = pd.PeriodIndex(list(text[ok_d[:-1]]), freq="M").asi8
    codes = np.where(codes < 0, len(distinct), codes)
    months = pd.Series(pd.arrays.PeriodArray(ordinals[codes], dtype=pd.PeriodDtype("M")), index=values.index)
    return months, pd.Series(~ok_d[codes] & ~blank_d[codes], index=values.index)
