"""Contract tests: every normaliser, weighter and aggregator honours the same promises.

Index kept, no NaN introduced, column order irrelevant, weights >= 0 summing to 1, and a
reversed direction reverses the order of the units. Data are synthetic.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import reformlib.model as model
from reformlib.errors import SpecError
from reformlib.model import AGGREGATORS, NORMALISERS, WEIGHTERS, aggregate, normalise, weigh

RNG = np.random.default_rng(2017)
UNITS = pd.Index(["430302", "430304", "430321", "430381", "430382", "xtjk", "xtgx", "tyjk"], name="unit")
FRAME = pd.DataFrame(RNG.uniform(1, 100, size=(8, 4)), index=UNITS, columns=["p", "q", "r", "s"])
FRAME.iloc[2, 1] = np.nan  # one gap, which must stay the only one

NORM_OPTIONS = {
    "goalposts": {"goalposts": {c: (0.0, 100.0) for c in FRAME.columns}},
    "target": {"target": {c: 50.0 for c in FRAME.columns}, "cap": False},
    "band": {"bands": {c: (40.0, 60.0) for c in FRAME.columns}},
    "categorical": {"bands": [0.25, 0.5, 0.75]},
    "ref_ratio": {"reference": "430302"},
    "ref_difference": {"reference": "430302"},
}
COARSE = {"categorical", "above_below_mean", "band"}  # many ties by design
DIRECTIONLESS = {"band"}  # the band's best values are inside it, whatever the direction


def _order_sign(v: pd.Series) -> np.ndarray:
    a = v.to_numpy()
    return np.sign(a[:, None] - a[None, :])


@pytest.mark.parametrize("method", sorted(NORMALISERS))
def test_normaliser_contract(method: str) -> None:
    opts = NORM_OPTIONS.get(method, {})
    out = normalise(FRAME, method, **opts)
    assert out.index.equals(FRAME.index) and list(out.columns) == list(FRAME.columns)
    assert out.isna().equals(FRAME.isna())
    shuffled = normalise(FRAME[["s", "q", "p", "r"]], method, **opts)
    pd.testing.assert_frame_equal(shuffled[FRAME.columns], out)
    if method in DIRECTIONLESS:
        return
    rev = normalise(FRAME, method, direction={c: -1 for c in FRAME.columns}, **opts)
    for col in FRAME.columns:
        up, down = _order_sign(out[col].dropna()), _order_sign(rev[col].dropna())
        if method in COARSE:
            assert not ((up > 0) & (down > 0)).any(), col
        else:
            assert (up == -down).all(), col


AHP = pd.DataFrame(np.ones((4, 4)), index=FRAME.columns, columns=FRAME.columns)
WEIGH_OPTIONS = {"ahp": {"pairwise": AHP}, "expert": {"expert": {"p": 1, "q": 2, "r": 3, "s": 4}},
                 "pca": {"n_components": 2}}


@pytest.mark.parametrize("method", sorted(WEIGHTERS))
def test_weighter_contract(method: str) -> None:
    x = FRAME.fillna(FRAME.mean()) if method == "pca" else FRAME
    opts = WEIGH_OPTIONS.get(method, {})
    w = weigh(x, method, **opts)
    assert list(w.index) == list(FRAME.columns)
    assert (w >= 0).all() and w.notna().all() and w.sum() == pytest.approx(1.0)
    shuffled = weigh(x[["s", "q", "p", "r"]], method, **opts)
    pd.testing.assert_series_equal(shuffled[w.index], w, rtol=1e-9)


@pytest.mark.parametrize("method", sorted(AGGREGATORS))
def test_aggregator_contract(method: str) -> None:
    w = {"p": 1.0, "q": 2.0, "r": 0.5, "s": 1.0}
    score = aggregate(FRAME, w, method)
    assert score.index.equals(FRAME.index) and score.notna().all()
    shuffled = aggregate(FRAME[["s", "q", "p", "r"]], w, method)
    pd.testing.assert_series_equal(shuffled, score, check_names=False)
    assert (score <= FRAME.max(axis=1) + 1e-9).all() and (score >= FRAME.min(axis=1) - 1e-9).all()
    reversed_scores = aggregate(normalise(FRAME, "minmax", direction={c: -1 for c in w}, scale=(1, 2)), w, method)
    forward = aggregate(normalise(FRAME, "minmax", scale=(1, 2)), w, method)
    single = {"p": 1.0, "q": 0.0, "r": 0.0, "s": 0.0}  # one indicator: exact reversal of the order
    a = aggregate(normalise(FRAME, "minmax", scale=(1, 2)), single, method)
    b = aggregate(normalise(FRAME, "minmax", direction={c: -1 for c in w}, scale=(1, 2)), single, method)
    assert (_order_sign(a) == -_order_sign(b)).all()
    assert not forward.equals(reversed_scores)


def test_public_api() -> None:
    assert sorted(model.__all__) == sorted([
        "AGGREGATORS", "IMPUTERS", "NORMALISERS", "WEIGHTERS", "aggregate", "aggregate_hierarchy",
        "ahp_weights", "combine_weights", "correlations", "cronbach_alpha", "denominate",
        "effective_weights", "impute", "indicator_stats", "normalise", "pca_variance", "rank",
        "screen_units", "topsis", "treat_outliers", "vikor", "weigh",
        "EvaluationResult", "PhasedScores", "Spec", "assign_grades", "evaluate",
        "load_data", "load_spec", "lost_points", "phased_assessment", "phased_scores",
        "qualitative_scores", "rank_uncertainty", "score_rubric", "uncertainty"])
    for name in model.__all__:
        obj = getattr(model, name)
        assert isinstance(obj, dict) or obj.__doc__, name


values = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.lists(st.lists(values, min_size=3, max_size=3), min_size=3, max_size=7),
    signs=st.lists(st.sampled_from([1, -1]), min_size=3, max_size=3),
    weights=st.lists(st.floats(min_value=0.0, max_value=5.0), min_size=3, max_size=3),
    unit=st.integers(min_value=0, max_value=6),
    col=st.integers(min_value=0, max_value=2),
    step=st.floats(min_value=1e-3, max_value=1e3),
)
def test_improving_an_indicator_never_lowers_the_score(data, signs, weights, unit, col, step) -> None:
    x = pd.DataFrame(data, columns=["a", "b", "c"])
    unit %= len(x)
    assume(sum(weights) > 0)
    direction = dict(zip(x.columns, signs))
    better = x.copy()
    better.iloc[unit, col] += step * signs[col]
    try:
        before = aggregate(normalise(x, "minmax", direction=direction), weights)
        after = aggregate(normalise(better, "minmax", direction=direction), weights)
    except SpecError:
        assume(False)  # a constant column has no min-max normalisation
    assert after.iloc[unit] >= before.iloc[unit] - 1e-9
