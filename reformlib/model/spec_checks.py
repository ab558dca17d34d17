"""Cross-reference checks of the model specification (model step 0, see :mod:`.spec`).

Each check returns messages of the form ``file row n, column 'c': rule (value)`` so that a
researcher can go straight to the line to fix; :class:`~reformlib.model.spec.Spec` collects
them all and raises one SpecError.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from reformlib.data.periods import period_kind
from reformlib.data.schemas import RECOGNITION_LEVELS
from reformlib.errors import SpecError
from reformlib.model.weights import ahp_weights

KINDS = ("completion", "schedule", "deduction", "bonus", "veto")
FLOWS = ("level", "growth", "arc_growth")
IMPUTATIONS = ("none", "mean", "median", "group_mean", "group_median")
NORMALISATIONS = ("minmax", "percentile")
WEIGHTINGS = ("expert", "equal", "ahp", "entropy", "entropy_cn", "cv", "sd", "critic", "pca")
AGGREGATIONS = ("arithmetic", "geometric", "harmonic")
TASK_SHARES = ("tasks", "key_tasks")
COUNTS = ("overdue_tasks", "overdue_key_tasks", "open_problems", "overdue_problems")
VETO_BASIS = "vetoes"
DEFAULT_PHASES = {"quarter": [1, 1, 1], "half": [1, 1],
                  "year": {"quarters": [1, 1, 1, 1], "phased": 0.4, "year_end": 0.6}}
TOL = 1e-6


def leaf_codes(h: pd.DataFrame) -> list[str]:
    parents = set(h["parent"].dropna())
    return [c for c in h["code"] if c not in parents]


def _where(spec, table: str, i: int | None, column: str | None) -> str:
    file = spec.files.get(table, table)
    row = "" if i is None else f" row {i + 1}"
    col = "" if column is None else f", column {column!r}"
    return f"{file}{row}{col}"


def _hierarchy(spec) -> list[str]:
    h, out = spec.hierarchy, []
    w = lambda i, c: _where(spec, "hierarchy", i, c)  # noqa: E731
    codes = list(h["code"])
    row = {c: i for i, c in enumerate(codes)}
    parent = dict(zip(h["code"], h["parent"]))
    roots = [c for c in codes if parent[c] is None or pd.isna(parent[c])]
    if len(roots) != 1:
        out.append(f"{w(None, 'parent')}: needs exactly one root (empty parent), found {roots}")
    for i, (code, par, lev) in enumerate(zip(h["code"], h["parent"], h["level"])):
        if par is not None and not pd.isna(par):
            if par not in row:
                out.append(f"{w(i, 'parent')}: orphan: parent {par!r} of {code!r} is not a code")
            elif not h["level"].iloc[row[par]] > lev:
                out.append(f"{w(i, 'level')}: {code!r} (level {lev}) must sit below its parent {par!r} "
                           f"(level {h['level'].iloc[row[par]]})")
        seen, node = set(), code
        while node in parent and parent[node] is not None and not pd.isna(parent[node]):
            if node in seen:
                out.append(f"{w(i, 'parent')}: cycle through {code!r} ({' -> '.join(sorted(seen))})")
                break
            seen.add(node)
            node = parent[node]
    leaves = set(leaf_codes(h))
    for i, (code, lev) in enumerate(zip(h["code"], h["level"])):
        if (code in leaves) != (lev == 1):
            what = "an indicator (no children) must be at level 1" if code in leaves else "level 1 is for indicators only"
            out.append(f"{w(i, 'level')}: {code!r}: {what}")
    for par, kids in h[h["parent"].notna()].groupby("parent", sort=False):
        total = float(kids["weight"].sum())
        if abs(total - 1.0) > TOL:
            out.append(f"{w(int(kids.index[0]), 'weight')}: weights of the children of {par!r} "
                       f"({', '.join(kids['code'])}) sum to {total:.6g}, not 1")
    return out


def _rubric(spec) -> list[str]:
    r, h, out = spec.rubric, spec.hierarchy, []
    w = lambda i, c: _where(spec, "rubric", i, c)  # noqa: E731
    nodes = set(h["code"])
    grades = set(spec.grades["grade"])
    allowed = {"completion": nodes | set(TASK_SHARES), "schedule": set(TASK_SHARES), "deduction": set(COUNTS),
               "bonus": set(RECOGNITION_LEVELS), "veto": {VETO_BASIS}}
    blank = lambda v: v is None or (isinstance(v, float) and np.isnan(v))  # noqa: E731
    for i, row in enumerate(r.itertuples(index=False)):
        if row.basis not in allowed[row.kind]:
            hint = "a hierarchy code" if row.kind == "completion" else f"one of {sorted(allowed[row.kind])}"
            out.append(f"{w(i, 'basis')}: item {row.item!r} ({row.kind}) refers to unknown basis {row.basis!r}; "
                       f"expected {hint}")
        need = {"completion": ("points",), "schedule": ("points",), "deduction": ("points", "per_occurrence"),
                "bonus": ("per_occurrence", "cap"), "veto": ("grade_cap",)}[row.kind]
        banned = {"completion": ("per_occurrence", "floor"), "schedule": ("per_occurrence", "floor"),
                  "deduction": ("cap",), "bonus": ("points", "floor"), "veto": ("points", "cap", "per_occurrence", "floor")}
        for col in need:
            if blank(getattr(row, col)):
                out.append(f"{w(i, col)}: item {row.item!r} ({row.kind}) needs {col}")
        for col in banned[row.kind]:
            if not blank(getattr(row, col)):
                out.append(f"{w(i, col)}: item {row.item!r} ({row.kind}) takes no {col}")
        if row.kind != "veto" and (not blank(row.grade_cap) or row.unranked):
            out.append(f"{w(i, 'grade_cap')}: only veto items take grade_cap / unranked (item {row.item!r})")
        if row.kind == "veto" and not blank(row.grade_cap) and row.grade_cap not in grades:
            out.append(f"{w(i, 'grade_cap')}: item {row.item!r}: unknown grade {row.grade_cap!r}")
        if row.kind in ("completion", "schedule") and not blank(row.cap) and not blank(row.points) and row.cap < row.points:
            out.append(f"{w(i, 'cap')}: item {row.item!r}: cap {row.cap:g} is below its points {row.points:g}")
        if row.kind == "deduction" and not blank(row.floor) and not blank(row.points) and row.floor > row.points:
            out.append(f"{w(i, 'floor')}: item {row.item!r}: floor {row.floor:g} exceeds its points {row.points:g}")
    base = r[r["kind"].isin(["completion", "schedule", "deduction"])]["points"].sum()
    if abs(base - spec.base_points) > TOL:
        out.append(f"{w(None, 'points')}: points of the completion, schedule and deduction items sum to "
                   f"{base:g}, not base_points {spec.base_points:g}")
    return out


def _grades(spec) -> list[str]:
    g, out = spec.grades, []
    w = lambda i, c: _where(spec, "grades", i, c)  # noqa: E731
    if g.empty:
        return [f"{w(None, None)}: needs at least one grade"]
    order = g["min_score"].to_numpy()
    if not np.all(np.diff(order) < 0):
        out.append(f"{w(None, 'min_score')}: grades must be listed best first with strictly falling min_score, "
                   f"got {order.tolist()}")
    if order[-1] > 0:
        out.append(f"{w(len(g) - 1, 'min_score')}: the lowest grade must start at 0 or below so every score "
                   f"gets a grade, got {order[-1]:g}")
    for i, q in enumerate(g["quota"]):
        if i > 0 and not pd.isna(q):
            out.append(f"{w(i, 'quota')}: only the top grade may have a quota")
        if i == 0 and not pd.isna(q) and q <= 0:
            out.append(f"{w(i, 'quota')}: quota must be > 0 (leave it empty for none)")
    return out


def _raters(spec) -> list[str]:
    out = []
    total = float(spec.raters["weight"].sum())
    if abs(total - 1.0) > TOL:
        out.append(f"{_where(spec, 'raters', None, 'weight')}: rater-group weights sum to {total:.6g}, not 1")
    missing = sorted(set(("excellent", "good", "fair", "poor")) - set(spec.rating_points["grade"]))
    if missing:
        out.append(f"{_where(spec, 'rating_points', None, 'grade')}: no points for grades {missing}")
    return out


def _vetoes(spec) -> list[str]:
    items = set(spec.rubric.loc[spec.rubric["kind"] == "veto", "item"])
    return [f"{_where(spec, 'vetoes', i, 'item')}: {item!r} is not a veto item of the rubric ({sorted(items)})"
            for i, item in enumerate(spec.vetoes["item"]) if item not in items]


def _ahp(spec) -> list[str]:
    out, h = [], spec.hierarchy
    for node, matrix in spec.ahp.items():
        where = _where(spec, f"ahp:{node}", None, None)
        kids = list(h.loc[h["parent"] == node, "code"])
        if not kids:
            out.append(f"{where}: {node!r} is not a hierarchy code with children")
            continue
        if sorted(matrix.index) != sorted(kids) or sorted(matrix.columns) != sorted(kids):
            out.append(f"{where}: rows and columns must be the children of {node!r} {kids}, "
                       f"got rows {list(matrix.index)} and columns {list(matrix.columns)}")
            continue
        try:
            ahp_weights(matrix.loc[kids, kids])
        except SpecError as err:
            out.append(f"{where}: {err}")
    if spec.weighting == "ahp" and not spec.ahp:
        out.append("spec.yml, key weighting/method: 'ahp' needs at least one matrix in files/ahp")
    return out


def _settings(spec) -> list[str]:
    out = []
    levels = set(spec.hierarchy["level"]) - {1}
    for lev, method in spec.aggregation.items():
        if lev not in levels:
            out.append(f"spec.yml, key aggregation/{lev}: no aggregate at level {lev} (levels {sorted(levels)})")
        if method not in AGGREGATIONS:
            out.append(f"spec.yml, key aggregation/{lev}: unknown method {method!r}")
    lo, hi = spec.scale
    if not lo < hi:
        out.append(f"spec.yml, key normalisation/scale: must be [low, high] with low < high, got {list(spec.scale)}")
    uses_positive = set(spec.aggregation.values()) | set(spec.uncertainty.get("alternatives", {}).get("aggregation", []))
    if uses_positive & {"geometric", "harmonic"} and lo <= 0:
        out.append(f"spec.yml, key normalisation/scale: geometric or harmonic means need a scale above 0, got {list(spec.scale)}")
    choices = {"flows": FLOWS, "imputation": IMPUTATIONS, "normalisation": NORMALISATIONS, "weighting": WEIGHTINGS}
    for key, allowed in choices.items():
        if getattr(spec, key) not in allowed:
            out.append(f"spec.yml: {key} must be one of {allowed}, got {getattr(spec, key)!r}")
    alt_allowed = {"normalisation": NORMALISATIONS, "aggregation": AGGREGATIONS, "imputation": ("none", "mean", "median"),
                   "weighting": WEIGHTINGS}
    for key, values in spec.uncertainty.get("alternatives", {}).items():
        bad = [v for v in values if v not in alt_allowed.get(key, ())]
        if bad:
            out.append(f"spec.yml, key uncertainty/alternatives/{key}: unknown {bad}; choose from {alt_allowed.get(key)}")
    year = spec.phases["year"]
    if abs(year["phased"] + year["year_end"] - 1) > TOL:
        out.append(f"spec.yml, key phases/year: phased + year_end must be 1, got {year['phased'] + year['year_end']:g}")
    for key, weights in (("quarter", spec.phases["quarter"]), ("half", spec.phases["half"]),
                         ("year/quarters", year["quarters"])):
        if sum(weights) <= 0 or min(weights) < 0:
            out.append(f"spec.yml, key phases/{key}: weights must be >= 0 and not all 0, got {list(weights)}")
    return out


def validate(spec) -> list[str]:
    """Every problem of the spec, hierarchy first (later checks assume a readable hierarchy)."""
    out = _hierarchy(spec)
    if out:
        return out

    try:
        period_kind(spec.period)
    except SpecError as err:
        out.append(f"spec.yml, key period: {err}")
    return out + _rubric(spec) + _grades(spec) + _raters(spec) + _vetoes(spec) + _ahp(spec) + _settings(spec)


def catalogue_problems(spec, indicators: pd.DataFrame) -> list[str]:
    """Problems of the spec against the indicator catalogue."""
    cat = indicators.set_index("indicator")
    h, out = spec.hierarchy, []
    leaves = leaf_codes(h)
    is_leaf = set(leaves)
    for i, code in enumerate(h["code"]):
        if code in is_leaf and code not in cat.index:
            out.append(f"{_where(spec, 'hierarchy', i, 'code')}: unknown indicator {code!r} (not in the catalogue)")
    for code in [c for c in leaves if c in cat.index and cat.at[c, "direction"] == "band"]:
        low, high = cat.at[code, "band_low"], cat.at[code, "band_high"]
        if pd.isna(low) or pd.isna(high):
            out.append(f"indicator {code!r}: a band indicator needs band_low and band_high")
        elif low > high:
            out.append(f"indicator {code!r}: band lower edge {low:g} exceeds its upper edge {high:g}")
    for i, row in enumerate(spec.rubric.itertuples(index=False)):
        if row.kind == "completion" and row.basis in cat.index:
            if cat.at[row.basis, "direction"] == "band":
                out.append(f"{_where(spec, 'rubric', i, 'basis')}: item {row.item!r}: band indicator "
                           f"{row.basis!r} has no target to complete")
            elif pd.isna(cat.at[row.basis, "target"]):
                out.append(f"{_where(spec, 'rubric', i, 'basis')}: item {row.item!r}: indicator {row.basis!r} "
                           "has no target in the catalogue")
    return out
