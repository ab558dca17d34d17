"""Effects of pilots on the indicators they target, against comparable units.

Model step: the pilot (试点) part of the evaluation. For each pilot and each indicator it
targets, the pilot's unit is compared with comparable territorial units on the monthly
panel by difference-in-differences (Angrist & Pischke 2009, sec. 5.2).

Inference rule (``cov_type="auto"``, the default; the ``cov_type`` column says what each
row used). Each pilot has a single treated unit, for which unit-clustered errors are far too
small (Conley & Taber 2011, *Rev Econ Stat* 93: 113-125; on nine units they rejected 42-48 %
of true nulls) and the wild cluster bootstrap breaks down (MacKinnon & Webb 2017), so
``"cluster"`` is refused. With one treated unit the DiD is the jump in the gap between the
pilot unit and the mean of its comparison units, a short serially correlated series:

1. months consecutive (the usual case) -> ``"ar1_bootstrap"``: the jump estimated by GLS
   with AR(1) errors, p-value and interval from a parametric bootstrap of its t statistic
   (:func:`reformlib.stats.placebo.gap_ar1`). In ``bench/bench_calibrate.py`` (2, 5 and 9
   units; 24 and 60 months; i.i.d. and AR(1) 0.3 / 0.6 errors; 150 replications each, Monte
   Carlo standard error about 1.8 points) it rejected a true null 1.3-8.0 % of the time at
   5 % (4.4 % on average over the 18 settings; 12 of them within 3-8 %), its 95 % interval
   covering the truth 90.7-97.3 %;
2. gaps in the months -> ``"driscoll_kraay"``: the TWFE estimate with Driscoll-Kraay
   errors, t on months - 1 degrees of freedom. It over-rejects under autocorrelation
   (0.7-26.7 % in the same settings, 20-27 % with AR(1) 0.6, 24 months and 5-9 units).

``"randomization"`` adds nothing to the estimate but replaces the p-value by Fisher's
randomisation test over every placebo (unit, start month) pair
(:func:`reformlib.stats.placebo.randomization_test`; no interval). Over many pilots, read
``p_holm`` (Holm, family-wise) or ``p_bh`` (Benjamini-Hochberg, false discovery rate)
rather than ``p_value``: they are adjusted over the rows estimated in the call.

Comparison rule (kept as data in :data:`KIND_GROUPS`):
1. only territorial units (``units.territorial``) other than the pilot's unit;
2. with ``comparison="kind"`` (default) only units whose kind falls in the same group as
   the pilot unit's (districts with districts, counties with county-level cities, parks
   with parks; the city has no peer); with ``comparison="territorial"`` all of them;
3. never a unit that contains or lies inside the pilot's unit (``units.parent`` chain),
   since their figures overlap;
4. never a unit that has its own pilot targeting the same indicator starting on or before
   the last observed month (it is treated too);
5. only units with observations of the indicator.
When nothing is left the row says ``status = "no_comparison_units"``; every other reason an
effect cannot be estimated is likewise a status, never an exception.
"""
from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from reformlib.errors import SpecError
from reformlib.stats.common import (
    TIDY_COLUMNS,
    as_list,
    check_alpha,
    check_known,
    month_ordinal,
    ordinal_to_period,
    require_columns,
    require_frame,
    select_series,
)
from reformlib.stats.inference import MIN_CLUSTERS, MIN_TREATED_CLUSTERS, p_adjust
from reformlib.stats.panel import twfe
from reformlib.stats.pilot_events import pilot_targets
from reformlib.stats.placebo import gap_ar1, gap_series, randomization_test

__all__ = ["pilot_effects", "comparison_units", "KIND_GROUPS", "PILOT_COV_TYPES", "PILOT_STATUSES"]

#: Unit kinds that are comparable with each other.
KIND_GROUPS: dict[str, str] = {
    "city": "city", "district": "district", "county": "county", "county_city": "county",
    "park": "park", "department": "department",
}
#: Every value the ``status`` column can take.
PILOT_STATUSES: tuple[str, ...] = (
    "ok", "no_comparison_units", "indicator_not_observed", "pilot_unit_not_observed",
    "not_territorial", "no_start", "no_pre_period", "no_post_period", "not_estimable",
)
_OUT = ("pilot_id", "unit", "kind", "level", "indicator", "start", *TIDY_COLUMNS, "p_holm", "p_bh", "cov_type",
        "n_comparison_units", "comparison_units", "status", "note")
#: Values of ``cov_type`` :func:`pilot_effects` accepts.
PILOT_COV_TYPES: tuple[str, ...] = ("auto", "ar1_bootstrap", "driscoll_kraay", "randomization")


