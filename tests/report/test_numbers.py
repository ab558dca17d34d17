"""One formatter: percent vs percentage points, probabilities, counts with measure words,
thousands separators; the workbook's cells read as the memo prints them."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from reformlib.report.numbers import count, difference, number, percent, points, probability, quantity
from reformlib.report.workbook import write_tables


def test_numbers_read_as_officials_write_them():
    assert number(11906) == "11,906" and number(9.9) == "9.9" and number(86.53) == "86.53" and number(84.0) == "84"
    assert percent(53) == "53.0%" and percent(87.25) == "87.2%"
    assert points(-2.04, "zh") == "下降2.0个百分点" and points(11.7, "en") == "up 11.7 percentage points"
    assert difference(-4, "%", "zh") == "4.0个百分点" and difference(-8094, "mu", "zh", signed=True) == "-8,094亩"
    assert probability(0.9999) == probability(1) == "100%" and probability(0.62) == "62%"
    assert count(3, "项", "zh") == "3项" and count(1, "task", "en") == "1 task" and count(30, "indicator", "en") == "30 indicators"
    assert quantity(75, "villages", "zh") == "75个" and quantity(75, "villages", "en") == "75 villages"
    assert quantity(11906, "mu", "zh") == "11,906亩" and quantity(53, "%", "en") == "53.0%"


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "3", None, True])
def test_non_numbers_are_refused(bad):
    with pytest.raises(ValueError, match="finite number"):
        number(bad)


def test_probability_outside_zero_one_is_refused():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        probability(1.2)


def test_workbook_cells_read_as_the_memo_prints_them(tmp_path):
    frame = pd.DataFrame({"probability": [0.9999, 0.62], "completion_rate": [87.3, 90.0], "total": [12345, 7],
                          "score": [86.53, 84.0], "value": [9.9, 11906.0]})
    write_tables({"t": frame}, tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["t"]
    formats = [[c.number_format for c in row] for row in ws.iter_rows(min_row=2)]
    assert formats == [["0%", '0.0"%"', "#,##0", "#,##0.00", "#,##0.0"],
                       ["0%", '0.0"%"', "#,##0", "#,##0.00", "#,##0"]]  # a score keeps two decimals (84.00)
    assert [c.value for c in ws[2]] == [0.9999, 87.3, 12345, 86.53, 9.9]  # the numbers stay numbers


def test_scores_keep_two_decimals_and_parts_add_up_to_the_whole_shown():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from reformlib.report.numbers import apportion, cell, excel_format, score

    assert score(86.2) == "86.20" and score(1234.5) == "1,234.50" and score(-0.001) == "0.00"
    assert score(7, signed=True) == "+7.00" and score(-16.467484, signed=True) == "-16.47"
    assert cell("score", 86.2) == "86.20" and excel_format("score", 86.2) == "#,##0.00"
    # 0.8 x 86.532516 + 0.2 x 84.9375 = 86.213513: each part rounded alone would print 69.23 + 16.99 = 86.22
    assert apportion([69.226013, 16.9875], 86.21) == [69.22, 16.99]
    assert apportion([100.0, -16.467484, -2.0, -2.0], 79.53) == [100.0, -16.47, -2.0, -2.0]
    assert apportion([], 0) == []
    with pytest.raises(ValueError, match="no values"):
        apportion([], 1.0)

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.floats(min_value=-200, max_value=200, allow_nan=False), min_size=1, max_size=12))
    def parts_add_up(values):
        total = round(sum(values), 2)
        shown = apportion(values, total)
        assert round(sum(round(v * 100) for v in shown)) == round(total * 100)
        assert all(abs(a - v) < 0.01 + 1e-9 for a, v in zip(shown, values))

    parts_add_up()
