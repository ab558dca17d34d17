"""Reading submissions: cell values, months, unit names, and whole files from the corpus."""
from __future__ import annotations

import pandas as pd
import pytest
from corpus.submissions import csv_long, workbook
from hypothesis import given, settings
from hypothesis import strategies as st

import reformlib as rl
from reformlib.errors import DataValidationError
from reformlib.ingest.files import load_catalogue, read_submission
from reformlib.ingest.units import UnitNames, load_aliases
from reformlib.ingest.values import ValueRefused, parse_month, parse_value

VALUES = [("53%", "%", False, None, 53.0), ("53.0％", "%", False, None, 53.0), ("５３．２", "%", False, None, 53.2),
          (0.951, "%", True, None, 95.1), ("12,345", "entities", False, None, 12345.0), ("1\u00a0234", "entities", False, None, 1234.0),
          ("2.7万", "entities", False, None, 27000.0), ("8亿元", "100 million yuan", False, None, 8.0),
          ("2320万元", "100 million yuan", False, None, 0.232), (2320, "100 million yuan", False, "万元", 0.232),
          ("1.5万亩", "mu", False, None, 15000.0), ("35个", "projects", False, None, 35.0), ("0", "%", False, None, 0.0),
          (0, "items", False, None, 0.0)]


@pytest.mark.parametrize("raw, unit, pct, col, expected", VALUES)
def test_values_as_offices_write_them(raw, unit, pct, col, expected):
    assert parse_value(raw, measure_unit=unit, percent_format=pct, column_unit=col) == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["—", "-", "/", "无", "暂无", "", "  ", None])
def test_missing_markers_are_not_reported_never_zero(raw):
    assert parse_value(raw, measure_unit="%") is None


@pytest.mark.parametrize("raw, unit, words", [("53吨", "mu", "吨"), ("53%", "mu", "percentage"), ("1,23", "items", "thousands"),
                                              ("abc", "items", "not a number"), ("2.7万", "%", "does not match")])
def test_values_refused_with_their_rule(raw, unit, words):
    with pytest.raises(ValueRefused, match=words):
        parse_value(raw, measure_unit=unit)


@pytest.mark.parametrize("raw", ["2017-12", "2017年12月", "2017年12月份", "2017.12", "2017/12", "201712", "２０１７年１２月",
                                 pd.Timestamp("2017-12-31"), 43070])
def test_months_in_many_forms(raw):
    assert parse_month(raw) == pd.Period("2017-12", "M")


@pytest.mark.parametrize("raw, words", [("2017年第四季度", "quarter"), (2017.1, "2017.10"), ("2017-13", "1-12"), ("Dec", "not a month")])
def test_months_refused(raw, words):
    with pytest.raises(ValueRefused, match=words):
        parse_month(raw)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.none()),
       st.sampled_from(["%", "mu", "100 million yuan", "items"]), st.booleans())
def test_value_parser_returns_a_finite_number_none_or_a_refusal(raw, unit, pct):
    try:
        v = parse_value(raw, measure_unit=unit, percent_format=pct)
    except ValueRefused as exc:
        assert str(exc)
    else:
        assert v is None or v == v and abs(v) != float("inf")


@settings(max_examples=300, deadline=None)
@given(st.integers(1900, 2200), st.integers(1, 12), st.sampled_from(["{y}-{m:02d}", "{y}年{m}月", "{y}.{m:02d}", "{y}/{m}"]))
def test_month_parser_reads_every_written_form(y, m, form):
    assert parse_month(form.format(y=y, m=m)) == pd.Period(year=y, month=m, freq="M")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=12), st.floats(), st.integers()))
def test_month_parser_gives_a_month_or_a_refusal(raw):
    try:
        p = parse_month(raw)
    except ValueRefused:
        pass
    else:
        assert isinstance(p, pd.Period) and p.freqstr == "M"


def test_unit_names_codes_aliases_and_ambiguity(demo):
    names = UnitNames(rl.load_units(demo), load_aliases(demo))
    for raw in ("雨湖区", "雨湖", 430302, 430302.0, "430302.0", "Yuhu District", "湘潭市雨湖区"):
        assert names.resolve(raw) == "430302", raw
    assert names.resolve("九华示范区") == "xtjk"
    with pytest.raises(ValueRefused, match="ambiguous"):
        names.resolve("湘潭")


@pytest.mark.parametrize("encoding, sep", [("gbk", ","), ("gb18030", ";"), ("utf-8-sig", ","), ("utf-16", "\t"), ("utf-8", "\t")])
def test_long_csv_in_every_encoding(tmp_path, demo, encoding, sep):
    path = csv_long(tmp_path / "x.csv", [("岳塘区", "耕地流转率", "2017年12月", "53%"), ("430304.0", "新增市场主体", "2017-12", "2.7万"),
                                          ("岳塘", "政府综合债务率", "2017/12", "暂无")], encoding=encoding, sep=sep)
    sub = read_submission(path, load_catalogue(demo))
    assert sub.records["value"].tolist()[:2] == [53.0, 27000.0] and pd.isna(sub.records["value"].iloc[2])
    assert set(sub.records["unit"]) == {"430304"} and set(sub.records["period"]) == {"2017-12"}


def test_total_row_checked_against_its_rows(tmp_path, demo):
    rows = [("雨湖区", "新增市场主体", "2017-12", "100"), ("岳塘区", "新增市场主体", "2017-12", "50"), ("合计", "新增市场主体", "2017-12", "150")]
    sub = read_submission(csv_long(tmp_path / "ok.csv", rows), load_catalogue(demo))
    assert len(sub.records) == 2
    bad = [*rows[:2], ("合计", "新增市场主体", "2017-12", "160")]
    with pytest.raises(DataValidationError) as err:
        read_submission(csv_long(tmp_path / "bad.csv", bad), load_catalogue(demo))
    assert any(p.line == 4 and "does not equal the sum" in p.rule for p in err.value.problems), str(err.value)


def test_formula_without_stored_result_names_sheet_and_cell(tmp_path, demo):
    path = workbook(tmp_path / "f.xlsx", rows=[("新增市场主体", "=1+2", None)])
    with pytest.raises(DataValidationError) as err:
        read_submission(path, load_catalogue(demo))
    assert any(p.sheet == "雨湖区" and p.cell == "C5" and "formula" in p.rule for p in err.value.problems), str(err.value)


def test_a_value_that_overflows_on_conversion_is_refused():
    with pytest.raises(ValueRefused, match="not a finite number"):
        parse_value(1.797693134862316e306, measure_unit="%", percent_format=True)
