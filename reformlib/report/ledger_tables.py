"""Display tables and sentences of the task ledger (publication step): completion and on-time
rates, reform documents, inspection problems, the early warning's check and its list of tasks
at risk.

Each function takes a frame the task-ledger analytics return (:mod:`reformlib.tasks`:
``completion_rates``, ``document_summary``, ``inspection_summary``, ``validate(...).metrics``,
``at_risk``) and gives it headers, values and sentences in ``lang``; it computes nothing
new. The words are in :mod:`reformlib.i18n` (``LEDGER_TEXT``, ``LEDGER_HEADERS``).
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from reformlib.data.periods import month_words
from reformlib.i18n import LEDGER_HEADERS, LEDGER_TEXT
from reformlib.report.frames import lookup, require_columns
from reformlib.report.notebook import words

__all__ = ["at_risk_table", "document_sentence", "inspection_table", "rates_table", "validation_table"]




def rates_table(rates: pd.DataFrame, *, lang: str = "zh", names: Mapping[str, str] | pd.Series | None = None) -> pd.DataFrame:
    """Completion and on-time rates (``tasks.ledger.completion_rates(..., per="ytd")``) with
    headers in ``lang``, the group as the index: its name when the frame has one, else its
    code put through ``names`` (e.g. leader levels in words).

    >>> rates_table(rl.completion_rates(tasks, progress, "2017-09", by="category", lang="en"), lang="en")  # doctest: +SKIP
    """
    require_columns(rates, ("tasks", "completion_rate"), name="rates")
    head = words(LEDGER_HEADERS, lang)
    group = rates.columns[0]
    if "name" in rates.columns:
        index = pd.Index(rates["name"], name=head["name"])
    else:
        index = pd.Index(rates[group].map(lookup(names)), name=head.get(group, group))
    table = rates.drop(columns=[c for c in (group, "name") if c in rates.columns]).set_axis(index)
    return table.rename(columns=head)


def document_sentence(summary: pd.DataFrame, month: str | pd.Period, *, lang: str = "zh") -> str:
    """One sentence on reform documents issued, on time, early and reviewed, from the overall
    row of ``tasks.oversight.document_summary``.

    >>> document_sentence(rl.document_summary(documents, "2017-09"), "2017-09", lang="en")  # doctest: +SKIP
    """
    cols = ("documents", "issued", "on_time", "early", "early_rate")
    row = require_columns(summary, cols, name="summary").iloc[0]
    if len(summary) != 1:
        raise ValueError(f"summary must have the one overall row of document_summary(by=None), got {len(summary)} rows")
    values = {c: int(row[c]) for c in cols[:-1]} | {"early_rate": float(row["early_rate"]),
                                                    "reviewed_by_group": int(row.get("reviewed_by_group", 0))}
    return words(LEDGER_TEXT, lang)["documents"].format(month=month_words(month, lang), **values)


def inspection_table(summary: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Inspection problems found, rectified and open by age (``tasks.oversight.inspection_summary``),
    with headers in ``lang`` and the group (in words) as the index.

    >>> inspection_table(rl.inspection_summary(inspections, "2017-09", by="inspection_level"), lang="en")  # doctest: +SKIP
    """
    require_columns(summary, ("found", "rectified", "open"), name="summary")
    head = words(LEDGER_HEADERS, lang)
    group = summary.columns[0]
    index = pd.Index(summary[group].map(lambda v: head.get(v, v)), name=head.get(group, group))
    return summary.drop(columns=group).set_axis(index).rename(columns=head)


def validation_table(metrics: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """The early warning's held-out check (``tasks.warning.validate(...).metrics``): ROC AUC and
    Brier score of the model and the baseline by horizon, with headers in ``lang``.

    >>> validation_table(warning.validate(tasks, progress).metrics, lang="en")  # doctest: +SKIP
    """
    require_columns(metrics, ("method", "horizon", "auc", "brier"), name="metrics")
    head = words(LEDGER_HEADERS, lang)
    table = metrics.assign(method=metrics["method"].map(lambda v: head.get(v, v)),
                           horizon=metrics["horizon"].map(lambda v: head.get(str(v), v)))
    return table.rename(columns=head).round(3)


def at_risk_table(flagged: pd.DataFrame, *, lang: str = "zh", names: Mapping[str, str] | pd.Series | None = None) -> pd.DataFrame:
    """The open tasks most likely to miss their deadline (``tasks.warning.at_risk``): task,
    title, lead unit (through ``names``), probability and reasons, with headers in ``lang``.

    >>> at_risk_table(rl.at_risk(tasks, progress, "2017-09", lang="en"), lang="en", names=unit_names)  # doctest: +SKIP
    """
    cols = ("task_id", "title", "lead_unit", "probability", "reason")
    require_columns(flagged, cols, name="flagged")
    table = flagged.assign(lead_unit=flagged["lead_unit"].map(lookup(names)), probability=flagged["probability"].round(2))
    return table[list(cols)].rename(columns=words(LEDGER_HEADERS, lang))
