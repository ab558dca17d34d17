"""A synthetic national panel: county-level units x indicators x months, seeded, labelled
synthetic, built straight into a DuckDB store (``python -m reformlib data --national``).

The shape is the national one (about 2,850 county units, 60 indicators, 120 months ending
December 2017: some 20 million observation rows); ``units``, ``indicators`` and ``months``
make it smaller. Everything is drawn with numpy from one seed, array by array (no loop over
rows, units or months), and the same arguments give the same store content.

- **Units**: codes shaped like GB/T 2260 county codes (province, prefecture, county digits)
  but made up, named 合成第0001县 / Synthetic County 0001 (a proper name, which may open a
  sentence; a Chinese name that ended in figures would run into the dates that follow it in
  the memo: 合成县00222017年12月); kinds district, county and county-level city; all
  territorial. No unit, name or figure is real.
- **Indicators**: the demonstration catalogue's (so the evaluation model's specification
  applies unchanged) and, beyond them, indicators ``syn_ind_NN`` of this panel alone.
- **Values**: levels sit around the demonstration city's December 2017 value, offset by a
  latent unit quality and a unit-indicator effect, drifting year by year in the better
  direction with monthly noise; flows are monthly amounts with the demonstration data's
  seasonal weights. Every value stays within the catalogue's plausible range. About 0.5 %
  of unit-months other than Decembers are left unreported.
- **Ledger** (small: what the evaluation also reads): tasks led by some units with monthly
  progress in the last year, inspection problems, recognitions and one rating per rater
  group for every unit.

The store is filled by :meth:`reformlib.data.store.Store.put_new`, validated whole once
(:func:`reformlib.data.months.revalidate`, which records the check so readers need not
repeat it) and renamed into place only when complete.

May import: numpy, pandas, pyarrow and :mod:`reformlib.data`.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from reformlib.data import io
from reformlib.data.months import revalidate
from reformlib.data.paths import DATA
from reformlib.data.schemas import FAMILIES, GRADES, RATER_GROUPS
from reformlib.data.store import Store
from reformlib.synth.catalogue import RECIPES, indicators_table
from reformlib.synth.panel import SEASON

__all__ = ["LAST_MONTH", "NATIONAL_STORE", "SEED", "build_national_store", "draw_national", "national_indicators",
           "national_units"]

#: Where ``python -m reformlib data --national`` builds the store (not kept in the repository).
NATIONAL_STORE = DATA / "national_synthetic.duckdb"
SEED = 20180101
#: The panel's last month; ``months`` counts back from it.
LAST_MONTH = "2017-12"
SOURCE = "synthetic national panel (reformlib.synth.national): modelling choice, not a real figure"
_KINDS = np.array(["district", "county", "county_city"], dtype=object)
_DEMO_UNITS = 8  # the demonstration city's units below the city, over which its totals are split


def national_units(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` synthetic county units (the ``units`` table): codes province-prefecture-county,
    ten counties to a prefecture and ten prefectures to a province."""
    if n < 2:
        raise ValueError(f"a national panel needs at least 2 units, got {n}")
    i = np.arange(n)
    prov, pref, county = 11 + i // 100, 1 + (i // 10) % 10, 21 + i % 10
    codes = [f"{p:02d}{f:02d}{c:02d}" for p, f, c in zip(prov, pref, county)]
    parents = [f"{p:02d}{f:02d}00" for p, f in zip(prov, pref)]
    kinds = _KINDS[rng.choice(3, size=n, p=[0.3, 0.5, 0.2])]
    return pd.DataFrame({"unit": codes, "name_zh": [f"合成第{k + 1:04d}县" for k in i],
                         "name_en": [f"Synthetic County {k + 1:04d}" for k in i], "kind": kinds, "parent": parents,
                         "territorial": True})


