"""Model step 8: the qualitative assessment and its combination with the quantitative score.

The "qualitative and quantitative together" scheme of the city's evaluation rules: rater
groups (self, peer units, leaders, the public) give ordinal grades; ``rating_points.csv``
maps each grade to points, each group's mean counts with its weight from ``raters.csv``
(renormalised over the groups that rated a unit), and the qualitative score enters the
year-end combined score with the share set in ``spec.yml``.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from reformlib.errors import SpecError

__all__ = ["qualitative_scores", "combine"]


def qualitative_scores(
    ratings: pd.DataFrame,
    *,
    raters: pd.DataFrame,
    rating_points: pd.DataFrame,
    units: Sequence[str],
) -> pd.DataFrame:
    """Qualitative score of each unit: the weighted mean over rater groups of the mean points.

    Returns one row per unit with the mean points of each group (columns ``<group>``), the
    number of ratings (``n_ratings``), the weight share actually used (``coverage``: 1 when
    every weighted group rated the unit) and ``qualitative``. Raises a SpecError naming the
    rows of a grade or group without points or weight, and naming units nobody rated.
    """
    units = list(units)
    points = dict(zip(rating_points["grade"], rating_points["points"]))
    weight = dict(zip(raters["rater_group"], raters["weight"]))
    sub = ratings[ratings["unit"].isin(units)]
    bad = [(int(i) + 1, g) for i, g in zip(sub.index, sub["grade"]) if g not in points]
    bad += [(int(i) + 1, g) for i, g in zip(sub.index, sub["rater_group"]) if g not in weight]
    if bad:
        raise SpecError(f"ratings rows without points or rater weight (row, value): {bad[:20]}")
    unrated = [u for u in units if u not in set(sub["unit"])]
    if unrated:
        raise SpecError(f"no qualitative ratings for units {unrated}")
    means = (sub.assign(points=sub["grade"].map(points))
             .pivot_table(index="unit", columns="rater_group", values="points", aggfunc="mean")
             .reindex(index=units, columns=list(weight)))
    w = pd.Series(weight, dtype=float)
    used = means.notna().mul(w, axis=1)
    total = used.sum(axis=1)
    if (total <= 0).any():
        raise SpecError(f"units rated only by groups of weight 0: {total.index[total <= 0].tolist()}")
    score = (means.fillna(0.0) * used).sum(axis=1) / total
    out = means.assign(n_ratings=sub.groupby("unit").size().reindex(units).to_numpy(),
                       coverage=total / w.sum(), qualitative=score)
    out.index.name = "unit"
    out.columns.name = None
    return out


def combine(quantitative: pd.Series, qualitative: pd.Series | None, *, share: float) -> pd.Series:
    """``(1 - share) * quantitative + share * qualitative``; ``qualitative=None`` keeps the
    quantitative score (monthly assessments carry no ratings)."""
    if not 0 <= share <= 1:
        raise SpecError(f"share must lie in [0, 1], got {share!r}")
    if qualitative is None or share == 0:
        return quantitative.rename("score").astype(float)
    q = qualitative.reindex(quantitative.index)
    if q.isna().any():
        raise SpecError(f"no qualitative score for units {q.index[q.isna()].tolist()}")
    return ((1 - share) * quantitative + share * q).rename("score").astype(float)
