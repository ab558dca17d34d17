"""How a number reads (publication step: every figure a reader sees), in Chinese or English.

One formatter for the memo, the workbook and any page that quotes ``results.json``, so that
the same figure reads the same everywhere (OFFICE.md, "Typography in pages and tables"):

- plain numbers with thousands separators and at most the decimals they need:
  ``number(11906) == "11,906"``, ``number(9.9) == "9.9"``;
- percentages (a level stored in percent, 53.0) with one decimal and ``%``:
  ``percent(53) == "53.0%"``;
- changes of a percentage in percentage points, never in percent:
  ``points(-2.04, "zh") == "下降2.0个百分点"``, ``points(11.7, "en") == "up 11.7 percentage points"``;
- probabilities (a share in [0, 1]) as a whole percentage, the same rounding everywhere
  (0.9999 and 1 both read ``100%``); the sentence beside it states what it is the
  probability of;
- counts with their measure word: ``count(3, "项", "zh") == "3项"``,
  ``count(1, "task", "en") == "1 task"``, ``count(30, "indicator", "en") == "30 indicators"``;
- a difference in the same unit (percentage points for percentages):
  ``difference(-4, "%", "zh") == "4.0个百分点"``, ``difference(-8094, "mu", signed=True) == "-8,094亩"``;
- a value with the catalogue's unit of measurement: ``quantity(75, "villages", "zh") ==
  "75个"``, ``quantity(75, "villages", "en") == "75 villages"``, ``quantity(53, "%") == "53.0%"``;
- every figure of one headline indicator with the same decimals (:func:`row_decimals`):
  ``8.00亿元 | 6.74亿元 | 5.20亿元``, ``9.9个月 | -4.0个月``; a city's average of persons said to be
  an average on every figure (``平均4.0人``); a duration in months with at least one decimal
  wherever it stands (``12.0个月``, ``+0.7个月``); in English 亿元 in millions of yuan
  (``674 million yuan``) and a measure word singular after 1 (``1 kindergarten``); growth on a
  base below :data:`SMALL_BASE` as the change in count (``+6项``, :func:`growth_cell`);
  dates in Chinese prose as ``2017年11月30日`` (:func:`date_text`);
- scores and points of the evaluation always with two decimals: ``score(86.2) == "86.20"``,
  ``score(-16.467, signed=True) == "-16.47"``; parts of a score rounded so that they add up to
  the rounded whole (:func:`apportion`, the largest-remainder method).

:data:`EXCEL_FORMATS` gives the matching Excel number formats, so that a workbook cell shows
what the memo prints. May import: :mod:`reformlib.i18n` only.
"""
from __future__ import annotations

import math
import re

from reformlib.i18n import WARNING_TEXT, measure

__all__ = ["EXCEL_FORMATS", "MISSING", "apportion", "band", "cell", "count", "date_text", "difference", "OFFICIAL_RANGE", "excel_format", "growth_cell", "headline_cell",
           "decimals_of", "excel_value", "number", "observed_band", "percent", "points", "present", "probability", "quantity",
           "quantity_format", "row_decimals", "score", "small_base"]

#: Excel number formats by kind of column: what :func:`number`, :func:`percent` and
#: :func:`probability` print.
EXCEL_FORMATS: dict[str, str] = {
    "count": "#,##0",
    "percent": '0.0"%"',
    "points": '+0.0;-0.0;0.0',
    "probability": "0%",
    "score": "#,##0.00",
    "signed_score": "+#,##0.00;-#,##0.00;0.00",
}
#: Columns of the brief's tables by kind (every other numeric column is a plain number).
_KINDS: dict[str, str] = {
    "probability": "probability", "completion_rate": "percent", "on_time_rate": "percent",
    "rectification_rate": "percent", "total": "count", "completed": "count", "on_schedule": "count",
    "behind": "count", "overdue": "count", "found": "count", "rectified": "count", "open": "count",
    "open_over_90_days": "count", "national": "count", "provincial": "count", "models": "count",
    "local": "count", "rank": "count", "overall_rank": "count", "days_overdue": "count", "progress": "percent",
    "expected": "percent", "score": "score", "score_before": "score", "quantitative": "score",
    "qualitative": "score",
}
_PLURAL = {"entity": "entities", "family": "families", "inquiry": "inquiries", "person": "persons"}


