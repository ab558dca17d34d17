"""Benchmark of unit briefs: one alone, a batch of the demonstration units and (``--national``)
285 and 2,850 units of the SYNTHETIC national panel, each batch computed once by one run of
``units.ipynb`` and drawn unit by unit from its results. Prints to stdout only; writes into a
temporary folder removed afterwards.

    .venv/bin/python bench/bench_batch.py [--month 2017-12] [--national [--whole]] [--national-units 285,2850]

In one run, wall seconds and seconds per brief:

- a bare papermill run of a notebook holding only ``units.ipynb``'s imports, twice: by
  papermill's Python API in this process (kernel start-up and imports: the floor under any
  brief run by itself) and by the ``papermill`` command (a command against a command, as the
  brief is timed: the command's own start and papermill's imports too);
- one unit brief by itself (``python -m reformlib brief --unit X``), after one warm-up run;
  its ratio to each bare run (goal: within 1.5x);
- every unit below the city of the data set (``$REFORMLIB_DATA``, else the demonstration
  set: 8 units) as a batch (``python -m reformlib briefs``, 2 worker processes);
- with ``--national`` (``make bench``): 285 and 2,850 units of ``data/national_synthetic.duckdb``
  (built by ``python -m reformlib data --national`` when missing, about 5-10 minutes; the
  units that lead a task first). With ``--whole`` (``make bench``) each national batch runs
  whole as the schedule runs it (``python -m reformlib briefs``, 2 worker processes; goal for
  2,850: under 30 minutes), and its first unit's brief is then made alone and compared with the
  batch's (results, page, figures, memo, workbook; time stamps apart). Without it, the batch's
  computing step is measured whole (one run of ``units.ipynb`` for all N units, in a child
  process), its publishing step on ``--sample`` of the briefs on 2 processes, and the whole
  batch projected from the two (said so where printed).

Each batch runs as a command in a child process; its peak resident memory is the largest
process's of the run (``getrusage(RUSAGE_CHILDREN)`` of a wrapper around the command: the
kernel computing the results, or a worker publishing). Where the time went comes from the briefs' manifests: the one
``units.ipynb`` run (computing every unit's results) and the publishing of each brief (page,
figures, memo, workbook). The memo's PDF is turned off in every case
(``REFORMLIB_MEMO_PDF=off``): LibreOffice's share (about 0.6 CPU-s a memo, 50 memos to a process)
is the same whichever way the results are computed, and ``bench_render.py --pdf`` times it.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["REFORMLIB_MEMO_PDF"] = "off"
NATIONAL = ROOT / "data" / "national_synthetic.duckdb"


def _imports_notebook(tmp: Path) -> Path:
    """A notebook holding only units.ipynb's import lines, in ``tmp``."""
    import nbformat

    from reformlib.briefs.notebooks import import_lines

    template = ROOT / "notebooks" / "units.ipynb"
    nb = nbformat.v4.new_notebook(metadata=nbformat.read(template, as_version=4).metadata)
    nb.cells = [nbformat.v4.new_code_cell(import_lines([template]))]
    nbformat.write(nb, tmp / "imports.ipynb")
    return tmp / "imports.ipynb"


def bare_papermill(tmp: Path) -> float:
    """Wall time of papermill's Python API, called in this process (papermill imported
    already), running a notebook with only units.ipynb's import lines: a kernel's start-up and
    those imports, the floor under any brief run by itself."""
    import papermill

    from reformlib.briefs.notebooks import KERNEL, KERNEL_ARGS

    notebook = _imports_notebook(tmp)
    t0 = time.perf_counter()
    papermill.execute_notebook(str(notebook), str(tmp / "imports-out.ipynb"), kernel_name=KERNEL,
                               progress_bar=False, extra_arguments=KERNEL_ARGS, cwd=str(tmp))
    return time.perf_counter() - t0


def bare_papermill_command(tmp: Path) -> float:
    """Wall time of the ``papermill`` command running the same notebook: a command against a
    command, as ``python -m reformlib brief`` is timed (its own start and papermill's imports,
    jsonschema's IRI parsers among them, which reformlib's command leaves out)."""
    notebook = _imports_notebook(tmp)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "papermill", "-k", "reformlib", "--no-progress-bar", "--log-level", "ERROR",
                    str(notebook), str(tmp / "imports-cli-out.ipynb")], check=True, capture_output=True, cwd=tmp)
    return time.perf_counter() - t0


#: Runs a command and prints, last, the largest peak resident memory (KiB) of its processes.
_MEASURED = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)")


