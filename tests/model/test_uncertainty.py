"""Uncertainty and sensitivity analysis: kernels, rebuild reference, seeds, Sobol indices, errors.

Golden case: COINr's aggregation vignette (bluefoxr/COINr, docs/articles/aggregate.html),
kept in ../shared/reference/asem_coinr/ (see its README; skipped when absent). The other data are small seeded
synthetic tables.
"""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

from reformlib.errors import DataValidationError, SpecError
from reformlib.model.uncertainty import (
    UncertainInputs,
    analyse,
    evaluate_design,
    nominal_design,
    prepare,
    rebuild_loop_reference,
    sample,
    uncertainty_analysis,
)
from reformlib.model.uncertainty import kernels as vec

INDICATORS = list("abcde")
DIRECTION = {"a": 1, "b": -1, "c": 1, "d": 1, "e": -1}
WEIGHTS = {"a": 1.0, "b": 2.0, "c": 1.0, "d": 1.0, "e": 0.5}
GROUPS = {"a": "G1", "b": "G1", "c": "G2", "d": "G2", "e": "G2"}


def synthetic_frame(missing: bool = True) -> pd.DataFrame:
    """Synthetic 8 units x 5 indicators, seeded, two cells missing when asked."""
    rng = np.random.default_rng(20170101)
    frame = pd.DataFrame(rng.lognormal(size=(8, 5)), index=[f"synthetic_u{i}" for i in range(8)],
                         columns=INDICATORS)
    if missing:
        frame.iloc[2, 1] = np.nan
        frame.iloc[5, 3] = np.nan
    return frame


FLAT = UncertainInputs(
    normalisation=("minmax", "rank", "percentile", "zscore"), imputation=("none", "mean", "median"),
    weighting=("nominal", "equal", "alt"), weight_sets={"alt": {"a": 3, "b": 1, "c": 0, "d": 1, "e": 2}},
    weight_noise=0.25, exclusion="each", exclusion_probability=0.2,
)
HIERARCHY = UncertainInputs(
    normalisation=("minmax", "rank", "percentile"), aggregation=("arithmetic", "geometric", "harmonic"),
    imputation=("none", "mean"), weight_noise=0.5, noise_level="group", exclusion="one",
)


# --- kernels, checked by hand ---------------------------------------------------------

def test_rank_desc_ties_take_the_lowest_rank_and_missing_scores_come_last():
    scores = np.array([[3.0, np.nan, 5.0, 3.0 + 1e-12, 1.0], [1.0, 2.0, 3.0, 4.0, 5.0]])
    assert vec.rank_desc(scores).tolist() == [[2, 5, 1, 2, 4], [5, 4, 3, 2, 1]]


@pytest.mark.parametrize("scale", [1.0, 1e10], ids=["packed-sort", "argsort-fallback"])
def test_rank_desc_agrees_with_scipy_min_ranks(scale):
    rng = np.random.default_rng(0)
    scores = np.round(rng.random((40, 300)) * 10, 1) * scale
    scores[rng.random(scores.shape) < 0.1] = np.nan
    expected = rankdata(np.where(np.isnan(scores), np.inf, -scores), method="min", axis=1)
    np.testing.assert_array_equal(vec.rank_desc(scores), expected)


def test_normalisers_on_a_column_by_hand():
    x = np.array([[1.0], [3.0], [np.nan], [5.0]])
    np.testing.assert_allclose(vec.NORMALISERS["minmax"](x).ravel(), [1, 50.5, np.nan, 100])
    np.testing.assert_allclose(vec.NORMALISERS["zscore"](x).ravel(), [8, 10, np.nan, 12])
    np.testing.assert_allclose(vec.NORMALISERS["rank"](x).ravel(), [1, 2, np.nan, 3])
    # the model's two percentile conventions on [1, 100]: COINr (rank - 1)/(n - 1), Handbook rank/n
    np.testing.assert_allclose(vec.NORMALISERS["percentile"](x).ravel(), [1, 50.5, np.nan, 100])
    np.testing.assert_allclose(vec.NORMALISERS["percentile_handbook"](x).ravel(), [34, 67, np.nan, 100])
    np.testing.assert_allclose(vec.IMPUTERS["median"](x).ravel(), [1, 3, 3, 5])


