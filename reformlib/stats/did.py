"""Two-by-two difference-in-differences: the regression and the classical table of means.

Model step: estimating the effect of a reform or pilot by comparing treated and comparison
units before and after. Follows Card & Krueger (1994), "Minimum Wages and Employment",
*AER* 84(4): 772-793, Table 3 (means by group and period, their changes, the DiD, and the
balanced-panel change), and its regression form ``y ~ treated + post + treated:post``
(Angrist & Pischke 2009, *Mostly Harmless Econometrics*, sec. 5.2). Checked against the
published Table 3 in ``tests/test_golden_card_krueger.py``.
"""
from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from reformlib.errors import SpecError
from reformlib.stats.common import (
    check_alpha,
    check_not_constant,
    require_columns,
    require_frame,
    tidy,
)
from reformlib.stats.inference import check_clusters, treated_clusters

__all__ = ["did", "did_table", "binary"]


def binary(values: pd.Series, *, name: str) -> pd.Series:
    """A 0/1 (or boolean) column as ``int``; anything else raises naming ``name``."""
    if values.isna().any():
        raise SpecError(f"column {name!r} has {int(values.isna().sum())} missing value(s)")
    as_num = values.astype(int) if values.dtype == bool else pd.to_numeric(values, errors="coerce")
    bad = sorted(set(values[~as_num.isin([0, 1])].astype(str)))
    if bad:
        raise SpecError(f"column {name!r} must be 0/1 or boolean; found {bad[:5]}")
    return as_num.astype(int)


def _design(frame: pd.DataFrame, *, outcome: str, treated: str, post: str,
            extra: list[str]) -> pd.DataFrame:
    require_frame(frame, name="frame")
    require_columns(frame, [outcome, treated, post, *extra], name="frame")
    data = pd.DataFrame({
        "_y": pd.to_numeric(frame[outcome], errors="coerce").astype(float),
        "_treated": binary(frame[treated], name=treated),
        "_post": binary(frame[post], name=post),
    }, index=frame.index)
    for col in extra:
        data[col] = frame[col]
    data = data.dropna(subset=["_y"])
    cells = data.groupby(["_treated", "_post"]).size().reindex(
        pd.MultiIndex.from_product([[0, 1], [0, 1]]), fill_value=0)
    empty = [f"{treated}={t}, {post}={p}" for (t, p), k in cells.items() if k == 0]
    if empty:
        raise SpecError(f"no non-missing {outcome!r} in cell(s) {empty}; a 2x2 DiD needs all four")
    check_not_constant(data["_y"], name=f"outcome {outcome!r}")
    return data


