"""How a unit's score is made up, as the page, the memo and the workbook show it
(publication step: the model's make-up -> ``results.json`` -> words and tables).

The model gives the exact parts (:func:`reformlib.model.makeup.score_make_up`): the full
points of the items that apply, each item's lost points with its reason, the pro-rata
rescaling when some items do not apply, the bonus points, the quantitative score and, at
year end, the qualitative part and its weight. :func:`make_up_record` rounds them to the two
decimals every output prints (:func:`reformlib.report.numbers.score`) so that the parts shown
add up exactly to the totals shown, and the last total to the score shown beside the grade
(:func:`~reformlib.report.numbers.apportion`, from the top down: the score into its weighted
parts, the quantitative score into base and bonus, each of these into its items). A weighted
part so set may differ by 0.01 from the product of its factors as shown (96.83分×80% is 77.464,
shown 77.47 because the unrounded quantitative score is 96.834): its line then gives that
product and says why the part differs (:func:`agrees`), and so does the memo's sentence. The record
is ``results["evaluation"]["scores"][]["make_up"]``; :func:`make_up_rows` lays it out as
lines of a table (item, points, why), :func:`make_up_frame` as the page's table and
:func:`make_up_sentence` as one sentence of the memo.

May import: as :mod:`reformlib.report`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from reformlib.i18n import MAKE_UP
from reformlib.report.numbers import apportion, number, score

__all__ = ["agrees", "largest_deductions", "make_up_frame", "make_up_lines", "make_up_record", "make_up_rows", "make_up_sentence", "make_up_sums",
           "shown_product"]


def largest_deductions(lost_points: Sequence[Mapping[str, Any]], *, lang: str = "zh", top: int = 3) -> str:
    """The sentence naming a score's largest deductions (``lost_points``, worst first: item and
    points lost, as the make-up prints them): the ``top`` largest and every item tied with the
    last of them, each with its reason ("失分最多的是改革成效指数失分17.51分（…）；…。"); "" without any."""
    lost = sorted((p for p in lost_points if p["lost"] > 0), key=lambda p: -p["lost"])
    if not lost:
        return ""
    edge = score(lost[min(top, len(lost)) - 1]["lost"])
    shown = [p for i, p in enumerate(lost) if i < top or score(p["lost"]) == edge]
    w = MAKE_UP[lang]
    return w["largest"].format(items=w["largest_sep"].join(
        w["largest_item"].format(item=p["item"], lost=score(p["lost"]), reason=p["reason"]) for p in shown))


def _r(x: float) -> float:
    return round(float(x), 2) + 0.0


def make_up_record(terms: pd.DataFrame, totals: Mapping[str, Any], *, lang: str = "zh") -> dict[str, Any]:
    """One unit's make-up for ``results.json``, every figure rounded to two decimals so that
    ``full + sum(terms of parts item and rescale) == base``, ``sum(bonus terms) == bonus``,
    ``base + bonus == quantitative`` and ``quantitative_part + qualitative_part == score``
    (or ``quantitative == score`` without a qualitative part), exactly.

    ``terms`` are the unit's rows of :func:`~reformlib.model.makeup.score_make_up`'s terms,
    ``totals`` its row of the totals. The rescaling term is named and its reason lists the
    items that do not apply when ``terms`` carries them."""
    words = MAKE_UP[lang]
    shown = _r(totals["score"])
    share = totals["share"]
    qualitative = share == share and share is not None  # NaN: a monthly assessment
    if qualitative:
        q_part, l_part = apportion([totals["quantitative_part"], totals["qualitative_part"]], shown)
        quantitative = _r(totals["quantitative"])
    else:
        q_part = l_part = None
        quantitative = shown
    base, bonus = apportion([totals["base"], totals["bonus"]], quantitative)
    base_terms = terms[terms["part"].isin(["item", "rescale"])]
    bonus_terms = terms[terms["part"].isin(["bonus", "bonus_cap"])]
    full, *base_points = apportion([totals["full"], *base_terms["points"]], base)
    bonus_points = apportion(list(bonus_terms["points"]), bonus) if len(bonus_terms) else []
    if not len(bonus_terms) and bonus:
        raise ValueError(f"make_up_record: a bonus of {bonus} without bonus items")

    def term(row, points: float) -> dict[str, Any]:
        name = words[row.part].format(base=number(totals["base_points"])) if row.part in ("rescale", "bonus_cap") \
            else str(row.name)
        return {"part": str(row.part), "item": name, "points": points, "reason": str(row.reason)}

    out = {"full": full, "base_points": _r(totals["base_points"]),
           "terms": [term(r, p) for r, p in zip(base_terms.itertuples(index=False), base_points)]
           + [term(r, p) for r, p in zip(bonus_terms.itertuples(index=False), bonus_points)],
           "base": base, "bonus": bonus, "quantitative": quantitative,
           "qualitative": _r(totals["qualitative"]) if qualitative else None,
           "share": float(share) if qualitative else None,
           "quantitative_part": q_part, "qualitative_part": l_part, "score": shown}
    return out


def make_up_sums(record: Mapping[str, Any]) -> list[str]:
    """What does not add up in a make-up record, each as a sentence (empty when all do), in
    hundredths so that no rounding of binary fractions hides or invents a difference."""
    def c(x: float) -> int:
        return round(float(x) * 100)

    terms = record.get("terms", [])
    base = c(record["full"]) + sum(c(t["points"]) for t in terms if t["part"] in ("item", "rescale"))
    bonus = sum(c(t["points"]) for t in terms if t["part"] in ("bonus", "bonus_cap"))
    problems = []
    for what, got, want in (("full + item and rescale terms", base, record["base"]),
                            ("bonus terms", bonus, record["bonus"]),
                            ("base + bonus", c(record["base"]) + c(record["bonus"]), record["quantitative"])):
        if got != c(want):
            problems.append(f"{what} give {got / 100:.2f}, not {float(want):.2f}")
    if record.get("share") is None:
        if c(record["quantitative"]) != c(record["score"]):
            problems.append(f"quantitative ({record['quantitative']}) is not the score ({record['score']}) "
                            "without a qualitative part")
    elif c(record["quantitative_part"]) + c(record["qualitative_part"]) != c(record["score"]):
        problems.append(f"quantitative_part + qualitative_part ({record['quantitative_part']} + "
                        f"{record['qualitative_part']}) is not the score ({record['score']})")
    return problems


def _weight(share: float) -> str:
    return f"{number(100 * share)}%"


def shown_product(value: float, weight: float) -> Decimal:
    """The exact product of a score as shown (two decimals) and a weight as shown (a whole
    percentage): ``shown_product(96.834, 0.8) == Decimal("77.464")``."""
    return Decimal(score(value).replace(",", "")) * Decimal(round(100 * weight)) / 100


def agrees(value: float, weight: float, part: float) -> bool:
    """Whether a weighted part as shown (two decimals) is its shown factors' product rounded
    half up: 96.83分×80% = 77.464 shows as 77.46, so a part shown as 77.47 does not agree."""
    product = shown_product(value, weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return product == Decimal(score(part).replace(",", ""))


def _part_note(value: float, weight: float, part: float, w: Mapping[str, str]) -> str:
    """``96.83分×80%``; where the part shown is not that product rounded (the part comes from the
    unrounded scores, its last digit set so that the parts add up to the score shown), the
    product of the shown factors and that rounding, stated."""
    if agrees(value, weight, part):
        return w["part_note"].format(value=score(value), weight=_weight(weight))
    return w["part_note_rounded"].format(value=score(value), weight=_weight(weight),
                                         product=f"{shown_product(value, weight).normalize():f}")


def make_up_rows(record: Mapping[str, Any], *, lang: str = "zh") -> list[list[str]]:
    """The make-up as lines of a table: item, points (two decimals, signed for a part that
    adds or takes away), why; each subtotal after its parts and the score last."""
    w = MAKE_UP[lang]
    terms = record.get("terms", [])
    rows = [[w["full"], score(record["full"]), w["full_note"]]]
    rows += [[(w["lost"] if t["points"] < 0 else w["gained"]).format(item=t["item"]) if t["part"] == "item" else t["item"],
              score(t["points"], signed=True), t["reason"]] for t in terms if t["part"] in ("item", "rescale")]
    rescaled = any(t["part"] == "rescale" for t in terms)
    rows.append([w["base_line"], score(record["base"]), w["base_note_rescaled" if rescaled else "base_note"]])
    bonus = [t for t in terms if t["part"] in ("bonus", "bonus_cap")]
    rows += [[w["bonus_item"].format(item=t["item"]) if t["part"] == "bonus" else t["item"],
              score(t["points"], signed=True), t["reason"]] for t in bonus]
    rows.append([w["bonus_line"], score(record["bonus"], signed=True), "" if bonus else w["no_bonus"]])
    if record.get("share") is None:
        rows.append([w["score_line_monthly"], score(record["score"]), w["score_note_monthly"]])
        return rows
    share = record["share"]
    rows.append([w["quantitative_line"], score(record["quantitative"]), w["quantitative_note"]])
    rows.append([w["quantitative_part"].format(weight=_weight(1 - share)), score(record["quantitative_part"]),
                 _part_note(record["quantitative"], 1 - share, record["quantitative_part"], w)])
    rows.append([w["qualitative_part"].format(weight=_weight(share)), score(record["qualitative_part"]),
                 _part_note(record["qualitative"], share, record["qualitative_part"], w)])
    rows.append([w["score_line"], score(record["score"]), w["score_note"]])
    return rows


def _own(evaluation: Mapping[str, Any], unit: str) -> Mapping[str, Any] | None:
    return next((s for s in evaluation.get("scores", []) if s["unit"] == unit and s.get("make_up")), None)


def make_up_frame(evaluation: Mapping[str, Any], unit: str, *, lang: str = "zh") -> pd.DataFrame:
    """The page's table of how ``unit``'s score is made up (:func:`make_up_rows`), from
    ``results["evaluation"]``; empty (with the table's columns) when the unit has no make-up."""
    cols = MAKE_UP[lang]["cols"].split("|")
    own = _own(evaluation, unit)
    return pd.DataFrame(make_up_rows(own["make_up"], lang=lang) if own else [], columns=cols)


def make_up_sentence(record: Mapping[str, Any], *, name: str, assessment: str, lang: str = "zh") -> str:
    """One sentence that adds up to the score: the full points, the points lost, the base
    score, the bonus and, at year end, each part with its weight."""
    w = MAKE_UP[lang]
    terms = record.get("terms", [])
    lost_cents = -sum(round(t["points"] * 100) for t in terms if t["part"] == "item")
    lost, earned = lost_cents / 100, (round(record["full"] * 100) - lost_cents) / 100
    rescale = [t for t in terms if t["part"] == "rescale"]
    base = w["sentence_base" if not rescale else "sentence_base_rescaled"].format(
        full=score(record["full"]), lost=score(lost), base=score(record["base"]),
        earned=score(earned), base_points=number(record["base_points"]))
    monthly = record.get("share") is None
    bonus = w["sentence_bonus_monthly" if monthly else "sentence_bonus"].format(
        bonus=score(record["bonus"]), quantitative=score(record["quantitative"]))
    if record.get("share") is None:
        tail = w["sentence_monthly"].format(score=score(record["score"]))
    else:
        share = record["share"]
        tail = w["sentence_year"].format(q_weight=_weight(1 - share), q_part=score(record["quantitative_part"]),
                                         qualitative=score(record["qualitative"]), l_weight=_weight(share),
                                         l_part=score(record["qualitative_part"]), score=score(record["score"]))
        if not (agrees(record["quantitative"], 1 - share, record["quantitative_part"])
                and agrees(record["qualitative"], share, record["qualitative_part"])):
            tail += w["sentence_rounded"]
    return w["sentence"].format(unit=name, assessment=assessment, score=score(record["score"]),
                                parts=w["sep"].join([base, bonus, tail]))


def make_up_lines(records: Sequence[Mapping[str, Any]], *, lang: str = "zh") -> list[list[str]]:
    """Make-up lines of several units, each line led by the unit's name (the workbook's sheet)."""
    return [[r["name"], *line] for r in records for line in make_up_rows(r["make_up"], lang=lang)]
