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


# --------------------------------------------------------------------------- one figure, one way
def test_english_money_reads_in_millions_and_a_measure_word_is_singular_after_one():
    from reformlib.report.numbers import excel_value, quantity_format

    assert quantity(8, "100 million yuan", "en") == "800 million yuan"  # not "8 100 million yuan"
    assert quantity(6.736, "100 million yuan", "en") == "674 million yuan"
    assert quantity(8, "亿元", "zh") == "8亿元"
    assert excel_value(6.74, "100 million yuan", "en") == pytest.approx(674) and excel_value(6.74, "亿元", "zh") == 6.74
    assert quantity_format(6.74, "100 million yuan", "en") == '#,##0" million yuan"'
    assert quantity(1, "kindergartens", "en") == "1 kindergarten" and quantity(1, "entities", "en") == "1 entity"
    assert quantity(7, "kindergartens", "en") == "7 kindergartens"
    assert difference(1, "kindergartens", "en", signed=True) == "+1 kindergarten"


def test_every_figure_of_an_indicator_has_the_same_decimals():
    from reformlib.report.numbers import headline_cell, row_decimals

    tax = {"value": 8.0, "unit": "亿元", "previous_month": 6.736, "year_earlier": 5.2}
    assert [headline_cell(tax, k, "zh") for k in ("value", "previous_month", "year_earlier")] == [
        "8.00亿元", "6.74亿元", "5.20亿元"]
    assert [headline_cell(tax, k, "en") for k in ("value", "previous_month", "year_earlier")] == [
        "800 million yuan", "674 million yuan", "520 million yuan"]
    months = {"value": 9.9, "unit": "个月", "change": -4.0, "target": 12.0, "previous_month": 10.2, "year_earlier": 13.9}
    assert difference(months["change"], "个月", "zh", signed=True, decimals=row_decimals(months)) == "-4.0个月"
    assert headline_cell(months, "target", "zh") == "12.0个月"
    assert headline_cell({"value": 15.0, "unit": "个月", "city_value": 9.9}, "value", "zh") == "15.0个月"


def test_a_citys_average_of_persons_says_so_on_every_figure():
    from reformlib.report.numbers import headline_cell, row_decimals

    city = {"value": 4.0, "unit": "人", "previous_month": 4.0, "year_earlier": 3.12, "change": 0.88,
            "band_low": 3.0, "band_high": 5.0}
    assert [headline_cell(city, k, "zh") for k in ("value", "previous_month", "year_earlier")] == [
        "平均4.0人", "平均4.0人", "平均3.1人"]
    assert headline_cell(city, "target", "zh") == "3–5人"
    assert difference(city["change"], "人", "zh", signed=True, decimals=row_decimals(city)) == "+0.9人"
    unit = {"value": 4.0, "unit": "人", "previous_month": 4.0, "year_earlier": 3.0, "city_value": 3.12}
    assert [headline_cell(unit, k, "zh") for k in ("value", "year_earlier", "city_value")] == ["4人", "3人", "平均3.1人"]
    assert headline_cell({**unit, "unit": "persons"}, "value", "en") == "4 persons"
    assert headline_cell({**city, "unit": "persons"}, "value", "en") == "average 4.0 persons"


def test_growth_on_a_small_base_is_the_change_in_count():
    from reformlib.report.numbers import growth_cell

    fees = {"value": 7.0, "unit": "项", "year_earlier": 1.0, "growth": 600.0}
    assert growth_cell(fees, "zh") == "+6项" and growth_cell({**fees, "unit": "items"}, "en") == "+6 items"
    assert growth_cell({**fees, "year_earlier": 21.0, "value": 34.0, "growth": 61.9}, "zh") == "61.9%"
    money = {"value": 1.423, "unit": "亿元", "year_earlier": 0.912, "growth": 56.0}  # an amount, not a count
    assert growth_cell(money, "zh") == "56.0%"
    assert growth_cell({**fees, "growth": None}, "zh") == "—"


def test_an_at_risk_gap_is_the_printed_schedule_less_the_printed_progress():
    from reformlib.report.at_risk import schedule_cells

    for p, e, want in ((37.5, 60.5, ("38%", "61%", "23 percentage points behind")),
                       (15.0, 37.5, ("15%", "38%", "23 percentage points behind")),
                       (35.0, 45.45, ("35%", "45%", "10 percentage points behind")),
                       (41.2, 63.7, ("41%", "64%", "23 percentage points behind")),
                       (70.5, 70.0, ("71%", "70%", "1 percentage point ahead"))):
        cells = schedule_cells({"progress": p, "expected": e}, "en")
        assert cells == want, (p, e, cells)
        assert int(cells[1][:-1]) - int(cells[0][:-1]) == int(cells[2].split()[0]) * (1 if "behind" in cells[2] else -1)


def test_chinese_dates_read_as_chinese_prose_writes_them():
    from reformlib.report.numbers import date_text

    assert date_text("2017-11-30", "zh") == "2017年11月30日" and date_text("2017-08-04", "zh") == "2017年8月4日"
    assert date_text("2017-11-30", "en") == "2017-11-30"
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        date_text("30/11/2017", "zh")
