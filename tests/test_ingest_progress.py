"""Cumulative progress that goes backwards is refused at ingestion (the progress loader refuses
such data, so one accepted file would break every read of the store)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from reformlib.data.dataset import store_folder
from reformlib.data.store import Store
from reformlib.ingest import ingest


@pytest.fixture(scope="module")
def store_and_task(demo, tmp_path_factory) -> tuple[Path, str, str, str, float]:
    """A store of the demonstration data; a task whose last stored progress lies between 10 and
    80 %: the task, its lead unit, that month and that value."""
    store = tmp_path_factory.mktemp("progress") / "s.duckdb"
    store_folder(demo, store)
    db = Store(store)
    row = db.sql("""SELECT p.task_id, t.lead_unit, p.period, p.progress FROM progress p JOIN tasks t USING (task_id)
                    WHERE p.progress > 10 AND p.progress < 80
                      AND NOT EXISTS (SELECT 1 FROM progress q WHERE q.task_id = p.task_id AND q.period > p.period)
                    ORDER BY p.task_id LIMIT 1""").iloc[0]
    return store, row["task_id"], row["lead_unit"], row["period"], float(row["progress"])


def _after(month: str, k: int) -> str:
    return str(pd.Period(month, "M") + k)


def _csv(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    lines = ["任务编号,完成进度,单位名称,报告期"] + [",".join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


def test_progress_lower_than_the_month_before_is_refused(store_and_task, tmp_path):
    store, task, lead, last, was = store_and_task
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    nxt = pd.Period(last, "M") + 1
    bad = _csv(tmp_path / "june.csv", [(task, f"{was - 5:g}", lead, f"{nxt.year}年{nxt.month}月")])
    [out] = ingest([bad], store=store)
    assert out.status == "refused"
    [p] = out.error.problems
    assert p.line == 2 and p.column == "完成进度" and task in p.rule and f"{was:g} % stored for {last}" in p.rule, str(p)
    assert "june.csv" in out.message and hashlib.sha256(store.read_bytes()).hexdigest() == before


def test_a_batch_checks_each_file_against_the_ones_before_it(store_and_task, tmp_path):
    store, task, lead, last, was = store_and_task
    one, two = _after(last, 1), _after(last, 2)
    first = _csv(tmp_path / "first.csv", [(task, f"{was + 10:g}", lead, one)])
    second = _csv(tmp_path / "second.csv", [(task, f"{was + 5:g}", lead, two)])  # below the first file of the same batch
    again = _csv(tmp_path / "again.csv", [(task, f"{was + 20:g}", lead, last)])  # above the month after it: refused too
    outs = ingest([first, second, again], store=store)
    assert [o.status for o in outs] == ["stored", "refused", "refused"], [o.message for o in outs]
    assert f"lower than the {was + 10:g} % stored for {one}" in outs[1].message
    assert f"higher than the {was + 10:g} % stored for the later month {one}" in outs[2].message
    cur = Store(store).sql(f"SELECT period, progress FROM progress WHERE task_id = '{task}' AND period >= '{last}' ORDER BY period")
    assert cur.values.tolist() == [[last, was], [one, was + 10]]
