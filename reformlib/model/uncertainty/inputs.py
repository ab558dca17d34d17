"""What may vary in the uncertainty analysis, and the checks of it (the model's robustness
step, its first part).

:class:`UncertainInputs` declares the uncertain choices. The checks validate what :func:`reformlib.model.uncertainty.prepare` is given (the declared choices,
weight vectors, noise and exclusion settings, and the indicator table) and lists the factors
the inputs declare as a SALib problem, following the OECD/JRC Handbook on Constructing
Composite Indicators (2008, step 7) as COINr's ``get_sensitivity`` sets it up.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reformlib.errors import DataValidationError, Problem, SpecError
from reformlib.model.uncertainty import kernels as vec


@dataclass(frozen=True)
class UncertainInputs:
    """What may vary. The first option of each tuple is the nominal choice.

    ``weighting`` names weight vectors: ``"nominal"`` (the ``weights`` argument),
    ``"equal"``, or a key of ``weight_sets`` (precomputed vectors, e.g. entropy weights).
    ``weight_noise`` is the half-width of a uniform relative perturbation (0.25 = ±25 %) of
    each indicator weight (``noise_level="indicator"``) or group weight (``"group"``);
    ``None`` keeps weights fixed. ``exclusion`` is ``"none"``, ``"each"`` (each candidate
    excluded with ``exclusion_probability``) or ``"one"`` (none or one candidate dropped,
    equally likely); candidates default to every indicator.
    """

    normalisation: tuple[str, ...] = ("minmax",)
    aggregation: tuple[str, ...] = ("arithmetic",)
    imputation: tuple[str, ...] = ("none",)
    weighting: tuple[str, ...] = ("nominal",)
    weight_sets: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    weight_noise: float | None = None
    noise_level: str = "indicator"
    exclusion: str = "none"
    exclusion_probability: float = 0.0
    exclusion_candidates: tuple[str, ...] | None = None


CHOICES = {
    "normalisation": tuple(vec.NORMALISERS), "aggregation": tuple(vec.AGGREGATORS),
    "imputation": tuple(vec.IMPUTERS),
}


def series(value: Mapping[str, float] | pd.Series, index: pd.Index, name: str) -> np.ndarray:
    s = pd.Series(value, dtype=float)
    missing, extra = index.difference(s.index), s.index.difference(index)
    if len(missing) or len(extra):
        raise SpecError(f"{name} must give exactly the items {list(index)}: "
                        f"missing {list(missing)}, unknown {list(extra)}")
    out = s.reindex(index).to_numpy()
    if not np.all(np.isfinite(out)) or np.any(out < 0) or not np.any(out > 0):
        raise SpecError(f"{name} must be finite, >= 0 and not all 0, got {s.to_dict()}")
    return out


def check_inputs(spec: UncertainInputs, indicators: pd.Index, has_groups: bool) -> None:
    for name, allowed in CHOICES.items():
        options = getattr(spec, name)
        bad = [o for o in options if o not in allowed]
        if not options or bad or len(set(options)) != len(options):
            raise SpecError(f"{name} must be distinct options from {allowed}, got {options!r}")
    sets = ("nominal", "equal", *spec.weight_sets)
    if {"nominal", "equal"} & set(spec.weight_sets):
        raise SpecError(f"weight_sets may not redefine 'nominal' or 'equal', got {list(spec.weight_sets)}")
    if not spec.weighting or any(w not in sets for w in spec.weighting):
        raise SpecError(f"weighting must name weight vectors from {sets}, got {spec.weighting!r}")
    if spec.weight_noise is not None and not 0 <= spec.weight_noise <= 1:
        raise SpecError(f"weight_noise must lie in [0, 1], got {spec.weight_noise!r}")
    if spec.noise_level not in ("indicator", "group") or (spec.noise_level == "group" and not has_groups):
        raise SpecError(f"noise_level must be 'indicator' or 'group' (with groups), got {spec.noise_level!r}")
    if spec.exclusion not in ("none", "each", "one"):
        raise SpecError(f"exclusion must be 'none', 'each' or 'one', got {spec.exclusion!r}")
    if not 0 <= spec.exclusion_probability < 1:
        raise SpecError(f"exclusion_probability must lie in [0, 1), got {spec.exclusion_probability!r}")
    unknown = set(spec.exclusion_candidates or ()) - set(indicators)
    if unknown or spec.exclusion_candidates == ():
        raise SpecError(f"exclusion_candidates must be indicators, got {spec.exclusion_candidates!r}")


def check_data(frame: pd.DataFrame) -> np.ndarray:
    problems = [Problem(None, str(c), "must be numeric") for c in frame.columns
                if not pd.api.types.is_numeric_dtype(frame[c])]
    if problems:
        raise DataValidationError("frame", problems)
    x = frame.to_numpy(dtype=float)
    problems += [Problem(None, str(c), "needs at least two distinct non-missing values")
                 for j, c in enumerate(frame.columns) if len(np.unique(x[~np.isnan(x[:, j]), j])) < 2]
    problems += [Problem(i + 1, None, f"unit {u!r} has no value") for i, u in enumerate(frame.index)
                 if np.all(np.isnan(x[i]))]
    problems += [Problem(i + 1, str(frame.columns[j]), "infinite value", x[i, j])
                 for i, j in zip(*np.nonzero(np.isinf(x)))]
    if problems or not frame.index.is_unique:
        raise DataValidationError("frame", problems or [Problem(None, None, "unit index must be unique")])
    return x


def salib_problem(spec: UncertainInputs, indicators: pd.Index, group_names: Sequence[str]) -> dict:
    names, factors = [], []
    for name in (*CHOICES, "weighting"):
        if len(getattr(spec, name)) > 1:
            names.append(name), factors.append(name)
    if spec.weight_noise is not None:
        targets = indicators if spec.noise_level == "indicator" else group_names
        names += [f"weight:{t}" for t in targets]
        factors += ["weights"] * len(targets)
    candidates = spec.exclusion_candidates or tuple(indicators)
    if spec.exclusion == "each":
        names += [f"exclude:{c}" for c in candidates]
        factors += ["exclusion"] * len(candidates)
    elif spec.exclusion == "one":
        names.append("exclude_one"), factors.append("exclusion")
    if not names:
        raise SpecError("uncertain declares nothing uncertain: give two options of a choice, "
                        "weight_noise or an exclusion")
    return {"num_vars": len(names), "names": names, "groups": factors, "bounds": [[0.0, 1.0]] * len(names)}
