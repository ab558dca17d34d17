"""Model step 4, weights: the analytic hierarchy process (AHP).

Saaty's method (Saaty 1980, *The Analytic Hierarchy Process*): the weights are the
normalised principal eigenvector of a reciprocal pairwise comparison matrix, with the
consistency index and ratio against Saaty's random index. :mod:`reformlib.model.weights`
wraps it as the ``ahp`` weighter.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from reformlib.errors import SpecError

__all__ = ["SAATY_RI", "ahp_weights"]

#: Saaty's random consistency index by matrix order (1-based: SAATY_RI[n]).
SAATY_RI = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45,
            10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}


def ahp_weights(pairwise: pd.DataFrame, *, reciprocal_tol: float = 0.01,
                return_details: bool = False) -> pd.Series | tuple[pd.Series, dict]:
    """AHP weights from a square pairwise comparison matrix (Saaty 1980).

    ``pairwise.loc[i, j]`` says how much more important i is than j. The matrix must be
    positive with a unit diagonal and reciprocal (a_ij * a_ji = 1 within ``reciprocal_tol``,
    so 0.333 for 1/3 is accepted); otherwise a SpecError names the cell. The weights are the
    normalised principal eigenvector; ``return_details`` adds ``lambda_max``, the
    consistency index ``CI = (lambda_max - n) / (n - 1)``, Saaty's ``RI`` and ``CR = CI / RI``
    (by convention CR < 0.1 is acceptable; CR is 0 for n <= 2).
    """
    if not isinstance(pairwise, pd.DataFrame) or list(pairwise.index) != list(pairwise.columns):
        raise SpecError("pairwise must be a square DataFrame with the same labels on rows and columns")
    a = pairwise.astype(float).to_numpy()
    n = a.shape[0]
    labels = list(pairwise.index)
    for i in range(n):
        for j in range(n):
            if not (np.isfinite(a[i, j]) and a[i, j] > 0):
                raise SpecError(f"pairwise[{labels[i]!r}, {labels[j]!r}] must be > 0, got {a[i, j]}")
            if abs(a[i, j] * a[j, i] - 1) > reciprocal_tol:
                raise SpecError(f"pairwise matrix is not reciprocal at [{labels[i]!r}, {labels[j]!r}]: "
                                f"{a[i, j]} * {a[j, i]} != 1")
    if n > 15:
        raise SpecError(f"AHP supports at most 15 criteria (Saaty RI table), got {n}")
    eigval, eigvec = np.linalg.eig(a)
    top = int(np.argmax(eigval.real))
    w = pd.Series(np.abs(eigvec[:, top].real), index=pairwise.index)
    w = w / w.sum()
    lam = float(eigval[top].real)
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    ri = SAATY_RI[n]
    details = {"lambda_max": lam, "CI": ci, "RI": ri, "CR": ci / ri if ri > 0 else 0.0}
    return (w, details) if return_details else w
