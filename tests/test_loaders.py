"""Loaders: documented columns and dtypes, unit codes as text, and one clear error per bad file."""
from __future__ import annotations

import pandas as pd
import pytest
from corpus.make_corpus import FOLDER_CASES, make_folder_case
from hypothesis import given, settings
from hypothesis import strategies as st

import reformlib as rl
from reformlib.data import io, reading, schemas, textfile
from reformlib.errors import DataValidationError, MissingDataError

LOADERS = sorted(io.LOADERS)


@pytest.mark.parametrize("name", LOADERS)
def test_loader_returns_schema_columns_and_types(demo, name):
    df = io.LOADERS[name](demo)
    table = schemas.TABLES[name]
    assert list(df.columns) == table.names
    assert len(df) > 0
    for col in table.columns:
        s = df[col.name]
        if col.kind == "month":
            assert s.dtype == pd.PeriodDtype("M")
        elif col.kind == "date":
            assert pd.api.types.is_datetime64_any_dtype(s)
        elif col.kind == "float":
            assert pd.api.types.is_float_dtype(s)
        elif col.kind == "bool" and not col.nullable:
            assert pd.api.types.is_bool_dtype(s)
        elif col.kind == "str":
            assert s.dropna().map(type).eq(str).all(), col.name
    if "synthetic" in df:
        assert df["synthetic"].all()


def test_unit_codes_stay_text(demo):
    obs = rl.load_observations(demo)
    assert set(obs["unit"]) == set(schemas.TERRITORIAL_UNITS)
    assert obs["unit"].map(type).eq(str).all()
    units = rl.load_units(demo)
    assert units.loc[units["territorial"], "unit"].tolist() == list(schemas.TERRITORIAL_UNITS)


def test_panel_covers_every_unit_month_and_three_families(demo):
    obs = rl.load_observations(demo)
    ind = rl.load_indicators(demo)
    assert obs["period"].min() == pd.Period("2016-01", "M") and obs["period"].max() == pd.Period("2017-12", "M")
    per_unit = obs.groupby("unit")["indicator"].nunique()
    assert (per_unit >= 20).all(), per_unit
    fams = set(ind.loc[ind["indicator"].isin(obs["indicator"]), "family"])
    assert {"land", "debt", "staffing"} <= fams


def test_missing_file_names_path_and_fix(tmp_path, monkeypatch):
    with pytest.raises(MissingDataError) as err:
        rl.load_tasks(tmp_path)
    assert str(tmp_path / "units.csv") in str(err.value) and "make data" not in str(err.value)
    monkeypatch.setattr(reading, "DEMO", tmp_path)  # the same folder taken as the demonstration set
    with pytest.raises(MissingDataError, match="make data"):
        rl.load_tasks(tmp_path)


@pytest.mark.parametrize("name", sorted(FOLDER_CASES))
def test_messy_folder_loads_right_or_is_refused_where_it_breaks(demo, tmp_path, name):
    case = FOLDER_CASES[name]
    folder = make_folder_case(name, demo, tmp_path)
    if case.error is None:
        assert case.check(io.LOADERS[case.loader](folder)), name
        return
    line, column, words = case.error
    with pytest.raises(DataValidationError) as err:
        io.LOADERS[case.loader](folder)
    e = err.value
    assert e.path == folder / case.file
    assert any(getattr(p, "line", None) == line and p.column == column and words in p.rule for p in e.problems) \
        if line is not None else any(p.column == column and words in p.rule for p in e.problems), str(e)
    assert str(folder / case.file) in str(e)
    if line is not None:
        assert f"line {line}" in str(e)


def test_both_observation_files_is_refused(demo_copy):
    rl.load_observations(demo_copy).to_csv(demo_copy / "observations.csv", index=False)
    with pytest.raises(DataValidationError, match="keep one"):
        rl.load_observations(demo_copy)


def test_real_data_is_labelled_real_and_demo_synthetic(demo, tmp_path):
    folder = make_folder_case("real_without_synthetic", demo, tmp_path)
    assert not rl.load_tasks(folder)["synthetic"].any()
    assert rl.load_tasks(demo)["synthetic"].all()


def _edit_csv(path, fn):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    fn(df)
    df.to_csv(path, index=False)