def measured(args: list[str], what: str, *, fail: bool = True) -> tuple[float, float, str]:
    """Wall seconds of ``python -m reformlib ARGS``, the peak resident memory in GiB of the
    largest of its processes (itself, its kernels and workers) and its output; with ``fail``
    it must succeed."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _MEASURED, sys.executable, "-m", "reformlib", *args],
                         capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    if fail and out.returncode != 0:
        raise SystemExit(f"{what} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    lines = out.stdout.strip().splitlines()
    return seconds, int(lines[-1]) / 2**20, "\n".join(lines[:-1])


def command(args: list[str], what: str) -> float:
    """Wall seconds of ``python -m reformlib ARGS`` (which must succeed)."""
    return measured(args, what)[0]


def batch(data: Path, month: str, units: list[str], reports: Path, workers: int = 2) -> dict:
    """A batch of unit briefs by the command line in a child process: wall seconds, the
    largest process's peak memory, and where the time went (from the manifests)."""
    import yaml

    config = reports.parent / f"{reports.name}.yml"
    config.write_text(yaml.safe_dump({"briefs": [{"months": [month], "units": units, "langs": ["zh"]}],
                                      "data": str(data), "reports": str(reports)}), encoding="utf-8")
    seconds, peak, out = measured(["briefs", "--config", str(config), "--workers", str(workers), "--quiet", "--force"],
                                  f"the batch of {len(units)} unit briefs", fail=False)
    manifests = [json.loads(p.read_text(encoding="utf-8")) for p in reports.glob(f"{month}/*/current/manifest.json")]
    failed = [line for line in out.splitlines() if "  failed  " in line]
    if not manifests:
        raise SystemExit(f"none of {len(units)} briefs published in {reports}:\n{out[-3000:]}")
    compute = manifests[0]["timings_seconds"]["units.ipynb"]
    publish = [m["timings_seconds"]["total"] for m in manifests]
    return {"seconds": seconds, "peak_gib": peak, "compute": compute, "published": len(manifests),
            "failed": failed, "publish_mean": sum(publish) / len(publish)}


#: Runs units.ipynb once for national units in a child process: its wall time, peak memory, results' size.
_COMPUTE = """
import json, resource, sys, time
from pathlib import Path
from reformlib.briefs.run import compute_units, templates_for
store, month, reports, units = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
t0 = time.perf_counter()
run = compute_units(month, "zh", units, data=store, template=templates_for("unit")[0], reports=reports, quiet=True)
seconds = time.perf_counter() - t0
if run.error:
    raise SystemExit(run.error)
league = Path(reports) / month / "league.csv"
print(json.dumps({"seconds": seconds, "run_id": run.run_id, "folder": str(run.folder), "units": units,
                  "bytes": sum(run.results(u).stat().st_size for u in units),
                  "league_bytes": league.stat().st_size if league.exists() else 0,
                  "peak_kib": max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                                  resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)}))
"""


