"""Benchmark of the uncertainty and sensitivity analysis (reformlib.model.uncertainty).

Run: ``.venv/bin/python bench/bench_uncertainty.py`` (about a minute; ``BENCH_N=64`` for a quick look).

Six uncertain inputs: normalisation (minmax, rank, percentile), aggregation (arithmetic,
geometric, harmonic), imputation (none, mean, median), weighting (nominal, equal,
entropy), ±25 % uniform noise on every indicator weight, and each indicator excluded with
probability 0.1. A Sobol design with N = 1,000 base samples gives N * (6 + 2) = 8,000
replications. Two data sets:

- COINr's ASEM example (../shared/reference/asem_coinr): 51 units x 49 indicators, raw
  (not denominated), directions, weights and the 8 pillars from its metadata (a seeded
  synthetic table of the same shape stands in when that folder is absent);
- a seeded synthetic table of 5,000 units x 50 indicators in 10 groups, 5 % missing.

Two baselines, each timed on a subset of the same design's replications and extrapolated
per replication, their ranks checked against the vectorised ones on that subset:

- the pandas rebuild loop (``rebuild_loop_reference``), which redoes imputation and
  normalisation in every replication, as a plain re-run of the model would;
- the fair one, a plain numpy loop over the same prepared variants: the same kernels
  (``evaluate_design``) called one replication at a time on one thread, so the speed-up
  it shows is that of batching replications into matrix products and threads alone. The full analysis (sample, evaluate,
summarise, Sobol indices with 100 bootstrap resamples) and the loop are each timed three
times; the table shows the fastest runs, every run is listed below it. Peak memory is the tracemalloc peak of
one full analysis and the process's maximum resident set size.
"""
from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reformlib.model.uncertainty import (  # noqa: E402
    Design,
    UncertainInputs,
    evaluate_design,
    prepare,
    rebuild_loop_reference,
    uncertainty_analysis,
)

ASEM = Path(__file__).resolve().parents[2] / "shared" / "reference" / "asem_coinr"
N_BASE = int(os.environ.get("BENCH_N", 1000))
REPEATS = 3  # each timing is repeated this often; the table shows the fastest run
GOAL_SECONDS, GOAL_GIB, GOAL_SPEEDUP = 10.0, 4.0, 100.0


def entropy_weights(frame: pd.DataFrame) -> dict[str, float]:
    """Shannon entropy weights of the min-max [1, 100] columns (available values only)."""
    x = 1 + 99 * (frame - frame.min()) / (frame.max() - frame.min())
    p = x / x.sum()
    e = -(p * np.log(p)).sum() / np.log(x.count())
    return ((1 - e) / (1 - e).sum()).to_dict()


def asem_case() -> dict:
    if not (ASEM / "ASEM_iData.csv").exists():  # same shape, seeded synthetic stand-in
        case = synthetic_case(units=51, indicators=49)
        return {**case, "label": "synthetic 51 x 49", "loop_rows": 100}
    data = pd.read_csv(ASEM / "ASEM_iData.csv").set_index("uCode")
    meta = pd.read_csv(ASEM / "ASEM_iMeta.csv")
    ind = meta[meta["Type"] == "Indicator"].set_index("iCode")
    pillars = meta[meta["Level"] == 2].set_index("iCode")
    frame = data[ind.index]
    return dict(label="ASEM (COINr), raw", frame=frame, direction=ind["Direction"].to_dict(),
                weights=ind["Weight"].to_dict(), groups=ind["Parent"].to_dict(),
                group_weights=pillars["Weight"].to_dict(), loop_rows=100)


def synthetic_case(units: int = 5000, indicators: int = 50) -> dict:
    rng = np.random.default_rng(20171231)
    cols = [f"synthetic_i{j:02d}" for j in range(indicators)]
    latent = rng.normal(size=(units, 1))
    values = np.exp(0.6 * latent + rng.normal(size=(units, indicators)))
    frame = pd.DataFrame(values, index=[f"synthetic_u{i:04d}" for i in range(units)], columns=cols)
    frame = frame.mask(rng.random(frame.shape) < 0.05)
    return dict(label="synthetic", frame=frame, direction=dict(zip(cols, rng.choice([1, -1], indicators))),
                weights=dict(zip(cols, rng.uniform(0.5, 1.5, indicators))),
                groups={c: f"synthetic_g{j // 5}" for j, c in enumerate(cols)}, group_weights=None,
                loop_rows=40)


def inputs_for(case: dict) -> UncertainInputs:
    oriented = case["frame"] * pd.Series(case["direction"])
    return UncertainInputs(
        normalisation=("minmax", "rank", "percentile"), aggregation=("arithmetic", "geometric", "harmonic"),
        imputation=("none", "mean", "median"), weighting=("nominal", "equal", "entropy"),
        weight_sets={"entropy": entropy_weights(oriented)}, weight_noise=0.25,
        exclusion="each", exclusion_probability=0.1,
    )


