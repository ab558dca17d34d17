"""Statistics behind trends and pilots.

- :mod:`~reformlib.stats.trend`: :func:`trend` (linear or local-linear, with bands) and
  :func:`interrupted_time_series` (segmented regression, Newey-West SEs);
- :mod:`~reformlib.stats.did`: :func:`did` (2x2 regression) and :func:`did_table`
  (Card & Krueger 1994 Table 3 layout);
- :mod:`~reformlib.stats.panel`: :func:`twfe` and :func:`event_study`, unit-clustered;
- :mod:`~reformlib.stats.plot`: :func:`plot_event_study`;
- :mod:`~reformlib.stats.pilots`: :func:`pilot_effects`, pilots against comparable units.

Every function takes DataFrames and returns tidy DataFrames (``term, estimate, std_error,
statistic, p_value, ci_low, ci_high, n``) or a frozen result holding several; none prints,
shows a figure or changes its inputs. Bad arguments raise :class:`reformlib.errors.SpecError`
(a ``ValueError``) naming the argument and value.
"""
from __future__ import annotations

from reformlib.stats.did import did, did_table
from reformlib.stats.panel import event_study, twfe
from reformlib.stats.pilots import KIND_GROUPS, PILOT_STATUSES, comparison_units, pilot_effects
from reformlib.stats.plot import EVENT_STUDY_LABELS_EN, EVENT_STUDY_LABELS_ZH, plot_event_study
from reformlib.stats.trend import (
    ITSResult, TrendResult, interrupted_time_series, newey_west_lags, trend,
)

__all__ = [
    "EVENT_STUDY_LABELS_EN", "EVENT_STUDY_LABELS_ZH", "ITSResult", "KIND_GROUPS",
    "PILOT_STATUSES", "TrendResult", "comparison_units", "did", "did_table", "event_study",
    "interrupted_time_series", "newey_west_lags", "pilot_effects", "plot_event_study",
    "trend", "twfe",
]