def _check(x: float | int, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or math.isnan(x) or math.isinf(x):
        raise ValueError(f"{what}: a finite number is needed, not {x!r}")
    return float(x)


def number(x: float | int, *, decimals: int = 2) -> str:
    """Thousands separators and at most ``decimals`` decimals, trailing zeros dropped."""
    v = _check(x, "number")
    text = f"{v:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def score(x: float | int, *, signed: bool = False) -> str:
    """A score or points of the evaluation, always with two decimals: ``86.20``, ``1,234.50``;
    ``signed`` writes ``+7.00`` / ``-16.47``."""
    v = round(_check(x, "score"), 2)
    v = 0.0 if v == 0 else v  # no "-0.00"
    return f"{v:+,.2f}" if signed and v else f"{v:,.2f}"


def apportion(values: list[float] | tuple[float, ...], total: float, *, decimals: int = 2) -> list[float]:
    """``values`` rounded to ``decimals`` so that they sum exactly to ``total`` (itself rounded to
    ``decimals``): each is rounded down, and the units of the last decimal still missing go to
    the largest remainders (the largest-remainder, or Hamilton, method; a surplus is taken from the
    smallest). Each result differs from its value by less than one unit of the last decimal
    whenever ``total`` is the rounded sum, so the parts shown add up to the whole shown:
    ``apportion([69.226013, 16.9875], 86.21) == [69.22, 16.99]``."""
    scale = 10 ** decimals
    target = round(_check(total, "apportion total") * scale)
    raw = [round(_check(v, "apportion value") * scale, 6) for v in values]
    floors = [math.floor(r) for r in raw]
    short = target - sum(floors)
    if not raw:
        if short:
            raise ValueError(f"apportion: no values to make up a total of {total!r}")
        return []
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), -abs(raw[i]), i))
    step = 1 if short > 0 else -1
    if step < 0:
        order.reverse()
    for k in range(abs(short)):
        floors[order[k % len(order)]] += step
    return [f / scale for f in floors]


def percent(x: float | int, *, decimals: int = 1) -> str:
    """A level stored in percent (53.0 for 53 %) with ``decimals`` decimals and ``%``."""
    v = _check(x, "percent")
    return f"{v:,.{decimals}f}%"


def points(x: float | int, lang: str, *, signed: bool = True) -> str:
    """A change of a percentage in percentage points; ``signed`` says up or down in words."""
    v = round(_check(x, "points"), 1)
    size = f"{abs(v):.1f}"
    if lang == "zh":
        word = "" if not signed or v == 0 else ("上升" if v > 0 else "下降")
        return f"{word}{size}个百分点"
    word = "" if not signed or v == 0 else ("up " if v > 0 else "down ")
    return f"{word}{size} percentage point{'' if size == '1.0' else 's'}"


def probability(p: float | int) -> str:
    """A probability (share in [0, 1]) as a whole percentage: 0.62 -> ``62%``."""
    v = _check(p, "probability")
    if not 0 <= v <= 1:
        raise ValueError(f"probability: must lie in [0, 1], not {p!r}")
    return f"{round(100 * v):.0f}%"


def observed_band(record: dict, lang: str) -> tuple[str, str]:
    """An early-warning probability as the page shows it: its band, and the miss rate observed
    in that band on the held-out check with its interval (``62%（48%–74%）``), from an at-risk
    record of ``results.json`` (``band``, ``band_observed``, ``band_observed_low``/``_high``).
    A record without a band gives its probability as a percentage and no observed rate."""
    band = record.get("band") or (probability(record["probability"]) if record.get("probability") is not None else "")
    seen = record.get("band_observed")
    if seen is None:
        return band, ""
    return band, WARNING_TEXT[lang]["observed_cell"].format(
        observed=probability(seen), low=probability(record["band_observed_low"]),
        high=probability(record["band_observed_high"]))


def count(n: int | float, word: str, lang: str) -> str:
    """A count with its measure word: ``3项`` in Chinese, ``3 tasks`` / ``1 task`` in English."""
    v = _check(n, "count")
    if not word:
        return number(v)
    if lang == "zh":
        return f"{number(v)}{word}"
    plural = word if v == 1 else _PLURAL.get(word, word if word.endswith("s") else word + "s")
    return f"{number(v)} {plural}"


