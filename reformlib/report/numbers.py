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

__all__ = ["EXCEL_FORMATS", "MISSING", "apportion", "band", "cell", "count", "difference", "excel_format", "headline_cell",
           "number", "observed_band", "percent", "points", "present", "probability", "quantity", "quantity_format", "score"]

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
    "local": "count", "rank": "count", "days_overdue": "count", "progress": "percent",
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


def quantity(x: float | int, unit: str | None, lang: str = "zh") -> str:
    """A value with the catalogue's unit of measurement (``%``, ``mu``, ``villages``, ...);
    persons are whole, or an average with one decimal: ``quantity(3.12, "人") == "平均3.1人"``."""
    if unit in (None, ""):
        return number(x)
    if unit == "%":
        return percent(x)
    word = measure(unit, lang)
    if unit in _PERSONS:
        v = round(_check(x, "quantity"), 1)
        if not v.is_integer():
            return f"平均{v:,.1f}{word}" if lang == "zh" else f"average {v:,.1f} {word}"
    if lang == "zh" or word == unit and any("\u4e00" <= ch <= "\u9fff" for ch in word):
        return f"{number(x)}{word}"
    return f"{number(x)} {word}"


def band(low: float | int, high: float | int, unit: str | None, lang: str = "zh") -> str:
    """A target band written as its two edges and the unit once: ``band(30, 39, "%") ==
    "30–39%"``, ``band(3, 5, "人") == "3–5人"``, ``band(3, 5, "persons", "en") == "3–5 persons"``."""
    lo, hi = number(_check(low, "band")), number(_check(high, "band"))
    if unit in (None, ""):
        return f"{lo}–{hi}"
    word = "%" if unit == "%" else measure(unit, lang)
    space = "" if unit == "%" or lang == "zh" or any("\u4e00" <= ch <= "\u9fff" for ch in word) else " "
    return f"{lo}–{hi}{space}{word}"


_SHOWN = re.compile(r"^(\D*?)(-?[0-9][0-9,]*(?:\.[0-9]+)?)(.*)$", re.S)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if text else ""


def quantity_format(x: float | int, unit: str | None, lang: str = "zh") -> str:
    """The Excel number format under which ``x`` reads as :func:`quantity` prints it
    (``0.0"%"`` for 53.0%, ``#,##0"亩"`` for 11,906亩, ``"平均"0.0"人"`` for 平均3.1人)."""
    shown = quantity(x, unit, lang)
    lead, digits, tail = _SHOWN.match(shown).groups()
    decimals = len(digits.partition(".")[2])
    body = ("#,##0" if "," in digits or unit != "%" else "0") + ("." + "0" * decimals if decimals else "")
    return _quoted(lead) + body + _quoted(tail)


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


def headline_cell(row: dict, key: str, lang: str) -> str:
    """One figure of a headline row (``value``, ``target``, ``previous_month``,
    ``year_earlier``, ``city_value``) as the page, the memo and the workbook print it: with
    the indicator's unit (``measure_unit`` or ``unit``, :func:`quantity`), a band
    indicator's target as its band (``band_low``/``band_high``: ``30–39%``, ``3–5人``), and
    :data:`MISSING` where there is no figure."""
    unit = row.get("measure_unit", row.get("unit"))
    low, high = row.get("band_low"), row.get("band_high")
    if key == "target" and present(low) and present(high):
        return band(low, high, unit, lang)
    v = row.get(key)
    return quantity(v, unit, lang) if present(v) else MISSING


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


def difference(x: float | int, unit: str | None, lang: str = "zh", *, signed: bool = False) -> str:
    """A difference of two values in ``unit``: percentage points for percentages
    (``4.0个百分点``), else the unit's own measure; ``signed`` writes ``+``/``-``."""
    v = _check(x, "difference")
    sign = ("+" if v > 0 else "-" if v < 0 else "") if signed else ""
    if unit == "%":
        size = f"{abs(v):.1f}"
        return f"{sign}{size}个百分点" if lang == "zh" else (
            f"{sign}{size} percentage point{'' if size == '1.0' else 's'}")
    if unit in _PERSONS:  # a change in persons, to one decimal (an average's change is not itself an average)
        return sign + quantity(round(abs(v)), unit, lang) if round(abs(v), 1).is_integer() else (
            f"{sign}{abs(v):,.1f}{measure(unit, lang)}" if lang == "zh" else f"{sign}{abs(v):,.1f} {measure(unit, lang)}")
    return sign + quantity(abs(v), unit, lang)


def excel_format(column: str, value: float | int) -> str:
    """The Excel number format of ``value`` in the table column ``column``: the column's
    kind (probability, percent, count) when it has one, else the decimals :func:`number`
    prints, so that the cell reads as the memo writes the number."""
    kind = _KINDS.get(column)
    if kind:
        return EXCEL_FORMATS[kind]
    decimals = len(number(value).partition(".")[2])
    return "#,##0" + ("." + "0" * decimals if decimals else "")
