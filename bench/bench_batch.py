"""Benchmark of a batch of unit briefs: kernel per brief against one kept kernel and a Dask
LocalCluster. Prints to stdout only; writes into a temporary folder removed afterwards.

    .venv/bin/python bench/bench_batch.py [--month 2017-12]

On the data set (``$REFORMLIB_DATA``, else the demonstration set), for ``--month`` and the
territorial units below the city (8 on the demonstration set), in seconds (wall) and seconds
per brief:

- a bare papermill run of a notebook holding only the brief's import cell (kernel start-up
  and imports: the floor under any brief run by itself);
- one unit brief by itself (``python -m reformlib brief``), warm;
- the unit briefs one by one, each a ``python -m reformlib brief`` of its own (a kernel per brief);
- the same briefs in one kept kernel in this process (``run_batch(workers=1)``);
- the same on 2 processes of this machine, one kept kernel each (``run_batch(workers=2)``);
- the same on a ``distributed.LocalCluster`` of 2 worker processes, one kept kernel each
  (``--scheduler local``).

The memo's PDF is turned off in every case (``REFORMLIB_MEMO_PDF=off``): LibreOffice's
5-10 s a brief is the same whichever way the notebooks run.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["REFORMLIB_MEMO_PDF"] = "off"


def bare_papermill(tmp: Path) -> float:
    """Wall time of papermill running a notebook with only the brief's import cell."""
    import nbformat
    import papermill

    from reformlib.briefs.notebooks import KERNEL, KERNEL_ARGS

    brief = nbformat.read(ROOT / "notebooks" / "brief.ipynb", as_version=4)
    imports = next(c for c in brief.cells if c.cell_type == "code" and "import reformlib as rl" in c.source)
    nb = nbformat.v4.new_notebook(metadata=brief.metadata)
    nb.cells = [nbformat.v4.new_code_cell("\n".join(line for line in imports.source.splitlines()
                                                     if line.startswith(("import ", "from "))))]
    nbformat.write(nb, tmp / "imports.ipynb")
    t0 = time.perf_counter()
    papermill.execute_notebook(str(tmp / "imports.ipynb"), str(tmp / "imports-out.ipynb"), kernel_name=KERNEL,
                               progress_bar=False, extra_arguments=KERNEL_ARGS, cwd=str(tmp))
    return time.perf_counter() - t0


def brief_command(month: str, unit: str, reports: Path) -> float:
    """Wall time of ``python -m reformlib brief`` for one unit."""
    cmd = [sys.executable, "-m", "reformlib", "brief", "--month", month, "--unit", unit, "--quiet",
           "--reports", str(reports)]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"the brief of {unit} failed:\n{out.stderr}")
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2017-12")
    args = parser.parse_args()
    from reformlib.briefs.run import data_facts
    from reformlib.briefs.schedule import BriefJob, run_batch
    from reformlib.data.schemas import CITY

    units = [u for u in data_facts().units if u != CITY]
    jobs = [BriefJob(args.month, u, "zh") for u in units]
    n = len(jobs)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"cores: {os.cpu_count()}  load average: {load}  month: {args.month}  unit briefs: {n}"
          "  (memo.pdf off in every case)")
    rows = []

    def row(label: str, seconds: float, briefs: int) -> None:
        rows.append((label, seconds, briefs))
        print(f"  {label:<66} {seconds:7.1f} s  {seconds / briefs:6.1f} s per brief", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        bare_papermill(tmp)  # warm: page cache, compiled bytecode
        row("bare papermill run, the brief's imports only", bare_papermill(tmp), 1)
        brief_command(args.month, units[0], tmp / "warm")
        row(f"one unit brief by itself ({units[0]}, python -m reformlib brief)",
            brief_command(args.month, units[0], tmp / "one"), 1)
        t0 = time.perf_counter()
        for unit in units:
            brief_command(args.month, unit, tmp / "by-one")
        row(f"{n} unit briefs one by one, a kernel each", time.perf_counter() - t0, n)
        for label, kwargs in [(f"{n} unit briefs in one kept kernel", {"workers": 1}),
                              (f"{n} unit briefs on 2 processes, one kept kernel each", {"workers": 2}),
                              (f"{n} unit briefs on a LocalCluster of 2 workers, one kernel each", {"workers": 2, "scheduler": "local"})]:
            t0 = time.perf_counter()
            outcomes = run_batch(jobs, reports=tmp / label.replace(" ", "-"), force=True, **kwargs)
            failed = [o for o in outcomes if o.status != "published"]
            if failed:
                raise SystemExit(f"{label}: {len(failed)} failed: {failed[0].detail}")
            row(label, time.perf_counter() - t0, n)
    by_one = rows[2][1]
    print("\nagainst one by one: " + ", ".join(f"{label.split(' ', 3)[-1]} {by_one / s:.1f}x faster"
                                               for label, s, _ in rows[3:]))


if __name__ == "__main__":
    main()
