"""Model steps 7-8 read back: how each unit's score is made up, from the rubric's ledger of
points (:func:`~reformlib.model.kpi.score_rubric`) and the combination with the qualitative
part (:func:`~reformlib.model.qualitative.combine`), in the model's own arithmetic::

    base score    = full points of the items that apply + each item's points - its maximum
                    (+ the pro-rata rescaling to the base points when some items do not apply)
    bonus         = each bonus item's points (- what the total bonus cap cuts)
    quantitative  = base score + bonus
    score         = (1 - share) x quantitative + share x qualitative   (year-end assessment)
                  = quantitative                                        (monthly assessment)

:func:`score_make_up` returns the terms (one row per item that moved the score, with its
reason) and the totals per unit; it checks that the totals are the result's own
``kpi`` and ``combined`` figures, so that what a reader is shown is how the score was made.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from reformlib.errors import SpecError
from reformlib.i18n import MAKE_UP

__all__ = ["MAKE_UP_TERMS", "MAKE_UP_TOTALS", "score_make_up"]

#: Columns of the terms table: ``part`` is ``item`` (a base item's points minus its
#: maximum: lost points are negative), ``rescale``, ``bonus`` or ``bonus_cap``.
MAKE_UP_TERMS = ["unit", "part", "item", "name", "points", "reason"]
#: Columns of the totals table (index ``unit``).
MAKE_UP_TOTALS = ["full", "base_points", "rescale", "base", "bonus_raw", "bonus_cap", "bonus", "quantitative",
                  "qualitative", "share", "quantitative_part", "qualitative_part", "score"]
_ADJUSTMENTS = ("base_rescale", "bonus_total")
_TOLERANCE = 1e-6


def score_make_up(result, *, lang: str = "zh") -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(terms, totals)`` of every evaluated unit of ``result`` (an
    :class:`~reformlib.model.evaluate.EvaluationResult`), item names and reasons in ``lang``.

    ``totals`` per unit: ``full`` (the maximum points of the base items that apply),
    ``base_points`` (the spec's base, 100), ``rescale`` (the pro-rata rescaling, 0 when every
    item applies), ``base`` (the base score), ``bonus_raw``, ``bonus_cap`` (what the total cap
    cuts, <= 0), ``bonus``, ``quantitative``, ``qualitative`` and ``share`` (NaN in a monthly
    assessment), ``quantitative_part`` and ``qualitative_part`` (each part's weighted points;
    NaN without a qualitative part) and ``score``. Raises a SpecError when the parts do not
    give the result's own quantitative score or score."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    points, kpi, combined = result.points, result.kpi, result.combined
    names = result.spec.rubric.set_index("item")[f"name_{lang}"].to_dict()
    ledger = points[~points["item"].isin(_ADJUSTMENTS)]
    base = ledger[ledger["kind"].isin(["completion", "schedule", "deduction"]) & ledger["applicable"].astype(bool)]
    moved = base.assign(delta=base["points"] - base["max_points"])
    moved = moved[moved["delta"].abs() > 1e-12].sort_values(["unit", "delta"], kind="stable")
    bonus = ledger[(ledger["kind"] == "bonus") & (ledger["points"].abs() > 1e-12)]
    adjust = points[points["item"].isin(_ADJUSTMENTS)]
    reason = f"reason_{lang}"

    def rows(frame: pd.DataFrame, part: str, column: str) -> pd.DataFrame:
        return pd.DataFrame({"unit": frame["unit"].to_numpy(), "part": part, "item": frame["item"].to_numpy(),
                             "name": [str(names.get(i, i)) for i in frame["item"]],
                             "points": frame[column].to_numpy(float), "reason": frame[reason].to_numpy()})

    rescale = adjust[adjust["item"] == "base_rescale"]
    if len(rescale):  # the rescaling says which items do not apply
        idle = ledger[ledger["kind"].isin(["completion", "schedule", "deduction"]) & ~ledger["applicable"].astype(bool)]
        idle = idle.groupby("unit")["item"].agg(lambda items: MAKE_UP[lang]["sep"].replace("；", "、").join(
            str(names.get(i, i)) for i in items))
        rescale = rescale.assign(**{reason: [r + (MAKE_UP[lang]["sep"] + MAKE_UP[lang]["not_applicable"].format(items=idle[u])
                                                  if u in idle.index else "")
                                             for u, r in zip(rescale["unit"], rescale[reason])]})
    cap = adjust[adjust["item"] == "bonus_total"]
    terms = pd.concat([rows(moved, "item", "delta"), rows(rescale, "rescale", "points"),
                       rows(bonus, "bonus", "points"), rows(cap, "bonus_cap", "points")], ignore_index=True)
    order = {u: i for i, u in enumerate(kpi.index)}
    parts = {"item": 0, "rescale": 1, "bonus": 2, "bonus_cap": 3}
    terms = (terms.assign(_u=terms["unit"].map(order), _p=terms["part"].map(parts))
             .sort_values(["_u", "_p"], kind="stable").drop(columns=["_u", "_p"]).reset_index(drop=True))[MAKE_UP_TERMS]

    def total(part: str) -> pd.Series:
        return terms[terms["part"] == part].groupby("unit")["points"].sum().reindex(kpi.index, fill_value=0.0)

    spec = result.spec
    qual = combined["qualitative"].astype(float)
    share = spec.qualitative_share if result.qualitative is not None and spec.qualitative_share > 0 else np.nan
    totals = pd.DataFrame(index=kpi.index)
    totals["full"] = kpi["base_max"].astype(float)
    totals["base_points"] = float(spec.base_points)
    totals["rescale"] = total("rescale")
    totals["base"] = totals["full"] + total("item") + totals["rescale"]
    totals["bonus_raw"] = total("bonus")
    totals["bonus_cap"] = total("bonus_cap")
    totals["bonus"] = totals["bonus_raw"] + totals["bonus_cap"]
    totals["quantitative"] = totals["base"] + totals["bonus"]
    totals["qualitative"] = qual if not np.isnan(share) else np.nan
    totals["share"] = share
    totals["quantitative_part"] = (1 - share) * totals["quantitative"]
    totals["qualitative_part"] = share * totals["qualitative"]
    totals["score"] = (totals["quantitative"] if np.isnan(share)
                       else totals["quantitative_part"] + totals["qualitative_part"])
    for mine, theirs, what in ((totals["base"], kpi["base_score"], "base score"),
                               (totals["quantitative"], kpi["quantitative"], "quantitative score"),
                               (totals["score"], combined["score"].reindex(kpi.index), "score")):
        off = (mine - theirs).abs() > _TOLERANCE
        if off.any():
            raise SpecError(f"the make-up of the {what} of units {list(off.index[off])} does not give the model's "
                            f"{what} ({mine[off].round(4).tolist()} vs {theirs[off].round(4).tolist()})")
    totals.index.name = "unit"
    return terms, totals[MAKE_UP_TOTALS]
