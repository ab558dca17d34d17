"""Trends of indicators over monthly periods, and interrupted time series around a reform.

Model step: describing an indicator's course per unit before the reform-effect step.
- :func:`trend` fits a straight line per unit (OLS) or a local-linear kernel smoother
  (Fan & Gijbels 1996, *Local Polynomial Modelling*, ch. 3) with pointwise confidence bands.
- :func:`interrupted_time_series` is segmented regression
  ``y ~ time + post + time_since_reform`` (Wagner, Soumerai, Zhang & Ross-Degnan 2002,
  *J Clin Pharm Ther* 27: 299-309) with AR(1) errors by GLS and a parametric bootstrap of
  the t statistics (:mod:`reformlib.stats.serial`); Newey & West (1987) HAC errors on request.
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
from reformlib.stats.serial import ar1_bootstrap, ar1_gls

__all__ = ["ITS_COV_TYPES", "TrendResult", "ITSResult", "trend", "interrupted_time_series", "newey_west_lags"]

#: The error models of :func:`interrupted_time_series`, the default first.
ITS_COV_TYPES: tuple[str, ...] = ("ar1_bootstrap", "ar1_gls", "HAC", "nonrobust")


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
    cov_type: Literal["ar1_bootstrap", "ar1_gls", "HAC", "nonrobust"] = "ar1_bootstrap",
    seasonal: bool = False,
    n_boot: int = 199,
    seed: int = 20171231,
    alpha: float = 0.05,
) -> ITSResult:
    """Segmented regression of one unit's indicator around ``reform_date``.

    ``value ~ time + post + time_since_reform [+ C(month)]`` where ``time`` counts months
    from the first observation, ``post`` is 1 from the reform month on and
    ``time_since_reform`` is ``max(0, month - reform month)``. ``level_change`` is the jump
    at the reform month, ``slope_change`` the change in the monthly slope. ``seasonal=True``
    adds calendar-month dummies. ``cov_type`` names the error model, and every table says which
    was used (column ``cov_type``, with the autocorrelation ``rho`` for the AR(1) models):

    - ``"ar1_bootstrap"`` (default): AR(1) errors, GLS with the autocorrelation estimated by
      REML; p-values and intervals of ``level_change`` and ``slope_change`` from a parametric
      bootstrap (``n_boot`` draws, ``seed``) of their t statistics under the null
      (:func:`reformlib.stats.serial.ar1_bootstrap`). In ``bench/bench_calibrate.py`` (24
      and 60 months, AR(1) 0, 0.3 and 0.6, runs of 150 replications with a Monte Carlo
      standard error of 1.8 points) it rejected a true null 2.0-10.7 % of the time at 5 %;
      pooled over two runs, 4.3 %, 5.7 % and 7.3 % on 24 months at AR(1) 0, 0.3 and 0.6,
      where Newey-West rejected 13-36 %. Needs consecutive months.
    - ``"ar1_gls"``: the same GLS with t on ``n - k - 1`` degrees of freedom, no bootstrap
      (rejects 8-13 % on 24 months: the estimated autocorrelation's own noise is ignored).
    - ``"HAC"``: OLS with Newey-West errors, ``hac_lags`` lags (default
      :func:`newey_west_lags`), small-sample factor n/(n-k), t on n-k degrees of freedom.
      On 24 months it rejected 13-36 % of true nulls at AR(1) 0-0.6, on 60 months 11-28 %:
      read its intervals as a lower bound on the uncertainty.
    - ``"nonrobust"``: OLS, independent errors.
    """
    alpha = check_alpha(alpha)
    if not isinstance(unit, str):
        raise SpecError(f"unit must be a single unit code (str), got {unit!r}")
    if cov_type not in ITS_COV_TYPES:
        raise SpecError(f"cov_type must be one of {ITS_COV_TYPES}, got {cov_type!r}")
    if hac_lags is not None and (not isinstance(hac_lags, (int, np.integer)) or hac_lags < 0):
        raise SpecError(f"hac_lags must be a non-negative integer, got {hac_lags!r}")
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
    if cov_type.startswith("ar1"):
        return _its_ar1(data, model, cov_type=cov_type, n_boot=n_boot, seed=seed, alpha=alpha,
                        meta={"indicator": indicator, "unit": unit})
    if cov_type == "HAC":
        lags = newey_west_lags(len(data)) if hac_lags is None else hac_lags
        result = model.fit(cov_type="HAC", use_t=True,
                           cov_kwds={"maxlags": int(lags), "use_correction": True})
    else:
        result = model.fit()
    effects = tidy(result, alpha=alpha,
                   terms={"post": "level_change", "time_since_reform": "slope_change"})
    no_reform = data.assign(post=0, time_since_reform=0)
    used = f"HAC({int(lags)})" if cov_type == "HAC" else cov_type
    meta = {"indicator": indicator, "unit": unit, "cov_type": used, "rho": np.nan}
    return ITSResult(
        effects=effects.assign(**meta),
        coefficients=tidy(result, alpha=alpha).assign(**meta),
        fitted=_its_fitted(data, result.fittedvalues.to_numpy(), np.asarray(result.predict(no_reform))),
    )


def _its_fitted(data: pd.DataFrame, fitted: np.ndarray, counterfactual: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({
        "period": ordinal_to_period(data["_t"]), "value": data["value"].to_numpy(), "fitted": fitted,
        "counterfactual": counterfactual, "post": data["post"].astype(bool).to_numpy(),
    }).assign(indicator=data["indicator"].iloc[0], unit=data["unit"].iloc[0])


def _its_ar1(data: pd.DataFrame, model, *, cov_type: str, n_boot: int, seed: int, alpha: float,
             meta: dict) -> ITSResult:
    """The segmented regression with AR(1) errors (see :func:`interrupted_time_series`)."""
    if not np.array_equal(np.diff(data["_t"].to_numpy()), np.ones(len(data) - 1)):
        raise SpecError(f"cov_type={cov_type!r} needs consecutive months; unit {meta['unit']!r} has gaps in "
                        f"{meta['indicator']!r} (use cov_type='HAC')")
    if not isinstance(n_boot, int) or n_boot < 19:
        raise SpecError(f"n_boot must be an integer of at least 19, got {n_boot!r}")
    names = tuple(model.exog_names)
    fit = ar1_gls(model.endog, model.exog, names=names)
    coefficients = fit.table(alpha=alpha)
    effects = fit.table(alpha=alpha, terms={"post": "level_change", "time_since_reform": "slope_change"})
    if cov_type == "ar1_bootstrap":
        rng = np.random.default_rng(seed)
        rows = [ar1_bootstrap(model.endog, model.exog, names.index(term), n_boot=n_boot, alpha=alpha, rng=rng)
                for term in ("post", "time_since_reform")]
        cols = ["estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"]
        effects[cols] = pd.DataFrame(rows)[cols].to_numpy()
    used = f"{cov_type}(n_boot={n_boot})" if cov_type == "ar1_bootstrap" else cov_type
    extra = {**meta, "cov_type": used, "rho": fit.rho}
    exog0 = model.exog.copy()
    exog0[:, [names.index("post"), names.index("time_since_reform")]] = 0
    return ITSResult(effects=effects.assign(**extra), coefficients=coefficients.assign(**extra),
                     fitted=_its_fitted(data, model.exog @ fit.params, exog0 @ fit.params))