#: Units counting persons: a value that is not whole is an average over units, written with
#: one decimal and said to be an average (``平均3.1人``, ``average 3.1 persons``).
_PERSONS = ("persons", "人")


#: Units of a duration in months: always written with at least one decimal (``12.0个月``,
#: ``+0.7个月``), so that a target of 12 reads the same beside 12.7 as in the headline.
_MONTHS = ("months", "个月")


#: Units in 亿元 (hundreds of millions): an English reader reads them in millions of yuan
#: (``6.74亿元`` is ``674 million yuan``), never as "6.74 100 million yuan".
_HUNDRED_MILLION = ("100 million yuan", "亿元")
#: English measure words whose singular is not the plural without its final "s".
_SINGULAR = {"entities": "entity", "families": "family", "inquiries": "inquiry", "persons": "person"}


def _fixed(v: float, decimals: int | None) -> str:
    """``v`` with thousands separators: exactly ``decimals`` decimals, or (None) at most two."""
    if decimals is None:
        return number(v)
    text = f"{round(v, decimals) + 0.0:,.{decimals}f}"
    return text[1:] if text.startswith("-") and not any(ch in "123456789" for ch in text) else text


def decimals_of(x: float | int) -> int:
    """The decimals :func:`number` prints for ``x`` (0, 1 or 2): ``decimals_of(6.736) == 2``."""
    return len(number(x).partition(".")[2])


def quantity(x: float | int, unit: str | None, lang: str = "zh", *, decimals: int | None = None) -> str:
    """A value with the catalogue's unit of measurement (``%``, ``mu``, ``villages``, ...);
    persons are whole, or an average with one decimal: ``quantity(3.12, "人") == "平均3.1人"``.
    ``decimals`` fixes the decimals (one number of decimals for every figure of an indicator,
    :func:`row_decimals`): ``quantity(8, "亿元", decimals=2) == "8.00亿元"``; an average of
    persons (``decimals`` above 0) says so on every figure: ``quantity(4, "人", decimals=1) ==
    "平均4.0人"``. In English 亿元 reads in millions of yuan (``quantity(6.74, "100 million
    yuan", "en") == "674 million yuan"``), a measure word is singular after 1 (``1 kindergarten``)
    and a duration in months has at least one decimal (``quantity(12, "months") == "12.0个月"``)."""
    if unit in (None, ""):
        return _fixed(_check(x, "quantity"), decimals)
    if unit == "%":
        return percent(x)
    v = _check(x, "quantity")
    if unit in _HUNDRED_MILLION and lang == "en":
        d = max(0, (decimals_of(v) if decimals is None else decimals) - 2)
        return f"{_fixed(v * 100, d)} million yuan"
    word = measure(unit, lang)
    if unit in _MONTHS:  # a duration reads with its tenth of a month everywhere: 12.0个月 beside 12.7个月
        decimals = 1 if decimals is None else max(decimals, 1)
    if unit in _PERSONS:
        d = (1 if not round(v, 1).is_integer() else 0) if decimals is None else min(decimals, 1)
        if d:
            return f"平均{_fixed(v, d)}{word}" if lang == "zh" else f"average {_fixed(v, d)} {word}"
    shown = _fixed(v, decimals)
    if lang == "zh" or word == unit and any("\u4e00" <= ch <= "\u9fff" for ch in word):
        return f"{shown}{word}"
    if shown == "1":
        word = _SINGULAR.get(word, word[:-1] if word.endswith("s") else word)
    return f"{shown} {word}"


#: The figures of a headline row that are one indicator's values, written with one number of decimals.
_ROW_FIGURES = ("value", "target", "previous_month", "year_earlier", "city_value")


def row_decimals(row: dict, key: str | None = None) -> int:
    """The decimals every figure of a headline row is written with: the most any of its
    values needs (:func:`decimals_of`, at most two), so that ``8亿元 | 6.74亿元 | 5.2亿元``
    reads ``8.00亿元 | 6.74亿元 | 5.20亿元`` and ``9.9个月 | -4个月`` reads ``9.9个月 | -4.0个月``.
    Persons are counted whole, and a figure that is an average has one decimal and says so
    (``平均4.0人``): the row's own figures are averages when any of them is not whole, and the
    city's figure beside a unit's (``key == "city_value"``) always is."""
    unit = row.get("measure_unit", row.get("unit"))
    if unit in _PERSONS:
        if key == "city_value":
            return 1
        own = [row[k] for k in _ROW_FIGURES if k != "city_value" and present(row.get(k))]
        return 1 if any(not round(float(v), 1).is_integer() for v in own) else 0
    return max([decimals_of(row[k]) for k in _ROW_FIGURES if present(row.get(k))] or [0])