def did(
    frame: pd.DataFrame,
    *,
    outcome: str,
    treated: str,
    post: str,
    unit: str | None = None,
    cluster: str | None = None,
    cov_type: Literal["HC1", "nonrobust"] = "HC1",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """OLS ``outcome ~ treated + post + treated:post`` as a tidy table.

    ``treated`` and ``post`` are 0/1 or boolean columns. The row ``"{treated}:{post}"`` is
    the difference-in-differences. Standard errors are clustered by ``cluster`` if given,
    else by ``unit`` if given (CR1, t with G-1 degrees of freedom; refused with too few
    clusters, :func:`reformlib.stats.inference.check_clusters`), else ``cov_type`` (HC1 by
    default, t with n - 4 degrees of freedom). On a panel (units observed before and after)
    give ``unit``: HC1 takes a unit's observations as independent. Rows with a missing
    outcome are dropped; ``n`` counts the rest.
    """
    alpha = check_alpha(alpha)
    group_col = cluster if cluster is not None else unit
    data = _design(frame, outcome=outcome, treated=treated, post=post,
                   extra=[group_col] if group_col is not None else [])
    model = smf.ols("_y ~ _treated + _post + _treated:_post", data=data)
    if group_col is not None:
        groups = pd.factorize(data[group_col])[0]
        inter = pd.Series(data["_treated"] * data["_post"], index=data.index)
        check_clusters(len(np.unique(groups)), treated_clusters(inter, data[group_col]),
                       what=f"clustering by {group_col!r}")
        result = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        used, n_clusters = f"cluster({group_col})", len(np.unique(groups))
    elif cov_type in ("HC1", "nonrobust"):
        result = model.fit(cov_type=cov_type, use_t=True)
        used, n_clusters = cov_type, pd.NA
    else:
        raise SpecError(f"cov_type must be 'HC1' or 'nonrobust', got {cov_type!r}")
    names = {"Intercept": "Intercept", "_treated": treated, "_post": post,
             "_treated:_post": f"{treated}:{post}"}
    return tidy(result, alpha=alpha, terms=names).assign(
        cov_type=used, n_clusters=pd.array([n_clusters] * 4, dtype="Int64"))


def _mean_se(x: pd.Series) -> tuple[float, float, int]:
    n = int(x.notna().sum())
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan, n


def did_table(
    frame: pd.DataFrame,
    *,
    outcome: str,
    treated: str,
    post: str,
    unit: str,
) -> pd.DataFrame:
    """The classical table of means (Card & Krueger 1994, Table 3) in tidy form.

    ``frame`` is long: one row per unit and period (``post`` 0/1). Returns rows
    ``row`` x ``group`` with ``estimate``, ``std_error`` and ``n``:

    - ``before`` / ``after``: mean of the outcome over all units available in that period,
      SE = sd / sqrt(n); ``n`` = units.
    - ``change``: after minus before mean. Its SE allows for units observed twice:
      ``var = v_b/n_b + v_a/n_a - 2 cov_ba n_ba / (n_b n_a)``; ``n`` = observations.
      (Card & Krueger do not say how they computed their row-3 SEs; this formula does not
      reproduce them.)
    - ``change_balanced``: mean and SE of the within-unit change over units observed in both
      periods; ``n`` = units.

    ``group`` is ``control``, ``treated`` and ``difference`` (treated minus control, SE the
    root of the summed squared SEs); the ``difference`` of the change rows is the DiD.
    """
    data = _design(frame, outcome=outcome, treated=treated, post=post, extra=[unit])
    if data.duplicated(subset=[unit, "_post"]).any():
        raise SpecError(f"unit column {unit!r} repeats a unit within a period")
    if (data.groupby(unit)["_treated"].nunique() > 1).any():
        raise SpecError(f"column {treated!r} changes within a unit of {unit!r}")
    rows = []
    for label, code in (("control", 0), ("treated", 1)):
        part = data.loc[data["_treated"] == code]
        wide = part.pivot(index=unit, columns="_post", values="_y").reindex(columns=[0, 1])
        m_b, se_b, n_b = _mean_se(wide[0])
        m_a, se_a, n_a = _mean_se(wide[1])
        both = wide.dropna()
        cov = both[0].cov(both[1]) if len(both) > 1 else 0.0
        var_change = se_b**2 + se_a**2 - 2 * cov * len(both) / (n_b * n_a)
        m_d, se_d, n_d = _mean_se(both[1] - both[0])
        rows += [
            ("before", label, m_b, se_b, n_b),
            ("after", label, m_a, se_a, n_a),
            ("change", label, m_a - m_b, float(np.sqrt(var_change)), n_b + n_a),
            ("change_balanced", label, m_d, se_d, n_d),
        ]
    table = pd.DataFrame(rows, columns=["row", "group", "estimate", "std_error", "n"])
    ctrl = table[table["group"] == "control"].set_index("row")
    trt = table[table["group"] == "treated"].set_index("row")
    diff = pd.DataFrame({
        "row": ctrl.index,
        "group": "difference",
        "estimate": (trt["estimate"] - ctrl["estimate"]).to_numpy(),
        "std_error": np.sqrt(trt["std_error"] ** 2 + ctrl["std_error"] ** 2).to_numpy(),
        "n": (trt["n"] + ctrl["n"]).to_numpy(),
    })
    order = {"before": 0, "after": 1, "change": 2, "change_balanced": 3}
    out = pd.concat([table, diff], ignore_index=True)
    groups = {"control": 0, "treated": 1, "difference": 2}
    return (out.sort_values(["row", "group"], kind="stable",
                            key=lambda s: s.map(order if s.name == "row" else groups))
            .reset_index(drop=True).assign(outcome=outcome))
