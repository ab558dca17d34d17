"""The data path at national scale, on a small national store built by the same code as the
national one: months read with the filter pushed down give exactly the loader's rows and
types, units come from the data (a unit code the demonstration set does not have passes the
brief's checks and the batch's planning), the store records its checks and a full
re-validation finds a corrupted row."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from reformlib.briefs.content import off_target
from reformlib.briefs.run import data_facts, validate_params
from reformlib.briefs.schedule import BriefJob, complete_months, load_config, plan
from reformlib.data import io, schemas
from reformlib.data.dataset import store_folder, store_tables, write_dataset
from reformlib.data.months import (
    data_units,
    load_months,
    period_months,
    period_tables,
    revalidate,
    schema_version,
)
from reformlib.data.schemas import TERRITORIAL_UNITS
from reformlib.data.store import Store
from reformlib.errors import DataValidationError, ParameterError
from reformlib.model.evaluate import DATA_TABLES, evaluate, load_data
from reformlib.model.spec import load_spec
from reformlib.synth.national import build_national_store, draw_national


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """30 units x 12 indicators x 24 months."""
    return build_national_store(tmp_path_factory.mktemp("national") / "n.duckdb", units=30, indicators=12, months=24)


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> Path:
    """40 units x every indicator the model's specification reads (28) x 24 months."""
    return build_national_store(tmp_path_factory.mktemp("national") / "s.duckdb", units=40, indicators=30, months=24)


def _cut(frame: pd.DataFrame, first: str, last: str, units=None) -> pd.DataFrame:
    keep = (frame["period"] >= pd.Period(first, "M")) & (frame["period"] <= pd.Period(last, "M"))
    if units is not None:
        keep &= frame["unit"].isin(units)
    return frame[keep].reset_index(drop=True)


def test_the_store_holds_the_panel_labelled_synthetic(small):
    db = Store(small)
    counts = db.sql("SELECT count(DISTINCT unit) AS u, count(DISTINCT indicator) AS i, count(DISTINCT period) AS m, "
                    "count(*) AS n, bool_and(synthetic) AS syn FROM observations").iloc[0]
    assert (counts["u"], counts["i"], counts["m"]) == (30, 12, 24)
    assert 0.98 * 30 * 12 * 24 < counts["n"] < 30 * 12 * 24  # about 0.5 % unreported, never a December
    assert counts["syn"]
    units = data_units(small)
    assert len(units) == 30 and units["territorial"].all() and units["name_en"].str.fullmatch(r"Synthetic County \d{4}").all()
    # a Chinese name ends in a character, never a figure that would run into the memo's dates (合成县00222017年12月)
    assert units["name_zh"].str.fullmatch(r"合成第\d{4}县").all()
    assert not set(units["unit"]) & set(TERRITORIAL_UNITS)


def test_the_same_seed_gives_the_same_panel():
    a, obs_a = draw_national(12, 5, 6, seed=7)
    b, obs_b = draw_national(12, 5, 6, seed=7)
    _, obs_c = draw_national(12, 5, 6, seed=8)
    assert obs_a.equals(obs_b) and not obs_a.equals(obs_c)
    pd.testing.assert_frame_equal(a["units"], b["units"])


def test_one_month_from_the_store_is_the_loaders_rows_and_types(small):
    full = io.load_observations(small)
    month = load_months(small, "2017-06")
    pd.testing.assert_frame_equal(month, _cut(full, "2017-06", "2017-06"))
    assert len(month) > 300 and set(month["period"].astype(str)) == {"2017-06"}


def test_a_range_of_months_and_some_units(small):
    full = io.load_observations(small)
    units = list(data_units(small)["unit"][[0, 7, 29]])
    got = load_months(small, ("2016-11", "2017-02"), units=units)
    pd.testing.assert_frame_equal(got, _cut(full, "2016-11", "2017-02", units))
    assert set(got["unit"]) == set(units)
    assert load_months(small, "2017-01", units=[units[0]], indicators=["land_transfer_rate"])["value"].size == 1


