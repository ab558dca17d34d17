"""Benchmark of publishing a unit brief from its results, without a kernel: CPU seconds per
unit for the figures (:func:`reformlib.briefs.render.draw_figures`), the page
(:func:`~reformlib.briefs.render.write_page`), the memo (``memo.docx``) and the workbook
(``tables.xlsx``), as a batch publishes them one unit after another in one process. Prints
to stdout only; writes into a temporary folder that is removed afterwards.

    .venv/bin/python bench/bench_render.py [--month 2017-12] [--rounds 3] [--national-units 6] [--demo-only] [--pdf]

- the demonstration's unit briefs (its 8 units below the city; the city's brief draws its
  figures with the same functions in its notebook), each published ``--rounds`` times;
- with ``data/national_synthetic.duckdb`` (``python -m reformlib data --national``; SYNTHETIC):
  ``--national-units`` of its 2,850 units (those leading a task first), their results computed
  once by :func:`reformlib.briefs.units.unit_results` (minutes: the month's evaluation of
  every unit), then published like the demonstration's.

Goal for the figures: at most 0.25 CPU-s a unit (both figures), for 2,850 unit briefs in
under 30 minutes on 2 cores with about 1.2 CPU-s a unit for everything published. Then each
unit's whole brief as a batch publishes it (:func:`reformlib.briefs.batch.render_chunk`: its
lock and staging folder, results read and validated once, figures, page, memo, workbook,
manifest, atomic publish; memo.pdf off), CPU seconds a brief; with ``--pdf`` also the memos'
PDFs by LibreOffice (its processes' CPU seconds): one process a memo, as a brief by itself
makes it, against one process for all of them, as a batch makes them
(:func:`reformlib.report.memo_pdf.memo_pdfs`). For
reference the same figures are also drawn as a notebook draws them (new pyplot figures)
and saved cropped (``bbox_inches="tight"``, drawn twice, Pillow's PNG). ``memo.pdf``
(LibreOffice, another process) is not timed. CPU seconds are this process's
(:func:`time.process_time`), printed with the machine's load average: other work on the
machine slows them too.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NATIONAL = ROOT / "data" / "national_synthetic.duckdb"


def _workbook(folder: Path, res: Mapping[str, Any], lang: str) -> None:
    """``tables.xlsx`` as :func:`reformlib.briefs.publish.write_documents` writes it."""
    from reformlib.report.tables import HEADERS, SHEETS, results_tables
    from reformlib.report.workbook import BRIEF_HEADERS, BRIEF_SHEETS, brief_sheets, write_tables

    sheets = {**SHEETS[lang], **BRIEF_SHEETS[lang]}
    frames, formats = brief_sheets(results_tables(res, lang=lang), res, lang=lang)
    write_tables({sheets.get(k, k): v for k, v in frames.items()}, folder / "tables.xlsx", lang=lang,
                 headers={**BRIEF_HEADERS[lang], **HEADERS[lang]},
                 formats={sheets.get(k, k): v for k, v in formats.items()})


def _cropped_figures(folder: Path, res: Mapping[str, Any], lang: str) -> None:
    """The same figures as a notebook draws them: new pyplot figures, saved cropped."""
    import matplotlib
    import matplotlib.pyplot as plt

    from reformlib.briefs import render
    from reformlib.report.figures import save_figure
    from reformlib.report.plots import family_figure, house_style, progress_figure

    with matplotlib.rc_context({**house_style(), "figure.dpi": render.FIGURE_DPI}):
        for fig in res["figures"]:
            if fig["name"] == "task_progress":
                drawn = progress_figure(render._progress_frame(res), lang=lang, month=res["month"])
            else:
                drawn = family_figure(render._family_frame(res), lang=lang, family=fig["name"].removeprefix("family_"),
                                      month=res["month"])
            save_figure(drawn, folder / fig["path"])
            plt.close(drawn)


def publish(results: Mapping[str, Mapping[str, Any]], tmp: Path, *, lang: str, rounds: int) -> dict[str, float]:
    """CPU seconds per unit of each step, over ``rounds`` passes over ``results`` (after one
    unit published to warm the caches)."""
    import matplotlib.pyplot as plt

    from reformlib.briefs import render
    from reformlib.report.memo import write_memo

    steps: dict[str, Callable[[Path, Mapping[str, Any]], object]] = {
        "figures": lambda f, r: render.draw_figures(f, r, lang=lang),
        "page": lambda f, r: render.write_page(f, r, lang=lang),
        "memo.docx": lambda f, r: write_memo(r, f / "memo.docx", lang=lang, base_dir=f),
        "tables.xlsx": lambda f, r: _workbook(f, r, lang),
        "figures as a notebook draws them, cropped (reference)": lambda f, r: _cropped_figures(f, r, lang),
    }
    first = next(iter(results.values()))
    for step in steps.values():  # warm: imports, fonts, caches
        step(tmp / "warm", first)
    spent: dict[str, float] = defaultdict(float)
    # a batch's four steps unit by unit, as it publishes; the reference on its own pass after them
    for names in (list(steps)[:4], list(steps)[4:]):
        for _ in range(rounds):
            for unit, res in results.items():
                folder = tmp / unit
                folder.mkdir(exist_ok=True)
                for name in names:
                    t0 = time.process_time()
                    steps[name](folder, res)
                    spent[name] += time.process_time() - t0
    plt.close("all")
    return {name: seconds / (rounds * len(results)) for name, seconds in spent.items()}


def whole_briefs(results: Mapping[str, Mapping[str, Any]], tmp: Path, *, month: str, lang: str,
                 data: str | None = None) -> float:
    """CPU seconds a brief of publishing every unit's whole brief from ``results`` as a batch
    does (:func:`reformlib.briefs.batch.render_chunk`, memo.pdf off), after one unit warmed up."""
    from reformlib.briefs import units as unit_briefs
    from reformlib.briefs.batch import BriefJob, render_chunk
    from reformlib.briefs.run import UnitsRun

    os.environ["REFORMLIB_MEMO_PDF"] = "off"
    reports = tmp / "reports"
    run = UnitsRun(run_id="bench", folder=reports / ".units" / "bench", units=tuple(results))
    unit_briefs.write_unit_results(results, run.folder / "units")
    jobs = [BriefJob(month, unit, lang) for unit in results]
    render_chunk(jobs[:1], run, data=data, reports=tmp / "warm")
    t0 = time.process_time()
    outcomes = render_chunk(jobs, run, data=data, reports=reports)
    spent = time.process_time() - t0
    failed = [o for o in outcomes if o.status != "published"]
    if failed:
        raise SystemExit(f"{len(failed)} brief(s) failed: {failed[0].detail}")
    return spent / len(jobs)


def pdf_costs(results: Mapping[str, Mapping[str, Any]], tmp: Path, *, lang: str) -> tuple[float, float]:
    """LibreOffice's CPU seconds a memo: one process a memo (three memos), then one process
    for every memo of ``results``."""
    import resource

    from reformlib.report.memo import write_memo
    from reformlib.report.memo_pdf import memo_pdf, memo_pdfs

    def children() -> float:
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        return used.ru_utime + used.ru_stime

    docs = [write_memo(res, tmp / f"{unit}.docx", lang=lang) for unit, res in results.items()]
    (tmp / "one").mkdir()
    t0 = children()
    for doc in docs[:3]:
        memo_pdf(doc, tmp / "one" / f"{doc.stem}.pdf")
    alone = (children() - t0) / len(docs[:3])
    t0 = children()
    made = memo_pdfs(docs, tmp / "all")
    if not all(isinstance(p, Path) for p in made.values()):
        raise SystemExit(f"LibreOffice failed: {next(p for p in made.values() if not isinstance(p, Path))}")
    return alone, (children() - t0) / len(docs)


def report(label: str, per_unit: Mapping[str, float], units: int) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{label} (load average {load})", flush=True)
    own = {k: v for k, v in per_unit.items() if "reference" not in k}
    for name, seconds in per_unit.items():
        print(f"  {name:<56} {seconds:6.3f} CPU-s a unit")
    total = sum(own.values())
    print(f"  {'figures, page, memo.docx and tables.xlsx':<56} {total:6.3f} CPU-s a unit; "
          f"{units:,} units: {total * units / 60:.1f} CPU-minutes")
    figures, reference = per_unit["figures"], per_unit["figures as a notebook draws them, cropped (reference)"]
    print(f"  figures: {figures:.3f} CPU-s a unit, goal <= 0.25: {'met' if figures <= 0.25 else 'NOT met'}; "
          f"{reference / figures:.1f}x faster than drawn as a notebook draws them")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2017-12")
    parser.add_argument("--lang", default="zh", choices=["zh", "en"])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the demonstration's units")
    parser.add_argument("--national-units", type=int, default=6, help="national units published (SYNTHETIC)")
    parser.add_argument("--demo-only", action="store_true", help="leave out the national units")
    parser.add_argument("--pdf", action="store_true", help="time the memos' PDFs by LibreOffice too")
    args = parser.parse_args()

    import reformlib as rl
    from reformlib.briefs import units as unit_briefs
    from reformlib.data.schemas import CITY

    print(f"cores: {os.cpu_count()}  month: {args.month}  lang: {args.lang}"
          + ("" if args.pdf else "  (memo.pdf not timed)"))
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        tmp = Path(tmp)
        data = unit_briefs.month_inputs(None, args.month)
        table = data["units"]
        codes = [u for u in table.loc[table["territorial"].astype(bool), "unit"] if u != CITY]
        results = unit_briefs.unit_results(data, args.month, lang=args.lang, units=codes, reference=rl.load_reference())
        (tmp / "demo").mkdir()
        report(f"the demonstration's {len(results)} unit briefs, {args.rounds} rounds",
               publish(results, tmp / "demo", lang=args.lang, rounds=args.rounds), len(results))
        (tmp / "whole").mkdir()
        whole = whole_briefs(results, tmp / "whole", month=args.month, lang=args.lang)
        print(f"  {'a whole brief as a batch publishes it (memo.pdf off)':<56} {whole:6.3f} CPU-s a brief; "
              f"2,850 briefs: {whole * 2850 / 60:.1f} CPU-minutes")
        if args.pdf:
            (tmp / "pdf").mkdir()
            alone, together = pdf_costs(results, tmp / "pdf", lang=args.lang)
            print(f"  {'memo.pdf, one LibreOffice process a memo':<56} {alone:6.3f} CPU-s a memo")
            print(f"  {f'memo.pdf, one LibreOffice process for {len(results)} memos':<56} {together:6.3f} CPU-s a memo")
        if args.demo_only:
            return
        if not NATIONAL.exists():
            print(f"\nno {NATIONAL.relative_to(ROOT)}: national units left out "
                  "(build it with `python -m reformlib data --national`)")
            return
        t0 = time.perf_counter()
        data = unit_briefs.month_inputs(NATIONAL, args.month)
        leading = set(data["tasks"]["lead_unit"].astype(str))
        table = data["units"]
        every = [u for u in table.loc[table["territorial"].astype(bool), "unit"] if u != CITY]
        chosen = ([u for u in every if u in leading] + [u for u in every if u not in leading])[:args.national_units]
        results = unit_briefs.unit_results(data, args.month, lang=args.lang, units=chosen,
                                           reference=rl.load_reference())
        print(f"\nSYNTHETIC national panel: {len(every):,} units; the results of {len(chosen)} of them computed in "
              f"{time.perf_counter() - t0:.0f} s")
        (tmp / "national").mkdir()
        report(f"{len(chosen)} national unit briefs (of {len(every):,})",
               publish(results, tmp / "national", lang=args.lang, rounds=1), len(every))


if __name__ == "__main__":
    main()