def _lineage(unit: str, parent: dict[str, str | None]) -> set[str]:
    """The unit's ancestors (following ``parent``)."""
    seen: set[str] = set()
    cur = parent.get(unit)
    while cur is not None and cur not in seen:
        seen.add(cur)
        cur = parent.get(cur)
    return seen


def comparison_units(
    pilot_unit: str,
    indicator: str,
    *,
    units: pd.DataFrame,
    treated_elsewhere: set[str],
    observed: set[str],
    comparison: Literal["kind", "territorial"] = "kind",
) -> list[str]:
    """Units comparable with ``pilot_unit`` for ``indicator`` (rule in the module docstring).

    ``treated_elsewhere``: units with their own pilot on the indicator in the window;
    ``observed``: units with observations of the indicator.
    """
    info = units.set_index("unit")
    parent = {u: (None if pd.isna(p) else str(p)) for u, p in
              (info["parent"] if "parent" in info else pd.Series(pd.NA, index=info.index)).items()}
    group = KIND_GROUPS.get(str(info.at[pilot_unit, "kind"]))
    mine = _lineage(pilot_unit, parent)
    out = []
    for code, row in info.iterrows():
        if code == pilot_unit or not bool(row["territorial"]):
            continue
        if comparison == "kind" and KIND_GROUPS.get(str(row["kind"])) != group:
            continue
        if code in mine or pilot_unit in _lineage(code, parent):
            continue
        if code in treated_elsewhere or code not in observed:
            continue
        out.append(code)
    return sorted(out)


def _estimate(panel: pd.DataFrame, unit: str, start: int, *, cov_type: str, hac_lags: int | None,
              min_periods: int, alpha: float) -> dict:
    wide = panel.pivot(index="_t", columns="unit", values="value").sort_index()
    months = gap_series(wide, unit).index.to_numpy()
    consecutive = np.array_equal(np.diff(months), np.ones(len(months) - 1))
    if cov_type == "ar1_bootstrap" or (cov_type == "auto" and consecutive):
        row = gap_ar1(wide, unit, start, alpha=alpha)
        return {k: row[k] for k in TIDY_COLUMNS if k in row} | {"cov_type": f"ar1_bootstrap(rho={row['rho']:.2f})"}
    dk = twfe(panel, outcome="value", treatment="_d", unit="unit", period="_t", cov_type="driscoll_kraay",
              hac_lags=hac_lags, alpha=alpha).iloc[0][[*TIDY_COLUMNS, "cov_type"]].to_dict() | {"term": "effect"}
    if cov_type == "randomization":
        ri = randomization_test(wide, unit, start, min_periods=min_periods)
        return dk | {"statistic": ri["statistic"], "p_value": ri["p_value"], "ci_low": np.nan, "ci_high": np.nan,
                     "cov_type": f"randomization({ri['n_placebos']} placebos)"}
    return dk


