"""Command line: ``python -m reformlib data | brief | briefs | ingest | export | template``.

    python -m reformlib data                      rebuild the synthetic demonstration set (folder and store)
    python -m reformlib data --national [--units N --indicators K --months M]
                                                  build the synthetic national panel (default 2,850 x 60 x 120)
                                                  into data/national_synthetic.duckdb (or --store)
    python -m reformlib brief [--month YYYY-MM] [--lang zh|en] [--unit CODE] [--quiet]
    python -m reformlib briefs --config briefs.yml [--workers N] [--quiet] [--force]
                                                  [--scheduler tcp://HOST:PORT | --scheduler local]
    python -m reformlib briefs --index [--reports DIR]   rewrite reports/index.html from what is published

Exit status: 0 on success; 1 when a brief of a batch failed (the others still ran);
2 when a brief failed or the parameters, data or schedule were refused (one line on stderr
says why; a run's traceback goes to its run.log); 130 when stopped by Ctrl-C.
"""
from __future__ import annotations

import argparse
import sys

# jsonschema (reached through nbformat and the results file) builds some 35 grammar parsers of
# its optional IRI checker rfc3987-syntax at import, about 3 s of every command; reformlib's
# schemas use no IRI format, so a command run from here goes without it
sys.modules.setdefault("rfc3987_syntax", None)

from reformlib.errors import ReformlibError  # noqa: E402


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="reformlib", description="Reform implementation evaluation: data and briefs.")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("data", help="rebuild the synthetic demonstration data set")
    d.add_argument("--folder", default=None, help="where to write it (default data/demo_synthetic)")
    d.add_argument("--store", default=None, help="the store to build (default data/demo_synthetic.duckdb; with --national "
                   "data/national_synthetic.duckdb)")
    d.add_argument("--national", action="store_true", help="build the synthetic national panel into a store instead "
                   "(seeded, every row labelled synthetic)")
    d.add_argument("--units", type=int, default=2850, help="with --national: county units (default 2850)")
    d.add_argument("--indicators", type=int, default=60, help="with --national: indicators (default 60)")
    d.add_argument("--months", type=int, default=120, help="with --national: months ending 2017-12 (default 120)")
    b = sub.add_parser("brief", help="run and publish one monthly brief")
    b.add_argument("--month", default=None, help="YYYY-MM (default: the latest month in the data)")
    b.add_argument("--lang", default="zh", help="zh (default) or en")
    b.add_argument("--unit", default=None, help="a territorial unit code, e.g. 430302 (default: the whole city)")
    b.add_argument("--data", default=None, help="data folder, or a DuckDB store (a path ending in .duckdb or a file) "
                   "(default: the demonstration set)")
    b.add_argument("--reports", default=None, help="reports folder (default: reports/)")
    b.add_argument("--timeout", type=int, default=600, help="seconds allowed per notebook cell")
    b.add_argument("--notebook-dir", default=None, help="folder of the brief's template notebooks (default notebooks/)")
    b.add_argument("--quiet", action="store_true", help="no progress output (for schedulers)")
    b.add_argument("--memo-date", default=None, help="the day the memo is issued, YYYY-MM-DD, not before the end of the "
                   "month reported (default: the day it is made); for a memo issued again or dated ahead")
    b.add_argument("--wait", action="store_true", help="wait for another run of the same brief to end instead of exiting")
    s = sub.add_parser("briefs", help="run every brief of a schedule file that is not yet published")
    s.add_argument("--config", default="briefs.yml", help="the schedule file (default briefs.yml)")
    s.add_argument("--workers", type=int, default=None, help="chunks of briefs run at once, each on one kernel "
                   "(default: one per CPU); with --scheduler local, the LocalCluster's worker processes")
    s.add_argument("--scheduler", default=None, help="run the chunks on a Dask distributed cluster: the scheduler's "
                   "address (tcp://host:port; the reports folder, data and environment shared by every worker), or "
                   "'local' for a LocalCluster of --workers processes")
    s.add_argument("--force", action="store_true", help="run briefs already published for the same inputs again")
    s.add_argument("--notebook-dir", default=None, help="folder of the brief's template notebooks (default notebooks/)")
    s.add_argument("--quiet", action="store_true", help="print only the summary (for schedulers)")
    s.add_argument("--explain", action="store_true", help="print why each brief would run or be skipped; run nothing")
    s.add_argument("--index", action="store_true", help="rewrite the index of published briefs (reports/index.html); run nothing")
    s.add_argument("--reports", default=None, help="with --index: the reports folder (default: the schedule's, else reports/)")
    g = sub.add_parser("ingest", help="check submission files (CSV, xlsx) and store them in the DuckDB store")
    g.add_argument("paths", nargs="*", help="files or folders of submissions")
    g.add_argument("--tables", default=None, help="a data folder whose tables to put into the store (catalogue, ledger, values)")
    g.add_argument("--store", default=None, help="the store file (default data/store.duckdb or $REFORMLIB_STORE)")
    g.add_argument("--catalogue", default=None, help="data folder or store holding units, indicators, tasks and inspections "
                   "(default: the store's own tables, else the demonstration set)")
    e = sub.add_parser("export", help="write the current tables of a store as a data folder (parquet, csv) or workbooks (xlsx)")
    e.add_argument("--store", default=None, help="the store file (default data/store.duckdb or $REFORMLIB_STORE)")
    e.add_argument("--format", default="parquet", choices=("parquet", "csv", "xlsx"), help="parquet (default), csv or xlsx")
    e.add_argument("--out", default=None, help="folder to write (default exports/<store>-<format>/ beside the store)")
    t = sub.add_parser("template", help="write the xlsx templates a unit fills in for a month")
    t.add_argument("--month", required=True, help="YYYY-MM, the month reported")
    t.add_argument("--unit", default=None, help="a unit code (default: every unit that reports that month)")
    t.add_argument("--kind", default=None, choices=("indicators", "progress", "inspections"), help="one kind (default: all)")
    t.add_argument("--data", default=None, help="data folder or store (catalogue and last values; default the demonstration set)")
    t.add_argument("--out", default=None, help="folder to write (default templates/<month>/)")
    t.add_argument("--deadline", default=None, help="date the templates are due (default: the 10th of the next month)")
    return p


