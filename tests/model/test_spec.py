"""The model specification: the shipped files load; every kind of broken file gives a clear
error naming the file, row, column or item; replace() re-validates."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

import reformlib as rl
from reformlib.data.paths import MODEL_SPEC
from reformlib.errors import DataValidationError, SpecError
from reformlib.model.evaluate import evaluate, load_data
from reformlib.model.spec import Spec, check_catalogue, load_spec


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(MODEL_SPEC, target)
    return target


def _edit(folder: Path, file: str, fn) -> None:
    path = folder / file
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    fn(frame).to_csv(path, index=False)


def test_shipped_spec_loads_and_matches_the_catalogue(demo):
    spec = load_spec(indicators=rl.load_indicators(demo))
    assert isinstance(spec, Spec) and len(spec.indicators) == 28
    assert set(spec.rubric["kind"]) == {"completion", "schedule", "deduction", "bonus", "veto"}
    assert spec.vetoes["synthetic"].all() and spec.hashes["spec.yml"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.weighting = "equal"  # type: ignore[misc]
    assert dataclasses.replace(spec, weighting="critic").weighting == "critic"


def test_weights_must_sum_to_one_under_each_parent(folder):
    _edit(folder, "hierarchy.csv", lambda f: f.assign(weight=f["weight"].where(f["code"] != "ECO", "0.3")))
    with pytest.raises(SpecError, match=r"hierarchy.csv row 2, column 'weight': weights of the children of 'INDEX'.*sum to 1.05"):
        load_spec(folder)


def test_orphan_and_cycle_in_the_hierarchy(folder):
    _edit(folder, "hierarchy.csv", lambda f: f.assign(parent=f["parent"].where(f["code"] != "GOV.1", "NOPE")))
    with pytest.raises(SpecError, match=r"row 10, column 'parent': orphan: parent 'NOPE' of 'GOV.1'"):
        load_spec(folder)
    spec = load_spec(MODEL_SPEC)
    h = spec.hierarchy.copy()
    h.loc[h["code"] == "ECO", "parent"] = "ECO.1"
    with pytest.raises(SpecError, match=r"cycle through 'ECO'"):
        dataclasses.replace(spec, hierarchy=h)


def test_schema_problems_name_file_row_and_column(folder):
    _edit(folder, "rubric.csv", lambda f: f.assign(kind=f["kind"].where(f["item"] != "task_schedule", "timely"),
                                                    points=f["points"].where(f["item"] != "outcome_index", "forty")))
    with pytest.raises(DataValidationError) as err:
        load_spec(folder)
    text = str(err.value)
    assert "rubric.csv" in text and "line 2 (data row 1), column 'points': must be a number" in text
    assert "line 7 (data row 6), column 'kind'" in text


def test_rubric_rule_with_unknown_basis(folder):
    _edit(folder, "rubric.csv", lambda f: f.assign(basis=f["basis"].where(f["item"] != "bonus_ministry", "state_council")))
    with pytest.raises(SpecError, match=r"rubric.csv row 10, column 'basis': item 'bonus_ministry' \(bonus\) refers to unknown basis 'state_council'"):
        load_spec(folder)


def test_rubric_points_must_make_the_base(folder):
    _edit(folder, "rubric.csv", lambda f: f.assign(points=f["points"].where(f["item"] != "outcome_index", "45")))
    with pytest.raises(SpecError, match="sum to 105, not base_points 100"):
        load_spec(folder)


def test_veto_record_with_unknown_item(folder):
    _edit(folder, "vetoes_synthetic.csv", lambda f: f.assign(item="earthquake"))
    with pytest.raises(SpecError, match=r"vetoes_synthetic.csv row 1, column 'item': 'earthquake' is not a veto item"):
        load_spec(folder)


def test_non_reciprocal_ahp_matrix(folder):
    _edit(folder, "ahp_index.csv", lambda f: f.assign(ECO=f["ECO"].where(f["code"] != "GOV", "0.2")))
    with pytest.raises(SpecError, match=r"ahp_index.csv: pairwise matrix is not reciprocal at \['ECO', 'GOV'\]"):
        load_spec(folder)


def test_spec_yml_keys_are_checked(folder):
    doc = yaml.safe_load((folder / "spec.yml").read_text(encoding="utf-8"))
    doc["normalisation"]["method"] = "softmax"
    doc["phases"]["year"]["phased"] = 0.5
    (folder / "spec.yml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(SpecError, match=r"key normalisation/method: 'softmax' is not one of"):
        load_spec(folder)
    doc["normalisation"]["method"] = "minmax"
    (folder / "spec.yml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(SpecError, match="phased \\+ year_end must be 1"):
        load_spec(folder)


def test_unknown_indicator_and_inverted_band_against_the_catalogue(folder, demo):
    _edit(folder, "hierarchy.csv", lambda f: f.assign(code=f["code"].replace("tax_fee_cut", "tax_cut_total")))
    spec = load_spec(folder)
    catalogue = rl.load_indicators(demo)
    with pytest.raises(SpecError, match=r"hierarchy.csv row 23, column 'code': unknown indicator 'tax_cut_total'"):
        check_catalogue(spec, catalogue)
    data = load_data(demo)
    with pytest.raises(SpecError, match="unknown indicator 'tax_cut_total'"):
        evaluate(spec, data)
    bad = catalogue.assign(band_low=catalogue["band_low"].where(catalogue["indicator"] != "judge_quota_ratio", 45.0))
    with pytest.raises(SpecError, match=r"'judge_quota_ratio': band lower edge 45 exceeds its upper edge 39"):
        check_catalogue(load_spec(), bad)


def test_constant_or_missing_indicator_is_an_error_not_a_nan(demo):
    data = load_data(demo)
    obs = data["observations"]
    flat = obs.assign(value=obs["value"].where(obs["indicator"] != "legal_point_rate", 90.0))
    with pytest.raises(SpecError, match=r"'legal_point_rate' is constant \(90 for every unit\)"):
        evaluate(load_spec(), {**data, "observations": flat})
    gone = obs[~((obs["indicator"] == "river_chief_plan_rate") & (obs["period"] == pd.Period("2017-12", "M")))]
    with pytest.raises(SpecError, match="'river_chief_plan_rate' has no value for any unit"):
        evaluate(load_spec(), {**data, "observations": gone})


def test_a_spec_read_again_is_the_callers_own_and_a_changed_file_is_read_anew(folder):
    """load_spec keeps a folder's reading while none of its files changes: each caller gets
    its own copy; a changed file is read and checked again."""
    first = load_spec(folder)
    first.hierarchy.loc[0, "weight"] = 9.0
    again = load_spec(folder)
    assert again.hierarchy.loc[0, "weight"] != 9.0 and again is not first
    pd.testing.assert_frame_equal(again.hierarchy, load_spec(folder).hierarchy)
    _edit(folder, "hierarchy.csv", lambda f: f.assign(weight=f["weight"].where(f["code"] != "ECO", "0.3")))
    with pytest.raises(SpecError, match="sum to 1.05"):
        load_spec(folder)
    (folder / "spec.yml").write_text((folder / "spec.yml").read_text(encoding="utf-8").replace("seed: ", "seed: 1"),
                                     encoding="utf-8")
    _edit(folder, "hierarchy.csv", lambda f: f.assign(weight=f["weight"].where(f["code"] != "ECO", "0.25")))
    assert load_spec(folder).seed != again.seed
