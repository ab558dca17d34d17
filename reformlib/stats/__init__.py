"""Statistics behind trends and pilots.

- :mod:`~reformlib.stats.trend`: :func:`trend` (linear or local-linear, with bands) and
  :func:`interrupted_time_series` (segmented regression, Newey-West SEs);
- :mod:`~reformlib.stats.did`: :func:`did` (2x2 regression) and :func:`did_table`
  (Card & Krueger 1994 Table 3 layout);
- :mod:`~reformlib.stats.panel`: :func:`twfe` and :func:`event_study`, unit-clustered;
- :mod:`~reformlib.stats.pilots`: :func:`pilot_effects`, pilots against comparable units;
- :mod:`~reformlib.stats.pilot_events`: :func:`pilot_targets` (a row per pilot and target
  indicator), :func:`first_treated` and :func:`pilot_event_study` (leads and lags of pilot starts).

Every function takes DataFrames and returns tidy DataFrames (``term, estimate, std_error,
statistic, p_value, ci_low, ci_high, n``) or a frozen result holding several; none prints,
shows a figure or changes its inputs. Bad arguments raise :class:`reformlib.errors.SpecError`
(a ``ValueError``) naming the argument and value. The event-study figure is drawn by
:func:`reformlib.report.plots.plot_event_study` (reachable here until 0.3, with a
DeprecationWarning).

May import: numpy, pandas, scipy, statsmodels, :mod:`reformlib.data` and
:mod:`reformlib.errors`; nothing from the model, tasks, report or briefs.
"""
from __future__ import annotations

import warnings

from reformlib.stats.did import did, did_table
from reformlib.stats.panel import event_study, twfe
from reformlib.stats.pilot_events import first_treated, pilot_event_study, pilot_targets
from reformlib.stats.pilots import KIND_GROUPS, PILOT_STATUSES, comparison_units, pilot_effects
from reformlib.stats.trend import (
    ITSResult,
    TrendResult,
    interrupted_time_series,
    newey_west_lags,
    trend,
)

__all__ = [
    "ITSResult", "KIND_GROUPS",
    "PILOT_STATUSES", "TrendResult", "comparison_units", "did", "did_table", "event_study",
    "first_treated", "interrupted_time_series", "newey_west_lags", "pilot_effects", "pilot_event_study",
    "pilot_targets", "trend", "twfe",
]

_MOVED = ("plot_event_study", "EVENT_STUDY_LABELS_ZH", "EVENT_STUDY_LABELS_EN")


def __getattr__(name: str):
    if name in _MOVED:
        from reformlib.report import plots  # deprecated alias only: stats itself never imports report

        warnings.warn(f"reformlib.stats.{name} moved to reformlib.report.plots (removed here in 0.3)",
                      DeprecationWarning, stacklevel=2)
        return getattr(plots, name)
    raise AttributeError(f"module 'reformlib.stats' has no attribute {name!r}")
