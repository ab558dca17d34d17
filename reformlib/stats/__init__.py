"""Statistics behind trends and pilots: trends, interrupted time series, DiD, TWFE, event studies.

Every function takes DataFrames and returns tidy DataFrames (or a frozen result holding
several); none prints or shows a figure. See the module docstrings for the references.
"""
from __future__ import annotations

from reformlib.stats.did import did, did_table
from reformlib.stats.trend import ITSResult, TrendResult, interrupted_time_series, trend

__all__ = ["ITSResult", "TrendResult", "did", "did_table", "interrupted_time_series", "trend"]