@pytest.mark.parametrize("aggregation, expected", [
    ("arithmetic", [(1 * 2 + 3 * 8) / 4, 4.0]),        # unit 2 misses its second value
    ("geometric", [2 ** 0.25 * 8 ** 0.75, 4.0]),
    ("harmonic", [4 / (1 / 2 + 3 / 8), 4.0]),
])
def test_aggregate_weighted_means_over_available_values(aggregation, expected):
    normalised = np.array([[2.0, 8.0], [4.0, np.nan]])
    phi, mask = vec.transform(normalised, aggregation)
    out = vec.aggregate(phi, mask, np.array([[1.0, 3.0]]), np.ones((1, 1)), [np.array([0, 1])], aggregation)
    np.testing.assert_allclose(out[0], expected)


def test_golden_coinr_harmonic_mean_of_minmax_1_100(shared_reference):
    """COINr aggregate vignette: LPI, Flights, Ship, Bord min-max to [1, 100], a_hmean w = (1, 1, 2, 1)."""
    asem = shared_reference / "asem_coinr"
    case = json.loads((asem / "expected.json").read_text())["harmonic_mean_vignette"]
    cols = ["LPI", "Flights", "Ship", "Bord"]
    data = pd.read_csv(asem / "ASEM_iData.csv").set_index("uCode")[cols]
    model = prepare(data, direction=dict.fromkeys(cols, 1), weights=dict(zip(cols, [1, 1, 2, 1])),
                    uncertain=UncertainInputs(aggregation=("harmonic",), weight_noise=0.0))
    scores = pd.Series(evaluate_design(model, nominal_design(model), keep_scores=True).scores[0], index=data.index)
    for row in case["rows_in_file_order"]:
        y = row["y"]
        assert abs(scores[row["uCode"]] - y) <= 0.5 * 10 ** (np.floor(np.log10(y)) - 2), row["uCode"]


# --- the fast path against the rebuild loop -------------------------------------------

@pytest.mark.parametrize("spec, groups", [(FLAT, None), (FLAT, GROUPS), (HIERARCHY, GROUPS)],
                         ids=["flat", "flat-spec-in-groups", "hierarchy"])
