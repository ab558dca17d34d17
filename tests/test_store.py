"""The DuckDB store of record against a real file: resubmission keeps history, the same file
twice changes nothing, a refused file leaves the store byte for byte, a killed ingest leaves it
as it was, and two writers at once are serialised."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from corpus.submissions import csv_long, workbook

from reformlib.data.store import Store
from reformlib.ingest import ingest
from reformlib.ingest.files import load_catalogue

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def catalogue(demo):
    return load_catalogue(demo)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_workbook_is_stored_with_its_cells(tmp_path, catalogue):
    store = tmp_path / "s.duckdb"
    [out] = ingest([workbook(tmp_path / "yuhu.xlsx")], store=store, catalogue=catalogue)
    assert out.status == "stored", out.message
    cur = Store(store).current("indicators").set_index("indicator")
    assert cur.loc["land_transfer_rate", "value"] == 53.0
    assert cur.loc["land_transfer_new_area", "value"] == 15000.0
    assert cur.loc["tax_fee_cut", "value"] == pytest.approx(0.232)
    assert cur["value"].isna().sum() == 1 and cur.loc["gov_debt_ratio", "value"] != cur.loc["gov_debt_ratio", "value"]
    assert set(cur["unit"]) == {"430302"} and set(cur["period"]) == {"2017-12"}
    assert cur.loc["land_transfer_rate", "cell"] == "C5" and cur.loc["land_transfer_rate", "sheet"] == "雨湖区"
    assert "hidden" in out.message and "汇总" in out.message and "signature" in out.message


def test_resubmission_replaces_and_keeps_history(tmp_path, catalogue):
    store = tmp_path / "s.duckdb"
    ingest([workbook(tmp_path / "a.xlsx")], store=store, catalogue=catalogue)
    second = workbook(tmp_path / "b.xlsx", rows=[("耕地流转率", "54.5％", "%")])
    [out] = ingest([second], store=store, catalogue=catalogue)
    assert out.status == "stored" and "replaced 4" in out.message
    cur = Store(store).current("indicators")
    assert cur[["indicator", "value"]].values.tolist() == [["land_transfer_rate", 54.5]]
    hist = Store(store).history("indicators")
    rate = hist[hist["indicator"] == "land_transfer_rate"]
    assert rate["value"].tolist() == [53.0, 54.5] and rate["file_name"].tolist() == ["a.xlsx", "b.xlsx"]
    assert len(hist) == 5


def test_same_file_twice_changes_nothing(tmp_path, catalogue):
    store = tmp_path / "s.duckdb"
    path = workbook(tmp_path / "a.xlsx")
    assert ingest([path], store=store, catalogue=catalogue)[0].status == "stored"
    before = _digest(store)
    [again] = ingest([path], store=store, catalogue=catalogue)
    assert again.status == "unchanged" and "nothing changed" in again.message
    assert len(Store(store).history("indicators")) == 4
    assert _digest(store) == before


def test_refused_file_leaves_the_store_byte_for_byte(tmp_path, catalogue):
    store = tmp_path / "s.duckdb"
    ingest([workbook(tmp_path / "a.xlsx")], store=store, catalogue=catalogue)
    before = _digest(store)
    bad = csv_long(tmp_path / "bad.csv", [("岳塘区", "耕地流转率", "2017年12月", "53%"), ("湘潭", "耕地流转率", "2017-12", "153%"),
                                          ("岳塘区", "新增耕地流转面积", "2017-12", "12吨")])
    [out] = ingest([bad], store=store, catalogue=catalogue)
    assert out.status == "refused"
    rules = [(getattr(p, "line", None), p.column, p.rule) for p in out.error.problems]
    assert any(line == 3 and col == "单位名称" and "ambiguous" in rule for line, col, rule in rules), rules
    assert any(line == 4 and col == "数值" and "吨" in rule for line, col, rule in rules), rules
    assert _digest(store) == before


_KILLED = """
import sys, time
from pathlib import Path
from reformlib.ingest import ingest
def stage(name):
    Path(sys.argv[3]).write_text(name)
    time.sleep(600)
ingest([sys.argv[1]], store=sys.argv[2], catalogue=sys.argv[4], on_stage=stage)
"""


def _child(code: str, *args: object) -> subprocess.Popen:
    env = {**os.environ, "LANG": "C.UTF-8"}
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, env=env)


def _wait_for(path: Path, proc: subprocess.Popen) -> None:
    while not path.exists():
        assert proc.poll() is None, "the child ended before reaching the transaction"
        time.sleep(0.05)


def test_a_killed_ingest_leaves_the_store_as_it_was(tmp_path, demo, catalogue):
    store = tmp_path / "s.duckdb"
    ingest([workbook(tmp_path / "a.xlsx")], store=store, catalogue=catalogue)
    before = Store(store).current("indicators"), Store(store).history("indicators")
    marker = tmp_path / "inside"
    proc = _child(_KILLED, workbook(tmp_path / "b.xlsx", rows=[("耕地流转率", "60%", "%")]), store, marker, demo)
    _wait_for(marker, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert Store(store).current("indicators").equals(before[0])
    assert Store(store).history("indicators").equals(before[1])
    assert ingest([tmp_path / "b.xlsx"], store=store, catalogue=catalogue)[0].status == "stored"


_HOLD = """
import sys, time
from pathlib import Path
from reformlib.ingest import ingest
def stage(name):
    Path(sys.argv[3]).write_text(name)
    while not Path(sys.argv[5]).exists():
        time.sleep(0.05)
