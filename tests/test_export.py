"""Stores read as data sets: ``export`` writes a data folder the loaders read, the loaders and
the model take a store wherever they take a folder (identical scores), and a store says which
values were revised since a moment."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from corpus.submissions import workbook

import reformlib as rl
from reformlib.data import io
from reformlib.data.dataset import is_store, store_folder
from reformlib.data.paths import data_folder
from reformlib.data.store import Store
from reformlib.errors import ParameterError
from reformlib.ingest import export as export_mod
from reformlib.ingest import ingest
from reformlib.ingest.export import export_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_store(demo, tmp_path_factory) -> Path:
    """The demonstration set in a store."""
    path = tmp_path_factory.mktemp("demo_store") / "demo.duckdb"
    assert store_folder(demo, path).status == "stored"
    return path


@pytest.fixture(scope="module")
def store(demo_store, tmp_path_factory) -> Path:
    """The demonstration store with one month of 雨湖区 submitted over it."""
    folder = tmp_path_factory.mktemp("store")
    path = shutil.copy(demo_store, folder / "demo.duckdb")
    assert ingest([workbook(folder / "yuhu.xlsx")], store=path)[0].status == "stored"
    return Path(path)


def test_the_rule_a_duckdb_path_or_a_file_is_a_store(tmp_path, demo):
    (tmp_path / "plain").write_bytes(b"")
    assert is_store(tmp_path / "x.duckdb") and is_store(tmp_path / "plain")
    assert not is_store(demo) and not is_store(tmp_path / "folder")
    assert data_folder(demo) == demo


def test_loaders_read_a_store_with_its_submitted_values(store, demo):
    obs = io.load_observations(store)
    got = obs.set_index(["unit", "indicator", "period"])["value"]
    assert got[("430302", "land_transfer_rate", pd.Period("2017-12", "M"))] == 53.0
    assert not obs.set_index(["unit", "indicator", "period"]).loc[("430302", "land_transfer_rate", pd.Period("2017-12", "M")),
                                                                   "synthetic"]
    assert ("430302", "gov_debt_ratio", pd.Period("2017-12", "M")) not in got.index  # reported as "—": not an observation
    pd.testing.assert_frame_equal(io.load_tasks(store), io.load_tasks(demo))
    pd.testing.assert_frame_equal(io.load_units(store), io.load_units(demo))


def test_evaluation_from_a_store_and_from_a_folder_is_identical(demo, demo_store):
    path = demo_store
    spec = rl.load_spec("data/model")
    from_folder = rl.evaluate(spec, str(demo), period="2017-06")
    from_store = rl.evaluate(spec, str(path), period="2017-06")
    for name in ("combined", "scores", "points"):
        pd.testing.assert_frame_equal(getattr(from_folder, name), getattr(from_store, name), check_exact=True)
    assert from_store.provenance["data"]["tasks.csv"] == from_folder.provenance["data"]["tasks.csv"]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_an_export_is_a_data_folder(store, tmp_path, fmt):
    out = export_store(store, fmt=fmt, out=tmp_path / "out")
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{t}.{fmt}" for t in ("units", "indicators", "observations", "tasks", "progress", "documents",
                                                  "inspections", "pilots", "recognitions", "ratings"))
    for name, load in io.LOADERS.items():
        pd.testing.assert_frame_equal(load(out), load(store), check_exact=True, obj=name)
    if fmt == "csv":
        assert (out / "units.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel shows the Chinese


def test_xlsx_export_one_workbook_per_table(store, tmp_path):
    out = export_store(store, fmt="xlsx", out=tmp_path / "x")
    wb = openpyxl.load_workbook(out / "tasks.xlsx", read_only=True)
    header = next(wb["tasks"].iter_rows(max_row=1, values_only=True))
    assert list(header) == [c.name for c in rl.data.schemas.TASKS.columns]
    assert len(list(wb["tasks"].iter_rows())) == len(io.load_tasks(store)) + 1


def test_a_refused_export_keeps_the_last_good_one(store, tmp_path, monkeypatch):
    out = tmp_path / "x"
    out.mkdir()
    (out / "units.xlsx").write_bytes(b"the last good export")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(export_mod, "MAX_XLSX_ROWS", 10)
    with pytest.raises(ParameterError, match="too long for an xlsx worksheet: .*observations"):
        export_store(store, fmt="xlsx", out=out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["x"]


def test_export_command(store, tmp_path):
    run = subprocess.run([sys.executable, "-m", "reformlib", "export", "--store", str(store), "--format", "csv",
                          "--out", str(tmp_path / "e")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert Path(run.stdout.strip()) == tmp_path / "e" and (tmp_path / "e" / "observations.csv").exists()


def test_revisions_since_name_old_and_new_value_and_source(tmp_path, demo, demo_store):
    path = shutil.copy(demo_store, tmp_path / "s.duckdb")
    before = dt.datetime.now()
    ingest([workbook(tmp_path / "a.xlsx", rows=[("耕地流转率", "53%", "%")])], store=path)
    ingest([workbook(tmp_path / "b.xlsx", rows=[("耕地流转率", "54.5%", "%")])], store=path)
    ingest([workbook(tmp_path / "c.xlsx", rows=[("耕地流转率", "54.5%", "%")], hidden_extra=False)], store=path)  # same value again
    rev = Store(path).revisions_since(before, month="2017-12", unit="430302")
    demo_value = io.load_observations(demo).set_index(["unit", "indicator", "period"]).loc[
        ("430302", "land_transfer_rate", pd.Period("2017-12", "M")), "value"]
    assert rev[["key", "old_value", "new_value", "new_file", "new_cell"]].values.tolist() == [
        ["land_transfer_rate", repr(float(demo_value)), "53.0", "a.xlsx", "C5"],
        ["land_transfer_rate", "53.0", "54.5", "b.xlsx", "C5"]]
    assert rev["old_file"].tolist() == ["demo_synthetic/observations.parquet", "a.xlsx"]
    assert Store(path).revisions_since(dt.datetime.now()).empty
    assert Store(path).revisions_since(before, unit="430304").empty