def test_vectorised_equals_per_replication_rebuild(spec, groups):
    # 16 base points (112 replications a design, the rebuild loop 2 CPU-s): every option of every
    # discrete input is drawn, as asserted below; more points only repeat the same options
    frame = synthetic_frame()
    result = uncertainty_analysis(frame, direction=DIRECTION, weights=WEIGHTS, uncertain=spec, groups=groups,
                         n=16, seed=7, keep=True, chunk_size=5)
    for name, codes in result.design.codes.items():
        assert set(codes.tolist()) == set(range(len(getattr(spec, name)))), name
    scores, ranks = rebuild_loop_reference(frame, direction=DIRECTION, weights=WEIGHTS, uncertain=spec,
                                           design=result.design, groups=groups)
    assert len(ranks) == 16 * (len(result.sensitivity) + 2)
    np.testing.assert_allclose(result.scores.to_numpy(), scores.to_numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(result.ranks.to_numpy(), ranks.to_numpy())
    assert result.undefined_scores == int(scores.isna().sum().sum())
    quantiles = np.percentile(ranks.to_numpy(), [5, 50, 95], axis=0)
    np.testing.assert_allclose(result.summary[["rank_p05", "median_rank", "rank_p95"]].T, quantiles)
    np.testing.assert_array_equal(result.summary["rank_range"], ranks.max() - ranks.min())


def test_same_seed_same_result_and_another_seed_another_design():
    kwargs = dict(direction=DIRECTION, weights=WEIGHTS, uncertain=FLAT, n=32, keep=True)
    first, again = (uncertainty_analysis(synthetic_frame(), seed=11, **kwargs) for _ in range(2))
    pd.testing.assert_frame_equal(first.summary, again.summary)
    pd.testing.assert_frame_equal(first.sensitivity, again.sensitivity)
    pd.testing.assert_frame_equal(first.ranks, again.ranks)
    other = uncertainty_analysis(synthetic_frame(), seed=12, **kwargs)
    assert not np.array_equal(first.design.sample, other.design.sample)


def test_chunks_and_threads_do_not_change_results():
    args = dict(direction=DIRECTION, weights=WEIGHTS, uncertain=HIERARCHY, groups=GROUPS, n=16, seed=9, keep=True)
    one = uncertainty_analysis(synthetic_frame(), **args, chunk_size=3, workers=1)
    other = uncertainty_analysis(synthetic_frame(), **args, chunk_size=1000, workers=2)
    pd.testing.assert_frame_equal(one.scores, other.scores)
    pd.testing.assert_frame_equal(one.summary, other.summary)


def test_inputs_are_not_mutated():
    frame, weights = synthetic_frame(), dict(WEIGHTS)
    before = frame.copy()
    uncertainty_analysis(frame, direction=DIRECTION, weights=weights, uncertain=FLAT, n=8, seed=1)
    pd.testing.assert_frame_equal(frame, before)
    assert weights == WEIGHTS


# --- what the analysis should find ----------------------------------------------------

def test_zero_perturbation_collapses_every_rank_interval_onto_the_nominal_rank():
    spec = UncertainInputs(weight_noise=0.0, exclusion="each", exclusion_probability=0.0)
    result = uncertainty_analysis(synthetic_frame(), direction=DIRECTION, weights=WEIGHTS, uncertain=spec, n=16, seed=3)
    s = result.summary
    for col in ["rank_p05", "median_rank", "rank_p95", "mean_rank", "rank_min", "rank_max"]:
        np.testing.assert_array_equal(s[col], s["nominal_rank"])
    assert (s["rank_range"] == 0).all() and (result.rank_shift == 0).all()
    assert (result.sensitivity[["S1", "ST"]] == 0).all().all()
    assert sorted(s["nominal_rank"]) == list(range(1, 9))


def test_an_input_that_changes_nothing_gets_zero_sensitivity():
    """Imputation cannot matter when nothing is missing; the weighting choice does."""
    spec = UncertainInputs(imputation=("none", "mean", "median"), weighting=("nominal", "alt"),
                           weight_sets={"alt": {"a": 0, "b": 0, "c": 5, "d": 0, "e": 1}})
    result = uncertainty_analysis(synthetic_frame(missing=False), direction=DIRECTION, weights=WEIGHTS,
                         uncertain=spec, n=64, seed=5)
    sens = result.sensitivity.set_index("factor")
    assert abs(sens.loc["imputation", "S1"]) < 1e-12 and abs(sens.loc["imputation", "ST"]) < 1e-12
    assert sens.loc["weighting", "ST"] > 0.9 and sens.loc["weighting", "S1"] > 0.8
    assert result.rank_shift.max() > 0


def test_a_lone_factor_of_many_dimensions_explains_all_the_variance():
    result = uncertainty_analysis(synthetic_frame(), direction=DIRECTION, weights=WEIGHTS,
                         uncertain=UncertainInputs(weight_noise=0.5), n=64, seed=8)
    assert len(result.rank_shift) == 64 * 3 and result.rank_shift.max() > 0
    sens = result.sensitivity.set_index("factor")
    assert list(sens.index) == ["weights"]
    assert sens.loc["weights", "ST"] == pytest.approx(1, abs=0.2) and sens.loc["weights", "S1"] > 0.8


def test_rank_output_gives_indices_for_each_chosen_unit():
    units = ["synthetic_u0", "synthetic_u6"]
    result = uncertainty_analysis(synthetic_frame(), direction=DIRECTION, weights=WEIGHTS, uncertain=HIERARCHY,
                         groups=GROUPS, n=16, seed=2, output="rank", units=units)
    assert list(pd.unique(result.sensitivity["output"])) == [f"rank:{u}" for u in units]
    assert set(result.sensitivity["factor"]) == {"normalisation", "aggregation", "imputation", "weights",
                                                 "exclusion"}
    assert result.sensitivity[["S1_conf", "ST_conf"]].ge(0).all().all()


def test_analyse_is_seeded():
    model = prepare(synthetic_frame(), direction=DIRECTION, weights=WEIGHTS, uncertain=FLAT)
    design = sample(model, n=16, seed=4)
    y = np.random.default_rng(0).random(len(design.sample))
    pd.testing.assert_frame_equal(analyse(design, y, seed=0), analyse(design, y, seed=0))


# --- bad input ------------------------------------------------------------------------

@pytest.mark.parametrize("change, word", [
    (dict(weight_noise=-0.25), "weight_noise"),
    (dict(weight_noise=1.5), "weight_noise"),
    (dict(normalisation=("minmax", "softmax")), "normalisation"),
    (dict(aggregation=("median",)), "aggregation"),
    (dict(imputation=("none", "none")), "imputation"),
    (dict(weighting=("nominal", "entropy")), "weighting"),
    (dict(weight_sets={"equal": dict.fromkeys(INDICATORS, 2.0)}), "weight_sets"),
    (dict(weight_sets={"alt": {"a": 1}}, weighting=("alt",)), "weights 'alt'"),
    (dict(noise_level="pillar"), "noise_level"),
    (dict(exclusion="some"), "exclusion"),
    (dict(exclusion="each", exclusion_probability=1.0), "exclusion_probability"),
    (dict(exclusion="one", exclusion_candidates=("zz",)), "exclusion_candidates"),
    (dict(weight_noise=None), "nothing uncertain"),
])
def test_bad_uncertain_inputs_raise_spec_errors_naming_them(change, word):
    spec = replace(UncertainInputs(weight_noise=0.1), **change)
    with pytest.raises(SpecError, match=word):
        uncertainty_analysis(synthetic_frame(), direction=DIRECTION, weights=WEIGHTS, uncertain=spec, n=8)


@pytest.mark.parametrize("kwargs, word", [
    (dict(direction={**DIRECTION, "a": 2}), "direction"),
    (dict(weights={**WEIGHTS, "b": -1.0}), "weights"),
    (dict(weights={"a": 1.0}), "missing"),
    (dict(groups={"a": "G1"}), "groups"),
    (dict(n=1), "n must"),
    (dict(output="score"), "output"),
    (dict(conf_level=1.5), "conf_level"),
])
def test_bad_arguments_raise_spec_errors_naming_them(kwargs, word):
    args = dict(direction=DIRECTION, weights=WEIGHTS, uncertain=UncertainInputs(weight_noise=0.1), n=8)
    with pytest.raises(SpecError, match=word):
        uncertainty_analysis(synthetic_frame(), **{**args, **kwargs})


def test_geometric_mean_refuses_a_normalisation_that_reaches_zero():
    """z-scores (mean 10, sd 2) fall below 0 for an outlier more than 5 sd below the mean."""
    frame = pd.DataFrame({"a": [-1000.0] + [1.0, 2.0] * 20, "b": np.arange(41.0)})
    spec = UncertainInputs(normalisation=("zscore",), aggregation=("arithmetic", "geometric"))
    with pytest.raises(SpecError, match="'zscore'.*geometric"):
        prepare(frame, direction={"a": 1, "b": 1}, weights={"a": 1, "b": 1}, uncertain=spec)


def test_bad_data_lists_every_problem_at_once():
    frame = synthetic_frame().assign(c=1.0)
    frame.iloc[4] = np.nan
    frame.iloc[6, 0] = np.inf
    with pytest.raises(DataValidationError) as info:
        uncertainty_analysis(frame, direction=DIRECTION, weights=WEIGHTS, uncertain=UncertainInputs(weight_noise=0.1), n=8)
    text = str(info.value)
    assert "column 'c'" in text and "row 5" in text and "synthetic_u4" in text
    assert "row 7, column 'a': infinite value" in text


def test_the_01_names_still_work_with_a_deprecation_warning():
    import reformlib.model.uncertainty as ua

    for old, new in (("uncertainty", uncertainty_analysis), ("evaluate", evaluate_design)):
        with pytest.warns(DeprecationWarning, match=old):
            assert getattr(ua, old) is new


def test_normalisations_are_the_model_s_own():
    """The fast path normalises with the same functions and tie rules as normalise()."""
    from reformlib.model import normalise

    frame = pd.DataFrame({"a": [3.0, 1.0, 3.0, 2.0, np.nan], "b": [5.0, 4.0, 9.0, 4.0, 1.0]})
    for method in ("minmax", "percentile", "percentile_handbook"):
        model_side = normalise(frame, method, scale=(1, 100)).to_numpy()
        np.testing.assert_allclose(vec.NORMALISERS[method](frame.to_numpy()), model_side, err_msg=method)
    np.testing.assert_array_equal(vec.NORMALISERS["rank"](frame.to_numpy())[:, 0], [3, 1, 3, 2, np.nan])
