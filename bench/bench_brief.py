"""Benchmark of the monthly brief: one brief end to end (warm), and the nine per-unit
briefs of a month with 1 and 2 workers. Prints to stdout only; writes into a temporary
folder that is removed afterwards.

    .venv/bin/python bench/bench_brief.py [--month 2017-12] [--skip-batch]

Goal: one brief under 30 s warm on 2 cores, most of it in the notebook's own cells rather
than in start-up (kernel start, imports). The split comes from papermill's metadata: the
cells' durations, the rest of the notebook's wall time (kernel start-up, papermill), the
HTML page and the documents, and the command's own start-up (Python, imports, checks).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_brief(month: str, reports: Path) -> tuple[float, dict]:
    """Wall time of ``python -m reformlib brief`` and the run's manifest."""
    cmd = [sys.executable, "-m", "reformlib", "brief", "--month", month, "--quiet", "--reports", str(reports)]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "LANG": "C.UTF-8"})
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        raise SystemExit(f"the brief failed:\n{out.stderr}")
    manifest = json.loads((Path(out.stdout.strip()).parent / "manifest.json").read_text(encoding="utf-8"))
    return wall, manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2017-12")
    parser.add_argument("--skip-batch", action="store_true", help="time only the single brief")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}  month: {args.month}")
    with tempfile.TemporaryDirectory(prefix="bench-brief-") as tmp:
        reports = Path(tmp)
        one_brief(args.month, reports)  # warm: page cache, font cache, compiled bytecode
        wall, man = one_brief(args.month, reports)
        t = man["timings_seconds"]
        nb = t["brief.ipynb"]
        print(f"\none brief, warm (city, zh): {wall:.1f} s end to end")
        rows = [("notebook cells (the brief's own work)", nb["cells"]),
                ("kernel start-up and papermill", nb["start"]),
                ("HTML page", t.get("html", 0.0)), ("memo.docx and tables.xlsx", t.get("documents", 0.0)),
                ("command start-up, checks and publishing",
                 wall - nb["wall"] - t.get("html", 0.0) - t.get("documents", 0.0))]
        for label, seconds in rows:
            print(f"  {label:<42} {seconds:6.1f} s  {100 * seconds / wall:5.1f} %")
        executed = json.loads((reports / args.month / "notebooks" / "brief.ipynb").read_text(encoding="utf-8"))
        cells = sorted(((c["metadata"].get("papermill", {}).get("duration") or 0.0, "".join(c["source"]))
                        for c in executed["cells"] if c["cell_type"] == "code"), reverse=True)
        print("  slowest cells:")
        for seconds, source in cells[:3]:
            first = next((line for line in source.splitlines() if line and not line.startswith("#")), "")
            print(f"    {seconds:5.1f} s  {first[:70]}")
        if args.skip_batch:
            return
        sys.path.insert(0, str(ROOT))
        from reformlib.briefs.schedule import BriefJob, run_batch
        from reformlib.data.schemas import TERRITORIAL_UNITS

        jobs = [BriefJob(args.month, "" if u == "430300" else u, "zh") for u in TERRITORIAL_UNITS]
        print(f"\n{len(jobs)} per-unit briefs (the city and its 8 units), forced to run:")
        for workers in (1, 2):
            t0 = time.perf_counter()
            outcomes = run_batch(jobs, reports=reports / f"w{workers}", workers=workers, force=True)
            elapsed = time.perf_counter() - t0
            failed = [o for o in outcomes if o.status != "published"]
            mean = sum(o.seconds for o in outcomes) / len(outcomes)
            print(f"  {workers} worker(s): {elapsed:6.1f} s  (mean {mean:.1f} s per brief"
                  f"{', ' + str(len(failed)) + ' FAILED' if failed else ''})")


if __name__ == "__main__":
    main()
