"""Staggered adoption: the weights two-way fixed effects puts on each treated cell, and the
heterogeneity-robust imputation estimator.

Model step: effects of pilots and reforms that start in different months. When units adopt
at different times and effects change over time, the TWFE coefficient is a weighted sum of
cell effects some of whose weights are negative, so it can even take the wrong sign
(de Chaisemartin & D'Haultfoeuille 2020, "Two-way fixed effects estimators with
heterogeneous treatment effects", *AER* 110(9): 2964-2996; Goodman-Bacon 2021,
*J Econometrics* 225: 254-277, whose decomposition shows the same "forbidden comparisons" of
late with early adopters). :func:`staggered_weights` gives those weights;
:func:`reformlib.stats.twfe` warns (:class:`StaggeredAdoptionWarning`) when some are negative.

:func:`imputation_effects` is the imputation estimator of Borusyak, Jaravel & Spiess (2024),
"Revisiting event-study designs: robust and efficient estimation", *Rev Econ Studies* 91(6):
3253-3285: unit and period effects are fitted on the untreated observations only (never and
not-yet treated), each treated observation's untreated outcome is imputed from them, and the
effects are averages of observed minus imputed outcomes, overall and by event time. Standard
errors are the authors' conservative clustered ones (their Theorem 3, cohort x event-time
averages for the treated residuals), t on clusters - 1 degrees of freedom. On the did2s
example data ``df_het`` (40 states, 31 years) the overall effect with state and year effects
is 2.380 as did2s reports (Butts & Gardner 2022, *R Journal* 14(3): 162-173; README of
``did2s`` for Stata: 2.380208).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from reformlib.errors import SpecError

__all__ = ["StaggeredAdoptionWarning", "imputation_effects", "staggered_weights"]


class StaggeredAdoptionWarning(UserWarning):
    """TWFE under staggered adoption puts negative weights on some treated cells."""


def _dummies(unit: np.ndarray, time: np.ndarray) -> np.ndarray:
    """Unit dummies and period dummies (the first period left out)."""
    u = pd.factorize(unit)[0]
    t = pd.factorize(time, sort=True)[0]
    Z = np.zeros((len(u), u.max() + 1 + t.max()))
    Z[np.arange(len(u)), u] = 1.0
    later = t > 0
    Z[np.flatnonzero(later), u.max() + t[later]] = 1.0
    return Z


def staggered_weights(treatment: pd.Series, unit: pd.Series, time: pd.Series) -> pd.DataFrame:
    """The weight TWFE puts on each treated observation (de Chaisemartin & D'Haultfoeuille
    2020, Theorem 1): the treatment's residual from unit and period effects, divided by the
    sum of those residuals over treated observations. The weights sum to 1; negative ones
    mean the TWFE coefficient is not a convex average of effects. Columns: unit, time, weight.
    """
    d = np.asarray(treatment, dtype=float)
    Z = _dummies(np.asarray(unit), np.asarray(time))
    resid = d - Z @ np.linalg.lstsq(Z, d, rcond=None)[0]
    on = d != 0
    denom = float(np.sum(resid[on] * d[on]))
    if abs(denom) < 1e-12:
        raise SpecError("the treatment is absorbed by the unit and period effects; no TWFE weights")
    return pd.DataFrame({"unit": np.asarray(unit)[on], "time": np.asarray(time)[on],
                         "weight": resid[on] * d[on] / denom})


def imputation_effects(
    panel: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    period: str,
    first_treated: str,
    cluster: str | None = None,
    horizons: list[int] | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Borusyak-Jaravel-Spiess imputation estimates: the average effect over all treated
    observations (term ``"overall"``) and, for each event time in ``horizons`` (default: every
    observed one), the average at that many periods after the first treated one (term
    ``"event_time=k"``). ``period`` and ``first_treated`` are integers on the same scale
    (month ordinals, years); a missing ``first_treated`` is a never-treated unit. Standard
    errors clustered by ``cluster`` (default ``unit``). Tidy rows with ``n_treated``.
    """
    for col in (outcome, unit, period, first_treated) + ((cluster,) if cluster else ()):
        if col not in panel.columns:
            raise SpecError(f"panel lacks column {col!r}")
    data = panel.dropna(subset=[outcome])
    t = pd.to_numeric(data[period], errors="coerce").to_numpy(float)
    g = pd.to_numeric(data[first_treated], errors="coerce").to_numpy(float)
    if np.isnan(t).any():
        raise SpecError(f"column {period!r} must hold whole periods (integers)")
    rel = t - g
    treated = ~np.isnan(g) & (rel >= 0)
    if not treated.any() or treated.all():
        raise SpecError("the imputation estimator needs both treated and untreated observations")
    y = data[outcome].to_numpy(float)
    Z = _dummies(data[unit].to_numpy(), t)
    Z0, Z1 = Z[~treated], Z[treated]
    known = (Z0.sum(axis=0) > 0)
    imputable = (Z1[:, ~known] == 0).all(axis=1)   # its unit and period seen untreated
    if not imputable.all():
        raise SpecError(f"{int((~imputable).sum())} treated observation(s) have a unit or period with no untreated "
                        f"observation (e.g. units treated from the first period); drop them or widen the panel")
    pinv = np.linalg.pinv(Z0.T @ Z0)
    theta = pinv @ Z0.T @ y[~treated]
    tau = y[treated] - Z1 @ theta
    resid0 = y[~treated] - Z0 @ theta
    cells = pd.Series(tau).groupby([g[treated], rel[treated]]).transform("mean").to_numpy()
    resid1 = tau - cells
    clusters = pd.factorize(data[cluster or unit].to_numpy())[0]
    n_clusters = clusters.max() + 1
    k_all = np.sort(np.unique(rel[treated]).astype(int))
    ks = k_all if horizons is None else [int(k) for k in horizons]
    targets = {"overall": np.ones(treated.sum())} | {f"event_time={k}": (rel[treated] == k).astype(float) for k in ks}
    crit = sps.t.ppf(1 - alpha / 2, n_clusters - 1)
    rows = []
    for term, w in targets.items():
        if w.sum() == 0:
            raise SpecError(f"no treated observation at {term}")
        w = w / w.sum()
        v0 = -Z0 @ (pinv @ (Z1.T @ w))
        score = np.zeros(n_clusters)
        np.add.at(score, clusters[treated], w * resid1)
        np.add.at(score, clusters[~treated], v0 * resid0)
        est, se = float(w @ tau), float(np.sqrt(np.sum(score**2)))
        rows.append({"term": term, "estimate": est, "std_error": se, "statistic": est / se,
                     "p_value": 2 * sps.t.sf(abs(est / se), n_clusters - 1), "ci_low": est - crit * se,
                     "ci_high": est + crit * se, "n": len(y), "n_treated": int((w > 0).sum()),
                     "n_clusters": n_clusters})
    return pd.DataFrame(rows).assign(method="imputation")