def test_months_from_a_parquet_folder_and_a_csv_folder(small, tmp_path):
    tables = store_tables(small)
    for fmt in ("folder", "csv"):
        folder = write_dataset(tables, tmp_path / fmt, fmt=fmt)
        full = io.load_observations(folder)
        pd.testing.assert_frame_equal(load_months(folder, ("2017-03", "2017-04")), _cut(full, "2017-03", "2017-04"))
        assert complete_months(folder) == complete_months(small)  # a CSV export plans a batch as well


def test_the_store_records_its_checks_and_a_write_voids_them(small, tmp_path):
    with Store(small).reading() as con:
        check = Store.checked(con, "observations", schema_version("observations"))
    assert check is not None and check["rows"] == len(Store(small).sql("SELECT unit FROM observations"))
    recorded = Store(small).sql("SELECT table_name FROM checks")["table_name"]
    assert {"observations", "units", "indicators", "tasks", "progress"} <= set(recorded)
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(small.read_bytes())
    con = duckdb.connect(str(copy))
    con.execute("INSERT INTO files VALUES ('x', 'later.csv', 'indicators', 0, now())")
    con.close()
    with Store(copy).reading() as con:
        assert Store.checked(con, "observations", schema_version("observations")) is None


def test_revalidation_finds_a_corrupted_row(small, tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(small.read_bytes())
    unit = data_units(small)["unit"].iloc[3]
    con = duckdb.connect(str(bad))
    con.execute("UPDATE observations SET value = 250 WHERE unit = ? AND indicator = 'land_transfer_rate' "
                "AND period = '2017-05'", [unit])
    con.execute("UPDATE observations SET period = '2017-13' WHERE unit = ? AND indicator = 'gov_debt_ratio' "
                "AND period = '2017-05'", [unit])
    con.close()
    with pytest.raises(DataValidationError) as err:
        revalidate(bad)
    text = str(err.value)
    assert str(bad) in text
    assert f"unit {unit}, indicator land_transfer_rate, period 2017-05, column 'value'" in text
    assert "outside the catalogue's plausible range 0 to 100 %" in text
    assert f"unit {unit}, indicator gov_debt_ratio, period 2017-13, column 'period': table observations: must be a month" in text
    assert len(err.value.problems) == 2
    # the check recorded before the change still names the old content; it no longer counts once the store is written
    assert revalidate(small)["observations"] > 0


def test_an_unchecked_store_checks_the_rows_it_reads(small, tmp_path):
    bad = tmp_path / "unchecked.duckdb"
    bad.write_bytes(small.read_bytes())
    unit = data_units(small)["unit"].iloc[5]
    con = duckdb.connect(str(bad))
    con.execute("DELETE FROM checks")
    con.execute("UPDATE observations SET value = -4 WHERE unit = ? AND indicator = 'land_transfer_rate' AND period = '2017-08'",
                [unit])
    con.close()
    with pytest.raises(DataValidationError, match=f"unit {unit}, indicator land_transfer_rate, period 2017-08"):
        load_months(bad, "2017-08")
    assert len(load_months(bad, "2017-07")) > 0  # the rows of another month are sound


def test_a_unit_code_of_the_data_passes_the_brief_and_the_batch(small, tmp_path):
    unit = data_units(small)["unit"].iloc[-1]
    assert unit not in TERRITORIAL_UNITS
    params = validate_params("2017-06", "zh", unit, data=small)
    assert params.unit == unit
    with pytest.raises(ParameterError, match=r"unit must be one of the 30 territorial units of the store .*n\.duckdb "
                                             r"\(110121, 110122, 110123, 110124, 110125, \.\.\.\), got '430302'"):
        validate_params("2017-06", "zh", "430302", data=small)
    config_file = tmp_path / "briefs.yml"
    config_file.write_text(yaml.safe_dump({"data": str(small), "briefs": [
        {"months": ["2017-06"], "units": [unit], "langs": ["zh"]},
        {"months": "latest", "units": ["all"], "langs": ["en"]}]}), encoding="utf-8")
    config = load_config(config_file)
    jobs = plan(config, facts=data_facts(small))
    assert jobs[0] == BriefJob("2017-06", unit, "zh")
    assert [j.unit for j in jobs[1:]] == list(data_units(small)["unit"]) and {j.month for j in jobs[1:]} == {"2017-12"}
    config_file.write_text(yaml.safe_dump({"data": str(small), "briefs": [
        {"months": "latest", "units": ["430302"], "langs": ["zh"]}]}), encoding="utf-8")
    with pytest.raises(ParameterError, match="'430302' is not city, all or one of the 30 territorial units of the store"):
        load_config(config_file)


def test_off_target_keeps_the_datas_territorial_units(small):
    data = store_tables(small)
    obs = io.load_observations(small)
    table = off_target(obs, data["indicators"], io.load_units(small), "2017-12", lang="en")
    assert len(table) > 0 and set(table["unit"]) <= set(data["units"]["unit"])
    order = {u: i for i, u in enumerate(data["units"]["unit"])}
    assert table["unit"].map(order).is_monotonic_increasing


def test_evaluating_a_month_from_a_store_reads_its_window_and_scores_as_the_full_load(scored):
    spec = load_spec()
    frames, hashes = period_tables(scored, ["observations", "units"], period="2017-06", indicators=spec.indicators)
    first, last = period_months("2017-06")
    assert (first, last) == (pd.Period("2016-01", "M"), pd.Period("2017-06", "M"))
    assert frames["observations"]["period"].between(first, last).all()
    assert set(frames["observations"]["indicator"]) == set(spec.indicators)
    assert hashes["observations.parquet"].startswith("checked table ")
    narrow = evaluate(spec, scored, period="2017-06", audit=False)
    whole = evaluate(spec, load_data(scored), period="2017-06", audit=False)
    for name, table in narrow.tables().items():
        other = whole.tables()[name]
        (pd.testing.assert_frame_equal if isinstance(table, pd.DataFrame) else pd.testing.assert_series_equal)(table, other)
    assert len(narrow.combined) == 40 and narrow.combined["score"].notna().all()


def test_checked_tables_read_by_sql_are_the_loaders_frames(demo, tmp_path):
    store = tmp_path / "demo.duckdb"
    store_folder(demo, store)
    revalidate(store)
    spec = load_spec()
    frames, hashes = period_tables(store, DATA_TABLES, period="2017-06", indicators=spec.indicators)
    for name in DATA_TABLES:
        expected = io.LOADERS[name](store)
        if name == "observations":
            expected = _cut(expected[expected["indicator"].isin(spec.indicators)].reset_index(drop=True), "2016-01", "2017-06")
        pd.testing.assert_frame_equal(frames[name], expected, check_exact=True)
        assert hashes[schemas.TABLES[name].file].startswith("checked table ")


def test_unit_results_of_a_national_store_say_what_it_lacks(scored, tmp_path):
    """Most national units lead no task and the panel has no pilots: their results still
    validate, with no tasks and the pilots section not available; the store is read by SQL
    (a unit brief's data are the store itself, no folder of its panel is written)."""
    import shutil

    import reformlib as rl
    from reformlib.briefs import units as brief_units

    shutil.copy(scored, tmp_path / "s.duckdb")  # a copy no other test reads through a folder
    scored = tmp_path / "s.duckdb"
    params = validate_params("2017-12", "zh", data_units(scored)["unit"].iloc[0], data=scored)
    assert params.data_dir == str(scored.resolve())
    data = brief_units.month_inputs(scored, "2017-12")
    assert data["pilots"] is None and not (scored.parent / f".{scored.name}.tables").exists()
    leading = set(data["tasks"]["lead_unit"])
    every = brief_units.units_asked("all", data["units"])
    picked = [next(u for u in every if u in leading), next(u for u in every if u not in leading)]
    results = brief_units.unit_results(data, "2017-12", lang="en", units=picked, reference=rl.load_reference(),
                                       data_path=scored, reports=tmp_path)
    with_tasks, without = (results[u] for u in picked)
    assert with_tasks["tasks"]["total"] >= 1 and without["tasks"]["total"] == 0 and without["tasks"]["by_category"] == []
    for res in results.values():
        assert res["synthetic"] is True and res["pilots"] == {"available": False, "note": "The data hold no pilots; this section cannot be reported."}
        # the whole league of 40 units is its base; a unit's results carry the rows its brief prints
        assert res["evaluation"]["league_size"] == 40 and len(res["evaluation"]["scores"]) < 40
        assert res["changes"]["revisions"]["since"] is None
