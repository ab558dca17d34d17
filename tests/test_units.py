"""Many units' results of a month at once (reformlib.briefs.units): each unit's results are
exactly what the brief notebook's own code gives for that unit, computed here without a
kernel (the notebook's cells up to its results, run in this process); a store is read by
SQL for the months a brief needs, never as a folder of its whole panel."""
from __future__ import annotations

import json

import nbformat
import pandas as pd
import pytest

import reformlib as rl
from reformlib.briefs import units as brief_units
from reformlib.data.dataset import store_folder
from reformlib.data.paths import NOTEBOOKS
from reformlib.report.results import validate_results

MONTH = "2017-06"  # a month with open tasks ahead (an at-risk list) and a month before
#: a district with a veto, a park
UNITS = ("430302", "xtjk")


def _notebook_results(month: str, lang: str, unit: str, reports: str) -> dict:
    """What brief.ipynb computes as ``results`` for these parameters: its parameters cell,
    the values papermill would inject, then its code up to the results (no figure drawn)."""
    nb = nbformat.read(NOTEBOOKS / "brief.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    rest = "\n".join(code[1:3])
    for end in ("render.draw_figures", "tables = results_tables"):
        rest = rest.split(end)[0]
    rest = "\n".join(line for line in rest.splitlines() if not line.startswith("%"))
    ns: dict = {}
    exec(code[0], ns)  # noqa: S102 - the template's own parameters cell
    ns.update(month=month, lang=lang, unit=unit, data_dir="", reports_dir=reports)
    exec(rest, ns)  # noqa: S102 - the template's own code
    return validate_results(ns["results"])


@pytest.fixture(scope="module")
def computed(demo, tmp_path_factory):
    reports = str(tmp_path_factory.mktemp("reports"))
    data = brief_units.month_inputs(None, MONTH)
    return data, reports, brief_units.unit_results(data, MONTH, lang="zh", units=UNITS, reference=rl.load_reference(),
                                                   reports=reports)


@pytest.mark.slow  # the month's evaluation twice (the notebook's whole data, the month's window)
def test_each_units_results_are_what_the_brief_notebook_gives(computed):
    _, reports, results = computed
    assert list(results) == list(UNITS)
    for unit in UNITS:
        expected = _notebook_results(MONTH, "zh", unit, reports)
        got = dict(results[unit])
        assert got.pop("generated_at") and expected.pop("generated_at")
        assert got == expected, unit
        assert got["unit"] == unit and {o["unit"] for o in got["indicators_off_target"]} <= {unit}
        assert got["tasks"]["at_risk"] and all(r["lead_unit"] == unit for r in got["tasks"]["at_risk"])


def test_the_month_window_holds_what_the_month_and_the_month_before_read(computed):
    data, _, _ = computed
    months = data["observations"]["period"]
    # the month before (May) reads its flows from January of the year before
    assert str(months.min()) == "2016-01" and str(months.max()) == MONTH
    assert data["pilots"] is not None and len(data["pilots"])


def test_a_store_is_read_by_sql_for_the_months_needed(demo, tmp_path):
    store = tmp_path / "copy.duckdb"
    store_folder(demo, store)  # the demonstration folder as a store, as it is now
    from_store = brief_units.month_inputs(store, MONTH)
    from_folder = brief_units.month_inputs(None, MONTH)
    assert not (tmp_path / ".copy.duckdb.tables").exists()  # no folder of the whole panel was written
    for name, frame in from_folder.items():
        a, b = from_store[name], frame
        if name == "observations":  # a store's rows come by unit, indicator and month
            key = ["unit", "indicator", "period"]
            a, b = a.sort_values(key, ignore_index=True), b.sort_values(key, ignore_index=True)
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), obj=name)


def test_units_are_all_below_the_city_or_named_codes(demo):
    table = rl.load_units()
    every = brief_units.units_asked("all", table)
    assert "430300" not in every and "430302" in every and len(every) == 8
    assert brief_units.units_asked(" 430302, xtjk ,430302", table) == ["430302", "xtjk"]
    for bad in ("430300", "999999", ""):
        with pytest.raises(ValueError, match="units must be 'all' or codes"):
            brief_units.units_asked(bad, table)


def test_the_run_summary_says_what_was_written():
    res = {"430302": {"synthetic": True}, "xtjk": {"synthetic": True}}
    assert brief_units.run_summary(res, month="2017-12", lang="zh", seconds=12.4) == \
        "2017年12月：已写出2个单位的简报结果（合成演示数据），用时12秒。"
    assert brief_units.run_summary({"430302": {"synthetic": False}}, month="2017-06", lang="en", seconds=3) == \
        "June 2017: the brief results of 1 unit written in 3 s."


