"""Model step 5 (alternative): distance-based multi-criteria ranking, TOPSIS and VIKOR.

TOPSIS after Hwang & Yoon (1981), with vector or linear min-max normalisation (the latter
reproduces Opricovic & Tzeng 2004, EJOR 156(2)), both computed by the kernels of
:mod:`reformlib.model.normalise`. VIKOR after Opricovic & Tzeng (2004),
including the acceptable-advantage and acceptable-stability conditions that define the
compromise set. Both can return their working tables, as pymcdm does.
"""
from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from reformlib.errors import SpecError
from reformlib.model.checks import DirectionLike, directions, finite_frame, weight_series
from reformlib.model.normalise import minmax_columns, vector_columns

__all__ = ["topsis", "vikor"]


def _matrix(frame: pd.DataFrame, weights: Any, direction: DirectionLike):
    x = finite_frame(frame)
    if x.isna().to_numpy().any():
        cells = [(u, c) for u, c in x[x.isna()].stack(future_stack=True).index[:5]]
        raise SpecError(f"TOPSIS/VIKOR need a complete matrix; missing (unit, indicator): {cells}")
    if len(x) < 2:
        raise SpecError(f"TOPSIS/VIKOR need at least two units, got {len(x)}")
    w = weight_series(weights, x.columns)
    return x, w / w.sum(), directions(direction, x.columns)


def topsis(
    frame: pd.DataFrame,
    weights: Any,
    direction: DirectionLike = None,
    normalisation: Literal["vector", "minmax"] = "vector",
    return_details: bool = False,
) -> pd.Series | tuple[pd.Series, dict[str, Any]]:
    """TOPSIS relative closeness C = d- / (d+ + d-) of each unit (higher is better).

    ``normalisation="vector"``: r = x / sqrt(sum x^2) for every column, as Hwang & Yoon,
    ideal = max of benefit / min of cost columns of the weighted matrix (pymcdm's cost form
    1 - r with ideal = max, ``normalise(..., "vector")``, gives the same closeness).
    ``"minmax"``: r = (x - min) / (max - min), or (max - x) / (max - min) for cost columns,
    then ideal = column max. Euclidean distances. Refuses missing and infinite values.
    ``return_details`` adds the normalised and weighted matrices, ideal and anti-ideal
    points, distances and ranks.
    """
    x, w, d = _matrix(frame, weights, direction)
    if normalisation == "vector":
        zero = x.columns[(x == 0).all()].tolist()
        if zero:
            raise SpecError(f"vector normalisation undefined for all-zero indicators {zero}")
        r = pd.DataFrame(vector_columns(x), index=x.index, columns=x.columns)
        v = r * w
        ideal = v.max().where(d == 1, v.min())
        anti = v.min().where(d == 1, v.max())
    elif normalisation == "minmax":
        span = x.max() - x.min()
        if (span == 0).any():
            raise SpecError(f"min-max normalisation undefined for constant indicators {span[span == 0].index.tolist()}")
        r = pd.DataFrame(minmax_columns(x * d), index=x.index, columns=x.columns)
        v = r * w
        ideal, anti = v.max(), v.min()
    else:
        raise SpecError(f"normalisation must be 'vector' or 'minmax', got {normalisation!r}")
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=1))
    closeness = (d_minus / (d_plus + d_minus)).rename("closeness")
    if not return_details:
        return closeness
    return closeness, {
        "normalised": r, "weighted": v, "ideal": ideal, "anti_ideal": anti,
        "d_plus": d_plus, "d_minus": d_minus,
        "rank": closeness.rank(method="min", ascending=False).astype(int),
    }


def _ratio(num: pd.Series, den: float) -> pd.Series:
    return num / den if den != 0 else num * 0.0


def vikor(
    frame: pd.DataFrame,
    weights: Any,
    direction: DirectionLike = None,
    v: float = 0.5,
    return_details: bool = False,
) -> pd.Series | tuple[pd.Series, dict[str, Any]]:
    """VIKOR index Q of each unit (lower is better).

    With f* / f- the best / worst value of each criterion: S = sum_j w_j (f*_j - f_ij) /
    (f*_j - f-_j) (group utility), R = max_j of the same terms (individual regret),
    Q = v (S - S*) / (S- - S*) + (1 - v) (R - R*) / (R- - R*). A criterion or S/R with
    no spread contributes 0. ``return_details`` adds a table (S, R, Q and their ranks) and
    the compromise solution: ``advantage`` (C1: Q(a2) - Q(a1) >= DQ = 1/(m - 1)),
    ``stability`` (C2: the best by Q is also best by S or R) and ``compromise`` (the unit
    a1 if both hold; a1 and a2 if only C2 fails; every unit with Q - Q(a1) < DQ if C1 fails).

    Ties in Q: tied units share the better rank (``rank_Q``, like ``rank_S`` and
    ``rank_R``, uses "min": 1, 2, 2, 4). a1, the first unit by Q, is the one listed first
    in ``frame`` among those with the lowest Q (a stable sort), but when two units tie for
    the lowest Q, C1 fails (Q(a2) - Q(a1) = 0 < DQ) and both are in ``compromise``, so row
    order never decides between them. C1 and the compromise set compare Q differences
    with DQ less 1e-12, so a difference equal to DQ up to rounding counts as reaching it;
    C2 holds when a1 shares the lowest S or the lowest R. Refuses missing and infinite
    values.
    """
    if not 0 <= v <= 1:
        raise SpecError(f"v must lie in [0, 1], got {v}")
    x, w, d = _matrix(frame, weights, direction)
    best = x.max().where(d == 1, x.min())
    worst = x.min().where(d == 1, x.max())
    span = (best - worst).replace(0.0, np.inf)
    terms = w * (best - x) / span
    s, r = terms.sum(axis=1), terms.max(axis=1)
    q = v * _ratio(s - s.min(), s.max() - s.min()) + (1 - v) * _ratio(r - r.min(), r.max() - r.min())
    q = q.rename("Q")
    if not return_details:
        return q
    table = pd.DataFrame({"S": s, "R": r, "Q": q})
    for col in ("S", "R", "Q"):
        table[f"rank_{col}"] = table[col].rank(method="min").astype(int)
    order = q.sort_values(kind="stable").index
    dq = 1 / (len(x) - 1)
    a1 = order[0]
    advantage = bool(q[order[1]] - q[a1] >= dq - 1e-12)
    stability = bool(s[a1] == s.min() or r[a1] == r.min())
    if advantage and stability:
        compromise = [a1]
    elif advantage:
        compromise = [a1, order[1]]
    else:
        compromise = [u for u in order if q[u] - q[a1] < dq - 1e-12]
    return q, {"table": table, "DQ": dq, "advantage": advantage, "stability": stability,
               "compromise": compromise, "terms": terms}