#: The range mark of a 公文 (GB/T 15834-2011, 浪纹线): the memo's faces are GB2312 ones, which
#: have no en dash.
OFFICIAL_RANGE = "\uff5e"


def band(low: float | int, high: float | int, unit: str | None, lang: str = "zh", *, official: bool = False) -> str:
    """A target band written as its two edges and the unit once: ``band(30, 39, "%") ==
    "30–39%"``, ``band(3, 5, "人") == "3–5人"``, ``band(3, 5, "persons", "en") == "3–5 persons"``.
    ``official`` writes a Chinese band as a 公文 does, with the 浪纹线 and a percentage's sign on
    both edges: ``band(30, 39, "%", official=True) == "30%～39%"``, ``"3～5人"``."""
    lo, hi = number(_check(low, "band")), number(_check(high, "band"))
    dash = OFFICIAL_RANGE if official and lang == "zh" else "\u2013"
    if unit in (None, ""):
        return f"{lo}{dash}{hi}"
    word = "%" if unit == "%" else measure(unit, lang)
    if unit == "%" and dash == OFFICIAL_RANGE:
        return f"{lo}%{dash}{hi}%"
    space = "" if unit == "%" or lang == "zh" or any("\u4e00" <= ch <= "\u9fff" for ch in word) else " "
    return f"{lo}{dash}{hi}{space}{word}"


_SHOWN = re.compile(r"^(\D*?)(-?[0-9][0-9,]*(?:\.[0-9]+)?)(.*)$", re.S)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if text else ""


def quantity_format(x: float | int, unit: str | None, lang: str = "zh", *, decimals: int | None = None) -> str:
    """The Excel number format under which ``x`` reads as :func:`quantity` prints it
    (``0.0"%"`` for 53.0%, ``#,##0"亩"`` for 11,906亩, ``"平均"0.0"人"`` for 平均3.1人); a
    figure in 亿元 read in English in millions scales by a hundred (``#,##0,,`` cannot, so
    the cell holds the value in millions: see :func:`excel_value`)."""
    shown = quantity(x, unit, lang, decimals=decimals)
    lead, digits, tail = _SHOWN.match(shown).groups()
    decimals = len(digits.partition(".")[2])
    body = ("#,##0" if "," in digits or unit != "%" else "0") + ("." + "0" * decimals if decimals else "")
    return _quoted(lead) + body + _quoted(tail)


def excel_value(x: float | int, unit: str | None, lang: str = "zh") -> float:
    """The number a workbook cell holds for ``x`` so that, under :func:`quantity_format`, it
    reads as :func:`quantity` prints it: a figure in 亿元 in millions of yuan in English
    (``excel_value(6.74, "100 million yuan", "en") == 674.0``), every other figure as it is."""
    v = _check(x, "excel_value")
    return round(v * 100, 6) if unit in _HUNDRED_MILLION and lang == "en" else v


def date_text(day: str, lang: str) -> str:
    """A date (``YYYY-MM-DD``) as a sentence writes it: ``2017年11月30日`` in Chinese (the
    form of 公文 prose, in every font the memo uses), ``2017-11-30`` in English."""
    text = str(day)[:10]
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match is None:
        raise ValueError(f"date_text: a date YYYY-MM-DD is needed, not {day!r}")
    if lang != "zh":
        return text
    y, m, d = match.groups()
    return f"{y}年{int(m)}月{int(d)}日"


#: What a missing figure reads as, on the page, in the memo and in the workbook.
MISSING = "—"


def present(v: object) -> bool:
    """Whether ``v`` is a figure (not None, NaN or NA)."""
    if v is None:
        return False
    try:
        return not bool(v != v)  # NaN and NA are unequal to themselves
    except TypeError:  # pd.NA
        return False


