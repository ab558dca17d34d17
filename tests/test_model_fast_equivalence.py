"""The evaluation steps computed on arrays give, to the last bit, what the same arithmetic
gives on frames: aggregation node by node with the frame aggregators (nodes of up to 20
children, where the order of adding matters), min-max over the whole frame against the
per-column normaliser, flows against their formula per column, and the rubric's ledger
dtypes where the items' columns differ in dtype."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reformlib.model import AGGREGATORS, NORMALISERS, aggregate, aggregate_hierarchy, normalise
from reformlib.model.checks import directions
from reformlib.model.kpi import score_rubric
from reformlib.model.normalise import _Options
from reformlib.model.pipeline import period_matrix


def _frame_aggregate(x: pd.DataFrame, w: pd.Series, method: str, min_coverage: float) -> tuple[pd.Series, pd.Series]:
    """aggregate() as frame arithmetic: weights re-normalised per unit, then the frame aggregator."""
    used = w > 0
    observed = x.notna() & used
    coverage = observed.sum(axis=1) / used.sum()
    wmat = observed.astype(float) * w
    wmat = wmat.div(wmat.sum(axis=1).replace(0.0, np.nan), axis=0).fillna(0.0)
    scored = (coverage > 0) & (coverage >= min_coverage)
    return AGGREGATORS[method](x, wmat).where(scored).astype(float), scored


def _tree(rng: np.random.Generator, n_leaves: int) -> pd.DataFrame:
    rows, level, nodes = [], 1, [f"i{j}" for j in range(n_leaves)]
    while len(nodes) > 1:
        parents, k = [], 0
        while k < len(nodes):
            size = int(rng.integers(1, 21))
            parents.append(f"n{level + 1}.{len(parents)}")
            rows += [(c, parents[-1], level, float(rng.choice([0.0, 0.3, 1.0, 2.0]))) for c in nodes[k:k + size]]
            k += size
        nodes, level = parents, level + 1
    rows.append((nodes[0], None, level, 1.0))
    return pd.DataFrame(rows, columns=["code", "parent", "level", "weight"])


@pytest.mark.parametrize("seed", range(12))
def test_hierarchy_equals_frame_arithmetic_node_by_node(seed: int) -> None:
    rng = np.random.default_rng(seed)
    h = _tree(rng, int(rng.integers(10, 60)))
    leaves = [c for c in h["code"] if c not in set(h["parent"].dropna())]
    x = pd.DataFrame(rng.uniform(0.5, 100.0, size=(11, len(leaves))), columns=leaves,
                     index=pd.Index([f"u{i}" for i in range(11)], name="unit"))
    x = x.mask(rng.random(x.shape) < 0.3)
    method = {2: "geometric", 3: "harmonic"} if seed % 3 == 0 else ["arithmetic", "geometric", "harmonic"][seed % 3]
    for min_coverage in (0.0, 0.6):
        try:
            got, gaps = aggregate_hierarchy(x, h, method=method, min_coverage=min_coverage, keep_indicators=True,
                                            return_details=True)
        except Exception as err:  # a node whose children all weigh 0: the frame arithmetic refuses it too
            assert "sum to zero" in str(err)
            continue
        want = x.copy()
        for node in h[~h["code"].isin(leaves)].sort_values("level", kind="stable").itertuples():
            kids = h[h["parent"] == node.code]
            m = method.get(node.level, "arithmetic") if isinstance(method, dict) else method
            s, scored = _frame_aggregate(want[list(kids["code"])], pd.Series(list(kids["weight"]), index=list(kids["code"])),
                                         m, min_coverage)
            want[node.code] = s
            assert list(gaps.loc[gaps["code"] == node.code, "unit"]) == list(scored.index[~scored])
            score = aggregate(want[list(kids["code"])], dict(zip(kids["code"], kids["weight"])), m, min_coverage=min_coverage)
            np.testing.assert_array_equal(score.to_numpy(), s.to_numpy())
        np.testing.assert_array_equal(got.to_numpy(), want.to_numpy())
        assert list(got.columns) == list(want.columns)


def test_minmax_over_the_frame_equals_the_per_column_normaliser() -> None:
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.normal(50, 30, size=(9, 25)) * 10.0 ** rng.integers(-3, 4, size=25), columns=[f"c{i}" for i in range(25)])
    x = x.mask(rng.random(x.shape) < 0.2)
    d = {c: int(rng.choice([1, -1])) for c in x.columns}
    got = normalise(x, "minmax", direction=d, scale=(0.0, 100.0))
    dirs = directions(d, x.columns)
    for c in x.columns:
        o = _Options(name=c, scale=(0.0, 100.0), cap=True, m_sd=None, ties="min", rank_start=1, goalposts=None,
                     reference=None, threshold=0.2, cuts=None, cut_kind="percentile", band=None, target=None)
        np.testing.assert_array_equal(got[c].to_numpy(), NORMALISERS["minmax"](x[c], int(dirs[c]), o).to_numpy())
        assert got[c].to_numpy().flags["C_CONTIGUOUS"]  # each column contiguous, as a frame built column by column


@pytest.mark.parametrize("flows", ["growth", "arc_growth", "level"])
def test_flows_equal_their_formula_per_column(flows: str) -> None:
    rng = np.random.default_rng(4)
    months = pd.period_range("2016-01", "2017-12", freq="M")
    obs = pd.DataFrame([(u, i, p, float(rng.choice([0.0, rng.uniform(0, 50)])))
                        for u in "ABCDEFGHI" for i in ("f1", "f2", "lv") for p in months if rng.random() < 0.8],
                       columns=["unit", "indicator", "period", "value"])
    catalogue = pd.DataFrame({"indicator": ["f1", "f2", "lv"], "annual": ["sum", "sum", "december"]})
    raw, base, prepared, log = period_matrix(obs, catalogue, indicators=["f1", "f2", "lv"], units=list("ABCDEFGHIZ"),
                                             period="2017-05", flows=flows)
    for ind in ("f1", "f2"):
        x, x0 = raw[ind], base[ind]
        if flows == "growth":
            want = 100 * (x / x0.where(x0 != 0) - 1)
        elif flows == "arc_growth":
            den = x.abs() + x0.abs()
            want = (200 * (x - x0) / den.where(den != 0)).where(den != 0, 0.0).where(x.notna() & x0.notna())
        else:
            want = x
        pd.testing.assert_series_equal(prepared[ind], want, check_exact=True, check_names=False)
    pd.testing.assert_series_equal(prepared["lv"], raw["lv"], check_exact=True)
    assert base["lv"].isna().all() and raw.loc["Z"].isna().all()
    assert len(log) == ((prepared[["f1", "f2"]].isna() & raw[["f1", "f2"]].notna()).to_numpy().sum() if flows != "level" else 0)


def test_ledger_dtypes_as_pd_concat_gives_them_where_items_differ() -> None:
    """An item without rows (a veto nobody hit, float zeros) beside integer points: pd.concat
    makes max_points float, and so must the joined ledger."""
    rubric = pd.DataFrame([("ded", "deduction", "open_problems", 20, np.nan, 3, 0, None, None, "整改", "problems"),
                           ("v1", "veto", "vetoes", 0, np.nan, np.nan, np.nan, "fair", False, "否决", "veto")],
                          columns=["item", "kind", "basis", "points", "cap", "per_occurrence", "floor", "grade_cap",
                                   "unranked", "name_zh", "name_en"])
    measures = pd.DataFrame({"unit": list("AB") * 2, "basis": ["open_problems"] * 2 + ["veto:v1"] * 2,
                             "value": np.nan, "count": [1.0, 9.0, 0.0, 0.0], "detail_zh": "", "detail_en": ""})
    ledger, summary = score_rubric(rubric, measures, units=["A", "B"])
    assert ledger["max_points"].dtype == np.float64 and summary["base_max"].dtype == np.float64
    assert ledger["points"].tolist()[:2] == [17.0, 0.0]  # then the rescaling row of A