print(ingest([sys.argv[1]], store=sys.argv[2], catalogue=sys.argv[4], on_stage=stage)[0].status)
"""


def test_two_writers_at_once_are_serialised(tmp_path, demo):
    store = tmp_path / "s.duckdb"
    first = workbook(tmp_path / "yuhu.xlsx")
    second = workbook(tmp_path / "yuetang.xlsx", unit="岳塘区")
    inside, go = tmp_path / "inside", tmp_path / "go"
    a = _child(_HOLD, first, store, inside, demo, go)
    _wait_for(inside, a)
    b = _child(_HOLD, second, store, tmp_path / "inside_b", demo, go)
    time.sleep(1.0)  # b has started; it must wait for a's lock whatever the machine's load
    assert b.poll() is None and not (tmp_path / "inside_b").exists()
    go.write_text("go")
    assert a.wait() == 0 and b.wait() == 0
    cur = Store(store).current("indicators")
    assert set(cur["unit"]) == {"430302", "430304"} and len(cur) == 8


def test_a_batch_is_stored_as_its_files_one_after_the_other(tmp_path, catalogue):
    store = tmp_path / "s.duckdb"
    ingest([workbook(tmp_path / "a.xlsx")], store=store, catalogue=catalogue)
    first = workbook(tmp_path / "b1.xlsx", rows=[("耕地流转率", "60%", "%"), ("新增耕地流转面积", "2万亩", None)])
    second = workbook(tmp_path / "b2.xlsx", rows=[("耕地流转率", "61%", "%")])
    other = workbook(tmp_path / "c.xlsx", unit="岳塘区", rows=[("耕地流转率", "40%", "%")])
    bad = csv_long(tmp_path / "bad.csv", [("岳塘区", "耕地流转率", "2017-11", "153%")])
    outs = ingest([first, bad, second, other, first], store=store, catalogue=catalogue)
    assert [o.status for o in outs] == ["stored", "refused", "stored", "stored", "unchanged"]
    assert "replaced 4" in outs[0].message and "replaced 2" in outs[2].message and "replaced" not in outs[3].message
    cur = Store(store).current("indicators")
    assert cur[["unit", "indicator", "period", "value"]].values.tolist() == [
        ["430302", "land_transfer_rate", "2017-12", 61.0], ["430304", "land_transfer_rate", "2017-12", 40.0]]
    hist = Store(store).history("indicators")
    rate = hist[(hist["indicator"] == "land_transfer_rate") & (hist["unit"] == "430302")]
    assert rate["value"].tolist() == [53.0, 60.0, 61.0] and rate["file_name"].tolist() == ["a.xlsx", "b1.xlsx", "b2.xlsx"]
    assert rate["ingested_at"].is_monotonic_increasing and rate["ingested_at"].is_unique
    assert len(hist) == 4 + 2 + 1 + 1 and len(Store(store).sql("SELECT * FROM files")) == 4


def test_files_read_by_two_processes_give_what_one_process_gives(tmp_path, catalogue):
    files = [workbook(tmp_path / "a.xlsx"), workbook(tmp_path / "b.xlsx", unit="岳塘区"),
             csv_long(tmp_path / "bad.csv", [("岳塘区", "耕地流转率", "2017-11", "153%")]),
             csv_long(tmp_path / "c.csv", [("韶山市", "耕地流转率", "2017年12月", "41.5%")])]
    one = ingest(files, store=tmp_path / "one.duckdb", catalogue=catalogue, workers=1)
    two = ingest(files, store=tmp_path / "two.duckdb", catalogue=catalogue, workers=2)
    assert [(o.path, o.status, o.message) for o in one] == [(o.path, o.status, o.message) for o in two]
    assert [o.status for o in two] == ["stored", "stored", "refused", "stored"]
    assert two[2].error.problems == one[2].error.problems and "153" in two[2].message
    cols = ["unit", "indicator", "period", "value", "sheet", "cell"]
    assert Store(tmp_path / "one.duckdb").current("indicators")[cols].equals(Store(tmp_path / "two.duckdb").current("indicators")[cols])


def test_no_connection_draws_a_progress_bar(tmp_path):
    """DuckDB draws a progress bar on stdout for a query of more than 2 s (at national scale it
    ran into ``--quiet`` output); every connection of the store turns it off."""
    import duckdb

    duckdb.connect(str(tmp_path / "s.duckdb")).close()
    store = Store(tmp_path / "s.duckdb")
    assert store.sql("SELECT current_setting('enable_progress_bar') AS on_")["on_"].tolist() == [False]
    with store.reading() as con:
        assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0] is False
