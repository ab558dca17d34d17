"""The demonstration data agree with the source document: every figure of
data/reference/document_figures.csv is checked against the synthetic set or listed below
with the reason it is not in it."""
from __future__ import annotations

import pandas as pd
import pytest

import reformlib as rl

#: Figures that the demonstration set does not carry as a series, and why.
NOT_IN_PANEL = {
    "gov_funds_cancelled": "city-level only, folded into fees_cancelled's story",
    "assoc_decoupled": "count behind assoc_decoupled_rate (305 of 305)",
    "legal_stations": "count behind legal_station_rate", "legal_points": "count behind legal_point_rate",
    "river_chief_townships": "count behind river_chief_plan_rate", "food_cases": "direction undefined (—)",
    "discipline_offices": "structural count", "discipline_offices_county": "structural count",
    "inspection_members_handled": "discipline case count", "inspection_cases": "discipline case count",
    "inspection_cases_county_level": "discipline case count", "reform_docs_early_rate": "checked from documents",
    "tasks_led_unit_head": "checked as a range below", "group_meetings": "meeting count", "briefs_issued": "publication count",
    "research_trips": "activity count", "neeq_listings_new": "city-level count", "industry_fund": "fund size",
    "zhizaogu_fund": "fund size", "guarantee_capital": "capital", "innovation_tasks": "programme count",
    "park_approval_items": "park count", "agri_funds_integrated": "fund size", "poverty_satisfaction": "survey result",
    "green_gdp_reforms": "programme count", "talent_measures": "programme count", "library_investment": "investment",
    "supervision_commissions": "institution count",
}


@pytest.fixture(scope="module")
def data(demo):
    obs = rl.load_observations(demo)
    return dict(obs=obs, ind=rl.load_indicators(demo).set_index("indicator"), tasks=rl.load_tasks(demo),
                docs=rl.load_documents(demo), insp=rl.load_inspections(demo), pilots=rl.load_pilots(demo),
                units=rl.load_units(demo))


def _city(obs: pd.DataFrame, code: str) -> pd.Series:
    s = obs[(obs["unit"] == "430300") & (obs["indicator"] == code)].set_index("period")["value"]
    return s.sort_index()


def _annual(obs, ind, code, year):
    s = _city(obs, code)
    s = s[s.index.year == year]
    return s.sum() if ind.at[code, "annual"] == "sum" else s[pd.Period(f"{year}-12", "M")]


def _counts(d) -> dict[str, float]:
    t, docs, insp, pilots = d["tasks"], d["docs"], d["insp"], d["pilots"]
    early = docs["issued_on"] <= docs["due"] - pd.DateOffset(months=6)
    county = t[t["leader_level"] == "county_head"].groupby("lead_unit").size()
    return {
        "tasks_total": len(t), "task_categories": t["category"].nunique(), "task_subcategories": t["subcategory"].nunique(),
        "key_tasks": int(t["key_task"].sum()),
        "tasks_led_secretary_mayor": int(t["leader_level"].isin(["party_secretary", "mayor"]).sum()),
        "tasks_led_group_leaders": int((t["leader_level"] == "group_leader").sum()),
        "tasks_led_county_head": county.min() if county.min() == county.max() else -1,
        "docs_required": len(docs), "docs_early": int(early.sum()), "docs_reviewed": int(docs["reviewed_by_group"].sum()),
        "inspections_received": insp.loc[insp["inspection_level"] == "upper", "inspection_id"].nunique(),
        "inspections_local": insp.loc[insp["inspection_level"] == "local", "inspection_id"].nunique(),
        "inspection_problems": len(insp), "pilots_national": int((pilots["level"] == "national").sum()),
        "pilots_provincial": int((pilots["level"] == "provincial").sum()), "pilots_models": int(pilots["became_model"].sum()),
        "reforms_self_initiated": int((pilots["level"] == "local").sum()),
    }


def test_every_reference_figure_is_accounted_for(data):
    ref = rl.load_reference()
    counts = _counts(data)
    unchecked = set(ref["code"]) - set(data["ind"].index) - set(counts) - set(NOT_IN_PANEL)
    assert not unchecked, f"figures neither checked nor explained: {sorted(unchecked)}"


@pytest.mark.parametrize("row", rl.load_reference().query("kind == 'metric'").to_dict("records"), ids=lambda r: r["code"])
def test_city_values_match_the_document(data, row):
    code, obs, ind = row["code"], data["obs"], data["ind"]
    if code not in ind.index:
        assert code in NOT_IN_PANEL
        return
    v2017 = _annual(obs, ind, code, 2017)
    if row["qualifier"] == "exact" and pd.notna(row["value"]):
        assert v2017 == pytest.approx(row["value"], abs=0.051), f"{code}: city 2017 = {v2017}"
    elif row["qualifier"] == "over":
        assert v2017 > row["value"], f"{code}: city 2017 = {v2017}, document says over {row['value']}"
    elif row["qualifier"] == "range":
        dec = obs[(obs["indicator"] == code) & (obs["period"] == pd.Period("2017-12", "M"))]
        assert dec["value"].between(row["value"], row["value_high"]).all(), dec
    basis = row["change_basis"]
    if basis == "year_on_year":
        assert v2017 - _annual(obs, ind, code, 2016) == pytest.approx(row["change"], abs=0.051)
    elif basis == "previous_year_percent":
        growth = 100 * (v2017 / _annual(obs, ind, code, 2016) - 1)
        assert round(growth, 1) == pytest.approx(row["change"], abs=0.05)
    elif basis == "before_reform":
        assert _city(obs, code).iloc[0] == pytest.approx(row["baseline"], abs=0.051)
        assert v2017 - row["baseline"] == pytest.approx(row["change"], abs=0.051)


@pytest.mark.parametrize("row", rl.load_reference().query("kind == 'count'").to_dict("records"), ids=lambda r: r["code"])
def test_programme_counts_match_the_document(data, row):
    counts = _counts(data)
    if row["code"] not in counts:
        assert row["code"] in NOT_IN_PANEL
        return
    assert counts[row["code"]] == row["value"], row["code"]


def test_unit_heads_lead_two_or_three_tasks(data):
    t = data["tasks"]
    per_head = t[t["leader_level"] == "unit_head"].groupby("lead_unit").size()
    assert per_head.between(2, 3).all()


def test_named_pilots_are_models_in_their_units(data):
    p = data["pilots"].set_index("name_en")
    assert p.at["public-hospital reform", "level"] == "national"
    assert p.at["Shaoshan green-GDP evaluation", "unit"] == "430382"
    assert p.at["Xiangxiang supply-and-marketing co-operative reform", "became_model"]
