"""Golden tests: COINr's ASEM example (``shared/reference/asem_coinr``).

Source: the COINr R package (github bluefoxr/COINr, MIT), data ``ASEM_iData`` /
``ASEM_iMeta`` and the outputs printed in its rendered vignettes ``normalise.html``,
``aggregate.html`` and ``results.html`` (site built 2022-09-23, commit 25432ea). The
full pipeline is ``build_example_coin()``: denominate, impute by EurAsia-group mean,
screen, winsorise, min-max 0-100 with cost indicators reversed, arithmetic means
through the hierarchy.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reformlib.model import (
    aggregate,
    aggregate_hierarchy,
    denominate,
    impute,
    normalise,
    rank,
    screen_units,
    treat_outliers,
)

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
CASE = REFERENCE / "asem_coinr"
pytestmark = pytest.mark.skipif(not CASE.is_dir(), reason=f"COINr ASEM reference not found at {CASE}")


def _signif_tol(value: float, digits: int = 3) -> float:
    """Half a unit in the last printed significant figure."""
    if value == 0:
        return 5e-12
    return 0.5 * 10 ** (math.floor(math.log10(abs(value))) - digits + 1) + 1e-12


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads((CASE / "expected.json").read_text())


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(CASE / "ASEM_iData.csv").set_index("uCode", drop=False)


@pytest.fixture(scope="module")
def meta() -> pd.DataFrame:
    return pd.read_csv(CASE / "ASEM_iMeta.csv")


@pytest.fixture(scope="module")
def pipeline(data: pd.DataFrame, meta: pd.DataFrame) -> dict:
    ind = meta[meta["Type"] == "Indicator"]
    codes = list(ind["iCode"])
    by = {r.iCode: r.Denominator for r in ind.itertuples() if isinstance(r.Denominator, str)}
    x = denominate(data[codes], data[["Area", "Energy", "GDP", "Population"]], by)
    x, imputed = impute(x, "group_mean", groups=data["EurAsia_group"])
    x, screened = screen_units(x, min_coverage=0.9)
    x, treated = treat_outliers(x, skew_max=2, kurt_max=3.5, winmax=5)
    norm = normalise(x, "minmax", direction=dict(zip(ind["iCode"], ind["Direction"])), scale=(0, 100))
    hierarchy = (meta[meta["Type"].isin(["Indicator", "Aggregate"])]
                 .rename(columns={"iCode": "code", "Parent": "parent", "Level": "level", "Weight": "weight"}))
    scores = aggregate_hierarchy(norm, hierarchy, method="arithmetic")
    return {"scores": scores, "imputed": imputed, "screened": screened, "treated": treated}


def test_normalise_vignette(data: pd.DataFrame, expected: dict) -> None:
    case = expected["normalise_vignette"]
    raw = data.sort_index()
    borda = normalise(raw[["LPI"]], "borda")["LPI"]
    flights = normalise(raw[["Flights"]], "zscore", m_sd=(10, 2))["Flights"]
    ship = normalise(raw[["Ship"]], "minmax", scale=(0, 100))["Ship"]
    for unit, row in case["rows"].items():
        assert borda[unit] == row["LPI"], unit
        assert flights[unit] == pytest.approx(row["Flights"], abs=case["tolerance_abs"]), unit
        assert ship[unit] == pytest.approx(row["Ship"], abs=5.1e-6), unit


def test_borda_equals_rank_min_minus_one(data: pd.DataFrame) -> None:
    raw = data[["LPI"]]
    via_rank = normalise(raw, "rank", ties="min", rank_start=0)
    pd.testing.assert_frame_equal(via_rank, normalise(raw, "borda"))


def test_harmonic_mean_vignette(data: pd.DataFrame, expected: dict) -> None:
    cols = ["LPI", "Flights", "Ship", "Bord"]
    norm = normalise(data[cols], "minmax", scale=(1, 100))
    y = aggregate(norm, [1, 1, 2, 1], "harmonic")
    for row in expected["harmonic_mean_vignette"]["rows_in_file_order"]:
        unit = row["uCode"]
        for col in cols:
            assert norm.loc[unit, col] == pytest.approx(row[col], abs=_signif_tol(row[col])), (unit, col)
        assert y[unit] == pytest.approx(row["y"], abs=_signif_tol(row["y"])), unit


def test_treatment_steps(pipeline: dict, data: pd.DataFrame) -> None:
    """README: imputation fills every gap, no unit is screened out, 15 indicators winsorised, no log."""
    assert pipeline["screened"]["kept"].all() and len(pipeline["screened"]) == 51
    assert pipeline["imputed"]["new"].notna().all()
    treated = pipeline["treated"]
    assert treated["indicator"].nunique() == 15
    assert set(treated["reason"]) <= {"winsorised high", "winsorised low"}
    assert (treated["old"] != treated["new"]).all()


def test_full_pipeline_top6(pipeline: dict, expected: dict) -> None:
    top = expected["full_pipeline"]["top6_2dp"]
    scores = pipeline["scores"]
    ranks = rank(scores["Index"])
    cols = top["columns"][1:]
    for unit in ["CHE", "NLD", "DNK", "NOR", "BEL", "SWE"]:
        assert ranks[unit] == top[unit][0], unit
        np.testing.assert_allclose(scores.loc[unit, cols].to_numpy(float), top[unit][1:],
                                   atol=top["tolerance_abs"], rtol=0, err_msg=unit)


def test_full_pipeline_unit_summary_ind(pipeline: dict, expected: dict) -> None:
    summary = dict(expected["full_pipeline"]["unit_summary_IND_2dp"])
    tol = summary.pop("tolerance_abs")
    summary.pop("format")
    scores = pipeline["scores"]
    ranks = rank(scores)
    for code, (score, position) in summary.items():
        assert scores.loc["IND", code] == pytest.approx(score, abs=tol), code
        assert ranks.loc["IND", code] == position, code


def test_full_pipeline_aggregated_head(pipeline: dict, expected: dict) -> None:
    head = dict(expected["full_pipeline"]["aggregated_head5_signif3"])
    cols = head.pop("columns")
    head.pop("tolerance")
    for unit, values in head.items():
        for col, value in zip(cols, values):
            got = pipeline["scores"].loc[unit, col]
            assert got == pytest.approx(value, abs=_signif_tol(value)), (unit, col)


def test_full_pipeline_group_ranks(pipeline: dict, data: pd.DataFrame, expected: dict) -> None:
    case = expected["full_pipeline"]["group_ranks_GDPpc_group"]
    ranks = rank(pipeline["scores"][case["columns"]], groups=data["GDPpc_group"])
    for group in ("XL", "L"):
        for unit, values in case[group].items():
            assert data.loc[unit, "GDPpc_group"] == group
            assert ranks.loc[unit].tolist() == values, unit