def national_indicators(k: int) -> pd.DataFrame:
    """``k`` indicators: the demonstration catalogue's first (all 28 when ``k`` >= 28), then
    ``syn_ind_01``... of this panel (levels in %, flows in items, alternately)."""
    if k < 1:
        raise ValueError(f"a national panel needs at least 1 indicator, got {k}")
    demo = indicators_table().head(k)
    extra = []
    for j in range(1, k - len(demo) + 1):
        level = j % 2 == 1
        extra.append(dict(indicator=f"syn_ind_{j:02d}", name_zh=f"合成指标{j:02d}", name_en=f"synthetic indicator {j:02d}",
                          measure_unit="%" if level else "items", direction="lower" if j % 3 == 0 else "higher",
                          band_low=np.nan, band_high=np.nan, family=FAMILIES[j % len(FAMILIES)],
                          annual="december" if level else "sum", target=np.nan, in_document=False, source=SOURCE,
                          valid_min=None, valid_max=np.nan))
    return pd.concat([demo, pd.DataFrame(extra, columns=demo.columns)], ignore_index=True) if extra else demo


def _indicator_params(cat: pd.DataFrame, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per indicator: flow or level, centre, relative spread, decimals, sign of better, drift."""
    k = len(cat)
    flow = (cat["annual"] == "sum").to_numpy()
    centre, spread, decimals = np.empty(k), np.empty(k), np.empty(k, dtype=int)
    for j, r in enumerate(cat.itertuples(index=False)):
        rec = RECIPES.get(r.indicator)
        if r.direction == "band":
            centre[j], spread[j], decimals[j] = (r.band_low + r.band_high) / 2, 0.15, 0 if r.measure_unit == "persons" else 1
        elif rec is not None and flow[j]:
            monthly = rec.total2017 / _DEMO_UNITS / 12  # whole counts get at least a few a month, so they vary
            centre[j], spread[j], decimals[j] = max(monthly, 4.0) if rec.decimals == 0 else monthly, 0.35, rec.decimals
        elif rec is not None:
            centre[j] = rec.dec2017 / _DEMO_UNITS if rec.additive else rec.dec2017
            spread[j], decimals[j] = max(rec.spread, 0.05), rec.decimals
        elif flow[j]:
            centre[j], spread[j], decimals[j] = rng.uniform(5, 500), 0.35, 0
        else:
            centre[j], spread[j], decimals[j] = rng.uniform(20, 80), 0.1, 1
    better = np.where(cat["direction"].to_numpy() == "lower", -1.0, 1.0)
    better[(cat["direction"] == "band").to_numpy()] = 0.0
    drift = better * rng.uniform(0.005, 0.03, k)
    return {"flow": flow, "centre": centre, "spread": spread, "decimals": decimals, "better": better, "drift": drift}


def _values(n_units: int, cat: pd.DataFrame, months: pd.PeriodIndex, rng: np.random.Generator) -> np.ndarray:
    """The panel as an array (month, unit, indicator), NaN where a value goes unreported."""
    p = _indicator_params(cat, rng)
    t, u, k = len(months), n_units, len(cat)
    quality = rng.normal(0, 1, u)[None, :, None]
    effect = rng.normal(0, 1, (u, k))[None, :, :]
    years = ((np.asarray(months.year) - months[-1].year) + (np.asarray(months.month) - 12) / 12)[:, None, None]
    season = SEASON[np.asarray(months.month) - 1][:, None, None]
    values = np.empty((t, u, k))
    lv, fl = np.flatnonzero(~p["flow"]), np.flatnonzero(p["flow"])
    if len(lv):
        c, sp, b, d = (p[n][lv] for n in ("centre", "spread", "better", "drift"))
        level = c * (1 + sp * (0.7 * quality * np.where(b == 0, 0.3, b) + 0.5 * effect[:, :, lv])) * (1 + d * years)
        values[:, :, lv] = level + rng.normal(0, 0.01, (t, u, len(lv))) * np.abs(c)
    if len(fl):
        c, sp, d = (p[n][fl] for n in ("centre", "spread", "drift"))
        values[:, :, fl] = (c * np.exp(0.25 * quality + sp * effect[:, :, fl]) * season * (1 + d) ** years
                            * rng.uniform(0.85, 1.15, (t, u, len(fl))))
    ranges = io.plausible_range(cat)
    np.clip(values, ranges["low"].to_numpy(), ranges["high"].to_numpy(), out=values)
    scale = 10.0 ** p["decimals"]
    np.round(values * scale, out=values)
    values /= scale
    gap = (rng.random((t, u, k)) < 0.005) & (np.asarray(months.month) != 12)[:, None, None]
    values[gap] = np.nan
    return values


def _ledger(units: pd.DataFrame, last: pd.Period, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Tasks with monthly progress in the last year, inspections, recognitions and ratings."""
    codes = units["unit"].to_numpy()
    n_tasks = int(min(999, max(5, len(codes) // 10)))
    lead = rng.choice(codes, n_tasks, replace=False) if n_tasks <= len(codes) else rng.choice(codes, n_tasks)
    cat = rng.integers(1, 10, n_tasks)
    start = pd.to_datetime([f"{last.year}-{m:02d}-01" for m in rng.integers(1, 7, n_tasks)])
    deadline = pd.to_datetime([f"{last.year}-{m:02d}-01" for m in rng.integers(7, 13, n_tasks)]) + pd.offsets.MonthEnd(0)
    ids = [f"T{i + 1:03d}" for i in range(n_tasks)]
    tasks = pd.DataFrame({
        "task_id": ids, "category": [f"C{c}" for c in cat], "category_zh": [f"合成类别{c}" for c in cat],
        "category_en": [f"synthetic category {c}" for c in cat], "subcategory": [f"C{c}.1" for c in cat],
        "subcategory_zh": [f"合成子类{c}.1" for c in cat], "subcategory_en": [f"synthetic sub-category {c}.1" for c in cat],
        "title_zh": [f"合成任务{t}" for t in ids], "title_en": [f"synthetic task {t}" for t in ids], "lead_unit": lead,
        "key_task": rng.random(n_tasks) < 0.2, "leader_level": "county_head", "target_zh": "年底前完成（合成）",
        "completion_form": "project", "start": start, "deadline": deadline, "responsible": [f"{u}-主要负责人" for u in lead],
        "synthetic": True})
    months = pd.period_range(f"{last.year}-01", last, freq="M")
    pace = rng.uniform(0.6, 1.3, n_tasks)
    length = np.maximum((deadline.to_period("M") - start.to_period("M")).map(lambda d: d.n).to_numpy() + 1, 1)
    since = np.asarray([(months - s).map(lambda d: d.n) for s in start.to_period("M")])  # task x month
    share = np.clip((since + 1) / length[:, None] * pace[:, None], 0, 1)
    progress = np.round(100 * share / 5) * 5
    keep = since >= 0
    ti, mi = np.nonzero(keep)
    prog = pd.DataFrame({"task_id": np.asarray(ids)[ti], "period": months[mi], "progress": progress[ti, mi],
                         "synthetic": True})
    n_prob = int(min(999, max(3, len(codes) // 20)))
    found = pd.to_datetime(f"{last.year}-01-01") + pd.to_timedelta(rng.integers(0, 300, n_prob), unit="D")
    due = found + pd.to_timedelta(rng.integers(30, 120, n_prob), unit="D")
    done = found + pd.to_timedelta(rng.integers(10, 150, n_prob), unit="D")
    rectified = pd.Series(done).where((done <= last.end_time.normalize()) & (rng.random(n_prob) < 0.8))
    inspections = pd.DataFrame({
        "problem_id": [f"P{i + 1:03d}" for i in range(n_prob)], "inspection_id": [f"I{i % 5 + 1}" for i in range(n_prob)],
        "inspection_zh": "合成督察", "inspection_level": np.where(rng.random(n_prob) < 0.5, "upper", "local"),
        "unit": rng.choice(codes, n_prob), "category": [f"C{c}" for c in rng.integers(1, 10, n_prob)], "found_on": found,
        "due_on": due, "rectified_on": rectified.to_numpy(), "synthetic": True})
    n_rec = int(min(999, max(2, len(codes) // 30)))
    recognitions = pd.DataFrame({
        "recognition_id": [f"R{i + 1:03d}" for i in range(n_rec)], "unit": rng.choice(codes, n_rec),
        "level": rng.choice(["ministry", "provincial_leader", "provincial_brief"], n_rec),
        "date": pd.to_datetime(f"{last.year}-01-01") + pd.to_timedelta(rng.integers(0, 330, n_rec), unit="D"),
        "description_zh": "改革经验获推介（合成）", "synthetic": True})
    groups = np.tile(np.asarray(RATER_GROUPS, dtype=object), len(codes))
    ratings = pd.DataFrame({"unit": np.repeat(codes, len(RATER_GROUPS)), "rater_group": groups,
                            "rater_id": [f"{g[:2]}01" for g in groups],
                            "grade": rng.choice(np.asarray(GRADES, dtype=object), len(groups), p=[0.25, 0.4, 0.25, 0.1]),
                            "synthetic": True})
    return {"tasks": tasks, "progress": prog, "inspections": inspections, "recognitions": recognitions, "ratings": ratings}


def draw_national(units: int = 2850, indicators: int = 60, months: int = 120, seed: int = SEED
                  ) -> tuple[dict[str, pd.DataFrame], pa.Table]:
    """The national panel in memory: the small tables (by name, as the loaders return them)
    and the observations as an Arrow table in period order (unit, indicator and period
    dictionary-encoded: no Python object per row)."""
    if months < 1:
        raise ValueError(f"a national panel needs at least 1 month, got {months}")
    rng = np.random.default_rng(seed)
    unit_table = national_units(units, rng)
    cat = national_indicators(indicators)
    last = pd.Period(LAST_MONTH, "M")
    periods = pd.period_range(end=last, periods=months, freq="M")
    values = _values(units, cat, periods, rng).ravel()
    present = ~np.isnan(values)
    t = np.repeat(np.arange(months, dtype=np.int32), units * indicators)
    u = np.tile(np.repeat(np.arange(units, dtype=np.int32), indicators), months)
    k = np.tile(np.arange(indicators, dtype=np.int32), months * units)

    def codes(index: np.ndarray, words: list[str]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array(index[present]), pa.array(words, pa.string()))

    obs = pa.table({"unit": codes(u, unit_table["unit"].tolist()), "indicator": codes(k, cat["indicator"].tolist()),
                    "period": codes(t, periods.astype(str).tolist()), "value": values[present],
                    "synthetic": np.ones(int(present.sum()), dtype=bool)})
    tables = {"units": unit_table, "indicators": cat, **_ledger(unit_table, last, rng)}
    return tables, obs


def build_national_store(store: str | os.PathLike | None = None, *, units: int = 2850, indicators: int = 60,
                         months: int = 120, seed: int = SEED) -> Path:
    """Draw the national panel and build it into a fresh store (default
    :data:`NATIONAL_STORE`), validated whole and renamed over ``store`` only when complete."""
    store = Path(store) if store is not None else NATIONAL_STORE
    store.parent.mkdir(parents=True, exist_ok=True)
    tables, obs = draw_national(units, indicators, months, seed)
    h = hashlib.sha256(f"synthetic national panel seed={seed} units={units} indicators={indicators} months={months}"
                       .encode()).hexdigest()
    tmp = Path(tempfile.mkdtemp(prefix=f".{store.name}.", dir=store.parent))
    try:
        built = tmp / store.name
        Store(built).put_new(tables, obs, sha256=h, name=f"national_synthetic_{units}x{indicators}x{months}")
        revalidate(built)
        for old in (Path(f"{store}.wal"),):
            old.unlink(missing_ok=True)
        os.replace(built, store)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return store