# (table, how to break it, expected row, column and words of the rule)
BREAKS = {
    "units": (lambda d: d.__setitem__("kind", d["kind"].where(d.index != 3, "village")), 4, "kind", "must be one of"),
    "indicators": (lambda d: d.loc.__setitem__((2, "annual"), "mean"), 3, "annual", "must be one of"),
    "tasks": (lambda d: d.loc.__setitem__((9, "deadline"), "2016-12-31"), 10, "deadline", "must not be before start"),
    "progress": (lambda d: d.loc.__setitem__((4, "progress"), "120"), 5, "progress", "<= 100"),
    "documents": (lambda d: d.loc.__setitem__((0, "issued_on"), "2017-13-40"), 1, "issued_on", "must be a date"),
    "inspections": (lambda d: d.loc.__setitem__((7, "unit"), "999999"), 8, "unit", "unknown unit"),
    "pilots": (lambda d: d.loc.__setitem__((11, "unit"), "nowhere"), 12, "unit", "unknown unit"),
    "recognitions": (lambda d: d.loc.__setitem__((1, "level"), "global"), 2, "level", "must be one of"),
    "ratings": (lambda d: d.loc.__setitem__((5, "grade"), "A+"), 6, "grade", "must be one of"),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_broken_csv_names_file_row_column_and_rule(demo_copy, name):
    breaker, row, column, rule = BREAKS[name]
    path = demo_copy / schemas.TABLES[name].file
    _edit_csv(path, breaker)
    with pytest.raises(DataValidationError) as err:
        io.LOADERS[name](demo_copy)
    e = err.value
    assert e.path == path
    assert any(p.row == row and p.column == column and rule in p.rule for p in e.problems), str(e)
    assert str(path) in str(e) and f"row {row}" in str(e)


def test_every_problem_of_a_file_is_reported_at_once(demo_copy):
    path = demo_copy / "progress.csv"

    def breaks(d):
        d.loc[0, "progress"] = "-5"
        d.loc[3, "period"] = "2017/04"
        d.loc[8, "task_id"] = ""

    _edit_csv(path, breaks)
    with pytest.raises(DataValidationError) as err:
        rl.load_progress(demo_copy)
    found = {(p.row, p.column) for p in err.value.problems}
    assert {(1, "progress"), (4, "period"), (9, "task_id")} <= found


def test_progress_for_unknown_task_and_going_backwards(demo_copy):
    path = demo_copy / "progress.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[0, "task_id"] = "T999"
    later = df.index[(df["task_id"] == df.loc[1, "task_id"])][1]
    df.loc[later, "progress"] = "0"
    df.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as err:
        rl.load_progress(demo_copy)
    rules = {(p.row, p.column): p.rule for p in err.value.problems}
    assert "unknown task" in rules[(1, "task_id")]


def test_progress_going_backwards_is_refused(demo_copy):
    path = demo_copy / "progress.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    task = df.loc[df["progress"].astype(float) >= 100, "task_id"].iloc[0]
    last = df.index[df["task_id"] == task][-1]
    df.loc[last, "progress"] = "10"
    df.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as err:
        rl.load_progress(demo_copy)
    assert any(p.row == last + 1 and "goes backwards" in p.rule for p in err.value.problems)


def test_parquet_with_numeric_unit_codes_is_refused(demo_copy):
    path = demo_copy / "observations.parquet"
    df = pd.read_parquet(path)
    df = df[df["unit"].str.isdigit()].assign(unit=lambda d: d["unit"].astype(int))
    df.to_parquet(path, index=False)
    with pytest.raises(DataValidationError, match="must be stored as text"):
        rl.load_observations(demo_copy)


def test_observation_of_unknown_indicator(demo_copy):
    path = demo_copy / "observations.parquet"
    df = pd.read_parquet(path)
    df.loc[10, "indicator"] = "made_up"
    df.to_parquet(path, index=False)
    with pytest.raises(DataValidationError) as err:
        rl.load_observations(demo_copy)
    assert [(p.row, p.column) for p in err.value.problems] == [(11, "indicator")]


def test_band_with_lower_edge_above_upper(demo_copy):
    path = demo_copy / "indicators.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    i = df.index[df["indicator"] == "judge_quota_ratio"][0]
    df.loc[i, ["band_low", "band_high"]] = ["40", "30"]
    df.to_csv(path, index=False)
    with pytest.raises(DataValidationError, match="band_low exceeds band_high"):
        rl.load_indicators(demo_copy)


def test_missing_column(demo_copy):
    path = demo_copy / "units.csv"
    pd.read_csv(path, dtype=str).drop(columns="kind").to_csv(path, index=False)
    with pytest.raises(DataValidationError, match="'kind': required column is missing"):
        rl.load_units(demo_copy)


def test_duplicate_keys_are_listed(demo_copy):
    path = demo_copy / "tasks.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[5, "task_id"] = df.loc[4, "task_id"]
    df.to_csv(path, index=False)
    with pytest.raises(DataValidationError, match="duplicate key"):
        rl.load_tasks(demo_copy)


def test_written_tables_read_back_identically(demo, tmp_path):
    tasks = rl.load_tasks(demo)
    io.write_table(tasks, schemas.TASKS, tmp_path)
    io.write_table(rl.load_units(demo), schemas.UNITS, tmp_path)
    pd.testing.assert_frame_equal(rl.load_tasks(tmp_path), tasks)


def test_failed_write_keeps_the_previous_file(tmp_path):
    target = tmp_path / "x.csv"
    target.write_text("good\n", encoding="utf-8")

    def boom(p):
        p.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        io.atomic_write(target, boom)
    assert target.read_text(encoding="utf-8") == "good\n"
    assert list(tmp_path.iterdir()) == [target]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_as_a_csv_give_a_frame_or_a_named_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "units.csv"
    path.write_bytes(data)
    try:
        rl.load_units(path.parent)
    except DataValidationError as err:
        assert err.path == path and str(path) in str(err)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(alphabet=",;\t\"\r\n 日期a1０—", max_size=6), min_size=1, max_size=4), min_size=1, max_size=5),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_any_text_in_any_encoding_gives_a_frame_or_a_named_error(tmp_path_factory, rows, encoding):
    path = tmp_path_factory.mktemp("fuzz") / "x.csv"
    path.write_bytes("\n".join(",".join(r) for r in rows).encode(encoding))
    try:
        frame = textfile.records_frame(textfile.read_csv_records(path), path)
    except DataValidationError as err:
        assert err.path == path
    else:
        assert frame.columns.is_unique


