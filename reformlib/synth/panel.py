"""Synthetic monthly panel (2016-01 to 2017-12) of the demonstration data set.

The city's (430300) path of each level indicator runs through the document's figures
(its December 2016 and December 2017 values, so that stated changes hold); flows are split
over months and sub-units so that the city's 2017 total is the document's. Sub-units differ
by a latent unit quality (better units sit on the better side of the city), and pilots that
target an indicator shift it in the better direction after they start, so that trend and
pilot-effect methods have something real to find. A few sub-unit months are left missing,
as in real reporting.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from reformlib.synth.catalogue import INDICATORS, RECIPES, SUB_UNITS, Recipe

MONTHS = pd.period_range("2016-01", "2017-12", freq="M")
PARKS = ("xtjk", "xtgx", "tyjk")
#: Seasonal weight of each calendar month for flows (year-end push in December).
SEASON = np.array([0.55, 0.6, 0.95, 1.0, 1.0, 1.15, 0.9, 0.9, 1.0, 1.05, 1.1, 1.7])
STAFF_DEC2017 = {"430302": 4, "430304": 5, "430321": 4, "430381": 5, "430382": 3, "xtjk": 4, "xtgx": 3, "tyjk": 4}


def _direction(code: str) -> int:
    d = next(row[4] for row in INDICATORS if row[0] == code)
    return -1 if d == "lower" else 1


def _city_path(rec: Recipe, rng: np.random.Generator) -> np.ndarray:
    knots = np.interp(np.arange(24), [0, 11, 23], [rec.start, rec.dec2016, rec.dec2017])
    wiggle = rng.normal(0, 0.004 * max(abs(rec.dec2017), 1), 24)
    wiggle[[0, 11, 23]] = 0.0
    path = knots + (wiggle if rec.spread > 0 else 0)
    return np.round(path, rec.decimals)


def _ramp(start: pd.Period) -> np.ndarray:
    """0 before the pilot starts, rising to 1 over three months."""
    k = np.array([(m - start).n for m in MONTHS])
    return np.clip((k + 1) / 3, 0, 1)


def _units_for(rec: Recipe) -> list[str]:
    return [u for u in SUB_UNITS if rec.parks or u not in PARKS]


def _levels(code, rec, quality, effects, rng) -> dict[str, np.ndarray]:
    city = _city_path(rec, rng)
    units = _units_for(rec)
    out = {"430300": city}
    sign = _direction(code)
    if code == "reform_office_staff":
        for u in units:
            hire = rng.integers(4, 16)
            path = np.where(np.arange(24) >= hire, STAFF_DEC2017[u], max(STAFF_DEC2017[u] - rng.integers(1, 3), 1))
            out[u] = path.astype(float)
        out["430300"] = np.round(np.mean([out[u] for u in units], axis=0), 2)
        return out
    if rec.additive:
        shares = rng.dirichlet(np.full(len(units), 4.0))
        alloc = np.floor(np.outer(city, shares))
        rest = (city - alloc.sum(axis=1)).astype(int)
        for t in range(24):
            alloc[t, np.argsort(-(np.outer(city, shares)[t] - alloc[t]))[: rest[t]]] += 1
        alloc = np.maximum.accumulate(alloc, axis=0)
        for i, u in enumerate(units):
            out[u] = alloc[:, i]
        out["430300"] = alloc.sum(axis=1)
        return out
    for u in units:
        if rec.spread == 0:
            lag = int(rng.integers(-2, 3))
            path = np.interp(np.arange(24) - lag, np.arange(24), city)
        else:
            offset = sign * rec.spread * (0.7 * quality[u] + 0.5 * rng.normal())
            path = city * (1 + offset) + rng.normal(0, 0.01 * max(abs(rec.dec2017), 1), 24)
        for start in effects.get((u, code), []):
            path = path + sign * 0.05 * abs(rec.dec2017) * _ramp(start)
        out[u] = np.round(np.clip(path, rec.lo, rec.hi if rec.hi is not None else np.inf), rec.decimals)
    return out


def _split(total: float, weights: np.ndarray, decimals: int, rng: np.random.Generator) -> np.ndarray:
    p = weights / weights.sum()
    if decimals == 0:
        return rng.multinomial(int(round(total)), p).astype(float)
    cells = np.round(total * p * rng.uniform(0.9, 1.1, p.shape), decimals)
    cells = np.round(cells * total / cells.sum(), decimals)
    cells[np.argmax(cells)] += round(total - cells.sum(), decimals)
    return np.round(cells, decimals)


def _flows(code, rec, quality, effects, rng) -> dict[str, np.ndarray]:
    units = _units_for(rec)
    share = np.exp(0.25 * np.array([quality[u] for u in units]) + rng.normal(0, 0.35, len(units)))
    out = {u: np.zeros(24) for u in units}
    for year, total in ((0, rec.total2016), (1, rec.total2017)):
        w = np.outer(share, SEASON * rng.uniform(0.85, 1.15, 12))
        for i, u in enumerate(units):
            for start in effects.get((u, code), []):
                w[i] *= 1 + 0.25 * _ramp(start)[year * 12:(year + 1) * 12]
        cells = _split(total, w.ravel(), rec.decimals, rng).reshape(w.shape)
        for i, u in enumerate(units):
            out[u][year * 12:(year + 1) * 12] = cells[i]
    out["430300"] = np.round(np.sum([out[u] for u in units], axis=0), rec.decimals)
    return out


def build_observations(quality: dict[str, float], pilots: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The long panel: unit, indicator, period, value, synthetic."""
    effects: dict[tuple[str, str], list[pd.Period]] = {}
    for p in pilots.itertuples(index=False):
        if p.unit in SUB_UNITS and isinstance(p.target_indicators, str):
            for code in p.target_indicators.split(";"):
                effects.setdefault((p.unit, code), []).append(pd.Timestamp(p.start).to_period("M"))
    frames = []
    for code, rec in RECIPES.items():
        series = (_flows if rec.total2017 is not None else _levels)(code, rec, quality, effects, rng)
        for unit, values in series.items():
            frames.append(pd.DataFrame({"unit": unit, "indicator": code, "period": MONTHS, "value": values.astype(float)}))
    obs = pd.concat(frames, ignore_index=True)
    # Reporting gaps: a few sub-unit months (never a December) go missing.
    gap = (obs["unit"] != "430300") & (obs["period"].dt.month != 12) & (rng.random(len(obs)) < 0.015)
    obs = obs.loc[~gap].reset_index(drop=True)
    return obs.assign(synthetic=True)