def headline_cell(row: dict, key: str, lang: str, *, official: bool = False) -> str:
    """One figure of a headline row (``value``, ``target``, ``previous_month``,
    ``year_earlier``, ``city_value``) as the page, the memo and the workbook print it: with
    the indicator's unit (``measure_unit`` or ``unit``, :func:`quantity`), a band
    indicator's target as its band (``band_low``/``band_high``: ``30–39%``, ``3–5人``), and
    :data:`MISSING` where there is no figure; ``official``: a band as a 公文 writes it (:func:`band`)."""
    unit = row.get("measure_unit", row.get("unit"))
    low, high = row.get("band_low"), row.get("band_high")
    if key == "target" and present(low) and present(high):
        return band(low, high, unit, lang, official=official)
    v = row.get(key)
    return quantity(v, unit, lang, decimals=row_decimals(row, key)) if present(v) else MISSING


#: Below this base (last year's figure) a growth in percent says nothing (1 to 7 is "600.0%"):
#: the change in the indicator's own unit is shown instead (:func:`small_base`).
SMALL_BASE = 5
#: Units that measure an amount, not a count of things (their growth is read in percent).
_NOT_COUNTS = ("%", *_HUNDRED_MILLION, "mu", "亩", "months", "个月")


def small_base(row: dict) -> bool:
    """Whether a headline row's growth on last year stands on too small a base to be read as a
    percentage: a count (not a percentage) last year below :data:`SMALL_BASE` in size."""
    base = row.get("year_earlier")
    unit = row.get("measure_unit", row.get("unit"))
    return (unit not in _NOT_COUNTS and present(base) and present(row.get("value"))
            and abs(float(base)) < SMALL_BASE)


def growth_cell(row: dict, lang: str) -> str:
    """A headline row's growth on last year as the page prints it: in percent (``29.3%``), or,
    on a small base (:func:`small_base`), the change in the indicator's unit (``+6项``)."""
    g = row.get("growth")
    if not present(g):
        return MISSING
    if small_base(row):
        return difference(float(row["value"]) - float(row["year_earlier"]), row.get("measure_unit", row.get("unit")),
                          lang, signed=True, decimals=row_decimals(row))
    return percent(g)


def cell(column: str, value: float | int) -> str:
    """``value`` of the table column ``column`` as its workbook cell shows it under
    :func:`excel_format`: ``cell("completion_rate", 75) == "75.0%"``, ``cell("total", 40) == "40"``."""
    kind = _KINDS.get(column)
    if kind == "percent":
        return percent(value)
    if kind == "probability":
        return probability(value)
    if kind == "count":
        return number(value, decimals=0)
    if kind == "score":
        return score(value)
    return number(value)


def difference(x: float | int, unit: str | None, lang: str = "zh", *, signed: bool = False,
               decimals: int | None = None) -> str:
    """A difference of two values in ``unit``: percentage points for percentages
    (``4.0个百分点``), else the unit's own measure; ``signed`` writes ``+``/``-``;
    ``decimals`` fixes the decimals as for the indicator's values (:func:`row_decimals`):
    ``difference(-4, "个月", signed=True, decimals=1) == "-4.0个月"``."""
    v = _check(x, "difference")
    if unit == "%":
        size = f"{abs(v):.1f}"
        sign = ("+" if v > 0 else "-" if v < 0 else "") if signed and size != "0.0" else ""
        return f"{sign}{size}个百分点" if lang == "zh" else (
            f"{sign}{size} percentage point{'' if size == '1.0' else 's'}")
    if unit in _PERSONS:  # a change in persons, to one decimal (an average's change is not itself an average)
        d = decimals if decimals is not None else (0 if round(abs(v), 1).is_integer() else 1)
        size = _fixed(abs(v), d)
    else:
        size = quantity(abs(v), unit, lang, decimals=decimals)
        d = None
    shown_zero = not any(ch in "123456789" for ch in size.split(" ")[0])
    sign = ("+" if v > 0 else "-" if v < 0 else "") if signed and not shown_zero else ""
    if d is not None:
        return f"{sign}{size}{measure(unit, lang)}" if lang == "zh" else f"{sign}{size} {measure(unit, lang)}"
    return sign + size


def excel_format(column: str, value: float | int) -> str:
    """The Excel number format of ``value`` in the table column ``column``: the column's
    kind (probability, percent, count) when it has one, else the decimals :func:`number`
    prints, so that the cell reads as the memo writes the number."""
    kind = _KINDS.get(column)
    if kind:
        return EXCEL_FORMATS[kind]
    decimals = len(number(value).partition(".")[2])
    return "#,##0" + ("." + "0" * decimals if decimals else "")