def national_compute(store: Path, month: str, units: list[str], reports: Path) -> dict:
    """One run of units.ipynb for ``units`` of the national store (the batch's computing step)."""
    out = subprocess.run([sys.executable, "-c", _COMPUTE, str(store), month, str(reports), ",".join(units)],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"computing {len(units)} national units failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def national_publish(computed: dict, store: Path, month: str, units: list[str], reports: Path) -> tuple[float, list[str]]:
    """Publish ``units``' briefs from a computed run on 2 processes (the batch's publishing
    step, :func:`reformlib.briefs.batch.render_chunk`): wall seconds and the failures."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from reformlib.briefs.batch import BriefJob, chunks, render_chunk
    from reformlib.briefs.run import UnitsRun

    run = UnitsRun(run_id=computed["run_id"], folder=Path(computed["folder"]), units=tuple(computed["units"]))
    jobs = [BriefJob(month, u, "zh") for u in units]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        parts = [pool.submit(render_chunk, part, run, data=str(store), reports=str(reports)) for part in chunks(jobs, 2)]
        outcomes = [o for f in parts for o in f.result()]
    return time.perf_counter() - t0, [o.detail for o in outcomes if o.status != "published"]


_TIME_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00|Z)?")


def differences(a: Path, b: Path) -> list[str]:
    """What differs between two published briefs' ``current`` folders, time stamps apart:
    ``results.json`` (but its ``generated_at``), the page, every figure byte for byte, the
    memo's text and the workbook's cells."""
    from docx import Document
    from openpyxl import load_workbook

    out = []

    def results(folder: Path) -> dict:
        data = json.loads((folder / "results.json").read_text(encoding="utf-8"))
        data.pop("generated_at", None)
        return data

    if results(a) != results(b):
        out.append("results.json")
    if _TIME_STAMP.sub("", (a / "brief.html").read_text(encoding="utf-8")) != \
            _TIME_STAMP.sub("", (b / "brief.html").read_text(encoding="utf-8")):
        out.append("brief.html")
    figures = sorted(p.name for p in (a / "figures").iterdir())
    if figures != sorted(p.name for p in (b / "figures").iterdir()):
        out.append("the list of figures")
    out += [f"figures/{name}" for name in figures
            if (b / "figures" / name).is_file() and (a / "figures" / name).read_bytes() != (b / "figures" / name).read_bytes()]

    def memo(folder: Path) -> list[str]:
        doc = Document(str(folder / "memo.docx"))
        return [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]

    if memo(a) != memo(b):
        out.append("memo.docx")

    def cells(folder: Path) -> dict:
        wb = load_workbook(folder / "tables.xlsx")
        return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}

    if cells(a) != cells(b):
        out.append("tables.xlsx")
    return out


def whole_national(units: list[str], month: str, tmp: Path) -> float:
    """All ``units``' briefs of the national store as one batch by the command line, then the
    first unit's brief alone, compared with the batch's: prints the figures, returns the
    batch's wall seconds."""
    n = len(units)
    reports = tmp / f"national-{n}"
    b = batch(NATIONAL, month, units, reports)
    sizes = [p.stat().st_size for p in reports.glob(f"{month}/*/current/results.json")]
    league = reports / month / "league.csv"
    print(f"  {n:,} national units as one batch (python -m reformlib briefs, 2 processes): {b['seconds']:.0f} s = "
          f"{b['seconds'] / 60:.1f} minutes ({b['seconds'] / n:.2f} s a brief), {b['published']:,} published"
          + (f"; goal < 30 minutes: {'met' if b['seconds'] < 1800 else 'NOT met'}" if n >= 2850 else ""), flush=True)
    print(f"    computing every unit's results once (units.ipynb): {b['compute']['wall']:.0f} s; publishing "
          f"{b['publish_mean']:.2f} s a brief (each process's own time); largest process {b['peak_gib']:.2f} GiB; "
          f"results.json {sum(sizes) / max(1, len(sizes)) / 2**10:.0f} KiB a unit; the whole ranking once, league.csv, "
          f"{league.stat().st_size / 2**10 if league.exists() else 0:.0f} KiB", flush=True)
    if b["failed"]:
        print(f"    {len(b['failed'])} FAILED, such as: {b['failed'][0].strip()[:200]}", flush=True)
    alone = tmp / f"alone-{n}"
    seconds = command(["brief", "--data", str(NATIONAL), "--month", month, "--unit", units[0], "--quiet",
                       "--reports", str(alone)], "the national unit brief alone")
    diff = differences(reports / month / units[0] / "current", alone / month / units[0] / "current")
    print(f"    {units[0]}'s brief made alone ({seconds:.0f} s): "
          + ("identical in content to the batch's (results, page, figures, memo, workbook; time stamps apart)"
             if not diff else f"DIFFERS from the batch's in {', '.join(diff)}"), flush=True)
    shutil.rmtree(reports, ignore_errors=True)
    shutil.rmtree(alone, ignore_errors=True)
    return b["seconds"]


def _split(b: dict) -> str:
    """Where a batch's time went, its peak memory, and what failed (if anything)."""
    text = (f"  (computing: {b['compute']['wall']:.1f} s once; publishing: {b['publish_mean']:.2f} s a brief; "
            f"largest process {b['peak_gib']:.2f} GiB)")
    if b["failed"]:
        text += f"\n    {b['published']} published, {len(b['failed'])} FAILED, such as: {b['failed'][0].strip()[:200]}"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2017-12")
    parser.add_argument("--national", action="store_true", help="also 285 and 2,850 units of the national store")
    parser.add_argument("--national-units", default="285,2850", help="numbers of national units, comma-separated")
    parser.add_argument("--sample", type=int, default=6, help="national briefs published of each run (the rest projected)")
    parser.add_argument("--whole", action="store_true",
                        help="run each national batch whole by the command line (python -m reformlib briefs), and one "
                             "of its briefs alone to compare (make bench); else compute once and publish --sample")
    args = parser.parse_args()
    from reformlib.briefs.run import data_facts, data_source
    from reformlib.data.schemas import CITY

    data = Path(data_source())
    units = [u for u in data_facts(data).units if u != CITY]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"cores: {os.cpu_count()}  load average: {load}  month: {args.month}  (memo.pdf off in every case)")
    rows = []

    def row(label: str, seconds: float, briefs: int, extra: str = "") -> None:
        rows.append((label, seconds, briefs))
        print(f"  {label:<62} {seconds:8.1f} s  {seconds / briefs:6.2f} s per brief{extra}", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        bare_papermill(tmp)  # warm: page cache, compiled bytecode
        bare_papermill_command(tmp)
        bare = bare_papermill(tmp)
        row("bare papermill run, units.ipynb's imports only (Python API)", bare, 1)
        bare_command = bare_papermill_command(tmp)
        row("the same by the papermill command", bare_command, 1)
        one = ["brief", "--month", args.month, "--unit", units[0], "--quiet"]
        command([*one, "--reports", str(tmp / "warm")], "the warm-up brief")
        alone = command([*one, "--reports", str(tmp / "one")], "the unit brief")
        row(f"one unit brief by itself ({units[0]}, python -m reformlib brief)", alone, 1,
            f"  ({alone / bare:.2f}x the Python API's bare run, goal < 1.5x: {'met' if alone < 1.5 * bare else 'NOT met'}; "
            f"{alone / bare_command:.2f}x the command's, goal < 1.5x: {'met' if alone < 1.5 * bare_command else 'NOT met'})")
        curve = [(1, alone)]
        b = batch(data, args.month, units, tmp / "demo")
        row(f"{len(units)} unit briefs as a batch (2 processes)", b["seconds"], len(units), _split(b))
        curve.append((len(units), b["seconds"]))
        if args.national:
            if not NATIONAL.exists():
                print(f"building {NATIONAL.name} (python -m reformlib data --national) ...", flush=True)
                command(["data", "--national"], "building the national store")
            from reformlib.data.store import Store

            national = [u for u in data_facts(NATIONAL).units if u != CITY]
            leading = set(Store(NATIONAL).sql("SELECT DISTINCT lead_unit FROM tasks")["lead_unit"].astype(str))
            # the units that lead a task first (each of them has every section), then the others
            national = [u for u in national if u in leading] + [u for u in national if u not in leading]
            print(f"SYNTHETIC national panel {NATIONAL.name}: {len(national):,} units, {len(leading):,} of them "
                  f"leading a task (taken first); " + ("each batch whole" if args.whole else f"computing once, then publishing {args.sample} of the briefs"),
                  flush=True)
            for n in (int(x) for x in args.national_units.split(",")):
                if args.whole:
                    curve.append((n, whole_national(national[:n], args.month, tmp)))
                    print("    load average after it: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()), flush=True)
                    continue
                c = national_compute(NATIONAL, args.month, national[:n], tmp / f"national-{n}")
                print(f"  {n:,} national units: units.ipynb computed every unit's results in {c['seconds']:.0f} s "
                      f"({c['seconds'] / n:.2f} s a unit; largest process {c['peak_kib'] / 2**20:.2f} GiB; "
                      f"results.json {c['bytes'] / n / 2**10:.0f} KiB a unit; the whole ranking once, "
                      f"league.csv, {c['league_bytes'] / 2**10:.0f} KiB)", flush=True)
                k = min(args.sample, n)
                seconds, failed = national_publish(c, NATIONAL, args.month, national[:k], tmp / f"national-{n}")
                print(f"    publishing {k} of those briefs on 2 processes: {seconds:.1f} s ({seconds / k:.1f} s a brief)"
                      + (f"; {len(failed)} FAILED, such as: {failed[0][:160]}" if failed else ""), flush=True)
                total = c["seconds"] + n * seconds / k
                print(f"    all {n:,} briefs, projected from those figures: {total / 60:.0f} minutes "
                      f"({total / n:.1f} s a brief)" + ("; goal < 30 minutes: " + ("met" if total < 1800 else "NOT met")
                                                         if n >= 2850 else ""), flush=True)
                curve.append((n, total))
                shutil.rmtree(tmp / f"national-{n}", ignore_errors=True)
    print("\ngrowth with units: " + ", ".join(
        f"{n:,} units x{n / curve[i - 1][0]:.0f} -> wall x{s / curve[i - 1][1]:.1f}"
        for i, (n, s) in enumerate(curve) if i))


if __name__ == "__main__":
    main()
