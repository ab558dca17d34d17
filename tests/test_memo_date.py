"""A memo issued on a given day (``python -m reformlib brief --memo-date``): dated that day in
the memo, refused before anything runs when the day is not a day or falls before the end of
the month the memo reports on."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from docx import Document

from reformlib.__main__ import main
from reformlib.errors import ParameterError
from reformlib.report.memo import memo_content, memo_date, write_memo
from reformlib.report.results import read_results


@pytest.fixture(scope="module")
def december(published_reports):
    return read_results(published_reports / "2017-12" / "current" / "results.json")


def test_the_memo_is_dated_the_day_asked_else_the_day_it_was_made(december, tmp_path):
    made = datetime.fromisoformat(december["generated_at"])
    assert memo_content(december).date == f"{made.year}年{made.month}月{made.day}日"
    assert memo_content(december, issued=date(2018, 1, 8)).date == "2018年1月8日"
    path = write_memo(december, tmp_path / "memo.docx", issued=date(2018, 1, 8))
    paragraphs = [p.text for p in Document(str(path)).paragraphs]
    assert "2018年1月8日" in paragraphs and f"{made.year}年{made.month}月{made.day}日" not in paragraphs


@pytest.mark.parametrize(("value", "words"), [
    ("2018-02-30", "YYYY-MM-DD"), ("20180108", "YYYY-MM-DD"), ("8 Jan 2018", "YYYY-MM-DD"),
    ("2017-12-30", "before the end of 2017-12"), ("2017-11-30", "2017-12-31 or later"),
])
def test_a_day_that_is_not_a_day_or_comes_before_the_month_ends_is_refused(value, words):
    with pytest.raises(ParameterError, match=words):
        memo_date(value, "2017-12")


def test_the_last_day_of_the_month_and_later_are_accepted():
    assert memo_date("2017-12-31", "2017-12") == date(2017, 12, 31)
    assert memo_date("2018-03-01", "2018-02") == date(2018, 3, 1)


def test_the_command_refuses_a_bad_memo_date_before_anything_runs(tmp_path, capsys, demo):
    code = main(["brief", "--month", "2017-12", "--memo-date", "2017-12-24", "--reports", str(tmp_path / "reports"),
                 "--quiet"])
    assert code == 2
    assert "memo date 2017-12-24 is before the end of 2017-12" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()


def test_the_publishing_step_dates_the_memo_it_writes(december, published_reports, tmp_path):
    import shutil

    from reformlib.briefs.publish import write_documents

    shutil.copyfile(published_reports / "2017-12" / "current" / "results.json", tmp_path / "results.json")
    record = write_documents(tmp_path, lang="zh", results=december, issued=date(2018, 1, 8))
    assert record["memo.docx"] == {"made": True}
    assert "2018年1月8日" in [p.text for p in Document(str(tmp_path / "memo.docx")).paragraphs]
