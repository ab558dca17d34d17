"""The brief's early-warning list with its meaning stated: which rule ranks it and why
(:func:`reformlib.tasks.warning.at_risk` with ``rule="auto"``), how well that rule did on the
held-out months it can be checked on (ROC AUC with its 95 % task-bootstrap interval), and each
probability as a band beside the miss rate observed in that band on the held-out check, with
its Wilson interval (:func:`reformlib.tasks.warning.month_check`). Probability bands are shown
only for a list the fitted model ranks (:func:`shows_bands`); a list ranked by the gap to
schedule, or made in a month the model was not fitted (which it says), shows each task's
progress beside the progress its schedule expects instead, so that a simple rule's numbers
are never read as the model's. Numbers in the sentences are written by :mod:`reformlib.report.numbers`.

May import: as :mod:`reformlib.briefs`.
"""
from __future__ import annotations

import math

import pandas as pd

from reformlib.i18n import WARNING_TEXT, name_column
from reformlib.report.at_risk import schedule_cells
from reformlib.report.at_risk import shows_bands as shows_bands_of
from reformlib.report.numbers import count, number, probability
from reformlib.tasks.warning import MIN_TASKS, MonthCheck

__all__ = ["band_records", "risk_frame", "shows_bands", "warning_summary"]

#: The list's method (``at_risk``'s ``method`` column) -> its column in the held-out check.
_CHECKED_AS = {"model": "model", "baseline": "baseline", "gap_to_schedule": "gap"}


def _finite(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) or pd.isna(x) else float(x)


def band_records(check: MonthCheck, method: str) -> list[dict]:
    """Per probability band of ``method`` (``model``, ``baseline`` or ``gap``) on the held-out
    check: n snapshots, missed, observed miss rate and its Wilson 95 % interval (None when empty)."""
    rel = check.reliability[check.reliability["method"] == method]
    return [{"band": str(r.band), "n": int(r.n), "missed": int(r.missed), "observed": _finite(r.observed),
             "observed_low": _finite(r.observed_low), "observed_high": _finite(r.observed_high)}
            for r in rel.itertuples(index=False)]


def warning_summary(check: MonthCheck, table: pd.DataFrame, choice: dict, *, lang: str,
                    synthetic: bool = False) -> dict:
    """What the at-risk list's probabilities mean, for ``results.json`` (``tasks.warning``).

    ``table`` is the list (:func:`~reformlib.tasks.warning.at_risk`, ``rule="auto"``) and
    ``choice`` the rule chosen for the month (:func:`~reformlib.tasks.warning.choose_rule`).
    Fields: rule, rule_note, method (the list's: ``model``, ``baseline`` or
    ``gap_to_schedule``; None for an empty list), model_fitted (whether the model was fitted
    for the month), checked (a held-out check exists), n and folds_fitted of the check, auc
    with auc_low/auc_high of the method used, the model's AUC difference to the gap rule with
    its interval, bands (:func:`band_records`) and text (the sentences shown beside the list:
    the bands' meaning and observed rates only when the list shows bands, :func:`shows_bands`)."""
    words = WARNING_TEXT[lang]
    rule = choice["rule"]
    method = str(table["method"].iloc[0]) if len(table) else ("gap_to_schedule" if rule == "gap" else "model")
    fitted = bool((table["model_method"] == "model").all()) if len(table) else None
    checked_as = _CHECKED_AS[method]
    m = check.metrics[check.metrics["horizon"] == "all"].set_index("method")
    checked = checked_as in m.index
    note = str(table["rule_note"].iloc[0]) if len(table) else str(choice[f"reason_{lang}"])
    out = {"rule": rule, "rule_note": note, "method": method if len(table) else None, "model_fitted": fitted,
           "checked": checked, "n": int(m.at[checked_as, "n"]) if checked else 0,
           "folds_fitted": int(m.at[checked_as, "folds_fitted"]) if checked else 0,
           "auc": None, "auc_low": None, "auc_high": None,
           "difference": _finite(choice.get("difference")), "difference_low": _finite(choice.get("low")),
           "difference_high": _finite(choice.get("high")), "bands": band_records(check, checked_as) if checked else []}
    if checked:
        out.update({k: _finite(m.at[checked_as, k]) for k in ("auc", "auc_low", "auc_high")})
    bands = shows_bands(out["method"])
    if fitted is False and not checked:  # a list ranked by the gap alone: said once, plainly
        out["text"] = ("" if lang == "zh" else " ").join(
            [words["unfitted_plain"].format(min_tasks=MIN_TASKS)] + ([words["synthetic"]] if synthetic else []))
        return out
    parts = [words["meaning" if bands else "meaning_gap"]]
    if fitted is False:
        parts.append(words["unfitted_gap"].format(min_tasks=MIN_TASKS))
    parts.append(note)
    if checked and out["auc"] is not None:
        parts.append(words["checked"].format(n=number(out["n"]), auc=number(out["auc"], decimals=3),
                                             low=number(out["auc_low"], decimals=3),
                                             high=number(out["auc_high"], decimals=3)))
        items = [words["band_item"].format(band=b["band"], observed=probability(b["observed"]),
                                           low=probability(b["observed_low"]), high=probability(b["observed_high"]),
                                           n=number(b["n"]) if lang == "zh" else count(b["n"], "snapshot", lang))
                 if b["n"] else words["band_empty"].format(band=b["band"]) for b in out["bands"]]
        if bands:
            parts.append(words["bands"].format(items=words["sep"].join(items)))
    else:
        parts.append(words["unchecked" if bands else "unchecked_gap"])
    if synthetic:
        parts.append(words["synthetic"])
    out["text"] = ("" if lang == "zh" else " ").join(parts)
    return out


def shows_bands(method: str | None) -> bool:
    """Whether the at-risk list ranked by ``method`` (``tasks.warning.method``) shows its
    probabilities as bands: only when the fitted model ranks it (``"model"``), never for the
    gap to schedule (``"gap_to_schedule"``) nor the baseline a month without a fitted model
    falls back to (``"baseline"``)."""
    return method == "model"


def risk_frame(records: list[dict], *, lang: str = "zh", units: pd.DataFrame | None = None) -> pd.DataFrame:
    """The at-risk list as the page shows it: task, lead unit by name, then either the
    probability's band and the miss rate observed in that band on the held-out check (with
    its interval), when the records carry bands (a list the fitted model ranks), or the
    task's progress, the progress its schedule expects by the month's end and the gap between
    them (:func:`reformlib.report.at_risk.schedule_cells`); and why."""
    words = WARNING_TEXT[lang]
    names = units.set_index("unit")[name_column(lang)] if units is not None else pd.Series(dtype=str)
    if not shows_bands_of(records):
        head = ["title", "lead_unit", words["progress_col"], words["expected_col"], words["gap_col"], "reason"]
        return pd.DataFrame([[r["title"], r.get("lead_name") or str(names.get(r["lead_unit"], r["lead_unit"])),
                              *schedule_cells(r, lang), r["reason"]] for r in records], columns=head)
    head = ["title", "lead_unit", words["band_col"], words["observed_col"], "reason"]
    rows = []
    for r in records:
        seen = r.get("band_observed")
        cell = (words["observed_cell"].format(observed=probability(seen), low=probability(r["band_observed_low"]),
                                              high=probability(r["band_observed_high"])) if seen is not None else "")
        rows.append([r["title"], r.get("lead_name") or str(names.get(r["lead_unit"], r["lead_unit"])), r.get("band", ""),
                     cell, r["reason"]])
    return pd.DataFrame(rows, columns=head)
