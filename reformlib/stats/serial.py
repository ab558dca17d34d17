"""Regression with AR(1) errors by generalised least squares, the autocorrelation estimated
by restricted maximum likelihood (REML).

Model step: the error model of the short monthly series (24-60 months) behind the
interrupted time series (:func:`reformlib.stats.interrupted_time_series`) and the one-pilot
difference in differences (:func:`reformlib.stats.pilot_effects`). Newey-West errors on so
few months reject a true null far too often (11-29 % at 5 % for AR(1) coefficients 0-0.6 on
24 months); the plain maximum-likelihood or Yule-Walker estimate of the autocorrelation is
biased towards zero in short regressions with a trend, which makes feasible GLS too
confident as well. REML removes most of that bias (Cheang & Reinsel 2000, "Bias reduction of
autoregressive estimates in time series regression model through restricted maximum
likelihood", *J Time Series Analysis* 21(2): 193-217). The coefficients are GLS with the
REML autocorrelation; their t statistics use ``n - k - 1`` degrees of freedom (one spent on
the autocorrelation). ``bench/bench_calibrate.py`` prints the rejection rates this gives.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from reformlib.errors import SpecError

__all__ = ["AR1Fit", "ar1_bootstrap", "ar1_gls", "RHO_GRID"]

#: The autocorrelations searched (the REML likelihood is maximised on this grid).
RHO_GRID: np.ndarray = np.round(np.arange(-0.90, 0.951, 0.02), 2)


@dataclass(frozen=True)
class AR1Fit:
    """GLS coefficients ``params`` with covariance ``cov``, the REML autocorrelation ``rho``,
    ``df`` (residual degrees of freedom for t), ``nobs`` and the column ``names``."""

    params: np.ndarray
    cov: np.ndarray
    rho: float
    df: int
    nobs: int
    names: tuple[str, ...]

    def table(self, *, alpha: float, terms: dict[str, str] | None = None) -> pd.DataFrame:
        """Tidy rows (``term, estimate, std_error, statistic, p_value, ci_low, ci_high, n``)."""
        se = np.sqrt(np.diag(self.cov))
        stat = self.params / se
        crit = sps.t.ppf(1 - alpha / 2, self.df)
        frame = pd.DataFrame({
            "term": list(self.names), "estimate": self.params, "std_error": se, "statistic": stat,
            "p_value": 2 * sps.t.sf(np.abs(stat), self.df),
            "ci_low": self.params - crit * se, "ci_high": self.params + crit * se, "n": self.nobs,
        })
        if terms is not None:
            frame = frame.set_index("term").loc[list(terms)].rename(index=terms).rename_axis("term").reset_index()
        return frame.reset_index(drop=True)


def _whiten(a: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """``R^-1/2 a`` (the Prais-Winsten transform, scaled) of each row of ``a`` (m x n) for each
    ``rho`` (G): an m x G x n array."""
    scale = np.sqrt(1 - rho**2)[None, :, None]
    first = np.broadcast_to(a[:, None, :1], (a.shape[0], len(rho), 1))
    rest = (a[:, None, 1:] - rho[None, :, None] * a[:, None, :-1]) / scale
    return np.concatenate([first, rest], axis=2)


def _reml(Y: np.ndarray, X: np.ndarray, rho: np.ndarray) -> tuple[np.ndarray, ...]:
    """For each row of ``Y`` (B x n) and each ``rho`` (G): the REML log-likelihood (B x G),
    GLS coefficients (B x G x k), ``(X' R^-1 X)^-1`` (G x k x k) and the variance (B x G)."""
    n, k = X.shape
    Xs = _whiten(X.T, rho)                            # k x G x n
    Ys = _whiten(Y, rho)                              # B x G x n
    xtx = np.einsum("kgn,lgn->gkl", Xs, Xs)
    inv = np.linalg.inv(xtx)
    beta = np.einsum("gkl,lgn,bgn->bgk", inv, Xs, Ys)
    resid = Ys - np.einsum("kgn,bgk->bgn", Xs, beta)
    s2 = np.einsum("bgn,bgn->bg", resid, resid) / (n - k)
    logdet = (n - 1) * np.log(1 - rho**2)             # log |R|
    loglik = -0.5 * ((n - k) * np.log(s2) + logdet + np.linalg.slogdet(xtx)[1])
    return loglik, beta, inv, s2


def _best(Y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """REML fit of every row of ``Y``: rho (B), coefficients (B x k), covariance (B x k x k),
    innovation variance (B)."""
    loglik, beta, inv, s2 = _reml(Y, X, RHO_GRID)
    i = np.argmax(loglik, axis=1)
    b = np.arange(len(Y))
    return RHO_GRID[i], beta[b, i], s2[b, i][:, None, None] * inv[i], s2[b, i]


def ar1_gls(y: np.ndarray, X: np.ndarray, *, time: np.ndarray | None = None,
            names: tuple[str, ...] | None = None) -> AR1Fit:
    """Fit ``y = X b + u`` with ``u`` AR(1) over consecutive months (``time``, integers, only
    checked), ``rho`` by REML on :data:`RHO_GRID`; t with ``n - k - 1`` degrees of freedom.

    >>> fit = ar1_gls(y, np.column_stack([np.ones(24), post]), names=("const", "post"))  # doctest: +SKIP
    """
    y, X = _check(y, X, time)
    rho, beta, cov, _ = _best(y[None, :], X)
    n, k = X.shape
    return AR1Fit(params=beta[0], cov=cov[0], rho=float(rho[0]), df=n - k - 1, nobs=n,
                  names=tuple(names) if names is not None else tuple(f"x{i}" for i in range(k)))


def _check(y: np.ndarray, X: np.ndarray, time: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    n, k = X.shape
    if n - k < 3:
        raise SpecError(f"an AR(1) regression with {k} coefficients needs at least {k + 3} months, got {n}")
    if np.linalg.matrix_rank(X) < k:
        raise SpecError(f"the design of {k} columns is collinear (rank {np.linalg.matrix_rank(X)})")
    if time is not None and not np.array_equal(np.diff(np.asarray(time)), np.ones(n - 1)):
        raise SpecError("time must hold consecutive months (one per observation, no gaps)")
    return y, X


def ar1_bootstrap(y: np.ndarray, X: np.ndarray, term: int, *, n_boot: int = 199, alpha: float = 0.05,
                  rng: np.random.Generator, time: np.ndarray | None = None) -> dict:
    """GLS-AR(1) estimate of coefficient ``term`` with a parametric bootstrap of its t statistic
    under the null (MacKinnon 2009, "Bootstrap hypothesis testing", in *Handbook of
    Computational Econometrics*, ch. 6): the model without ``term`` is fitted by REML,
    ``n_boot`` series are drawn from it with AR(1) errors, and each is refitted with ``term``.
    The p-value is the share of ``|t*| >= |t|`` (the observed one counted); the interval is
    ``estimate +- q se`` with ``q`` the ``1 - alpha`` quantile of ``|t*|``.

    Returns ``estimate, std_error, statistic, p_value, ci_low, ci_high, n, rho``.
    """
    y, X = _check(y, X, time)
    fit = ar1_gls(y, X)
    se = float(np.sqrt(fit.cov[term, term]))
    stat = float(fit.params[term]) / se
    X0 = np.delete(X, term, axis=1)
    rho0, beta0, _, s2 = _best(y[None, :], X0)
    rho0, s2 = float(rho0[0]), float(s2[0])
    n = len(y)
    shocks = rng.standard_normal((n_boot, n)) * np.sqrt(s2 * (1 - rho0**2))
    errors = np.empty_like(shocks)
    errors[:, 0] = shocks[:, 0] / np.sqrt(1 - rho0**2)
    for i in range(1, n):
        errors[:, i] = rho0 * errors[:, i - 1] + shocks[:, i]
    _, bb, cb, _ = _best(X0 @ beta0[0] + errors, X)
    tstar = np.abs(bb[:, term] / np.sqrt(cb[:, term, term]))
    q = float(np.quantile(tstar, 1 - alpha))
    est = float(fit.params[term])
    return {"estimate": est, "std_error": se, "statistic": stat,
            "p_value": float((1 + np.sum(tstar >= abs(stat))) / (1 + n_boot)),
            "ci_low": est - q * se, "ci_high": est + q * se, "n": n, "rho": fit.rho}
