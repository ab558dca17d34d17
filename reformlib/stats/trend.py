"""Trends of indicators over monthly periods, and interrupted time series around a reform.

Model step: describing an indicator's course per unit before the reform-effect step.
- :func:`trend` fits a straight line per unit (OLS) or a local-linear kernel smoother
  (Fan & Gijbels 1996, *Local Polynomial Modelling*, ch. 3) with pointwise confidence bands.
- :func:`interrupted_time_series` is segmented regression
  ``y ~ time + post + time_since_reform`` (Wagner, Soumerai, Zhang & Ross-Degnan 2002,
  *J Clin Pharm Ther* 27: 299-309) with Newey & West (1987) HAC standard errors.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats as sps

from reformlib.errors import SpecError
from reformlib.stats.common import (
    check_alpha,
    check_not_constant,
    one_month,
    ordinal_to_period,
    select_series,
    tidy,
)

__all__ = ["TrendResult", "ITSResult", "trend", "interrupted_time_series", "newey_west_lags"]


@dataclass(frozen=True)
class TrendResult:
    """``fitted``: unit, period, value, fitted, ci_low, ci_high (one row per observation).
    ``slopes``: the linear trend per unit and month, as a tidy row per unit."""

    fitted: pd.DataFrame
    slopes: pd.DataFrame


@dataclass(frozen=True)
class ITSResult:
    """``effects``: tidy rows ``level_change`` and ``slope_change``; ``coefficients``: every
    term; ``fitted``: period, value, fitted, counterfactual (no reform), post."""

    effects: pd.DataFrame
    coefficients: pd.DataFrame
    fitted: pd.DataFrame


def newey_west_lags(n: int) -> int:
    """Newey & West (1994) rule of thumb ``floor(4 (n/100)^(2/9))``, at least 1."""
    return max(1, int(np.floor(4 * (n / 100) ** (2 / 9))))


def _linear_fit(rows: pd.DataFrame, *, alpha: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = rows.assign(_x=rows["_t"] - rows["_t"].min())
    result = smf.ols("value ~ _x", data=data).fit()
    pred = result.get_prediction(data).summary_frame(alpha=alpha)
    fitted = pd.DataFrame({
        "fitted": pred["mean"].to_numpy(),
        "ci_low": pred["mean_ci_lower"].to_numpy(),
        "ci_high": pred["mean_ci_upper"].to_numpy(),
    })
    slope = tidy(result, alpha=alpha, terms={"_x": "slope_per_month"})
    return fitted, slope


def _local_linear(rows: pd.DataFrame, *, bandwidth: float, alpha: float) -> pd.DataFrame:
    """Gaussian-kernel local-linear fit at each observed month, with pointwise bands.

    The fit is a linear smoother ``f = L y``; its variance is ``sigma^2 * sum(l_i^2)`` with
    ``sigma^2 = RSS / (n - 2 tr L + tr L'L)`` (Fan & Gijbels 1996, sec. 4.10).
    """
    x = (rows["_t"] - rows["_t"].min()).to_numpy(dtype=float)
    y = rows["value"].to_numpy(dtype=float)
    smoother = np.empty((len(x), len(x)))
    for i, x0 in enumerate(x):
        w = np.exp(-0.5 * ((x - x0) / bandwidth) ** 2)
        design = np.column_stack([np.ones_like(x), x - x0])
        weighted = design.T * w
        smoother[i] = np.linalg.solve(weighted @ design, weighted)[0]
    fit = smoother @ y
    dof = len(x) - 2 * np.trace(smoother) + np.trace(smoother.T @ smoother)
    if dof <= 0.5:
        raise SpecError(f"bandwidth {bandwidth!r} is too small for {len(x)} months; widen it")
    sigma2 = float(np.sum((y - fit) ** 2) / dof)
    half = sps.t.ppf(1 - alpha / 2, dof) * np.sqrt(sigma2 * np.sum(smoother**2, axis=1))
    return pd.DataFrame({"fitted": fit, "ci_low": fit - half, "ci_high": fit + half})


def trend(
    observations: pd.DataFrame,
    *,
    indicator: str,
    unit: str | Sequence[str] | None = None,
    method: Literal["linear", "local"] = "linear",
    bandwidth: float = 4.0,
    alpha: float = 0.05,
) -> TrendResult:
    """Trend of one indicator per unit over monthly periods.

    ``method="linear"`` fits ``value ~ month`` per unit by OLS and draws the confidence band
    of the fitted mean; ``"local"`` draws a Gaussian-kernel local-linear curve with
    ``bandwidth`` in months. ``slopes`` always reports the linear trend per month (OLS,
    conventional SEs; multiply by 12 for a yearly change). Units default to every unit
    observed for the indicator; missing values are dropped and counted in ``n``.
    """
    alpha = check_alpha(alpha)
    if method not in ("linear", "local"):
        raise SpecError(f"method must be 'linear' or 'local', got {method!r}")
    if method == "local" and not (isinstance(bandwidth, (int, float)) and bandwidth > 0):
        raise SpecError(f"bandwidth must be a positive number of months, got {bandwidth!r}")
    rows = select_series(observations, indicator=indicator, unit=unit)
    fitted_parts, slope_parts = [], []
    for code, part in rows.groupby("unit", sort=True):
        part = part.reset_index(drop=True)
        if part["_t"].nunique() < 3:
            raise SpecError(f"unit {code!r} has {part['_t'].nunique()} month(s) of "
                            f"{indicator!r}; a trend needs at least 3")
        check_not_constant(part["value"], name=f"indicator {indicator!r}", where=f" for unit {code!r}")
        fitted, slope = _linear_fit(part, alpha=alpha)
        if method == "local":
            fitted = _local_linear(part, bandwidth=float(bandwidth), alpha=alpha)
        fitted_parts.append(pd.concat([
            pd.DataFrame({"unit": code, "period": ordinal_to_period(part["_t"]),
                          "value": part["value"]}),
            fitted,
        ], axis=1))
        slope_parts.append(slope.assign(
            unit=code,
            start=ordinal_to_period([part["_t"].min()])[0],
            end=ordinal_to_period([part["_t"].max()])[0],
        ))
    fitted_all = pd.concat(fitted_parts, ignore_index=True).assign(indicator=indicator, method=method)
    slopes = pd.concat(slope_parts, ignore_index=True).assign(indicator=indicator)
    lead = ["indicator", "unit"]
    return TrendResult(
        fitted=fitted_all[lead + [c for c in fitted_all.columns if c not in lead]],
        slopes=slopes[lead + [c for c in slopes.columns if c not in lead]],
    )


def interrupted_time_series(
    observations: pd.DataFrame,
    *,
    indicator: str,
    unit: str,
    reform_date: object,
    hac_lags: int | None = None,
    cov_type: Literal["HAC", "nonrobust"] = "HAC",
    seasonal: bool = False,
    alpha: float = 0.05,
) -> ITSResult:
    """Segmented regression of one unit's indicator around ``reform_date``.

    ``value ~ time + post + time_since_reform [+ C(month)]`` where ``time`` counts months
    from the first observation, ``post`` is 1 from the reform month on and
    ``time_since_reform`` is ``max(0, month - reform month)``. ``level_change`` is the jump
    at the reform month, ``slope_change`` the change in the monthly slope. Standard errors
    are Newey-West HAC with ``hac_lags`` lags (default :func:`newey_west_lags`) and the
    small-sample factor n/(n-k), unless ``cov_type="nonrobust"``. ``seasonal=True`` adds
    calendar-month dummies.

    With 24 months HAC intervals are too narrow: in simulations of this design the 95 %
    interval of the level change covered the truth about 84 % of the time with independent
    errors and 67 % with AR(1) errors of coefficient 0.6 (plain OLS: 94 % and 72 %).
    Read them as a lower bound on the uncertainty.
    """
    alpha = check_alpha(alpha)
    if not isinstance(unit, str):
        raise SpecError(f"unit must be a single unit code (str), got {unit!r}")
    if cov_type not in ("HAC", "nonrobust"):
        raise SpecError(f"cov_type must be 'HAC' or 'nonrobust', got {cov_type!r}")
    rows = select_series(observations, indicator=indicator, unit=unit)
    if rows["_t"].duplicated().any():
        raise SpecError(f"unit {unit!r} has more than one value of {indicator!r} in a month")
    start = one_month(reform_date, name="reform_date")
    n_pre = int((rows["_t"] < start).sum())
    n_post = int((rows["_t"] >= start).sum())
    if n_pre < 3 or n_post < 3:
        first, last = ordinal_to_period(rows["_t"].agg(["min", "max"]))
        raise SpecError(
            f"reform_date {reform_date!r} leaves {n_pre} month(s) before and {n_post} from the "
            f"reform on within {first}..{last}; at least 3 of each are needed"
        )
    check_not_constant(rows["value"], name=f"indicator {indicator!r}", where=f" for unit {unit!r}")
    data = rows.assign(
        time=rows["_t"] - rows["_t"].min(),
        post=(rows["_t"] >= start).astype(int),
        time_since_reform=(rows["_t"] - start).clip(lower=0),
        month=ordinal_to_period(rows["_t"]).dt.month.to_numpy(),
    )
    formula = "value ~ time + post + time_since_reform" + (" + C(month)" if seasonal else "")
    model = smf.ols(formula, data=data)
    if model.df_resid < 1:
        raise SpecError(f"seasonal={seasonal!r} leaves no residual degrees of freedom "
                        f"with {len(data)} months")
    if cov_type == "HAC":
        lags = newey_west_lags(len(data)) if hac_lags is None else hac_lags
        if not isinstance(lags, (int, np.integer)) or lags < 0:
            raise SpecError(f"hac_lags must be a non-negative integer, got {hac_lags!r}")
        result = model.fit(cov_type="HAC", use_t=True,
                           cov_kwds={"maxlags": int(lags), "use_correction": True})
    else:
        result = model.fit()
    effects = tidy(result, alpha=alpha,
                   terms={"post": "level_change", "time_since_reform": "slope_change"})
    no_reform = data.assign(post=0, time_since_reform=0)
    fitted = pd.DataFrame({
        "period": ordinal_to_period(data["_t"]),
        "value": data["value"],
        "fitted": result.fittedvalues.to_numpy(),
        "counterfactual": np.asarray(result.predict(no_reform)),
        "post": data["post"].astype(bool),
    })
    meta = {"indicator": indicator, "unit": unit, "cov_type": cov_type}
    return ITSResult(
        effects=effects.assign(**meta),
        coefficients=tidy(result, alpha=alpha).assign(**meta),
        fitted=fitted.assign(indicator=indicator, unit=unit),
    )
