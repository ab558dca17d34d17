"""Pilots as events on the monthly panel: which indicators each pilot targets, which pilots
have enough months since their start, when each unit was first treated, and the event
study of pilot starts.

Model step: the pilot (试点) part of the evaluation, beside :mod:`reformlib.stats.pilots`
(the difference-in-differences effect of each pilot against comparable units). The event
study follows the usual leads-and-lags design on the panel of territorial units
(:func:`reformlib.stats.event_study`; Freyaldenhoven, Hansen, Pérez & Shapiro 2021, NBER WP
29170): a unit is treated from the month its first pilot on the indicator starts, units
without such a pilot are the never-treated comparison.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from reformlib.data.periods import as_month
from reformlib.data.schemas import require_columns
from reformlib.errors import SpecError
from reformlib.stats.panel import event_study

__all__ = ["first_treated", "pilot_event_study", "pilot_targets"]

_PILOT_COLUMNS = ("unit", "start", "target_indicators")


def _start_months(start: pd.Series) -> pd.Series:
    """Start months as ``Period[M]`` from months, dates, date text or month ordinals (integers),
    as :func:`reformlib.stats.pilot_effects` reads them; missing stays missing."""
    if isinstance(start.dtype, pd.PeriodDtype):
        return start.dt.asfreq("M")
    if pd.api.types.is_integer_dtype(start.dtype):
        return pd.Series(pd.PeriodIndex.from_ordinals(start.to_numpy("int64"), freq="M"), index=start.index)
    try:
        return pd.to_datetime(start).dt.to_period("M")
    except (ValueError, TypeError) as exc:
        raise SpecError(f"pilots['start'] must hold months (Period[M] or dates): {exc}") from exc


def pilot_targets(
    pilots: pd.DataFrame,
    *,
    month: str | pd.Period | None = None,
    min_months: int = 1,
    pilot_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per pilot and indicator it targets (``target_indicators`` split at ``;``),
    with the pilot's columns, ``indicator`` and ``start_month`` (``Period[M]``); ``pilot_id``
    and ``unit`` as text (``pilot_id`` is the row label when the column is absent).

    With ``month``, only pilots started early enough to have ``min_months`` months from
    their start month to ``month`` (both counted). With ``pilot_ids``, only those pilots, in
    that order; otherwise in the order of ``pilots``. Pilots without a target are left out.

    >>> targets = pilot_targets(rl.load_pilots(), month="2017-09", min_months=3,
    ...                         pilot_ids=["P001", "P003"])  # doctest: +SKIP
    >>> targets[["pilot_id", "unit", "indicator", "start_month"]]  # doctest: +SKIP
    """
    require_columns(pilots, _PILOT_COLUMNS, name="pilots")
    if not isinstance(min_months, int) or isinstance(min_months, bool) or min_months < 1:
        raise SpecError(f"min_months must be a positive integer, got {min_months!r}")
    ids = pilots["pilot_id"] if "pilot_id" in pilots else pd.Series(pilots.index, index=pilots.index)
    frame = pilots.assign(pilot_id=ids.astype(str), unit=pilots["unit"].astype(str),
                          start_month=_start_months(pilots["start"]),
                          indicator=pilots["target_indicators"].fillna("").astype(str).str.split(";"))
    if pilot_ids is not None:
        ids = [str(p) for p in ([pilot_ids] if isinstance(pilot_ids, str) else pilot_ids)]
        unknown = sorted(set(ids) - set(frame["pilot_id"]))
        if unknown:
            raise SpecError(f"pilot_ids has unknown pilot(s) {unknown}")
        frame = frame.set_index("pilot_id").loc[ids].reset_index()
    if month is not None:
        last = as_month(month) - (min_months - 1)
        frame = frame.loc[frame["start_month"].notna() & (frame["start_month"] <= last)]
    frame = frame.explode("indicator").assign(indicator=lambda f: f["indicator"].str.strip())
    return frame.loc[frame["indicator"] != ""].reset_index(drop=True)


def first_treated(pilots: pd.DataFrame, *, indicator: str) -> pd.Series:
    """Per unit with a pilot targeting ``indicator``, the month its first such pilot started
    (``Period[M]``, index ``unit``); units without one are absent (never treated).

    >>> first_treated(rl.load_pilots(), indicator="gov_debt_ratio")  # doctest: +SKIP
    """
    if not isinstance(indicator, str) or not indicator:
        raise SpecError(f"indicator must be an indicator code, got {indicator!r}")
    targets = pilot_targets(pilots)
    hits = targets.loc[targets["indicator"] == indicator]
    return hits.groupby("unit")["start_month"].min().rename("first_treated")


def pilot_event_study(
    observations: pd.DataFrame,
    pilots: pd.DataFrame,
    units: pd.DataFrame,
    *,
    indicator: str,
    window: tuple[int, int] = (-6, 6),
    reference: int = -1,
    cov_type: Literal["auto", "driscoll_kraay", "cluster"] = "auto",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Leads and lags of ``indicator`` around the start of the pilots that target it, on the
    territorial units (``units.territorial``), as :func:`reformlib.stats.event_study` returns
    them (one tidy row per event time, with the joint pre-trend test). The nine territorial
    units are too few clusters for clustered errors: ``cov_type="auto"`` then uses
    Driscoll-Kraay errors (``"cluster"`` is refused below :data:`reformlib.stats.MIN_CLUSTERS`).

    >>> es = pilot_event_study(obs, pilots, units, indicator="gov_debt_ratio")  # doctest: +SKIP
    >>> rl.plot_event_study(es, lang="en")  # doctest: +SKIP
    """
    require_columns(observations, ("unit", "indicator", "period", "value"), name="observations")
    require_columns(units, ("unit", "territorial"), name="units")
    if indicator not in set(observations["indicator"]):
        raise SpecError(f"indicator {indicator!r} has no observations")
    first = first_treated(pilots, indicator=indicator)
    if first.empty:
        raise SpecError(f"no pilot targets indicator {indicator!r}")
    territorial = set(units.loc[units["territorial"].astype(bool), "unit"].astype(str))
    panel = observations.loc[(observations["indicator"] == indicator)
                             & observations["unit"].astype(str).isin(territorial)]
    panel = panel.assign(unit=panel["unit"].astype(str))
    panel = panel.assign(first_treated=panel["unit"].map(first))
    return event_study(panel, outcome="value", unit="unit", period="period", first_treated="first_treated",
                       window=window, reference=reference, cov_type=cov_type, alpha=alpha)