def pilot_effects(
    observations: pd.DataFrame,
    pilots: pd.DataFrame,
    units: pd.DataFrame,
    *,
    indicator: str | list[str] | None = None,
    comparison: Literal["kind", "territorial"] = "kind",
    cov_type: Literal["auto", "ar1_bootstrap", "driscoll_kraay", "randomization"] = "auto",
    hac_lags: int | None = None,
    min_periods: int = 3,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Effect of each pilot on each indicator it targets, one tidy row per pilot x indicator.

    ``pilots`` needs ``unit``, ``start``, ``target_indicators`` (';'-separated codes) and
    ``level`` (``pilot_id`` is used when present); ``units`` needs ``unit``, ``kind``,
    ``territorial`` (and ``parent`` when present). ``indicator`` restricts the indicators.
    The pilot's unit is treated from its start month on; the indicator is regressed on
    that treatment with unit and month fixed effects over the pilot unit and its comparison
    units (the DiD estimate), with the inference ``cov_type`` chooses (the rule is in the
    module docstring; ``hac_lags`` as in :func:`~reformlib.stats.twfe`). ``p_holm`` and
    ``p_bh`` adjust ``p_value`` over the estimated rows (:func:`reformlib.stats.p_adjust`). At least ``min_periods`` months
    before and from the start are required. Rows that cannot be estimated carry a
    ``status`` from :data:`PILOT_STATUSES` and a ``note`` saying why.
    """
    alpha = check_alpha(alpha)
    if cov_type == "cluster":
        raise SpecError("cov_type='cluster' is refused for pilot effects: each pilot has 1 treated unit among at "
                        f"most a few comparison units, and clustered errors need {MIN_CLUSTERS} clusters with "
                        f"{MIN_TREATED_CLUSTERS} treated. Use cov_type='auto' (AR(1) gap series), "
                        "'driscoll_kraay' or 'randomization'")
    for arg, value, allowed in (("cov_type", cov_type, PILOT_COV_TYPES),
                                ("comparison", comparison, ("kind", "territorial"))):
        if value not in allowed:
            raise SpecError(f"{arg} must be one of {allowed}, got {value!r}")
    if not isinstance(min_periods, int) or min_periods < 1:
        raise SpecError(f"min_periods must be a positive integer, got {min_periods!r}")
    for name, frame, cols in (("observations", observations, ("unit", "indicator", "period", "value")),
                              ("pilots", pilots, ("unit", "start", "target_indicators", "level")),
                              ("units", units, ("unit", "kind", "territorial"))):
        require_frame(frame, name=name)
        require_columns(frame, cols, name=name)
    units = units.assign(unit=units["unit"].astype(str))
    check_known(sorted(set(pilots["unit"].astype(str))), units["unit"], name="pilots['unit']")
    observed_codes = set(observations["indicator"].astype(str))
    wanted = as_list(indicator, name="indicator")
    if wanted is not None:
        check_known(wanted, observed_codes, name="indicator")
    targets = pilot_targets(pilots)
    if wanted is not None:
        targets = targets.loc[targets["indicator"].isin(wanted)]
    targets = targets.assign(_start=month_ordinal(targets["start"], name="pilots['start']").to_numpy())
    kinds = units.set_index("unit")["kind"].astype(str)
    territorial = units.set_index("unit")["territorial"].astype(bool)
    series = {code: select_series(observations, indicator=code, unit=None)
              for code in sorted(set(targets["indicator"]) & observed_codes)}
    rows = []
    for _, p in targets.iterrows():
        base = {"pilot_id": p["pilot_id"], "unit": p["unit"], "kind": kinds[p["unit"]],
                "level": p["level"], "indicator": p["indicator"],
                "start": ordinal_to_period([p["_start"]])[0] if pd.notna(p["_start"]) else pd.NaT,
                "term": "effect"}
        rows.append(base | _one_pilot(p, series, targets, units, territorial,
                                      comparison=comparison, cov_type=cov_type,
                                      hac_lags=hac_lags, min_periods=min_periods, alpha=alpha))
    out = pd.DataFrame(rows, columns=list(_OUT))
    ok = out["status"] == "ok"
    p = pd.to_numeric(out["p_value"], errors="coerce").where(ok)
    out = out.assign(p_holm=p_adjust(p, method="holm"), p_bh=p_adjust(p, method="bh"))
    return out.astype({"n": "Int64", "n_comparison_units": "Int64"})


def _one_pilot(p: pd.Series, series: dict[str, pd.DataFrame], targets: pd.DataFrame,
               units: pd.DataFrame, territorial: pd.Series, *, comparison: str, cov_type: str,
               hac_lags: int | None, min_periods: int, alpha: float) -> dict:
    code, unit, start = p["indicator"], p["unit"], p["_start"]
    if code not in series:
        return {"status": "indicator_not_observed", "note": f"no observations of {code!r}"}
    if not territorial[unit]:
        return {"status": "not_territorial", "note": f"unit {unit!r} is not a territorial unit"}
    obs = series[code]
    own = obs.loc[obs["unit"] == unit, "_t"]
    if own.empty:
        return {"status": "pilot_unit_not_observed", "note": f"unit {unit!r} has no {code!r}"}
    if pd.isna(start):
        return {"status": "no_start", "note": "the pilot has no start date"}
    n_pre, n_post = int((own < start).sum()), int((own >= start).sum())
    if n_pre < min_periods:
        return {"status": "no_pre_period", "note": f"{n_pre} month(s) observed before the start"}
    if n_post < min_periods:
        return {"status": "no_post_period", "note": f"{n_post} month(s) observed from the start"}
    last = obs["_t"].max()
    rivals = targets.loc[(targets["indicator"] == code) & (targets["_start"] <= last)]
    comp = comparison_units(unit, code, units=units, treated_elsewhere=set(rivals["unit"]),
                            observed=set(obs["unit"]), comparison=comparison)
    if not comp:
        return {"status": "no_comparison_units", "n_comparison_units": 0, "comparison_units": "",
                "note": f"no {comparison!r} comparison unit without its own pilot on {code!r}"}
    panel = obs.loc[obs["unit"].isin([unit, *comp])]
    panel = panel.assign(_d=((panel["unit"] == unit) & (panel["_t"] >= start)).astype(int))
    info = {"n_comparison_units": len(comp), "comparison_units": ";".join(comp)}
    try:
        est = _estimate(panel, unit, int(start), cov_type=cov_type, hac_lags=hac_lags,
                        min_periods=min_periods, alpha=alpha)
    except SpecError as exc:
        return info | {"status": "not_estimable", "note": str(exc)}
    return info | est | {"status": "ok", "note": ""}
