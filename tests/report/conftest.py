"""Shared fixtures of the brief-document tests: a complete synthetic results dict.

The numbers follow the 2017 year-end summary (DOMAIN.md): 213 tasks, 89 inspection
problems, 25 national / 30 provincial pilots, 12 models, 132 local reforms. The split by
unit and the scores are synthetic demonstration values.
"""
from __future__ import annotations

import copy
from typing import Any

import pytest

_RESULTS: dict[str, Any] = {
    "month": "2017-12",
    "lang": "zh",
    "unit": None,
    "synthetic": True,
    "generated_at": "2018-01-05T09:30:00+08:00",
    "headline": [
        {"code": "land_transfer_rate", "name": "耕地流转率", "value": 53.0, "unit": "%",
         "reference_value": 53.0, "comparison": "高于全国平均11.7个百分点"},
        {"code": "housing_destock_months", "name": "商品房去化周期", "value": 9.9,
         "unit": "个月", "reference_value": None, "comparison": None},
    ],
    "tasks": {
        "total": 213, "completed": 186, "on_schedule": 15, "behind": 8, "overdue": 4,
        "completion_rate": 87.3,
        "by_category": [
            {"category": "C1", "name": "经济体制和财税", "total": 30, "completed": 27,
             "completion_rate": 90.0},
            {"category": "C3", "name": "放管服", "total": 25, "completed": 20,
             "completion_rate": 80.0},
        ],
        "at_risk": [
            {"task_id": "T-2017-041", "title": "不动产统一登记信息平台建设", "lead_unit": "xtgx",
             "probability": 0.62, "reason": "连续两个月进度滞后"},
            {"task_id": "T-2017-118", "title": "农村集体产权制度改革试点", "lead_unit": "430321",
             "probability": 0.41, "reason": "督察问题未整改"},
        ],
    },
    "evaluation": {
        "available": True, "note": "",
        "scores": [
            {"unit": "430321", "name": "湘潭县", "score": 92.4, "grade": "优秀", "rank": 1,
             "rank_p05": 1, "rank_p95": 2},
            {"unit": "430382", "name": "韶山市", "score": 90.1, "grade": "优秀", "rank": 2,
             "rank_p05": 1, "rank_p95": 3},
            {"unit": "430302", "name": "雨湖区", "score": 84.0, "grade": "良好", "rank": 3,
             "rank_p05": 2, "rank_p95": 5},
            {"unit": "tyjk", "name": "天易经开区", "score": 71.3, "grade": "一般", "rank": 4,
             "rank_p05": 3, "rank_p95": 4},
        ],
    },
    "indicators_off_target": [
        {"unit": "430304", "indicator": "party_coverage_social", "name": "社会组织党组织覆盖率",
         "value": 66.0, "target": 70.0, "gap": -4.0},
    ],
    "inspections": {"found": 89, "rectified": 80, "open": 9, "open_over_90_days": 3},
    "pilots": {"national": 25, "provincial": 30, "models": 12, "local": 132},
    "figures": [],
}


@pytest.fixture
def results() -> dict[str, Any]:
    """A valid, complete results dict (synthetic demonstration values)."""
    return copy.deepcopy(_RESULTS)


@pytest.fixture(scope="session")
def results_template() -> dict[str, Any]:
    """The same valid results, for fixtures wider than one test (they copy it before changing it)."""
    return copy.deepcopy(_RESULTS)
