"""Model step 6: statistical audit of an indicator framework.

The checks of the OECD/JRC handbook (2008, section 4 "multivariate analysis") and COINr's
``get_stats``, ``get_corr_flags``, ``get_cronbach`` and ``get_PCA``: descriptive statistics
per indicator, correlations within and across the levels of the hierarchy with flags,
Cronbach's alpha per group, and the variance explained by principal components.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from reformlib.errors import SpecError
from reformlib.model.checks import hierarchy_table, numeric_frame

__all__ = ["indicator_stats", "correlations", "cronbach_alpha", "pca_variance"]


def indicator_stats(frame: pd.DataFrame, *, skew_max: float = 2.0, kurt_max: float = 3.5) -> pd.DataFrame:
    """One row per indicator: n, availability, min, max, mean, median, sd, skew, kurtosis.

    ``skew`` and ``kurtosis`` are sample, bias-adjusted (excess) values; ``outlier_flag``
    is COINr's rule (|skew| >= ``skew_max`` and kurtosis >= ``kurt_max``).
    """
    x = numeric_frame(frame)
    stats = pd.DataFrame({
        "n": x.count(), "availability": x.notna().mean(), "min": x.min(), "max": x.max(),
        "mean": x.mean(), "median": x.median(), "sd": x.std(ddof=1), "skew": x.skew(), "kurtosis": x.kurt(),
    })
    stats["outlier_flag"] = (stats["skew"].abs() >= skew_max) & (stats["kurtosis"] >= kurt_max)
    stats.index.name = "indicator"
    return stats


def correlations(frame: pd.DataFrame, hierarchy: pd.DataFrame, *, collinear: float = 0.9,
                 weak: float = 0.3, method: str = "pearson") -> pd.DataFrame:
    """Pairwise correlations within and across levels, with flags.

    ``frame`` holds indicators and aggregate scores as columns (e.g. ``aggregate_hierarchy(
    ..., keep_indicators=True)``); only codes of ``hierarchy`` present in it are used.
    Rows: (a, b, level, relation, r, flag) where relation is ``same parent`` or ``other
    parent`` for two codes of one level, and ``parent`` / ``ancestor`` for a code against
    a higher node above it. Flags: ``collinear`` (|r| > ``collinear`` for codes of one
    level), ``negative within group`` (r < 0 under the same parent) and ``weak with parent``
    (r < ``weak`` against the direct parent).
    """
    h = hierarchy_table(hierarchy)
    h = h[h["code"].isin(frame.columns)]
    x = numeric_frame(frame.loc[:, list(h["code"])])
    r = x.corr(method=method)
    parent = dict(zip(h["code"], h["parent"]))
    level = dict(zip(h["code"], h["level"]))
    rows = []
    for lev, codes in h.groupby("level")["code"]:
        for a, b in itertools.combinations(codes, 2):
            same = parent[a] == parent[b] and parent[a] is not None
            flag = []
            if abs(r.loc[a, b]) > collinear:
                flag.append("collinear")
            if same and r.loc[a, b] < 0:
                flag.append("negative within group")
            rows.append((a, b, lev, "same parent" if same else "other parent", r.loc[a, b], "; ".join(flag)))
    for code in h["code"]:
        node, first = parent[code], True
        while node is not None and node in r.columns:
            flag = "weak with parent" if first and r.loc[code, node] < weak else ""
            rows.append((code, node, level[code], "parent" if first else "ancestor", r.loc[code, node], flag))
            node, first = parent.get(node), False
    return pd.DataFrame(rows, columns=["a", "b", "level", "relation", "r", "flag"])


def _alpha(x: pd.DataFrame) -> float:
    x = x.dropna()
    k = x.shape[1]
    if k < 2 or len(x) < 2:
        return np.nan
    total = x.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - x.var(ddof=1).sum() / total)) if total > 0 else np.nan


def cronbach_alpha(frame: pd.DataFrame, hierarchy: pd.DataFrame | None = None) -> pd.Series | float:
    """Cronbach's alpha of the columns of ``frame`` (complete units only).

    Without ``hierarchy``: one value for all columns. With it: one value per parent code,
    over its children present in ``frame`` (NaN where fewer than two children are present).
    """
    x = numeric_frame(frame)
    if hierarchy is None:
        return _alpha(x)
    h = hierarchy_table(hierarchy)
    h = h[h["code"].isin(x.columns) & h["parent"].notna()]
    if h.empty:
        raise SpecError("no code of the hierarchy is a column of frame")
    return h.groupby("parent", sort=False)["code"].apply(lambda c: _alpha(x[list(c)])).rename("alpha")


def pca_variance(frame: pd.DataFrame) -> pd.DataFrame:
    """Eigenvalues of the correlation matrix with explained and cumulative variance shares.

    Uses complete units only; a constant column raises a SpecError naming it.
    """
    x = numeric_frame(frame).dropna()
    const = [c for c in x.columns if x[c].nunique() <= 1]
    if const or len(x) < 3:
        raise SpecError(f"PCA needs >= 3 complete units and no constant indicator; constant: {const}")
    eig = np.sort(np.linalg.eigvalsh(x.corr().to_numpy()))[::-1]
    share = eig / eig.sum()
    return pd.DataFrame({"eigenvalue": eig, "explained": share, "cumulative": np.cumsum(share)},
                        index=pd.RangeIndex(1, len(eig) + 1, name="component"))
