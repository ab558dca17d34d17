"""Task ledger step 3: oversight of reform documents and inspection problems.

- :func:`document_timeliness`: reform documents issued on time and early. The source
  document counts documents issued "six months before the deadline" (提前半年出台): issued
  on or before the due date minus six calendar months. On the demonstration data 74 of
  the 121 documents are early, as in the document.
- :func:`inspection_ageing`: inspection problems (督察整改) open and rectified as of the
  end of a month, with the days each has been open, buckets 0-30 / 31-90 / >90 days, and
  whether an open problem is past its rectification deadline (``due_on``).
- :func:`check_known_units`: refuse a table (pilots, inspections, documents) naming a unit
  that is not in the unit list.
Only what happened by the end of the month counts: later issue or rectification dates are
treated as not yet happened.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from reformlib.data.periods import month_end
from reformlib.errors import DataValidationError, Problem

BUCKETS = ("0-30", "31-90", ">90")



def check_known_units(frame: pd.DataFrame, units: pd.DataFrame, *, column: str = "unit", path: str = "<pilots>") -> None:
    """Raise :class:`DataValidationError` naming every row whose ``column`` is not a known unit."""
    if column not in frame.columns:
        raise DataValidationError(path, [Problem(None, column, "required column is missing")])
    known = set(units["unit"].astype(str))
    bad = np.flatnonzero(~frame[column].astype(str).isin(known).to_numpy())
    if len(bad):
        raise DataValidationError(path, [Problem(int(i) + 1, column, "unknown unit", frame[column].iloc[i]) for i in bad])


def _check_dates(frame: pd.DataFrame, later: str, earlier: str, path: str) -> None:
    bad = np.flatnonzero((frame[later] < frame[earlier]).to_numpy())
    if len(bad):
        raise DataValidationError(path, [Problem(int(i) + 1, later, f"before {earlier}", str(frame[later].iloc[i].date()))
                                         for i in bad])


def document_timeliness(documents: pd.DataFrame, month: str | pd.Period = "2017-12", *, early_months: int = 6) -> pd.DataFrame:
    """Per document as of the end of ``month``: ``issued``, ``on_time`` (issued by the due
    date), ``early`` (issued at least ``early_months`` calendar months before it),
    ``days_before_due`` (NaN while not issued) and ``overdue`` (not issued, due date passed)."""
    if not isinstance(early_months, (int, np.integer)) or early_months < 0:
        raise ValueError(f"early_months must be a non-negative integer, got {early_months!r}")
    missing = [c for c in ("doc_id", "due", "issued_on") if c not in documents.columns]
    if missing:
        raise DataValidationError("<documents>", [Problem(None, c, "required column is missing") for c in missing])
    end = month_end(month)
    issued_on = documents["issued_on"].where(documents["issued_on"] <= end)
    issued = issued_on.notna()
    out = documents.assign(
        issued=issued, on_time=issued & (issued_on <= documents["due"]),
        early=issued & (issued_on <= documents["due"] - pd.DateOffset(months=early_months)),
        days_before_due=(documents["due"] - issued_on).dt.days.astype(float),
        overdue=~issued & (documents["due"] < end))
    return out


def document_summary(documents: pd.DataFrame, month: str | pd.Period = "2017-12", *, by: str | None = None,
                     early_months: int = 6) -> pd.DataFrame:
    """Counts and shares (percent of all documents) issued, on time, early and overdue, and
    the count reviewed by the leading group, overall or by ``by`` (e.g. ``lead_unit``)."""
    d = document_timeliness(documents, month, early_months=early_months)
    group = d[by] if by else pd.Series("all", index=d.index, name="group")
    agg = {"documents": ("doc_id", "size"), "issued": ("issued", "sum"), "on_time": ("on_time", "sum"),
           "early": ("early", "sum"), "overdue": ("overdue", "sum")}
    if "reviewed_by_group" in d.columns:
        agg["reviewed_by_group"] = ("reviewed_by_group", "sum")
    out = d.groupby(group.rename(by or "group")).agg(**agg).reset_index()
    for c in ("issued", "on_time", "early"):
        out[f"{c}_rate"] = (100 * out[c] / out["documents"]).round(1)
    return out


def inspection_ageing(inspections: pd.DataFrame, month: str | pd.Period) -> pd.DataFrame:
    """Per problem found by the end of ``month``: ``open``, ``days_open`` (to the month end
    while open, to the rectification date once rectified), ``bucket`` (of open problems:
    0-30, 31-90, >90 days; empty once rectified) and ``overdue`` (open past ``due_on``)."""
    missing = [c for c in ("problem_id", "found_on", "due_on", "rectified_on") if c not in inspections.columns]
    if missing:
        raise DataValidationError("<inspections>", [Problem(None, c, "required column is missing") for c in missing])
    _check_dates(inspections, "rectified_on", "found_on", "<inspections>")
    _check_dates(inspections, "due_on", "found_on", "<inspections>")
    end = month_end(month)
    found = inspections[inspections["found_on"] <= end]
    rectified = found["rectified_on"].where(found["rectified_on"] <= end)
    is_open = rectified.isna()
    days = (rectified.fillna(end) - found["found_on"]).dt.days
    bucket = pd.cut(days, [-1, 30, 90, np.inf], labels=list(BUCKETS)).where(is_open)
    return found.assign(open=is_open, days_open=days, bucket=bucket, overdue=is_open & (found["due_on"] < end),
                        rectified_late=~is_open & (rectified > found["due_on"])).reset_index(drop=True)


def inspection_summary(inspections: pd.DataFrame, month: str | pd.Period, *, by: str | None = None) -> pd.DataFrame:
    """Problems found, rectified and open (by age bucket, and past their deadline) as of the
    end of ``month``, overall or by ``by`` (``unit``, ``inspection_level``, ``category``)."""
    a = inspection_ageing(inspections, month)
    key = a[by] if by else pd.Series("all", index=a.index)
    a = a.assign(group=key.to_numpy(), rectified=~a["open"])
    out = a.groupby("group").agg(found=("problem_id", "size"), rectified=("rectified", "sum"), open=("open", "sum"),
                                 overdue=("overdue", "sum"), rectified_late=("rectified_late", "sum"))
    buckets = pd.crosstab(a["group"], a["bucket"]).reindex(index=out.index, columns=list(BUCKETS), fill_value=0)
    out = out.join(buckets.rename(columns=lambda b: f"open_{b}"))
    days = a[a["rectified"]].groupby("group")["days_open"].mean().reindex(out.index)
    out["rectification_rate"] = (100 * out["rectified"] / out["found"]).round(1)
    out["mean_days_to_rectify"] = days.round(1)
    return out.reset_index().rename(columns={"group": by or "group"})


def inspection_section(inspections: pd.DataFrame, month: str | pd.Period) -> dict:
    """The brief's ``inspections`` section: found, rectified, open, open over 90 days."""
    s = inspection_summary(inspections, month).iloc[0] if len(inspection_ageing(inspections, month)) else None
    if s is None:
        return {"available": True, "found": 0, "rectified": 0, "open": 0, "open_over_90_days": 0}
    return {"available": True, "found": int(s["found"]), "rectified": int(s["rectified"]), "open": int(s["open"]),
            "open_over_90_days": int(s["open_>90"])}
