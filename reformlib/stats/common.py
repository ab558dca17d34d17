"""Shared plumbing of the statistics step: argument checks, month arithmetic, tidy tables.

Every estimator in :mod:`reformlib.stats` returns statsmodels results as tidy tables
(one row per term, columns ``term, estimate, std_error, statistic, p_value, ci_low,
ci_high, n``), following the "tidy" convention of the ``broom`` package; the helpers
that build those tables and check arguments live here.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from reformlib.errors import SpecError

#: Column order of every coefficient table.
TIDY_COLUMNS: tuple[str, ...] = (
    "term", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high", "n",
)

#: Columns a long observation table must carry (see the data contract).
OBSERVATION_COLUMNS: tuple[str, ...] = ("unit", "indicator", "period", "value")


def require_frame(frame: object, *, name: str) -> pd.DataFrame:
    """Return ``frame`` if it is a non-empty DataFrame, else raise naming ``name``."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    if frame.empty:
        raise SpecError(f"{name} is empty")
    return frame


def require_columns(frame: pd.DataFrame, columns: Iterable[str], *, name: str) -> None:
    """Raise :class:`SpecError` listing every column of ``columns`` missing from ``frame``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SpecError(
            f"{name} lacks column(s) {missing}; it has {list(map(str, frame.columns))}"
        )


def as_list(value: str | Sequence[str] | None, *, name: str) -> list[str] | None:
    """Normalise a code or list of codes to a list of ``str`` (``None`` stays ``None``)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    out = list(value)
    if not out or not all(isinstance(v, str) for v in out):
        raise SpecError(f"{name} must be a code (str) or a non-empty list of codes, got {value!r}")
    return out


def check_known(values: Sequence[str], known: Iterable[object], *, name: str) -> None:
    """Raise :class:`SpecError` naming every value of ``values`` not in ``known``."""
    known_set = {str(k) for k in known}
    unknown = [v for v in values if v not in known_set]
    if unknown:
        sample = sorted(known_set)[:20]
        raise SpecError(f"unknown {name} {unknown}; known values include {sample}")


def month_ordinal(values: pd.Series | pd.Index, *, name: str) -> pd.Series:
    """Months as integers (pandas Period ordinals, months since 1970-01).

    Accepts Period[M], datetime64 or date-like strings; integer columns, and float columns of
    whole numbers (an integer column with missing values), are taken to be month numbers
    already. Missing values stay missing (``<NA>``).
    """
    s = pd.Series(values)
    if isinstance(s.dtype, pd.PeriodDtype):
        s = s.dt.asfreq("M")
        out = pd.Series(s.array.asi8, index=s.index, dtype="int64")
        return out.where(s.notna()).astype("Int64")
    if pd.api.types.is_integer_dtype(s.dtype):
        return s.astype("Int64")
    if pd.api.types.is_float_dtype(s.dtype):   # whole numbers with gaps for missing, not timestamps
        whole = s.dropna()
        if not (whole % 1 == 0).all():
            raise SpecError(f"{name} holds fractional numbers; give months (Period[M], dates) or whole month numbers")
        return s.astype("Int64")
    try:
        ts = pd.to_datetime(s)
    except (ValueError, TypeError) as exc:
        raise SpecError(f"{name} must hold months (Period[M] or dates): {exc}") from exc
    per = ts.dt.to_period("M")
    out = pd.Series(per.array.asi8, index=s.index, dtype="int64")
    return out.where(ts.notna()).astype("Int64")


def one_month(value: object, *, name: str) -> int:
    """A single month (Period, date, ``"2017-03"``) as its Period ordinal."""
    try:
        return pd.Period(value, freq="M").ordinal
    except (ValueError, TypeError) as exc:
        raise SpecError(f"{name} must be a month or date, got {value!r}") from exc


def ordinal_to_period(ordinals: pd.Series | np.ndarray) -> pd.Series:
    """Inverse of :func:`month_ordinal`: integers back to a Period[M] series."""
    return pd.Series(pd.PeriodIndex.from_ordinals(np.asarray(ordinals, dtype="int64"), freq="M"))


def check_not_constant(y: pd.Series, *, name: str, where: str = "") -> None:
    """Raise if the outcome has fewer than two distinct values (nothing to estimate)."""
    if y.nunique(dropna=True) < 2:
        first = y.dropna().iloc[0] if y.notna().any() else None
        raise SpecError(f"{name} is constant{where} (value {first!r}); no effect can be estimated")


def tidy(result, *, alpha: float, terms: dict[str, str] | None = None) -> pd.DataFrame:
    """A fitted statsmodels result as a tidy table.

    ``terms`` maps the model's term names to the names to report and keeps only those
    (in that order); without it every term is reported under its own name.
    """
    ci = result.conf_int(alpha=alpha)
    frame = pd.DataFrame({
        "term": result.params.index,
        "estimate": result.params.to_numpy(),
        "std_error": result.bse.to_numpy(),
        "statistic": result.tvalues.to_numpy(),
        "p_value": result.pvalues.to_numpy(),
        "ci_low": np.asarray(ci)[:, 0],
        "ci_high": np.asarray(ci)[:, 1],
        "n": int(result.nobs),
    })
    if terms is not None:
        frame = (frame.set_index("term").loc[list(terms)].rename(index=terms)
                 .rename_axis("term").reset_index())
    return frame.loc[:, list(TIDY_COLUMNS)].reset_index(drop=True)


def check_alpha(alpha: float) -> float:
    """Raise unless ``0 < alpha < 1``."""
    if not 0 < alpha < 1:
        raise SpecError(f"alpha must lie strictly between 0 and 1, got {alpha!r}")
    return float(alpha)


def select_series(
    observations: pd.DataFrame,
    *,
    indicator: str,
    unit: str | Sequence[str] | None,
) -> pd.DataFrame:
    """Rows of one indicator (and the given units) with a month ordinal column ``_t``.

    Rows with a missing value are dropped; the caller reports ``n``.
    """
    require_frame(observations, name="observations")
    require_columns(observations, OBSERVATION_COLUMNS, name="observations")
    if not isinstance(indicator, str):
        raise SpecError(f"indicator must be one indicator code (str), got {indicator!r}")
    check_known([indicator], observations["indicator"].astype(str).unique(), name="indicator")
    rows = observations.loc[observations["indicator"].astype(str) == indicator]
    units = as_list(unit, name="unit")
    if units is not None:
        check_known(units, rows["unit"].astype(str).unique(), name=f"unit for indicator {indicator!r}")
        rows = rows.loc[rows["unit"].astype(str).isin(units)]
    rows = rows.assign(
        unit=rows["unit"].astype(str),
        value=pd.to_numeric(rows["value"], errors="coerce").astype(float),
        _t=month_ordinal(rows["period"], name="observations['period']").to_numpy(),
    )
    rows = rows.dropna(subset=["value", "_t"])
    if rows.empty:
        raise SpecError(f"indicator {indicator!r} has no non-missing values for unit {unit!r}")
    return rows.astype({"_t": "int64"}).sort_values(["unit", "_t"]).reset_index(drop=True)
