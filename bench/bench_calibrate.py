"""Calibration of reformlib.stats under the null: each default test's rejection rate at 5 %
and each 95 % interval's coverage on simulated panels with no effect, and the bias of the
staggered-adoption estimator when effects grow after adoption. Prints to stdout only.

    .venv/bin/python bench/bench_calibrate.py [--reps 200] [--seed 1] [--only pilots|its|staggered ...]

Settings: one treated unit (a pilot) among 2, 5 or 9 units, 24 or 60 months, start in the
middle, unit and month effects, errors i.i.d. or AR(1) with coefficient 0.3 or 0.6. The
interrupted time series is one unit's series with a trend, same errors.

Goals (printed, not asserted): every default test rejects a true null 3-8 % of the time in
every setting; the imputation estimator's bias under staggered adoption below 5 % of the
true average effect. A rejection rate from R replications has a standard error of about
sqrt(0.05 * 0.95 / R) (1.5 points for R = 200, 0.7 for R = 1,000), so each default rate is
printed with its 95 % Wilson interval and judged three ways: "ok" (inside 3-8 %), "ok within
noise" (outside, but the interval reaches into 3-8 %: more replications are needed to tell)
and "OUT" (the whole interval outside 3-8 %).

    .venv/bin/python bench/bench_calibrate.py --defaults-only --reps 1000   # the goal's check
"""
from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from reformlib.stats import imputation_effects, interrupted_time_series, randomization_test, twfe
from reformlib.stats.placebo import gap_ar1

GOAL = (0.03, 0.08)


def ar1(rng: np.random.Generator, shape: tuple[int, int], rho: float) -> np.ndarray:
    e = np.empty(shape)
    e[:, 0] = rng.standard_normal(shape[0]) / np.sqrt(1 - rho**2)
    for t in range(1, shape[1]):
        e[:, t] = rho * e[:, t - 1] + rng.standard_normal(shape[0])
    return e


