"""Model step 9: phased, dynamic assessment - months into quarters, half-years and the year.

The city's rules combine "phased, dynamic assessment during the year" with an "item-by-item
year-end assessment". Here a month's score is the quantitative score of an evaluation of
that month (year-to-date flows, the month's levels, task status and open problems at its
end); a quarter is the weighted mean of its months, a half-year the weighted mean of its
quarters, and the year score ``phased * (weighted mean of the quarters) + year_end * (the
year-end combined score)``. Weights come from ``spec.yml`` (``phases``). A period still in
progress uses the months it has, weights renormalised, and says so in ``months``.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reformlib.errors import SpecError

__all__ = ["PHASES", "PhasedScores", "phase_label", "phased_scores"]

PHASES = ("month", "quarter", "half", "year")


@dataclass(frozen=True)
class PhasedScores:
    """Scores per unit by month, quarter, half-year and year, and months covered."""

    monthly: pd.DataFrame
    quarter: pd.DataFrame
    half: pd.DataFrame
    year: pd.DataFrame
    months: pd.Series

    def score(self, period: str, phase: str) -> pd.Series:
        """The scores of the ``phase`` containing month ``period`` (``YYYY-MM``)."""
        label = phase_label(period, phase)
        table = {"month": self.monthly.rename(columns=str), "quarter": self.quarter, "half": self.half,
                 "year": self.year[["year"]].rename(columns={"year": label})}[phase]
        if label not in table.columns:
            raise SpecError(f"no {phase} score for {label}; available: {list(table.columns)}")
        return table[label].rename(label)


def phase_label(period: str, phase: str) -> str:
    """Label of the phase containing month ``period``: ``2017-06``, ``2017Q2``, ``2017H1``, ``2017``."""
    if phase not in PHASES:
        raise SpecError(f"phase must be one of {PHASES}, got {phase!r}")
    m = pd.Period(period, "M")
    return {"month": str(m), "quarter": f"{m.year}Q{m.quarter}", "half": f"{m.year}H{1 if m.month <= 6 else 2}",
            "year": str(m.year)}[phase]


def _weighted(frame: pd.DataFrame, weights: Sequence[float]) -> pd.Series:
    w = pd.Series(list(weights), index=frame.columns, dtype=float)
    used = frame.notna().mul(w, axis=1)
    total = used.sum(axis=1)
    return ((frame.fillna(0.0) * used).sum(axis=1) / total.where(total > 0)).astype(float)


def phased_scores(
    monthly: pd.DataFrame,
    *,
    weights: Mapping,
    year_end: pd.Series | None = None,
) -> PhasedScores:
    """Combine monthly scores (units x months of one year, Period[M] columns) into phases.

    ``weights`` is the spec's ``phases`` mapping: ``quarter`` (3 month weights), ``half``
    (2 quarter weights) and ``year`` (``quarters``: 4 weights, ``phased`` and ``year_end``,
    summing to 1). ``year_end`` is the year-end assessment's combined score; without it the
    year table holds only the phased part and ``year`` stays empty (NaN, never a silent 0).
    """
    cols = pd.PeriodIndex(monthly.columns, freq="M")
    if len(set(cols.year)) != 1 or cols.has_duplicates:
        raise SpecError(f"monthly scores must cover distinct months of one year, got {list(map(str, cols))}")
    year = int(cols.year[0])
    data = monthly.set_axis(cols, axis=1).astype(float)
    quarters = {}
    for q in range(1, 5):
        months = pd.period_range(f"{year}-{3 * q - 2:02d}", periods=3, freq="M")
        present = [m for m in months if m in data.columns]
        if present:
            quarters[f"{year}Q{q}"] = _weighted(data[present], [weights["quarter"][months.get_loc(m)] for m in present])
    quarter = pd.DataFrame(quarters, index=data.index)
    halves = {}
    for h, qs in ((1, ("Q1", "Q2")), (2, ("Q3", "Q4"))):
        present = [f"{year}{q}" for q in qs if f"{year}{q}" in quarter.columns]
        if present:
            halves[f"{year}H{h}"] = _weighted(quarter[present], [weights["half"][int(p[-1]) - 1 - 2 * (h - 1)] for p in present])
    half = pd.DataFrame(halves, index=data.index)
    yw = weights["year"]
    phased = _weighted(quarter, [yw["quarters"][int(c[-1]) - 1] for c in quarter.columns])
    table = pd.DataFrame({"phased": phased}, index=data.index)
    if year_end is not None:
        end = year_end.reindex(data.index).astype(float)
        if end.isna().any():
            raise SpecError(f"no year-end score for units {end.index[end.isna()].tolist()}")
        table["year_end"] = end
        table["year"] = yw["phased"] * phased + yw["year_end"] * end
    else:
        table["year_end"] = np.nan
        table["year"] = np.nan
    counts = pd.Series({f"{year}Q{q}": sum(pd.Period(f"{year}-{3 * q - 2 + k:02d}", "M") in data.columns for k in range(3))
                        for q in range(1, 5)}, name="months")
    return PhasedScores(monthly=data, quarter=quarter, half=half, year=table, months=counts)
