"""Steps 1-5 of the evaluation as the spec drives them: the period's indicator matrix, flows
against the year before, treatment, normalisation and weights (used by :mod:`.evaluate`
and by its uncertainty analysis, so that both run the very same code).

Conventions (see ``data/model/README.md``): a year takes each indicator's catalogue rule
(``sum`` of the months for flows, ``december`` for levels); a month takes the month's value
of a level and the year-to-date sum of a flow. Flows scale with the size of a unit, so by
default they enter as the symmetric ("arc") growth against the same months of the year
before, 200 (x - x0) / (|x| + |x0|) in percent, which is defined when the base is 0.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from reformlib.data.periods import period_window
from reformlib.errors import SpecError
from reformlib.model.normalise import normalise
from reformlib.model.treat import LOG_COLUMNS, impute, treat_outliers
from reformlib.model.weights import ahp_weights, weigh

DIRECTION = {"higher": 1, "lower": -1, "band": 1}


def _window_sum(obs: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    sub = obs[obs["period"].isin(months)]
    return sub.groupby(["unit", "indicator"])["value"].sum(min_count=1).unstack("indicator")


def _matrix(table: pd.DataFrame, units: list[str], indicators: list[str]) -> np.ndarray:
    """``table`` (units x indicators, either possibly missing) as floats in ``units`` x ``indicators`` order."""
    return table.reindex(index=units, columns=indicators).to_numpy(dtype=float)


def _frame(values: np.ndarray, index: pd.Index, columns: list[str]) -> pd.DataFrame:
    """A frame of ``values`` holding each column contiguous, as a frame built column by column does."""
    return pd.DataFrame(np.asfortranarray(values), index=index, columns=columns)


def period_matrix(observations: pd.DataFrame, catalogue: pd.DataFrame, *, indicators: list[str],
                  units: list[str], period: str, flows: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(raw, base, prepared, log)``: period values, the year-before values of flows, the
    values the model uses (flows transformed by ``flows``) and a log of undefined growth."""
    _, _, last = period_window(period)
    months = pd.period_range(f"{last.year}-01", last, freq="M")
    before = pd.period_range(f"{last.year - 1}-01", last - 12, freq="M")
    period_ = observations["period"]
    obs = observations.loc[(period_ >= before[0]) & (period_ <= last)]  # the two years the period reads, first
    obs = obs[obs["unit"].isin(units) & obs["indicator"].isin(indicators)]
    rule = catalogue.set_index("indicator")["annual"]
    flow = np.array([rule[ind] == "sum" for ind in indicators], dtype=bool)
    # a level is the period's last month's (first non-missing) value; a flow sums its months
    levels = obs[obs["period"] == last].groupby(["unit", "indicator"])["value"].first().unstack("indicator")
    sums, base_sums = _window_sum(obs, months), _window_sum(obs, before)
    x = np.where(flow, _matrix(sums, units, indicators), _matrix(levels, units, indicators))
    x0 = np.where(flow, _matrix(base_sums, units, indicators), np.nan)
    index = pd.Index(units, name="unit")
    raw, base = _frame(x, index, indicators), _frame(x0, index, indicators)
    used, log = x.copy(), []
    cols = np.flatnonzero(flow) if flows != "level" else []
    if len(cols):
        used[:, cols] = _flow_values(x[:, cols], x0[:, cols], flows)
        undefined = np.isnan(used[:, cols]) & ~np.isnan(x[:, cols])
        for j, i in zip(*np.nonzero(undefined.T)):  # by indicator, then unit
            k = cols[j]
            log.append((units[i], indicators[k], x[i, k], np.nan, f"{flows}: no base value in {before[0]}..{before[-1]}"
                        if np.isnan(x0[i, k]) else f"{flows}: base is 0"))
    return raw, base, _frame(used, index, indicators), pd.DataFrame(log, columns=LOG_COLUMNS)