def null_panel(rng: np.random.Generator, n_units: int, months: int, rho: float) -> pd.DataFrame:
    """Long panel without effect; unit u0 'treated' from the middle month."""
    y = rng.normal(0, 2, (n_units, 1)) + rng.normal(0, 1, (1, months)) + ar1(rng, (n_units, months), rho)
    unit = np.repeat([f"u{i}" for i in range(n_units)], months)
    t = np.tile(np.arange(months), n_units)
    return pd.DataFrame({"unit": unit, "t": t, "y": y.ravel(), "d": ((unit == "u0") & (t >= months // 2)).astype(int)})


def pilot_row(rng: np.random.Generator, n_units: int, months: int, rho: float, *, others: bool = True) -> dict:
    frame = null_panel(rng, n_units, months, rho)
    wide = frame.pivot(index="t", columns="unit", values="y")
    start = months // 2
    gap = gap_ar1(wide, "u0", start, n_boot=199, seed=int(rng.integers(1 << 31)))
    if not others:
        return {"ar1_bootstrap (default)": (gap["p_value"], gap["ci_low"] < 0 < gap["ci_high"])}
    dk = twfe(frame, outcome="y", treatment="d", unit="unit", period="t", cov_type="driscoll_kraay").iloc[0]
    ri = randomization_test(wide, "u0", start)
    return {"ar1_bootstrap (default)": (gap["p_value"], gap["ci_low"] < 0 < gap["ci_high"]),
            "driscoll_kraay": (dk["p_value"], dk["ci_low"] < 0 < dk["ci_high"]),
            "randomization": (ri["p_value"], np.nan)}


def its_row(rng: np.random.Generator, months: int, rho: float, *, others: bool = True) -> dict:
    value = 0.1 * np.arange(months) + ar1(rng, (1, months), rho)[0]
    obs = pd.DataFrame({"unit": "u", "indicator": "a", "value": value,
                        "period": pd.period_range("2013-01", periods=months, freq="M")})
    reform = pd.Period("2013-01", "M") + months // 2
    out = {}
    for cov in ("ar1_bootstrap", "HAC") if others else ("ar1_bootstrap",):
        eff = interrupted_time_series(obs, indicator="a", unit="u", reform_date=reform, cov_type=cov,
                                      seed=int(rng.integers(1 << 31))).effects.set_index("term")
        row = eff.loc["level_change"]
        out[cov + (" (default)" if cov == "ar1_bootstrap" else "")] = (row["p_value"], row["ci_low"] < 0 < row["ci_high"])
    return out


def summarise(rows: list[dict]) -> dict:
    out = {}
    for name in rows[0]:
        p = np.array([r[name][0] for r in rows], dtype=float)
        cover = np.array([r[name][1] for r in rows], dtype=float)
        out[name] = (int(np.sum(p < 0.05)), len(p), np.nanmean(cover) if not np.isnan(cover).all() else np.nan)
    return out


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson interval of a proportion k / n."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def verdict(k: int, n: int) -> str:
    low, high = wilson(k, n)
    if GOAL[0] <= k / n <= GOAL[1]:
        return "ok"
    return "ok within noise" if high >= GOAL[0] and low <= GOAL[1] else "OUT"


def report(label: str, summary: dict, flags: list) -> None:
    for name, (k, n, cov) in summary.items():
        says = verdict(k, n)
        if "default" in name:
            flags.append(says)
        low, high = wilson(k, n)
        cov_text = "   n/a " if np.isnan(cov) else f"{100 * cov:6.1f}%"
        print(f"  {label:<28} {name:<26} reject {100 * k / n:5.1f}% ({100 * low:4.1f}-{100 * high:4.1f})  "
              f"cover {cov_text}  {says}")


def staggered(rng: np.random.Generator, reps: int) -> None:
    """Growing effects (1 + 0.5 k at event time k), cohorts at 4, 10, 16 and never; 40 units x 24 months."""
    est, twfe_est, cover, truth = [], [], [], []
    for _ in range(reps):
        cohorts = np.array([4, 10, 16, -1])[np.arange(40) % 4]
        t = np.arange(24)
        k = t[None, :] - cohorts[:, None]
        on = (cohorts[:, None] >= 0) & (k >= 0)
        tau = np.where(on, 1.0 + 0.5 * k, 0.0)
        y = rng.normal(0, 2, (40, 1)) + rng.normal(0, 1, (1, 24)) + tau + rng.standard_normal((40, 24))
        frame = pd.DataFrame({"unit": np.repeat(np.arange(40), 24), "t": np.tile(t, 40), "y": y.ravel(),
                              "d": on.ravel().astype(int),
                              "first": np.repeat(np.where(cohorts >= 0, cohorts, np.nan), 24)})
        true = tau[on].mean()
        row = imputation_effects(frame, outcome="y", unit="unit", period="t", first_treated="first").iloc[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            twfe_est.append(twfe(frame, outcome="y", treatment="d", unit="unit", period="t").iloc[0]["estimate"])
        est.append(row["estimate"])
        cover.append(row["ci_low"] < true < row["ci_high"])
        truth.append(true)
    true = float(np.mean(truth))
    bias = float(np.mean(np.array(est) - np.array(truth)))
    print(f"  true average effect {true:.2f}; imputation mean {np.mean(est):.2f} (bias {bias:+.3f}, "
          f"{100 * abs(bias) / true:.1f}% of the effect; goal < 5%: {'ok' if abs(bias) < 0.05 * true else 'OUT'}); "
          f"95% interval coverage {100 * np.mean(cover):.1f}%; TWFE mean {np.mean(twfe_est):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=["pilots", "its", "staggered"], action="append",
                        help="run only these parts (repeatable); default all")
    parser.add_argument("--defaults-only", action="store_true",
                        help="only the default tests (not Driscoll-Kraay, randomisation or HAC): the goal's check")
    args = parser.parse_args()
    others = not args.defaults_only
    parts = set(args.only or ["pilots", "its", "staggered"])
    rng = np.random.default_rng(args.seed)
    flags: list[str] = []
    t0 = time.perf_counter()
    print(f"Null simulations, {args.reps} replications each; 5 % tests, 95 % intervals; goal {GOAL[0]:.0%}-{GOAL[1]:.0%}")
    if "pilots" in parts:
        print("Pilot DiD, one treated unit:")
        for months in (24, 60):
            for rho in (0.0, 0.3, 0.6):
                for n_units in (2, 5, 9):
                    rows = [pilot_row(rng, n_units, months, rho, others=others) for _ in range(args.reps)]
                    report(f"{n_units} units, {months} m, AR {rho}", summarise(rows), flags)
    if "its" in parts:
        print("Interrupted time series, level change:")
        for months in (24, 60):
            for rho in (0.0, 0.3, 0.6):
                rows = [its_row(rng, months, rho, others=others) for _ in range(args.reps)]
                report(f"{months} months, AR {rho}", summarise(rows), flags)
    if "staggered" in parts:
        print("Staggered adoption, imputation estimator:")
        staggered(rng, max(50, args.reps // 2))
    print(f"default tests, {len(flags)} settings: {flags.count('ok')} within {GOAL[0]:.0%}-{GOAL[1]:.0%}, "
          f"{flags.count('ok within noise')} outside but within Monte Carlo noise of it, {flags.count('OUT')} outside; "
          f"{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
