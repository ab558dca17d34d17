"""Golden case: Card & Krueger (1994) Table 3, reproduced with reformlib.stats.

Source: Card, D. & Krueger, A.B. (1994), "Minimum Wages and Employment: A Case Study of the
Fast-Food Industry in New Jersey and Pennsylvania", American Economic Review 84(4): 772-793,
Table 3 (p. 780). Data: Card's public survey file ``public.dat`` as
``card_krueger_public.csv``; expected values and tolerances in ``expected.json``; both in
``../shared/reference/did_card_krueger1994/`` (see its README for provenance).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reformlib.stats import did, did_table

CASE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "did_card_krueger1994"

pytestmark = pytest.mark.skipif(
    not (CASE / "expected.json").exists(),
    reason=f"published reference case not found at {CASE} (it ships beside the repository)",
)

ROWS = {"row1_FTE_before_all_available": "before", "row2_FTE_after_all_available": "after",
        "row3_change_in_mean_FTE": "change", "row4_change_balanced_sample": "change_balanced"}
GROUPS = {"PA": "control", "NJ": "treated", "NJ_minus_PA": "difference", "DiD": "difference"}


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads((CASE / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def stores() -> pd.DataFrame:
    """Long table: one row per store and wave, FTE = full-time + managers + half part-time."""
    raw = pd.read_csv(CASE / "card_krueger_public.csv")
    store = np.arange(len(raw))   # SHEET repeats once in public.dat, so rows identify stores
    waves = [pd.DataFrame({"store": store, "NJ": raw["STATE"], "POST": wave,
                           "FTE": raw[f"EMPFT{s}"] + raw[f"NMGRS{s}"] + 0.5 * raw[f"EMPPT{s}"]})
             for wave, s in ((0, ""), (1, "2"))]
    return pd.concat(waves, ignore_index=True)


@pytest.fixture(scope="module")
def table(stores: pd.DataFrame) -> pd.DataFrame:
    return did_table(stores, outcome="FTE", treated="NJ", post="POST",
                     unit="store").set_index(["row", "group"])


def _checks(expected: dict) -> list[tuple[str, str, str, float, float]]:
    """(row, group, column, expected value, tolerance) for every checked number."""
    tol = expected["tolerances"]
    out = []
    for key, row in ROWS.items():
        for name, value in expected["table3"][key].items():
            if name not in GROUPS:
                continue
            group = GROUPS[name]
            if row == "change":   # row 3: estimates only, at 0.01; its SEs are not checked
                out.append((row, group, "estimate", value[0], tol["row3_all_entries"]))
                continue
            se_tol = tol["row2_diff_se"] if (row, group) == ("after", "difference") else tol["means_and_se"]
            out += [(row, group, "estimate", value[0], tol["means_and_se"]),
                    (row, group, "std_error", value[1], se_tol)]
        for name, n in expected["table3"][key].get("n", {}).items():
            out.append((row, GROUPS[name], "n", n, tol["n"]))
    return out


def test_every_published_number_is_checked(expected: dict):
    # 27 table entries here + the two regression coefficients below = the README's 29 checks
    assert len(_checks(expected)) == 27


def test_table3_means_standard_errors_counts_and_did(expected: dict, table: pd.DataFrame):
    failures = []
    for row, group, column, value, tol in _checks(expected):
        got = table.at[(row, group), column]
        if not abs(got - value) <= tol + 1e-12:
            failures.append(f"{row}/{group}/{column}: got {got:.4f}, published {value} (tol {tol})")
    assert not failures, "\n".join(failures)


def test_did_regression_on_stacked_data_gives_2_754(stores: pd.DataFrame):
    est = did(stores, outcome="FTE", treated="NJ", post="POST").set_index("term")
    assert est.at["NJ:POST", "estimate"] == pytest.approx(2.754, abs=5e-4)
    assert est.at["NJ:POST", "n"] == 794   # 77 + 321 + 77 + 319 store-waves with FTE
    clustered = did(stores, outcome="FTE", treated="NJ", post="POST", unit="store")
    assert clustered.set_index("term").at["NJ:POST", "estimate"] == pytest.approx(2.754, abs=5e-4)


def test_did_regression_on_balanced_panel_gives_2_750(stores: pd.DataFrame):
    both = stores.groupby("store")["FTE"].transform(lambda s: s.notna().all())
    balanced = stores.loc[both]
    est = did(balanced, outcome="FTE", treated="NJ", post="POST", unit="store").set_index("term")
    assert est.at["NJ:POST", "estimate"] == pytest.approx(2.750, abs=5e-4)
    assert est.at["NJ:POST", "n_clusters"] == 75 + 309