def test_what_the_units_share_is_validated_once_and_written_whole(computed, tmp_path):
    _, _, results = computed
    shared = {u: dict(r) for u, r in results.items()}
    first = next(iter(shared.values()))["evaluation"]
    for r in shared.values():
        r["evaluation"] = first  # one section every unit shares, as unit_results gives it
    written = brief_units.write_unit_results(shared, tmp_path)
    assert [p.name for p in written] == [f"{u}.json" for u in UNITS]
    for unit, path in zip(UNITS, written):
        assert validate_results(path) == validate_results(results[unit])  # the whole section, each unit's file
        # byte for byte as write_results writes a results file (the shared section set in as written once)
        text = json.dumps(validate_results(results[unit]), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        assert path.read_text(encoding="utf-8") == text
    bad = {u: dict(r) for u, r in shared.items()}
    bad[UNITS[1]]["tasks"] = {**bad[UNITS[1]]["tasks"], "total": -1}
    with pytest.raises(rl.errors.DataValidationError, match="total"):
        brief_units.write_unit_results(bad, tmp_path / "bad")


def _publish(reports, month: str, unit: str) -> None:
    """A published unit brief's folder as a run leaves it (only its manifest matters here)."""
    import datetime as dt

    from reformlib.briefs.publish import write_manifest
    from reformlib.briefs.store import brief_lock, new_staging, promote

    run_id = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
    with brief_lock(reports / month / unit) as lock:
        staging = new_staging(lock, run_id)
        write_manifest(staging, {"run_id": run_id, "status": "published", "parameters": {"month": month, "lang": "zh",
                                 "unit": unit}, "published_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()})
        promote(lock, staging)


def _resubmit(store, unit: str, month: str, change: dict[str, float], name: str) -> None:
    now = store.current("indicators")
    rows = now[(now["unit"] == unit) & (now["period"] == month)][["unit", "indicator", "period", "value", "synthetic"]]
    rows = rows.assign(value=[change.get(i, v) for i, v in zip(rows["indicator"], rows["value"])],
                       sheet="指标", cell=[f"D{i + 3}" for i in range(len(rows))]).reset_index(drop=True)
    store.ingest("indicators", rows, sha256=f"{name}-{sorted(change.items())}", file_name=name)


def test_revisions_of_many_units_from_one_query_are_each_units_own(tmp_path, demo):
    """Units published at different times, values revised before and after: one query of the
    store gives each unit what revisions_section gives it alone."""
    import time

    from reformlib.briefs import changes
    from reformlib.data.store import Store

    data = rl.load_data()
    path = tmp_path / "store.duckdb"
    store = Store(path)
    obs = data["observations"][data["observations"]["period"].dt.year == 2017]
    store.put_dataset({**{k: data[k] for k in ("units", "indicators", "tasks")}, "observations": obs},
                      sha256="dataset", name="demo_2017")
    reports = tmp_path / "reports"
    value = lambda u: float(obs[(obs["unit"] == u) & (obs["indicator"] == "land_transfer_rate")  # noqa: E731
                                & (obs["period"] == pd.Period("2017-06", "M"))]["value"].iloc[0])
    _publish(reports, "2017-06", "430302")
    time.sleep(1.1)  # the store and the manifests keep whole seconds
    _resubmit(store, "430302", "2017-06", {"land_transfer_rate": value("430302") + 1}, "雨湖区（更正）.xlsx")
    _resubmit(store, "430304", "2017-06", {"land_transfer_rate": value("430304") + 1}, "岳塘区（更正）.xlsx")
    time.sleep(1.1)
    _publish(reports, "2017-06", "430304")
    time.sleep(1.1)
    _resubmit(store, "430304", "2017-05", {"land_transfer_rate": value("430304") + 2}, "岳塘区5月（更正）.xlsx")
    units = ["430302", "430304", "430381"]  # 430381: never published
    many = brief_units.unit_revisions(data, "2017-06", units, lang="zh", data_path=path, reports=reports)
    for unit in units:
        assert many[unit] == changes.revisions_section(data, "2017-06", unit=unit, lang="zh", data_path=path,
                                                       reports=reports), unit
    assert [i["period"] for i in many["430302"]["items"]] == ["2017-06"]
    assert [i["period"] for i in many["430304"]["items"]] == ["2017-05"]  # its June revision came before its brief
    assert many["430381"]["since"] is None


def test_each_unit_s_family_section_is_the_one_family_section_makes(computed):
    """Made once per peer group and set with each unit's own rows (units._Families), every
    unit's family section is what content.family_section gives for it from the whole frame."""
    from reformlib.briefs import content
    from reformlib.briefs.units import _Families

    data, _, _ = computed
    for lang in ("zh", "en"):
        frame = content.family_frame(data["observations"], data["indicators"], data["units"], "debt", MONTH, lang=lang)
        families = _Families(frame, "debt", lang=lang, units=data["units"])
        every = brief_units.units_asked("all", data["units"])
        for unit in every:
            assert families.of(unit) == content.family_section(frame, "debt", lang=lang, unit=unit, units=data["units"]), unit
        assert len(families.done) == 2  # made whole once for the counties and districts, once for the parks
