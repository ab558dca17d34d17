"""Statistics behind trends and pilots.

- :mod:`~reformlib.stats.trend`: :func:`trend` (linear or local-linear, with bands) and
  :func:`interrupted_time_series` (segmented regression, AR(1) errors by GLS with a
  bootstrap; :mod:`~reformlib.stats.serial` holds that error model);
- :mod:`~reformlib.stats.did`: :func:`did` (2x2 regression) and :func:`did_table`
  (Card & Krueger 1994 Table 3 layout);
- :mod:`~reformlib.stats.panel`: :func:`twfe` and :func:`event_study` (clustered, Driscoll-Kraay
  or wild cluster bootstrap; joint pre-trend test);
- :mod:`~reformlib.stats.staggered`: :func:`imputation_effects` (Borusyak-Jaravel-Spiess) and
  :func:`staggered_weights` (the TWFE weights under staggered adoption);
- :mod:`~reformlib.stats.inference`: when clustered errors are refused, the wild cluster
  bootstrap, :func:`p_adjust` (Holm, Benjamini-Hochberg);
- :mod:`~reformlib.stats.placebo`: the gap series and randomisation inference for one treated unit;
- :mod:`~reformlib.stats.pilots`: :func:`pilot_effects`, pilots against comparable units;
- :mod:`~reformlib.stats.pilot_events`: :func:`pilot_targets` (a row per pilot and target
  indicator), :func:`first_treated` and :func:`pilot_event_study` (leads and lags of pilot starts).

Every function takes DataFrames and returns tidy DataFrames (``term, estimate, std_error,
statistic, p_value, ci_low, ci_high, n``) or a frozen result holding several; none prints,
shows a figure or changes its inputs. Bad arguments raise :class:`reformlib.errors.SpecError`
(a ``ValueError``) naming the argument and value. The event-study figure is drawn by
:func:`reformlib.report.plots.plot_event_study` (reachable here until 0.3, with a
DeprecationWarning).

May import: numpy, pandas, scipy, statsmodels, wildboottest, :mod:`reformlib.data` and
:mod:`reformlib.errors`; nothing from the model, tasks, report or briefs.
"""
from __future__ import annotations

import warnings

from reformlib.stats.did import did, did_table
from reformlib.stats.inference import MIN_CLUSTERS, MIN_TREATED_CLUSTERS, p_adjust
from reformlib.stats.panel import event_study, twfe
from reformlib.stats.pilot_events import first_treated, pilot_event_study, pilot_targets
from reformlib.stats.pilots import KIND_GROUPS, PILOT_COV_TYPES, PILOT_STATUSES, comparison_units, pilot_effects
from reformlib.stats.placebo import randomization_test
from reformlib.stats.staggered import StaggeredAdoptionWarning, imputation_effects, staggered_weights
from reformlib.stats.trend import (
    ITS_COV_TYPES,
    ITSResult,
    TrendResult,
    interrupted_time_series,
    newey_west_lags,
    trend,
)

__all__ = [
    "ITSResult", "ITS_COV_TYPES", "KIND_GROUPS", "MIN_CLUSTERS", "MIN_TREATED_CLUSTERS",
    "PILOT_COV_TYPES", "PILOT_STATUSES", "StaggeredAdoptionWarning", "TrendResult", "comparison_units", "did",
    "did_table", "event_study", "first_treated", "imputation_effects", "interrupted_time_series",
    "newey_west_lags", "p_adjust", "pilot_effects", "pilot_event_study", "pilot_targets",
    "randomization_test", "staggered_weights", "trend", "twfe",
]

_MOVED = ("plot_event_study", "EVENT_STUDY_LABELS_ZH", "EVENT_STUDY_LABELS_EN")


def __getattr__(name: str):
    if name in _MOVED:
        from reformlib.report import plots  # deprecated alias only: stats itself never imports report

        warnings.warn(f"reformlib.stats.{name} moved to reformlib.report.plots (removed here in 0.3)",
                      DeprecationWarning, stacklevel=2)
        return getattr(plots, name)
    raise AttributeError(f"module 'reformlib.stats' has no attribute {name!r}")
