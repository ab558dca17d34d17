"""Task ledger step 2, early warning: how its held-out predictions are scored. ROC AUC and
Brier score with task-clustered bootstrap intervals, paired differences between methods, a
reliability table with counts and Wilson intervals, and the bands in which probabilities are
shown to readers.

Model step: the honesty checks of :func:`reformlib.tasks.warning.validate`. A task appears in
several held-out months, so its rows are not independent: intervals resample tasks, not
rows (the cluster bootstrap; Field & Welsh 2007, *JRSS B* 69: 369-390), and every method is
scored on the same resampled tasks so that differences are paired. Percentile intervals.
Wilson (1927) intervals for the observed miss rate of each band (Brown, Cai & DasGupta 2001,
*Statistical Science* 16: 101-133).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

__all__ = ["BANDS", "auc", "band_labels", "bootstrap_scores", "reliability", "wilson"]

#: Probability bands shown to readers (left-closed; the last includes 1).
BANDS: tuple[float, ...] = (0.0, 0.1, 0.3, 0.5, 0.7, 1.0)


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """ROC AUC by ranks (ties count one half); NaN when ``y`` has one class."""
    y = np.asarray(y, dtype=bool)
    n1, n0 = int(y.sum()), int((~y).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = sps.rankdata(p)
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _scores(y: np.ndarray, probs: dict[str, np.ndarray]) -> dict[tuple[str, str], float]:
    return {**{("auc", m): auc(y, p) for m, p in probs.items()},
            **{("brier", m): float(np.mean((p - y) ** 2)) for m, p in probs.items()}}


def bootstrap_scores(frame: pd.DataFrame, methods: list[str], *, label: str = "missed", cluster: str = "task_id",
                     reference: str | None = None, n_boot: int = 500, seed: int = 20171231,
                     alpha: float = 0.05) -> pd.DataFrame:
    """AUC and Brier score of each column of ``methods`` (probabilities) against ``label``, with
    ``cluster``-bootstrap percentile intervals, and for every other method its difference to
    ``reference`` (rows ``"{reference}_minus_{method}"``; AUC differences > 0 and Brier
    differences < 0 favour ``reference``). Columns: method, auc, auc_low, auc_high, brier,
    brier_low, brier_high."""
    y = frame[label].to_numpy(dtype=float)
    probs = {m: frame[m].to_numpy(dtype=float) for m in methods}
    point = _scores(y, probs)
    codes = pd.factorize(frame[cluster])[0]
    members = [np.flatnonzero(codes == c) for c in range(codes.max() + 1)]
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n_boot):
        rows = np.concatenate([members[c] for c in rng.integers(0, len(members), len(members))])
        draws.append(_scores(y[rows], {m: p[rows] for m, p in probs.items()}))
    boot = pd.DataFrame(draws)
    out = []
    names = [(m, m) for m in methods]
    if reference is not None:
        names += [(f"{reference}_minus_{m}", m) for m in methods if m != reference]
    for name, m in names:
        row = {"method": name}
        for metric in ("auc", "brier"):
            if name == m:
                est, dist = point[(metric, m)], boot[(metric, m)]
            else:
                est = point[(metric, reference)] - point[(metric, m)]
                dist = boot[(metric, reference)] - boot[(metric, m)]
            low, high = np.nanquantile(dist, [alpha / 2, 1 - alpha / 2])
            row |= {metric: est, f"{metric}_low": float(low), f"{metric}_high": float(high)}
        out.append(row)
    return pd.DataFrame(out)


def wilson(k: np.ndarray, n: np.ndarray, *, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``k`` successes in ``n`` trials."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    z = sps.norm.ppf(1 - alpha / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def band_labels(p: np.ndarray | pd.Series) -> pd.Series:
    """The band of each probability, as text such as ``"30-50%"``."""
    cut = pd.cut(np.asarray(p, dtype=float), list(BANDS), right=False, include_lowest=True,
                 labels=[f"{100 * a:.0f}-{100 * b:.0f}%" for a, b in zip(BANDS[:-1], BANDS[1:])])
    out = pd.Series(cut, dtype=object)
    return out.where(np.asarray(p) < 1.0, f"{100 * BANDS[-2]:.0f}-100%")


def reliability(frame: pd.DataFrame, method: str, *, label: str = "missed", alpha: float = 0.05) -> pd.DataFrame:
    """Per band of ``method``'s probability: n, missed, mean predicted, observed miss rate and
    its Wilson interval. Every band is listed, empty ones with n = 0."""
    bands = band_labels(frame[method])
    names = [f"{100 * a:.0f}-{100 * b:.0f}%" for a, b in zip(BANDS[:-1], BANDS[1:])]
    grouped = frame.assign(band=bands.to_numpy()).groupby("band")
    table = pd.DataFrame({"n": grouped.size(), "missed": grouped[label].sum(),
                          "mean_predicted": grouped[method].mean()}).reindex(names)
    table = table.fillna({"n": 0, "missed": 0}).astype({"n": int, "missed": int})
    low, high = wilson(table["missed"].to_numpy(), table["n"].to_numpy(), alpha=alpha)
    return table.assign(observed=table["missed"] / table["n"].where(table["n"] > 0), observed_low=low,
                        observed_high=high).rename_axis("band").reset_index().assign(method=method)
