"""results.json: schema, every problem reported at once, atomic writing."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from reformlib.errors import DataValidationError
from reformlib.report.results import (
    RESULTS_SCHEMA,
    SECTIONS,
    read_results,
    section,
    validate_results,
    write_results,
)


def _paths(exc: DataValidationError) -> list[str]:
    return [p.column for p in exc.problems]


def test_complete_results_are_valid_and_returned_as_a_copy(results):
    out = validate_results(results)
    assert out == results
    assert out is not results


def test_schema_is_draft_2020_12():
    assert RESULTS_SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_violation_is_listed_with_its_json_path(results):
    results["month"] = "2017-13"
    results["lang"] = "fr"
    results["unit"] = 430321  # unit codes are text
    results["headline"][0]["value"] = "53"
    results["tasks"]["at_risk"][1]["probability"] = 1.5
    results["evaluation"]["scores"][0].pop("grade")
    results["pilots"]["local"] = -1
    results["generated_at"] = "yesterday"
    with pytest.raises(DataValidationError) as info:
        validate_results(results)
    paths = _paths(info.value)
    for expected in ("$.month", "$.lang", "$.unit", "$.headline[0].value",
                     "$.tasks.at_risk[1].probability", "$.evaluation.scores[0]",
                     "$.pilots.local", "$.generated_at"):
        assert expected in paths, (expected, paths)
    assert "grade" in str(info.value)


@pytest.mark.parametrize("name", SECTIONS)
def test_a_section_may_be_marked_unavailable_or_left_out(results, name):
    results[name] = {"available": False, "note": "数据尚未报送"}
    assert section(validate_results(results), name) == (None, "数据尚未报送")
    del results[name]
    assert section(validate_results(results), name) == (None, "")


@pytest.mark.parametrize("name", SECTIONS)
def test_an_unavailable_section_needs_a_note(results, name):
    results[name] = {"available": False}
    with pytest.raises(DataValidationError) as info:
        validate_results(results)
    assert _paths(info.value) == [f"$.{name}"]
    assert "note" in str(info.value)


def test_available_object_section_needs_its_fields(results):
    results["inspections"] = {"available": True, "found": 3}
    with pytest.raises(DataValidationError) as info:
        validate_results(results)
    message = str(info.value)
    assert "'rectified' is a required property" in message
    assert "'open' is a required property" in message


def test_nan_and_infinity_are_rejected(results):
    results["headline"][0]["value"] = float("nan")
    results["tasks"]["completion_rate"] = float("inf")
    with pytest.raises(DataValidationError) as info:
        validate_results(results)
    assert "$.headline[0].value" in _paths(info.value)
    assert "$.tasks.completion_rate" in _paths(info.value)


def test_sums_that_do_not_add_up_are_reported(results):
    results["tasks"]["completed"] = 300
    results["inspections"]["open"] = 1
    results["evaluation"]["scores"][2]["rank_p05"] = 6
    with pytest.raises(DataValidationError) as info:
        validate_results(results)
    paths = _paths(info.value)
    assert "$.tasks.completed" in paths
    assert "$.inspections" in paths  # 80 + 1 != 89
    assert "$.inspections.open_over_90_days" in paths  # 3 > 1
    assert "$.evaluation.scores[2]" in paths


def test_write_then_read_round_trips_with_readable_chinese(tmp_path, results):
    path = write_results(results, tmp_path / "results.json")
    text = path.read_text(encoding="utf-8")
    assert "湘潭县" in text and "\\u" not in text
    assert read_results(path) == results
    assert read_results(path)["evaluation"]["scores"][0]["unit"] == "430321"


def test_failed_write_leaves_the_good_file_untouched(tmp_path, results):
    path = write_results(results, tmp_path / "results.json")
    before = path.read_bytes()
    results["tasks"]["total"] = "many"
    with pytest.raises(DataValidationError):
        write_results(results, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["results.json"]


def test_written_file_gets_ordinary_permissions_not_mkstemp_0600(tmp_path, results):
    old = os.umask(0o022)
    try:
        path = write_results(results, tmp_path / "results.json")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_broken_json_file_names_the_file(tmp_path):
    path = tmp_path / "results.json"
    path.write_text('{"month": "2017-12",', encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_results(path)
    assert info.value.path == path
    assert "not valid JSON" in str(info.value)


def test_file_with_schema_errors_names_the_file(tmp_path, results):
    results["month"] = "December"
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_results(path)
    assert str(path) in str(info.value) and "$.month" in str(info.value)


def test_wrong_argument_type_is_a_type_error():
    with pytest.raises(TypeError, match="obj_or_path"):
        validate_results(42)  # type: ignore[arg-type]


def test_section_rejects_unknown_names(results):
    with pytest.raises(ValueError, match="headlines"):
        section(results, "headlines")


def test_numpy_scalars_from_notebooks_are_accepted_as_plain_numbers(tmp_path, results):
    results["tasks"]["total"] = np.int64(213)
    results["tasks"]["completion_rate"] = np.float64(87.3)
    results["headline"] = tuple(results["headline"])
    path = write_results(results, tmp_path / "results.json")
    back = read_results(path)
    assert back["tasks"]["total"] == 213 and type(back["tasks"]["total"]) is int
    assert isinstance(back["headline"], list)


def test_public_names_of_the_report_package():
    import reformlib.report as report
    import reformlib.report.results as results_module

    assert report.__all__ == ["read_results", "validate_results", "write_results"]
    assert set(results_module.__all__) == {
        "RESULTS_SCHEMA", "SECTIONS", "JsonProblem", "validate_results", "write_results",
        "read_results", "section"}


def test_a_make_up_that_does_not_add_up_to_the_score_is_reported(results):
    make_up = {"full": 100.0, "base_points": 100.0,
               "terms": [{"part": "item", "item": "改革成效指数", "points": -16.47, "reason": "完成度58.8%"},
                         {"part": "bonus", "item": "试点成为示范", "points": 7.0, "reason": "获2次"}],
               "base": 83.53, "bonus": 7.0, "quantitative": 90.53, "qualitative": 84.94, "share": 0.2,
               "quantitative_part": 72.42, "qualitative_part": 16.99, "score": 89.41}
    results["evaluation"]["scores"][0] = {**results["evaluation"]["scores"][0], "score": 89.41, "make_up": make_up}
    assert validate_results(results)["evaluation"]["scores"][0]["make_up"]["score"] == 89.41
    bad = {**make_up, "base": 79.53}  # 100.00 - 16.47 is not 79.53
    results["evaluation"]["scores"][0] = {**results["evaluation"]["scores"][0], "make_up": bad}
    with pytest.raises(DataValidationError) as err:
        validate_results(results)
    text = str(err.value)
    assert "$.evaluation.scores[0].make_up" in text and "give 83.53, not 79.53" in text
    results["evaluation"]["scores"][0] = {**results["evaluation"]["scores"][0], "score": 89.4, "make_up": make_up}
    with pytest.raises(DataValidationError, match="is not the score"):
        validate_results(results)


def test_the_compiled_check_accepts_and_refuses_what_jsonschema_does(results):
    """validate_results(fast=True) (a batch's many results) passes the results jsonschema
    passes, and refuses each it refuses with jsonschema's full list of problems."""
    from reformlib.report.results import _VALIDATOR, _compiled_valid

    plain = json.loads(json.dumps(results))
    assert _compiled_valid(plain) and validate_results(results, fast=True) == validate_results(results)
    broken = [{**plain, "month": "2017-13"}, {**plain, "generated_at": "not a time"}, {**plain, "unit": 430302},
              {**plain, "tasks": {**plain["tasks"], "total": -1}}, {**plain, "tasks": {**plain["tasks"], "extra": 1}},
              {**plain, "evaluation": {"available": False}}, {**plain, "headline": [{**plain["headline"][0], "value": "1"}]}]
    for bad in broken:
        assert list(_VALIDATOR.iter_errors(bad)) and not _compiled_valid(bad)
        with pytest.raises(DataValidationError) as fast:
            validate_results(bad, fast=True)
        with pytest.raises(DataValidationError) as slow:
            validate_results(bad)
        assert _paths(fast.value) == _paths(slow.value)