def _flow_values(x: np.ndarray, x0: np.ndarray, flows: str) -> np.ndarray:
    """Flows ``x`` against the same months of the year before ``x0``: ``growth`` in percent
    (NaN when the base is 0), else the arc growth 200 (x - x0) / (|x| + |x0|) (0 when both
    are 0); NaN where either is missing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if flows == "growth":
            return 100 * (x / np.where(x0 != 0, x0, np.nan) - 1)
        den = np.abs(x) + np.abs(x0)
        value = np.where(den != 0, 200 * (x - x0) / np.where(den != 0, den, np.nan), 0.0)
        return np.where(~np.isnan(x) & ~np.isnan(x0), value, np.nan)


def check_indicators(frame: pd.DataFrame, period: str) -> None:
    """A SpecError naming every indicator that is all missing or constant in the period."""
    values = [col[~np.isnan(col)] for col in frame.to_numpy(dtype=float).T]  # each indicator's observed values
    bad = [f"{c!r} has no value for any unit" for c, v in zip(frame.columns, values) if len(v) == 0]
    bad += [f"{c!r} is constant ({v[0]:g} for every unit)" for c, v in zip(frame.columns, values)
            if len(v) and (v == v[0]).all()]
    if bad:
        raise SpecError(f"indicators unusable in period {period}: " + "; ".join(bad)
                        + " - drop them from the hierarchy or choose another period")


def treat(prepared: pd.DataFrame, *, imputation: str, outliers: Mapping, groups: pd.Series,
          bands: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(imputed, impute_log, treated, outlier_log)``; band indicators are not winsorised."""
    imputed, ilog = impute(prepared, imputation, groups=groups if imputation.startswith("group") else None)
    if outliers.get("method", "none") == "none":
        return imputed, ilog, imputed.copy(), pd.DataFrame(columns=LOG_COLUMNS)
    cols = [c for c in imputed.columns if c not in bands]
    opts = {k: outliers[k] for k in ("skew_max", "kurt_max", "winmax") if k in outliers}
    treated_part, olog = treat_outliers(imputed[cols], **opts)
    treated = imputed.copy()
    treated[cols] = treated_part
    return imputed, ilog, treated, olog


def normalise_all(treated: pd.DataFrame, catalogue: pd.DataFrame, *, method: str,
                  scale: tuple[float, float]) -> pd.DataFrame:
    """Spec's method for higher/lower indicators, ``band`` for band indicators, one scale."""
    cat = catalogue.set_index("indicator").loc[list(treated.columns)]
    band = [c for c in treated.columns if cat.at[c, "direction"] == "band"]
    other = [c for c in treated.columns if c not in band]
    parts = []
    if other:
        parts.append(normalise(treated[other], method, scale=scale,
                               direction={c: DIRECTION[cat.at[c, "direction"]] for c in other}))
    if band:
        parts.append(normalise(treated[band], "band", scale=scale,
                               bands={c: (cat.at[c, "band_low"], cat.at[c, "band_high"]) for c in band}))
    return pd.concat(parts, axis=1)[list(treated.columns)]


def weights_table(spec, treated: pd.DataFrame, catalogue: pd.DataFrame, *, method: str | None = None) -> pd.DataFrame:
    """The hierarchy with the weights the method gives, rescaled to sum 1 among siblings.

    ``expert``: the hierarchy's weights; ``equal``: equal among siblings; ``ahp``: the
    hierarchy's weights with the children of each node in ``spec.ahp`` weighted by its
    pairwise matrix; any other :data:`~reformlib.model.weights.WEIGHTERS` method weighs the
    indicators from the treated data (higher levels keep the hierarchy's weights).
    """
    method = method or spec.weighting
    h = spec.hierarchy[["code", "parent", "level", "name_zh", "name_en", "weight"]].copy()
    leaves = list(treated.columns)
    if method == "equal":
        h["weight"] = 1.0
    elif method == "ahp":
        for node, matrix in spec.ahp.items():
            kids = list(h.loc[h["parent"] == node, "code"])
            w = ahp_weights(matrix.loc[kids, kids])
            h.loc[h["code"].isin(kids), "weight"] = h.loc[h["code"].isin(kids), "code"].map(w).to_numpy()
    elif method != "expert":
        direction = catalogue.set_index("indicator").loc[leaves, "direction"].map(DIRECTION)
        w = weigh(treated, method, direction=direction.to_dict())
        h.loc[h["code"].isin(leaves), "weight"] = h.loc[h["code"].isin(leaves), "code"].map(w).to_numpy()
    sums = h.groupby("parent")["weight"].transform("sum")
    h["weight"] = np.where(h["parent"].isna(), 1.0, h["weight"] / sums.where(sums > 0))
    if h["weight"].isna().any():
        raise SpecError(f"weighting {method!r} leaves every child of a node at weight 0: "
                        f"{sorted(set(h.loc[h['weight'].isna(), 'parent']))}")
    return h.reset_index(drop=True)
