"""Contract: every entry point of the model refuses +inf / -inf with one error naming them.

``normalise`` (whatever the method), ``weigh``, ``aggregate``, ``topsis`` and ``vikor`` all
raise the same SpecError, worded as the uncertainty analysis words its check ("infinite
value"), naming the argument, the columns and the units. NaN stays a missing value.
Data are synthetic.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reformlib.errors import SpecError
from reformlib.model import NORMALISERS, aggregate, normalise, topsis, vikor, weigh

UNITS = pd.Index(["430302", "430304", "430321", "430381"], name="unit")
FRAME = pd.DataFrame({"p": [3.0, 5.0, 2.0, 8.0], "q": [1.0, 4.0, 9.0, 6.0], "r": [2.0, 7.0, 4.0, 5.0]}, index=UNITS)
BAD = FRAME.assign(q=[1.0, np.inf, 9.0, -np.inf])

ENTRY_POINTS = {
    "normalise": lambda f: normalise(f, "minmax"),
    "weigh": lambda f: weigh(f, "entropy"),
    "aggregate": lambda f: aggregate(f, [1, 1, 1]),
    "topsis": lambda f: topsis(f, [1, 1, 1]),
    "vikor": lambda f: vikor(f, [1, 1, 1]),
}
NORM_OPTIONS = {
    "goalposts": {"goalposts": {c: (0.0, 10.0) for c in FRAME.columns}},
    "target": {"target": {c: 5.0 for c in FRAME.columns}},
    "band": {"bands": {c: (3.0, 6.0) for c in FRAME.columns}},
    "categorical": {"bands": [0.5]},
    "ref_ratio": {"reference": "430302"},
    "ref_difference": {"reference": "430302"},
}


def _assert_names_the_cells(err: pytest.ExceptionInfo) -> None:
    msg = str(err.value)
    assert msg.startswith("frame has 2 infinite value(s) in columns ['q']"), msg
    assert "unit '430304', column 'q': infinite value (value inf)" in msg
    assert "unit '430381', column 'q': infinite value (value -inf)" in msg


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_entry_point_refuses_infinite_values(entry: str) -> None:
    ENTRY_POINTS[entry](FRAME)  # the finite frame passes
    with pytest.raises(SpecError) as err:
        ENTRY_POINTS[entry](BAD)
    _assert_names_the_cells(err)


@pytest.mark.parametrize("method", sorted(NORMALISERS))
def test_every_normaliser_refuses_infinite_values(method: str) -> None:
    with pytest.raises(SpecError) as err:
        normalise(BAD, method, **NORM_OPTIONS.get(method, {}))
    _assert_names_the_cells(err)


def test_missing_values_still_pass_where_they_did() -> None:
    gap = FRAME.assign(q=[1.0, np.nan, 9.0, 6.0])
    assert normalise(gap, "minmax")["q"].isna().tolist() == [False, True, False, False]
    assert weigh(gap, "entropy").notna().all()
    assert aggregate(gap, [1, 1, 1]).notna().all()


def test_long_lists_are_cut() -> None:
    many = pd.DataFrame({"x": np.full(30, np.inf)})
    with pytest.raises(SpecError, match=r"frame has 30 infinite value\(s\) in columns \['x'\].*and 10 more$"):
        normalise(many, "rank")
