"""Model step 4: weights of the indicators.

Objective weights follow the papers pinned in ``shared/reference/mcda_*``: Shannon entropy
on the sum-normalised raw matrix (Elsayed et al. 2017; Zavadskas & Podvezko 2016), the
coefficient of variation (Xu 2004 / Shuai et al. 2012), the standard deviation (Salabun et
al. 2020) and CRITIC (Diakoulaki et al. 1995, with the all-benefit rescaling of Tus & Adali
2019). ``pca`` follows the OECD/JRC handbook (2008, section 6.1): squared varimax-rotated
loadings of the retained components, scaled by explained variance. ``ahp`` is Saaty's
principal eigenvector with the consistency ratio (:mod:`reformlib.model.ahp`).

Every weighter has the signature ``fn(x, dirs, opts) -> (weights, details)``.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from reformlib.errors import SpecError
from reformlib.model.ahp import SAATY_RI, ahp_weights  # noqa: F401  (re-exported)
from reformlib.model.checks import (
    DirectionLike,
    directions,
    finite_frame,
    hierarchy_table,
    leaves,
    lookup,
    weight_series,
)

__all__ = ["WEIGHTERS", "weigh", "ahp_weights", "combine_weights", "effective_weights", "SAATY_RI"]


@dataclass(frozen=True)
class _Options:
    critic_normalisation: str
    entropy_shift: float
    pairwise: pd.DataFrame | None
    expert: Any
    n_components: int | None


def _unit(w: pd.Series) -> pd.Series:
    total = w.sum()
    if not np.isfinite(total) or total <= 0:
        raise SpecError(f"weights cannot be formed: raw scores {w.round(6).to_dict()}")
    return w / total


def _observed(x: pd.DataFrame, method: str, *, at_least: int = 2) -> None:
    """Refuse, naming them, columns that are entirely missing or have too few values."""
    count = x.notna().sum()
    empty = count.index[count == 0].tolist()
    if empty:
        raise SpecError(f"{method} weights: indicators {empty} are entirely missing (no observed value)")
    few = count.index[count < at_least].tolist()
    if few:
        raise SpecError(f"{method} weights need at least {at_least} observed values per indicator; "
                        f"fewer in {few}")


def _constant_columns(x: pd.DataFrame) -> list:
    return [c for c in x.columns if x[c].nunique(dropna=True) <= 1]


def _shannon(p: pd.DataFrame) -> pd.Series:
    """Normalised Shannon entropy of each column of shares p (0 ln 0 = 0)."""
    m = p.notna().sum()
    if (m < 2).any():
        raise SpecError(f"entropy needs at least two observed units per indicator: {m[m < 2].index.tolist()}")
    plogp = (p * np.log(p.where(p > 0))).fillna(0.0)
    return -plogp.sum() / np.log(m)


def _equal(x, dirs, o):
    return pd.Series(1.0 / x.shape[1], index=x.columns), {}


def _entropy(x, dirs, o):
    _observed(x, "entropy")
    neg = [c for c in x.columns if (x[c] < 0).any()]
    if neg:
        raise SpecError(f"entropy weights need values >= 0; negative values in {neg} (use 'entropy_cn')")
    total = x.sum()
    if (total == 0).any():
        raise SpecError(f"entropy weights: indicators summing to zero: {total[total == 0].index.tolist()}")
    e = _shannon(x / total)
    return _unit(1 - e), {"entropy": e, "diversity": 1 - e}


def _entropy_cn(x, dirs, o):
    _observed(x, "entropy_cn")
    y = x * dirs
    span = (y.max() - y.min()).replace(0, np.inf)  # a constant column gets equal shares -> weight 0
    z = (y - y.min()) / span + o.entropy_shift
    e = _shannon(z / z.sum())
    return _unit(1 - e), {"normalised": z, "entropy": e, "diversity": 1 - e}


def _cv(x, dirs, o):
    _observed(x, "cv")
    mean = x.mean()
    if (mean == 0).any():
        raise SpecError(f"coefficient of variation undefined, mean 0 in {mean[mean == 0].index.tolist()}")
    cv = x.std(ddof=1) / mean.abs()
    return _unit(cv), {"cv": cv}


def _sd(x, dirs, o):
    _observed(x, "sd")
    sd = x.std(ddof=1)
    return _unit(sd), {"sd": sd}


def _critic(x, dirs, o):
    _observed(x, "critic")
    const = _constant_columns(x)
    if const:
        raise SpecError(f"CRITIC weights undefined for constant indicators {const}")
    if o.critic_normalisation not in ("benefit", "direction"):
        raise SpecError(f"critic_normalisation must be 'benefit' or 'direction', got {o.critic_normalisation!r}")
    y = x if o.critic_normalisation == "benefit" else x * dirs
    z = (y - y.min()) / (y.max() - y.min())
    sd = z.std(ddof=1)
    r = z.corr()
    info = sd * (1 - r).sum()
    return _unit(info), {"normalised": z, "sd": sd, "correlation": r, "information": info}


def _varimax(loadings: np.ndarray, *, tol: float = 1e-10, max_iter: int = 500) -> np.ndarray:
    """Varimax rotation with Kaiser normalisation (as R's ``stats::varimax``)."""
    p, k = loadings.shape
    if k < 2:
        return loadings
    h = np.sqrt((loadings**2).sum(axis=1, keepdims=True))
    a = loadings / h
    rot = np.eye(k)
    crit = 0.0
    for _ in range(max_iter):
        lam = a @ rot
        u, s, vt = np.linalg.svd(a.T @ (lam**3 - lam @ np.diag((lam**2).sum(axis=0)) / p))
        rot = u @ vt
        if s.sum() < crit * (1 + tol):
            break
        crit = s.sum()
    return (a @ rot) * h


def _pca(x, dirs, o):
    complete = x.dropna()
    if len(complete) < 3:
        raise SpecError(f"PCA weights need at least 3 complete units, got {len(complete)}")
    const = _constant_columns(complete)
    if const:
        raise SpecError(f"PCA weights undefined for constant indicators {const}")
    eigval, eigvec = np.linalg.eigh(complete.corr().to_numpy())
    order = np.argsort(eigval)[::-1]
    eigval, eigvec = eigval[order], eigvec[:, order]
    k = o.n_components if o.n_components is not None else max(1, int((eigval > 1).sum()))
    if not 1 <= k <= len(eigval):
        raise SpecError(f"n_components must be between 1 and {len(eigval)}, got {k}")
    rotated = _varimax(eigvec[:, :k] * np.sqrt(np.clip(eigval[:k], 0, None)))
    sq = rotated**2
    factor_var = sq.sum(axis=0)
    scaled = sq / factor_var
    owner = sq.argmax(axis=1)
    raw = scaled[np.arange(len(owner)), owner] * (factor_var / factor_var.sum())[owner]
    details = {"eigenvalues": pd.Series(eigval, index=range(1, len(eigval) + 1)),
               "explained": pd.Series(eigval / eigval.sum(), index=range(1, len(eigval) + 1)),
               "loadings": pd.DataFrame(rotated, index=x.columns, columns=range(1, k + 1)),
               "factor": pd.Series(owner + 1, index=x.columns)}
    return _unit(pd.Series(raw, index=x.columns)), details


def _ahp(x, dirs, o):
    if o.pairwise is None:
        raise SpecError("method 'ahp' needs pairwise= (a pairwise comparison matrix)")
    if sorted(map(str, o.pairwise.index)) != sorted(map(str, x.columns)):
        raise SpecError(f"pairwise labels {list(o.pairwise.index)} do not match indicators {list(x.columns)}")
    w, details = ahp_weights(o.pairwise, return_details=True)
    return w.reindex(x.columns), details


def _expert(x, dirs, o):
    if o.expert is None:
        raise SpecError("method 'expert' needs expert= (indicator -> weight)")
    return _unit(weight_series(o.expert, x.columns, name="expert")), {}


Weighter = Callable[[pd.DataFrame, pd.Series, _Options], tuple[pd.Series, dict]]

#: Method name -> weighter ``fn(x, dirs, opts) -> (weights, details)``.
WEIGHTERS: dict[str, Weighter] = {
    "equal": _equal, "entropy": _entropy, "entropy_cn": _entropy_cn, "cv": _cv, "sd": _sd,
    "std": _sd, "critic": _critic, "pca": _pca, "ahp": _ahp, "expert": _expert,
}


def weigh(
    frame: pd.DataFrame | None,
    method: str,
    *,
    direction: DirectionLike = None,
    critic_normalisation: Literal["benefit", "direction"] = "benefit",
    entropy_shift: float = 1e-4,
    pairwise: pd.DataFrame | None = None,
    expert: Mapping[Hashable, float] | pd.Series | None = None,
    n_components: int | None = None,
    return_details: bool = False,
) -> pd.Series | tuple[pd.Series, dict]:
    """Weights of the columns of ``frame`` (units as rows): a Series >= 0 summing to 1.

    Methods (:data:`WEIGHTERS`): ``equal``; ``entropy`` (Shannon entropy of the raw
    sum-normalised matrix p_ij = x_ij / sum_i x_ij, E_j = -sum p ln p / ln m_j,
    w = (1 - E) / sum(1 - E); direction not used, values must be >= 0); ``entropy_cn``
    (common Chinese practice: direction-aware min-max first, then
    ``x' = entropy_shift + (x - min) / (max - min)`` so no share is zero; use
    ``entropy_shift=1`` for the "+1" variant; a constant column gets weight 0);
    ``cv`` (sd / |mean|); ``sd`` / ``std`` (sd of the matrix as given); ``critic``
    (``critic_normalisation="benefit"`` min-max rescales every column as a benefit,
    as Tus & Adali 2019; ``"direction"`` reverses cost columns first, which changes the
    correlations); ``pca`` (OECD handbook: components with eigenvalue > 1 unless
    ``n_components``, varimax rotation, squared loadings scaled to unit sum per factor,
    each indicator weighted by its largest one times the factor's share of explained
    variance; complete units only); ``ahp`` (``pairwise`` matrix, see :func:`ahp_weights`;
    ``frame`` may be None); ``expert`` (``expert`` mapping validated and rescaled).

    Missing values are handled column by column, never imputed. ``entropy`` and
    ``entropy_cn``: a column's shares are taken over its observed units only (sum_i over
    them) and its entropy is divided by ln m_j, m_j being the number of units observed on
    that column, so columns with different gaps are each normalised on their own count.
    ``critic``: each column's min-max rescaling and sample sd use its observed units, and
    the correlation of two columns uses the units observed on both (pairwise-complete, as
    :meth:`pandas.DataFrame.corr`). ``cv`` and ``sd``: the observed units of each column.
    These methods refuse, naming it, a column that is entirely missing or has fewer than
    two observed values. ``pca`` uses complete units only. Every method refuses +inf and
    -inf in ``frame``, naming the units and columns.

    With ``return_details=True`` returns ``(weights, details)`` where details holds the
    method's working (entropies, correlations, loadings, or AHP's ``CR``).
    """
    fn = lookup(WEIGHTERS, method)
    if frame is None:
        if method != "ahp" or pairwise is None:
            raise SpecError(f"frame is required for method {method!r}")
        frame = pd.DataFrame(columns=pairwise.columns, dtype=float)
    x = finite_frame(frame)
    if x.shape[1] == 0:
        raise SpecError("frame has no indicator columns")
    opts = _Options(critic_normalisation, float(entropy_shift), pairwise, expert, n_components)
    w, details = fn(x, directions(direction, x.columns), opts)
    w = w.astype(float).rename("weight")
    return (w, details) if return_details else w


def combine_weights(subjective: pd.Series | Mapping, objective: pd.Series | Mapping, *,
                    alpha: float = 0.5, method: Literal["linear", "multiplicative"] = "linear") -> pd.Series:
    """Combine subjective (e.g. AHP, expert) and objective (e.g. entropy) weights.

    ``linear``: alpha * s + (1 - alpha) * o (each rescaled to sum 1 first);
    ``multiplicative``: s * o / sum(s * o). Both must name the same indicators.
    """
    s = pd.Series(subjective, dtype=float)
    s = weight_series(s, s.index, name="subjective")
    o = weight_series(objective, s.index, name="objective")
    if not 0 <= alpha <= 1:
        raise SpecError(f"alpha must lie in [0, 1], got {alpha}")
    s, o = s / s.sum(), o / o.sum()
    if method == "linear":
        return (alpha * s + (1 - alpha) * o).rename("weight")
    if method == "multiplicative":
        return _unit(s * o).rename("weight")
    raise SpecError(f"method must be 'linear' or 'multiplicative', got {method!r}")


def effective_weights(hierarchy: pd.DataFrame, weights: Mapping[Hashable, float] | None = None) -> pd.Series:
    """Effective weight of each indicator (leaf) in the overall score, through any depth.

    ``hierarchy`` has columns (code, parent, level, weight); ``weights`` (code -> weight)
    overrides the weight column. Weights are relative among siblings: the effective weight
    is the product along the path to the single root of w_node / sum(w_siblings).
    """
    h = hierarchy_table(hierarchy)
    if weights is not None:
        unknown = [k for k in weights if k not in set(h["code"])]
        if unknown:
            raise SpecError(f"weights name unknown codes: {unknown}")
        h = h.assign(weight=[float(weights.get(c, w)) for c, w in zip(h["code"], h["weight"])])
    roots = h.loc[h["parent"].isna(), "code"].tolist()
    if len(roots) != 1:
        raise SpecError(f"effective weights need exactly one root, got {roots}")
    sibling_sum = h.groupby("parent")["weight"].sum()
    parent = dict(zip(h["code"], h["parent"]))
    own = dict(zip(h["code"], h["weight"]))
    out = {}
    for leaf in leaves(h):
        w, node = 1.0, leaf
        while parent[node] is not None:
            total = sibling_sum[parent[node]]
            if total == 0:
                raise SpecError(f"all weights under {parent[node]!r} are zero")
            w *= own[node] / total
            node = parent[node]
        out[leaf] = w
    return pd.Series(out, name="weight", dtype=float)
