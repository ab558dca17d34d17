"""Plain-pandas rebuild of uncertainty replications (the model's robustness step, its check).

:func:`rebuild_loop_reference` rebuilds every replication of an uncertainty design one at a
time with pandas, reading the design's unit-cube sample itself, and so checks the decoding
and the vectorised evaluation of :mod:`.design`. It follows the same
reference, the OECD/JRC Handbook on Constructing Composite Indicators (2008, step 7) as COINr
implements it (``get_sensitivity``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from reformlib.model.uncertainty import kernels as vec

if TYPE_CHECKING:
    from reformlib.model.uncertainty.design import Design
    from reformlib.model.uncertainty.inputs import UncertainInputs

_IMPUTE_PD = {"none": lambda d: d, "mean": lambda d: d.fillna(d.mean()), "median": lambda d: d.fillna(d.median())}
_NORMALISE_PD = {
    "minmax": lambda d: 1 + 99 * (d - d.min()) / (d.max() - d.min()),
    "zscore": lambda d: 10 + 2 * (d - d.mean()) / d.std(),
    "rank": lambda d: d.rank(method="min"),
    "percentile": lambda d: 1 + 99 * (d.rank(method="min") - 1) / (d.count() - 1),
    "percentile_handbook": lambda d: 1 + 99 * d.rank(method="average") / d.count(),
}


def _mean_pd(data: pd.DataFrame, w: pd.Series, aggregation: str) -> pd.Series:
    available = (data.notna() * w).sum(axis=1)
    if aggregation == "arithmetic":
        value = (data * w).sum(axis=1) / available
    elif aggregation == "geometric":
        value = np.exp((np.log(data) * w).sum(axis=1) / available)
    else:
        value = available / ((1 / data) * w).sum(axis=1)
    return value.where(available > 0)


def rebuild_loop_reference(
    frame: pd.DataFrame,
    *,
    direction: Mapping[str, float] | pd.Series,
    weights: Mapping[str, float] | pd.Series,
    uncertain: UncertainInputs,
    design: Design,
    groups: Mapping[str, str] | None = None,
    group_weights: Mapping[str, float] | None = None,
    rows: Sequence[int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores and ranks (replications x units) rebuilt one replication at a time in pandas.

    Reads the design's unit-cube sample itself, so it checks decoding as well as
    evaluation of the fast path. Slow by construction; ``rows`` picks replications.
    """
    spec = uncertain
    oriented = frame * pd.Series(direction, dtype=float)
    membership = pd.Series(groups or dict.fromkeys(frame.columns, "index")).reindex(frame.columns)
    gw_nominal = pd.Series(group_weights or dict.fromkeys(pd.unique(membership), 1.0), dtype=float)
    named = {"nominal": weights, "equal": dict.fromkeys(frame.columns, 1.0), **spec.weight_sets}
    candidates = (None, *(spec.exclusion_candidates or frame.columns))
    scores = {}
    for r in range(len(design.sample)) if rows is None else rows:
        u = dict(zip(design.problem["names"], design.sample[r]))

        def pick(name, options, u=u):
            return options[min(int(u[name] * len(options)), len(options) - 1)] if name in u else options[0]

        w = pd.Series(named[pick("weighting", spec.weighting)], dtype=float).reindex(frame.columns)
        gw = gw_nominal.copy()
        for name, value in u.items():
            if name.startswith("weight:"):
                target = w if spec.noise_level == "indicator" else gw
                target[name[len("weight:"):]] *= 1 + spec.weight_noise * (2 * value - 1)
            elif name.startswith("exclude:") and value < spec.exclusion_probability:
                w[name[len("exclude:"):]] = 0.0
        if pick("exclude_one", candidates) is not None:
            w[pick("exclude_one", candidates)] = 0.0
        agg = pick("aggregation", spec.aggregation)
        data = _NORMALISE_PD[pick("normalisation", spec.normalisation)](
            _IMPUTE_PD[pick("imputation", spec.imputation)](oriented))
        by_group = pd.DataFrame({g: _mean_pd(data[cols], w[cols], agg)
                                 for g, cols in membership.groupby(membership, sort=False).groups.items()})
        scores[r] = _mean_pd(by_group, gw[by_group.columns], agg)
    scores = pd.DataFrame(scores).T.rename_axis("replication")
    ranks = scores.round(vec.TIE_DECIMALS).rank(axis=1, ascending=False, method="min", na_option="bottom")
    return scores, ranks.astype(int)
