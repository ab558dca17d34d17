"""Benchmark of the data path at national scale (reformlib.synth.national, reformlib.data.months,
reformlib.model.evaluate), on the SYNTHETIC national panel.

Run: ``.venv/bin/python bench/bench_national.py [--units 9,285,2850] [--months 24,120]
[--indicators 60] [--period 2017-12]`` (``make bench-national``; part of ``make bench``).

For every number of units and of months: the store is built in a child process (drawn with
numpy, put into DuckDB, validated whole once, the check recorded: build seconds, store size,
peak resident memory), then another child process loads and scores one month for every unit:
``evaluate(load_spec(), store, period=...)``, which reads from the store only the two years
the month reads, of the specification's indicators (load: those rows as the loader's typed
frame plus the small tables; score: the model, its audit included). Each child's peak
resident memory is its own ``resource.getrusage`` maximum (imports included). Goal for
2,850 units x 60 indicators x 120 months: load + score under 10 s and under 4 GiB.

Times are wall-clock seconds of one run each on this machine: os.cpu_count() and the load
average before each run are printed (other work on the machine slows every figure).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BUILD = textwrap.dedent("""
    import json, resource, sys, time
    from reformlib.synth.national import build_national_store
    t0 = time.perf_counter()
    store = build_national_store(sys.argv[1], units=int(sys.argv[2]), indicators=int(sys.argv[3]), months=int(sys.argv[4]))
    seconds = time.perf_counter() - t0
    from reformlib.data.store import Store
    rows = int(Store(store).sql("SELECT count(*) AS n FROM observations")["n"].iloc[0])
    print(json.dumps({"seconds": seconds, "rows": rows, "bytes": store.stat().st_size,
                      "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
""")

SCORE = textwrap.dedent("""
    import json, resource, sys, time
    from reformlib.data.months import period_tables
    from reformlib.model.evaluate import DATA_TABLES, evaluate
    from reformlib.model.spec import load_spec
    spec = load_spec()
    store, period = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    frames, _ = period_tables(store, DATA_TABLES, period=period, indicators=spec.indicators)
    load = time.perf_counter() - t0
    rows = len(frames["observations"])
    del frames
    t0 = time.perf_counter()
    result = evaluate(spec, store, period=period)
    total = time.perf_counter() - t0
    print(json.dumps({"load": load, "total": total, "rows_read": rows, "units": len(result.combined),
                      "scored": int(result.combined["score"].notna().sum()),
                      "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
""")


def _child(code: str, *args: object) -> dict:
    proc = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", default="9,285,2850", help="numbers of units, comma-separated")
    ap.add_argument("--months", default="24,120", help="numbers of months, comma-separated")
    ap.add_argument("--indicators", type=int, default=60)
    ap.add_argument("--period", default="2017-12", help="the month scored")
    args = ap.parse_args()
    units = [int(x) for x in args.units.split(",")]
    months = [int(x) for x in args.months.split(",")]
    print(f"national data path, SYNTHETIC panel; {os.cpu_count()} CPUs; {args.indicators} indicators; month {args.period}")
    header = (f"{'units':>6} {'months':>6} {'rows':>11} | {'build s':>8} {'MiB':>6} {'peak GiB':>8} | "
              f"{'rows read':>10} {'load s':>7} {'load+score s':>12} {'peak GiB':>8} | load avg")
    print(header)
    print("-" * len(header))
    work = Path(tempfile.mkdtemp(prefix="bench_national."))
    results = []
    try:
        for m in months:
            for u in units:
                store = work / f"n_{u}_{m}.duckdb"
                before = _load()
                b = _child(BUILD, store, u, args.indicators, m)
                s = _child(SCORE, store, args.period)
                assert s["units"] == u and s["scored"] == u, s
                results.append((u, m, b, s))
                print(f"{u:>6} {m:>6} {b['rows']:>11,} | {b['seconds']:>8.1f} {b['bytes'] / 2**20:>6.0f} "
                      f"{b['peak_kib'] / 2**20:>8.2f} | {s['rows_read']:>10,} {s['load']:>7.2f} {s['total']:>12.2f} "
                      f"{s['peak_kib'] / 2**20:>8.2f} | {before}", flush=True)
                shutil.rmtree(work / f".{store.name}.catalogue", ignore_errors=True)
                store.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    by = {(u, m): s for u, m, _, s in results}
    for m in months:
        base = by.get((units[0], m))
        for u in units[1:]:
            if base and (u, m) in by:
                print(f"{m} months: x{u / units[0]:.0f} units -> load+score x{by[(u, m)]['total'] / base['total']:.1f}, "
                      f"peak memory x{by[(u, m)]['peak_kib'] / base['peak_kib']:.1f}")
    for u in units:
        if (u, months[0]) in by and (u, months[-1]) in by and len(months) > 1:
            a, b = by[(u, months[0])], by[(u, months[-1])]
            print(f"{u} units: {months[0]} -> {months[-1]} months -> load+score x{b['total'] / a['total']:.2f}, "
                  f"peak memory x{b['peak_kib'] / a['peak_kib']:.2f}")
    big = by.get((2850, 120))
    if big is not None:
        ok = big["total"] < 10 and big["peak_kib"] < 4 * 2**20
        print(f"goal (2,850 units x 120 months: load + score < 10 s and < 4 GiB): {'met' if ok else 'NOT met'} "
              f"({big['total']:.1f} s, {big['peak_kib'] / 2**20:.2f} GiB)")


if __name__ == "__main__":
    main()