def run_case(case: dict) -> dict:
    spec = inputs_for(case)
    args = dict(direction=case["direction"], weights=case["weights"], uncertain=spec,
                groups=case["groups"], group_weights=case["group_weights"])
    times, cpu_times = [], []
    for _ in range(REPEATS):
        start, cpu = time.perf_counter(), time.process_time()
        uncertainty_analysis(case["frame"], **args, n=N_BASE, seed=2017)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu)
    seconds = min(times)
    result = uncertainty_analysis(case["frame"], **args, n=N_BASE, seed=2017, keep=True)  # untimed: ranks for the check
    tracemalloc.start()
    uncertainty_analysis(case["frame"], **args, n=N_BASE, seed=2017)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    replications = len(result.rank_shift)
    rows = np.linspace(0, replications - 1, case["loop_rows"]).astype(int)
    loop_times, loop_cpu = [], []
    for _ in range(REPEATS):
        start, cpu = time.perf_counter(), time.process_time()
        _, loop_ranks = rebuild_loop_reference(case["frame"], **args, design=result.design, rows=rows)
        loop_times.append((time.perf_counter() - start) / len(rows))
        loop_cpu.append((time.process_time() - cpu) / len(rows))
    loop_per_rep = min(loop_times)
    agree = np.array_equal(loop_ranks.to_numpy(), result.ranks.to_numpy()[rows])
    numpy_per_rep, numpy_agree = numpy_loop(case["frame"], args, result.design, rows, result.ranks.to_numpy()[rows])
    sens = result.sensitivity.set_index("factor")[["S1", "ST"]].round(3)
    return dict(case=case["label"], shape=case["frame"].shape, replications=replications, seconds=seconds,
                times=times, loop_times=loop_times,
                cpu_speedup=min(loop_cpu) * replications / min(cpu_times),
                per_rep=seconds / replications, loop_per_rep=loop_per_rep, loop_rows=len(rows),
                speedup=loop_per_rep / (seconds / replications), traced_gib=traced_peak / 2**30,
                agree=agree and numpy_agree, sensitivity=sens, numpy_per_rep=numpy_per_rep,
                numpy_speedup=numpy_per_rep / (seconds / replications))


def numpy_loop(frame: pd.DataFrame, args: dict, design: Design, rows: np.ndarray,
               expected: np.ndarray) -> tuple[float, bool]:
    """Seconds per replication of the plain numpy loop (fastest of REPEATS) and whether its
    ranks equal the vectorised ones."""
    model = prepare(frame, **args)
    subset = Design(design.problem, design.sample[rows], {k: v[rows] for k, v in design.codes.items()},
                    design.weights[rows], design.group_weights[rows])
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        out = evaluate_design(model, subset, chunk_size=1, workers=1)
        times.append((time.perf_counter() - start) / len(rows))
    return min(times), np.array_equal(out.ranks, expected)


def main() -> int:
    # N = 1,000 is not a power of 2, which the Sobol' sequence prefers: SALib warns each time
    warnings.filterwarnings("ignore", message=r"(?s).*Sobol' (points|sequence)")
    print(f"uncertainty benchmark: N = {N_BASE}, 6 uncertain inputs, {os.cpu_count()} CPU core(s), "
          f"load average at start {os.getloadavg()[0]:.2f}")
    results = [run_case(asem_case()), run_case(synthetic_case())]
    maxrss_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    header = (f"{'case':<18} {'units x ind':>11} {'reps':>5} {'full SA s':>9} {'ms/rep':>7} "
              f"{'loop ms/rep':>11} {'loop full s*':>12} {'speed-up':>8} {'cpu ratio':>9} {'numpy ms/rep':>12} "
              f"{'vs numpy':>8} {'traced GiB':>10} {'loops=vec':>9}")
    print("\n" + header + "\n" + "-" * len(header))
    for r in results:
        print(f"{r['case']:<18} {'{} x {}'.format(*r['shape']):>11} {r['replications']:>5} {r['seconds']:>9.2f} "
              f"{1e3 * r['per_rep']:>7.3f} {1e3 * r['loop_per_rep']:>11.2f} "
              f"{r['loop_per_rep'] * r['replications']:>12.0f} {r['speedup']:>7.0f}x {r['cpu_speedup']:>8.0f}x "
              f"{1e3 * r['numpy_per_rep']:>12.3f} {r['numpy_speedup']:>7.1f}x "
              f"{r['traced_gib']:>10.3f} {'yes' if r['agree'] else 'NO':>9}")
    print("speed-up: wall-clock time of the pandas rebuild loop / of the vectorised analysis; cpu ratio: the same "
          "with process CPU time (all threads), less sensitive to other load on the machine")
    print("vs numpy: the fair baseline, the same kernels one replication at a time on one thread "
          "(per-replication time of that loop / of the full vectorised analysis)")
    print(f"* loop timed on {', '.join(str(r['loop_rows']) for r in results)} replications of the same "
          f"design, extrapolated per replication to the full design")
    for r in results:
        print(f"runs, {r['case']}: full SA " + ", ".join(f"{t:.2f} s" for t in r["times"])
              + "; loop " + ", ".join(f"{1e3 * t:.2f} ms/rep" for t in r["loop_times"]))
    print(f"process peak resident memory (ru_maxrss, whole run incl. loop): {maxrss_gib:.3f} GiB")
    for r in results:
        print(f"\nSobol indices, mean absolute rank shift, {r['case']}:\n{r['sensitivity'].to_string()}")
    big = results[-1]
    goals = [
        (f"full SA at 5,000 x 50 under {GOAL_SECONDS:.0f} s", big["seconds"] < GOAL_SECONDS, f"{big['seconds']:.2f} s"),
        (f"peak memory under {GOAL_GIB:.0f} GiB", max(maxrss_gib, big["traced_gib"]) < GOAL_GIB, f"{maxrss_gib:.3f} GiB"),
        (f">= {GOAL_SPEEDUP:.0f}x faster than the rebuild loop",
         min(r["speedup"] for r in results) >= GOAL_SPEEDUP, f"{min(r['speedup'] for r in results):.0f}x (slowest case)"),
        ("vectorised ranks equal the loop's", all(r["agree"] for r in results), "on every timed replication"),
    ]
    print("\ngoals:")
    for text, ok, value in goals:
        print(f"  [{'PASS' if ok else 'FAIL'}] {text}: {value}")
    return 0 if all(ok for _, ok, _ in goals) else 1


if __name__ == "__main__":
    raise SystemExit(main())