def _export(args: argparse.Namespace) -> int:
    from reformlib.ingest.export import export_store

    print(export_store(args.store, fmt=args.format, out=args.out))
    return 0


def _template(args: argparse.Namespace) -> int:
    from reformlib.ingest.templates import write_templates

    for path in write_templates(args.month, unit=args.unit, kind=args.kind, data=args.data, out=args.out, deadline=args.deadline):
        print(path)
    return 0


def _national(args: argparse.Namespace) -> int:
    import time

    from reformlib.synth.national import build_national_store

    t0 = time.perf_counter()
    store = build_national_store(args.store, units=args.units, indicators=args.indicators, months=args.months)
    print(f"{store}: synthetic national panel, {args.units} units x {args.indicators} indicators x {args.months} months, "
          f"built and validated in {time.perf_counter() - t0:.1f} s ({store.stat().st_size / 2**20:.0f} MiB)")
    return 0


def _ingest(args: argparse.Namespace) -> int:
    from reformlib.ingest import ingest

    if args.tables:
        from reformlib.data.dataset import store_folder
        from reformlib.data.store import store_path

        done = store_folder(args.tables, store_path(args.store))
        print(f"{args.tables}: {done.rows} row(s) stored in {store_path(args.store)}" if done.status == "stored"
              else f"{args.tables}: already stored (same tables), nothing changed")
    elif not args.paths:
        print("reformlib: name submission files or folders, or --tables FOLDER", file=sys.stderr)
        return 2
    if not args.paths:
        return 0
    outcomes = ingest(args.paths, store=args.store, catalogue=args.catalogue)
    for o in outcomes:
        print(o.message, file=sys.stderr if o.status == "refused" else sys.stdout)
    return 2 if any(o.status == "refused" for o in outcomes) else 0


def _briefs(args: argparse.Namespace) -> int:
    if args.index:  # before the schedule's imports: no notebook machinery is needed
        from pathlib import Path

        from reformlib.briefs.index import write_index

        reports = args.reports
        if reports is None and Path(args.config).is_file():
            from reformlib.briefs.schedule import load_config

            reports = load_config(args.config).get("reports")
        print(write_index(reports))
        return 0
    from reformlib.briefs.schedule import explain, explanation, load_config, plan, run_batch, summary

    config = load_config(args.config)
    jobs = plan(config)
    if args.explain:
        print(explanation(explain(jobs, data=config.get("data"), reports=config.get("reports"),
                                  notebook_dir=args.notebook_dir, force=args.force)))
        return 0

    def progress(k: int, n: int, outcome) -> None:
        if not args.quiet:
            print(f"[{k}/{n}] {outcome.job.name}: {outcome.status} ({outcome.seconds:.1f} s)", file=sys.stderr, flush=True)

    if not args.quiet:
        print(f"{len(jobs)} brief(s) in {args.config}", file=sys.stderr, flush=True)
    outcomes = run_batch(jobs, data=config.get("data"), reports=config.get("reports"), workers=args.workers,
                         force=args.force, timeout=config["timeout"], notebook_dir=args.notebook_dir,
                         scheduler=args.scheduler, on_done=progress)
    print(summary(outcomes))
    failed = [o for o in outcomes if o.status == "failed"]
    for o in failed:
        lines = o.detail.splitlines()
        print(f"reformlib: {o.job.name}: {lines[0]}" + (f"\n  {lines[-1]}" if len(lines) > 1 else ""), file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "data" and args.national:
            return _national(args)
        if args.command == "data":
            from reformlib.data.paths import DEMO
            from reformlib.synth import build_demo, build_demo_store

            print(build_demo(args.folder or DEMO))
            print(build_demo_store(args.folder or DEMO, args.store))
        elif args.command == "brief":
            from reformlib.briefs.form import check_form
            from reformlib.briefs.notebooks import head_start

            check_form(args.month, args.lang, args.timeout)  # refused before a kernel starts

            # the brief's kernel starts and imports on the other core while this process checks and readies itself
            with head_start(args.data, unit=args.unit, notebook_dir=args.notebook_dir) as kernel:
                from reformlib.briefs.run import run_brief

                result = run_brief(args.month, args.lang, args.unit, data=args.data, reports=args.reports,
                                   notebook_dir=args.notebook_dir, timeout=args.timeout, quiet=args.quiet,
                                   wait=args.wait, memo_date=args.memo_date, kernel=kernel)
            print(result.html)
        elif args.command == "briefs":
            return _briefs(args)
        elif args.command == "ingest":
            return _ingest(args)
        elif args.command == "export":
            return _export(args)
        elif args.command == "template":
            return _template(args)
    except ReformlibError as exc:
        print(f"reformlib: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        # the kernel died with the same Ctrl-C: the notebook client's unawaited cell task would
        # otherwise log its DeadKernelError traceback at exit; the run's log already holds it
        import logging

        logging.getLogger("asyncio").disabled = True
        print(f"reformlib: {exc or 'interrupted by Ctrl-C'}", file=sys.stderr)
        return 130
    except OSError as exc:  # a full disk, a read-only folder: one sentence, not a traceback
        where = f" {exc.filename}" if exc.filename else ""
        print(f"reformlib: cannot write or read{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
