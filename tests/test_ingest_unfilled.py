"""A template sent back unfilled is refused with a sentence that says so and changes nothing
(it was stored as a month of empty values, erasing the unit's month); a partly filled one
stores the values filled in and says how many rows it read as not reported (a submission
stands for its unit's whole month, reformlib.data.store)."""
from __future__ import annotations

import shutil

import openpyxl
import pytest

from reformlib.data.dataset import DEMO_STORE, snapshot
from reformlib.data.store import Store
from reformlib.ingest import ingest
from reformlib.ingest.templates import load_tables, write_template

MONTH = "2017-12"
QUERY = (f"SELECT indicator, value FROM observations WHERE unit = '430302' AND period = '{MONTH}' ORDER BY indicator")


@pytest.fixture()
def store(demo, tmp_path):
    snapshot(DEMO_STORE)  # builds the demonstration store when missing
    path = tmp_path / "office.duckdb"
    shutil.copyfile(DEMO_STORE, path)
    return path


def _values(store) -> dict:
    return dict(Store(store).sql(QUERY).itertuples(index=False, name=None))


def test_an_unfilled_template_is_refused_and_erases_nothing(store, tmp_path):
    before = _values(store)
    assert before and all(v is not None for v in before.values())
    path = write_template(MONTH, "430302", kind="indicators", out=tmp_path / "in", tables=load_tables(store))
    [outcome] = ingest([path], store=store)
    assert outcome.status == "refused", outcome.message
    first = str(outcome.error).splitlines()[0]
    assert path.name in first and "nothing filled in" in first and "empty value cell" in first
    assert _values(store) == before


def test_a_partly_filled_template_stores_what_was_filled_and_says_what_it_read_as_not_reported(store, tmp_path):
    before = _values(store)
    path = write_template(MONTH, "430302", kind="indicators", out=tmp_path / "in", tables=load_tables(store))
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]
    filled = {}
    for row in ws.iter_rows(min_row=4):
        if isinstance(row[0].value, int) and len(filled) < 3 and row[1].value in before:
            row[5].value = before[row[1].value] + 1
            filled[row[1].value] = before[row[1].value] + 1
    wb.save(path)
    assert len(filled) == 3
    [outcome] = ingest([path], store=store)
    assert outcome.status == "stored", outcome.message
    assert f"{len(before) - 3} row(s) with an empty value cell, read as not reported" in outcome.message
    assert _values(store) == filled  # the month as the office reported it; the replaced values stay in the history
