"""Golden tests: published MCDA worked examples in ``shared/reference/mcda_*``.

Each case folder's README names its paper (Elsayed et al. 2017; Lee & Chang 2018;
Zavadskas & Podvezko 2016; Ersoy 2021; Xu 2004 / Shuai et al. 2012; Tus & Adali 2019;
Salabun et al. 2020; Jahan & Edwards 2013; Opricovic & Tzeng 2004; Papathanasiou &
Ploskas 2018; Yang & Wu 2020). The expected values and tolerances are read from each
case's ``expected.json``.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reformlib.model import topsis, vikor, weigh

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
pytestmark = pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"reference cases not found at {REFERENCE}")


def _checks():
    if not REFERENCE.is_dir():
        return []
    out = []
    for case in sorted(REFERENCE.glob("mcda_*")):
        for check in json.loads((case / "expected.json").read_text())["checks"]:
            out.append(pytest.param(case, check, id=f"{case.name}:{check['name']}"))
    return out


def _run(case: Path, check: dict) -> pd.Series:
    matrix = pd.read_csv(case / check["input"], index_col=0)
    kind = check["kind"]
    if kind in ("entropy", "cv", "critic", "std"):
        return weigh(matrix, kind)
    direction = dict(zip(matrix.columns, check["types"]))
    if kind.startswith("topsis_"):
        return topsis(matrix, check["weights"], direction, normalisation=kind.removeprefix("topsis_"))
    if kind == "vikor":
        return vikor(matrix, check["weights"], direction, v=check["v"])
    raise AssertionError(f"unknown check kind {kind}")


@pytest.mark.parametrize(("case", "check"), _checks())
def test_published_value(case: Path, check: dict) -> None:
    got = _run(case, check).to_numpy()
    np.testing.assert_allclose(got, check["expected"], rtol=0, atol=check["tolerance_abs"])


def test_every_case_is_covered() -> None:
    kinds = {p.values[1]["kind"] for p in _checks()}
    assert kinds == {"entropy", "cv", "critic", "std", "topsis_vector", "topsis_minmax", "vikor"}


def test_vikor_intermediate_s_r_papathanasiou2018() -> None:
    """S and R as printed in the README of mcda_vikor_papathanasiou2018 (4 dp)."""
    case = REFERENCE / "mcda_vikor_papathanasiou2018"
    matrix = pd.read_csv(case / "matrix.csv", index_col=0)
    _, details = vikor(matrix, [0.4, 0.3, 0.1, 0.2], None, v=0.625, return_details=True)
    table = details["table"]
    np.testing.assert_allclose(table["S"], [0.6286, 0.7667, 0.6010, 0.3095, 0.08, 0.5162], atol=5.1e-5)
    np.testing.assert_allclose(table["R"], [0.2, 0.4, 0.2667, 0.1333, 0.08, 0.3333], atol=5.1e-5)
    assert table["rank_Q"].tolist() == [3, 6, 4, 2, 1, 5]
    assert details["compromise"] == ["A5"]
    assert details["advantage"] and details["stability"]


def test_opricovic_tzeng_s_r_and_the_vector_variant() -> None:
    """Opricovic & Tzeng (2004): S, R as published; vector TOPSIS differs (README)."""
    case = REFERENCE / "mcda_opricovic_tzeng2004_topsis_vikor"
    matrix = pd.read_csv(case / "matrix.csv", index_col=0)
    direction = {"C1_cost": -1, "C2_benefit": 1}
    _, details = vikor(matrix, [0.5, 0.5], direction, return_details=True)
    np.testing.assert_allclose(details["table"]["S"], [0.5, 0.375, 0.5])
    np.testing.assert_allclose(details["table"]["R"], [0.5, 0.25, 0.5])
    vector = topsis(matrix, [0.5, 0.5], direction, normalisation="vector")
    np.testing.assert_allclose(vector, [0.762, 0.722, 0.238], atol=5.1e-4)


def test_ersoy_topsis_ranking() -> None:
    """Ersoy (2021): ranking A5 > A3 > A1 > A4 > A2 > A6."""
    case = REFERENCE / "mcda_ersoy2021_entropy_topsis"
    matrix = pd.read_csv(case / "matrix.csv", index_col=0)
    direction = dict(zip(matrix.columns, [1, 1, 1, 1, -1, -1]))
    score, details = topsis(matrix, [0.405, 0.221, 0.134, 0.199, 0.007, 0.034], direction, return_details=True)
    assert list(score.sort_values(ascending=False).index) == ["A5", "A3", "A1", "A4", "A2", "A6"]
    assert details["rank"]["A5"] == 1


def test_critic_direction_convention_gives_the_other_published_set() -> None:
    """Tus & Adali (2019) README: treating C1 as cost gives 0.184/0.213/0.142/0.158/0.168/0.134."""
    matrix = pd.read_csv(REFERENCE / "mcda_critic_tus2019" / "matrix.csv", index_col=0)
    w = weigh(matrix, "critic", direction={"C1": -1}, critic_normalisation="direction")
    np.testing.assert_allclose(w, [0.184, 0.213, 0.142, 0.158, 0.168, 0.134], atol=5.1e-4)