def test_inspections_may_leave_out_their_english_name(demo_copy):
    """``inspection_en`` is optional: a file without it loads, the column empty."""
    import pandas as pd

    from reformlib.data import io

    path = demo_copy / "inspections.csv"
    pd.read_csv(path, dtype=str).drop(columns="inspection_en").to_csv(path, index=False)
    loaded = io.LOADERS["inspections"](demo_copy)
    assert "inspection_en" in loaded.columns and loaded["inspection_en"].isna().all() and len(loaded) == 89


def test_a_file_read_again_is_the_same_reading_and_a_changed_one_is_read_anew(demo_copy):
    """read_table keeps what it converted and checked, by the file's bytes: a second reading is
    equal and the caller's own (changing it changes nothing after); a changed file is read and
    checked again, its error naming the row as a first reading does; the cross-file checks
    (a task's lead unit among the units) run every time."""
    tasks = rl.load_tasks(demo_copy)  # read (and kept) while its lead units exist
    first = rl.load_units(demo_copy)
    first.loc[0, "name_zh"] = "改过"
    again = rl.load_units(demo_copy)
    assert again.loc[0, "name_zh"] != "改过"
    pd.testing.assert_frame_equal(again, rl.load_units(demo_copy))
    path = demo_copy / "units.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[1, "name_en"] = "Renamed District"
    df.to_csv(path, index=False)
    assert rl.load_units(demo_copy).loc[1, "name_en"] == "Renamed District"
    df.loc[2, "territorial"] = "perhaps"
    df.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as err:
        rl.load_units(demo_copy)
    assert any(p.row == 3 and p.column == "territorial" for p in err.value.problems)
    df.loc[2, "territorial"] = "true"
    df = df[df["unit"] != tasks["lead_unit"].iloc[0]]
    df.to_csv(path, index=False)
    with pytest.raises(DataValidationError, match="lead unit"):
        rl.load_tasks(demo_copy)  # the tasks' own file is unchanged, the check against the units is not
