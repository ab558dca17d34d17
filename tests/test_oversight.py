"""Reform documents issued on time and early; inspection problems open, rectified and ageing."""
from __future__ import annotations

import pandas as pd
import pytest

import reformlib as rl
from reformlib.errors import DataValidationError
from reformlib.tasks import oversight


def test_74_of_121_documents_issued_six_months_early(demo):
    """The source document: 121 documents, 74 issued at least six months before the deadline."""
    s = oversight.document_summary(rl.load_documents(demo), "2017-12").iloc[0]
    assert (s["documents"], s["early"]) == (121, 74)
    assert s["reviewed_by_group"] == 31
    assert s["early_rate"] == round(100 * 74 / 121, 1)


def _docs() -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["D1", "D2", "D3", "D4"],
                         "due": pd.to_datetime(["2017-12-31", "2017-12-31", "2017-06-30", "2017-12-31"]),
                         "issued_on": pd.to_datetime(["2017-06-30", "2017-07-01", "2017-07-15", None]),
                         "lead_unit": ["a", "a", "b", "b"]})


def test_document_rules_by_hand():
    d = oversight.document_timeliness(_docs(), "2017-12").set_index("doc_id")
    assert d.loc["D1", "early"] and not d.loc["D2", "early"] and d.loc["D2", "on_time"]
    assert d.loc["D3", "issued"] and not d.loc["D3", "on_time"]
    assert not d.loc["D4", "issued"] and not d.loc["D4", "overdue"]
    # as of June only D1 is issued; D3 is not yet overdue (due on the last day of June)
    june = oversight.document_timeliness(_docs(), "2017-06").set_index("doc_id")
    assert june["issued"].tolist() == [True, False, False, False]
    assert oversight.document_timeliness(_docs(), "2017-07").set_index("doc_id").loc["D3", "on_time"] == False  # noqa: E712
    by = oversight.document_summary(_docs(), "2017-12", by="lead_unit").set_index("lead_unit")
    assert by.loc["a", "early"] == 1 and by.loc["b", "issued"] == 1


def _problems() -> pd.DataFrame:
    return pd.DataFrame({"problem_id": ["P1", "P2", "P3", "P4"], "unit": ["u1", "u1", "u2", "u2"],
                         "inspection_level": ["upper", "upper", "local", "local"],
                         "found_on": pd.to_datetime(["2017-03-01", "2017-06-20", "2017-08-01", "2017-10-01"]),
                         "due_on": pd.to_datetime(["2017-04-01", "2017-08-20", "2017-10-01", "2017-11-01"]),
                         "rectified_on": pd.to_datetime(["2017-04-15", None, "2017-10-15", None])})


def test_ageing_by_hand():
    a = oversight.inspection_ageing(_problems(), "2017-09").set_index("problem_id")
    assert "P4" not in a.index  # found later
    assert not a.loc["P1", "open"] and a.loc["P1", "days_open"] == 45 and a.loc["P1", "rectified_late"]
    assert a.loc["P2", "open"] and a.loc["P2", "days_open"] == 102 and a.loc["P2", "bucket"] == ">90" and a.loc["P2", "overdue"]
    # P3 rectified in October: open as of September, 60 days, not yet past its deadline
    assert a.loc["P3", "open"] and a.loc["P3", "days_open"] == 60 and a.loc["P3", "bucket"] == "31-90"
    assert not a.loc["P3", "overdue"]
    s = oversight.inspection_summary(_problems(), "2017-09").iloc[0]
    assert (s["found"], s["rectified"], s["open"], s["open_>90"], s["overdue"]) == (3, 1, 2, 1, 1)
    assert oversight.inspection_section(_problems(), "2017-09") == {
        "available": True, "found": 3, "rectified": 1, "open": 2, "open_over_90_days": 1}


def test_demo_inspections_add_up(demo):
    insp = rl.load_inspections(demo)
    s = oversight.inspection_summary(insp, "2017-12", by="inspection_level")
    assert s["found"].sum() == 89
    assert (s["rectified"] + s["open"] == s["found"]).all()
    assert (s[[f"open_{b}" for b in oversight.BUCKETS]].sum(axis=1) == s["open"]).all()


def test_pilot_naming_an_unknown_unit_is_refused(demo):
    pilots, units = rl.load_pilots(demo), rl.load_units(demo)
    oversight.check_known_units(pilots, units)
    bad = pilots.copy()
    bad.loc[bad.index[4], "unit"] = "999999"
    with pytest.raises(DataValidationError) as err:
        oversight.check_known_units(bad, units)
    assert str(err.value.path) == "<pilots>"
    assert [(p.row, p.column, p.value) for p in err.value.problems] == [(5, "unit", "999999")]


def test_rectified_before_found_is_refused():
    bad = _problems().assign(rectified_on=pd.to_datetime(["2017-02-01", None, "2017-10-15", None]))
    with pytest.raises(DataValidationError, match="row 1, column 'rectified_on'"):
        oversight.inspection_ageing(bad, "2017-09")
