"""Command line: ``python -m reformlib data | brief``.

    python -m reformlib data                      rebuild the synthetic demonstration set
    python -m reformlib brief [--month YYYY-MM] [--lang zh|en] [--unit CODE] [--quiet]
"""
from __future__ import annotations

import argparse
import sys

from reformlib.errors import ReformlibError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="reformlib", description="Reform implementation evaluation: data and briefs.")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("data", help="rebuild the synthetic demonstration data set")
    d.add_argument("--folder", default=None, help="where to write it (default data/demo_synthetic)")
    b = sub.add_parser("brief", help="run and publish one monthly brief")
    b.add_argument("--month", default=None, help="YYYY-MM (default: the latest month in the data)")
    b.add_argument("--lang", default="zh", help="zh (default) or en")
    b.add_argument("--unit", default=None, help="a territorial unit code, e.g. 430302 (default: the whole city)")
    b.add_argument("--data", default=None, help="data folder (default: the demonstration set)")
    b.add_argument("--reports", default=None, help="reports folder (default: reports/)")
    b.add_argument("--timeout", type=int, default=600, help="seconds allowed per notebook cell")
    b.add_argument("--quiet", action="store_true", help="no progress output (for schedulers)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "data":
            from reformlib.paths import DEMO
            from reformlib.synth import build_demo

            print(build_demo(args.folder or DEMO))
        elif args.command == "brief":
            from reformlib.runner import run_brief

            result = run_brief(args.month, args.lang, args.unit, data=args.data, reports=args.reports,
                               timeout=args.timeout, quiet=args.quiet)
            print(result.html)
    except ReformlibError as exc:
        print(f"reformlib: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
