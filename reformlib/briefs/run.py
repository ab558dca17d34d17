"""Running a brief (publication step: template notebooks -> executed notebooks): validate
parameters, take the brief's lock, execute the notebooks with papermill in a staging folder
(:mod:`reformlib.briefs.notebooks`), check everything, make the documents
(:mod:`reformlib.briefs.publish`) and publish the whole brief in one atomic step
(:mod:`reformlib.briefs.store`) — or keep the failure aside. Follows the papermill practice of
report portfolios (one executed copy per run).

What can go wrong, and what is done about it (see PIPELINE.md):
- papermill's ``-p`` guesses types (``007`` becomes 7): parameters go through its Python
  API, as strings, after being checked against each notebook's declared parameters.
- papermill writes the output notebook after every cell, and even when the kernel is
  missing: every run executes into ``<brief folder>/staging/<run-id>/`` and only a run
  whose every check passes becomes ``versions/<run-id>/``, pointed to by ``current``;
  the previous brief stays published until that one step.
- A per-cell timeout leaves cells marked completed: success is judged by the exception
  papermill raised, the notebook metadata (end time set, no failed/running/pending cell)
  and the run's own ``results.json``, never by the notebook alone.
- A failed run is moved to ``<folder>/failed/<run-id>/`` with its notebook, ``run.log``
  (papermill's log, the cells' output, the traceback), ``error.txt`` and a manifest of
  status ``failed`` (``interrupted`` after Ctrl-C); one :class:`RunError` names, in one
  line, the notebook, the cell and the error. Writing that record may fail (a full disk):
  the sentence says so and still comes back.
- Two runs of one brief never overlap: the brief's ``flock`` is held for the whole run
  (:func:`reformlib.briefs.store.brief_lock`), and a run that died is found by the next one
  that takes the lock.
- papermill's ``cwd`` changes the process's directory: one run per process at a time. A
  batch (:mod:`reformlib.briefs.batch`) runs the briefs of a month one after another on one
  kept kernel (:class:`~reformlib.briefs.notebooks.BriefKernel`), each through
  :func:`publish_brief`, the same step as a single run: its own staging folder, executed
  notebook, checks, documents, manifest and atomic publish, or its failure kept aside.
- The HTML uses nbconvert's ``basic`` template inside a page of our own: figures embedded,
  no script, style or font fetched from the internet, code hidden.
- A unit's brief (:func:`publish_unit`) is computed by ``units.ipynb`` (:func:`compute_units`),
  once for every unit of a batch of one month and language or for the one unit of a single
  run, into ``<reports>/.units/<run-id>/``; the brief holds that executed notebook (a hard
  link) as its record, its own ``results.json``, and the page, figures, memo and workbook
  drawn from those results (:mod:`reformlib.briefs.render`), staged, checked and published
  by the same steps. A store is given to it as the store (:func:`data_source`: read by SQL,
  only the months needed), never as a folder of its whole panel.

Where a brief goes (:func:`brief_folder`): ``reports/<month>/`` for the whole city,
``reports/<month>/<unit>/`` for one unit, and an ``en/`` folder below either for English;
readers open ``current/brief.html`` in it, or start from ``reports/index.html``, rewritten
after every publish (:mod:`reformlib.briefs.index`). A brief's page links to the index and
between the city's and the units' briefs of its month; its ``memo.pdf`` is made when
LibreOffice is installed, and the manifest's ``documents`` says why when it is not.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reformlib.briefs import index, publish
from reformlib.briefs.form import MONTH, check_lang, check_month, check_timeout
from reformlib.briefs.freshness import brief_inputs
from reformlib.briefs.notebooks import (
    BRIEF_NOTEBOOKS,
    KERNEL,
    UNIT_NOTEBOOKS,
    BriefKernel,
    check_executed,
    check_parameters,
    execute,
    failure_cause,
    kernel_available,
    notebook_timings,
)
from reformlib.briefs.store import CURRENT, brief_lock, new_staging, promote, recover
from reformlib.data.dataset import is_store
from reformlib.data.months import data_months, data_units
from reformlib.data.paths import DEMO, NOTEBOOKS, data_folder, reports_folder
from reformlib.data.schemas import CITY, unit_code
from reformlib.errors import DataValidationError, ParameterError, Problem, RunError, SetupError
from reformlib.provenance import code_version

__all__ = ["BRIEF_NOTEBOOKS", "UNIT_NOTEBOOKS", "BriefParams", "DataFacts", "RunResult", "UnitsRun", "available_months",
           "brief_folder", "check_executed", "check_timeout", "compute_units", "data_facts", "data_source", "publish_brief",
           "prepare_memos", "publish_unit", "remove_run", "run_brief", "templates_for", "templates_of", "unit_refusal", "validate_params"]


@dataclass(frozen=True)
class BriefParams:
    """Validated parameters of one brief run."""

    month: str
    lang: str
    unit: str
    data_dir: str
    reports_dir: str = ""

    def as_notebook_parameters(self) -> dict[str, str]:
        """What the notebook gets: the data folder reaches the kernel through
        ``REFORMLIB_DATA``, and the reports folder (where the brief finds the one published
        before it) is given relative to the run's folder, so that no machine path is written
        into the executed notebook."""
        return {"month": self.month, "lang": self.lang, "unit": self.unit, "data_dir": "", "reports_dir": self.reports_dir}

    def key(self) -> dict[str, str]:
        """The parameters a published brief is made from (its data: by the files' hashes)."""
        return {"month": self.month, "lang": self.lang, "unit": self.unit}


@dataclass(frozen=True)
class RunResult:
    """A published brief: its folder, files and the manifest that describes the run."""

    folder: Path
    html: Path
    manifest: dict = field(repr=False)
    version: Path | None = None


def available_months(data: str | os.PathLike | None = None) -> list[str]:
    """Months with observations in the data set (a store: by SQL on its panel; a folder: the
    panel file's ``period`` column alone); a file that cannot be read, or a period that is not
    a month written exactly ``YYYY-MM``, raises :class:`DataValidationError` naming the file."""
    source = Path(data) if data is not None else Path(os.environ.get("REFORMLIB_DATA") or DEMO)
    if is_store(source) and source.exists():
        return data_months(source)
    folder = data_folder(data)
    path = folder / "observations.parquet"
    if not path.exists():
        if (folder / "observations.csv").exists():
            from reformlib.data.io import load_observations

            return sorted(load_observations(folder)["period"].astype(str).unique())
        raise SetupError(f"{path} does not exist; build the demonstration data with `make data`.")
    try:
        periods = pd.read_parquet(path, columns=["period"])["period"]
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many kinds for a damaged file
        cause = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataValidationError(path, [Problem(None, "period", f"cannot be read as Parquet: {cause}")]) from None
    values = periods.astype(str).unique()
    bad = [v for v in values if not MONTH.fullmatch(v)]
    if bad:
        raise DataValidationError(path, [Problem(None, "period", "must be a month written YYYY-MM", v) for v in bad[:20]])
    return sorted(values)


@dataclass(frozen=True)
class DataFacts:
    """What checking a brief's parameters needs to know of a data set, read once (a batch
    checks every job against one reading): its months and its territorial units."""

    months: tuple[str, ...]
    units: tuple[str, ...]
    #: where the units come from, for messages
    source: str


def data_facts(data: str | os.PathLike | None = None, *, months: list[str] | None = None) -> DataFacts:
    """The months (:func:`available_months`, unless given) and the territorial units (the
    data's ``units`` table, in its order) of a data set."""
    path = Path(data) if data is not None else Path(os.environ.get("REFORMLIB_DATA") or DEMO)
    months = available_months(data) if months is None else months
    units = data_units(path)
    source = f"the store {path}" if is_store(path) else f"{data_folder(path) / 'units.csv'}"
    return DataFacts(months=tuple(months), units=tuple(units.loc[units["territorial"], "unit"]), source=source)


def unit_refusal(unit: object, facts: DataFacts) -> str:
    """Why ``unit`` is not a territorial unit of the data, naming the data and a few codes."""
    some = ", ".join(facts.units[:5]) + (", ..." if len(facts.units) > 5 else "")
    return (f"one of the {len(facts.units)} territorial units of {facts.source} ({some}), got {unit!r}"
            if facts.units else f"a territorial unit of {facts.source}, which has none (units.territorial), got {unit!r}")


def validate_params(month: str | None = None, lang: str = "zh", unit: str | int | None = None, *,
                    data: str | os.PathLike | None = None, facts: DataFacts | None = None) -> BriefParams:
    """Check a brief's parameters before anything runs; raise :class:`ParameterError` if bad.

    ``month`` is exactly ``YYYY-MM`` within the data (default: the latest), ``lang`` zh or
    en, ``unit`` a code of a territorial unit of the data (its ``units`` table), text or int
    (default, or ``430300``: the whole city); no value may hold a line break or other
    control character. ``facts``: the data's months and units when already read
    (:func:`data_facts`), as a batch passes them for every job.
    """
    months = list(facts.months) if facts is not None else available_months(data)
    if month is None:
        month = months[-1]
    check_month(month)
    if month not in months:
        raise ParameterError(f"month {month} is outside the data ({months[0]} to {months[-1]})")
    check_lang(lang)
    try:
        code = None if unit is None else unit_code(unit)
    except ParameterError:
        code = "?"
    if isinstance(unit, str) and any(not ch.isprintable() for ch in unit):
        code = "?"
    if code is not None and facts is None:
        facts = data_facts(data, months=months)
    if code is not None and code not in facts.units:
        raise ParameterError(f"unit must be {unit_refusal(unit, facts)}")
    unit = "" if code in (None, CITY) else code
    return BriefParams(month=month, lang=lang, unit=unit, data_dir=data_source(data) if unit else str(data_folder(data).resolve()))


def data_source(data: str | os.PathLike | None = None) -> str:
    """The data as a unit brief reads them (:func:`compute_units`): a store itself (read by SQL,
    only the months a brief needs), else the data folder; absolute. (The city's brief reads a
    store through the folder of its current tables, :func:`reformlib.data.paths.data_folder`.)"""
    path = Path(data) if data not in (None, "") else Path(os.environ.get("REFORMLIB_DATA") or DEMO)
    return str(path.resolve()) if is_store(path) else str(data_folder(path).resolve())


def brief_folder(params: BriefParams, reports: str | os.PathLike | None = None) -> Path:
    """Where a brief is published: ``<reports>/<month>[/<unit>][/en]``."""
    folder = reports_folder(reports) / params.month
    folder = folder / params.unit if params.unit else folder
    return folder / "en" if params.lang == "en" else folder


def templates_of(notebook_dir: str | os.PathLike | None = None,
                 notebooks: tuple[str, ...] = BRIEF_NOTEBOOKS) -> list[Path]:
    """The template notebooks of a brief, in order."""
    return [Path(notebook_dir or NOTEBOOKS) / n for n in notebooks]


def templates_for(unit: str, notebook_dir: str | os.PathLike | None = None) -> list[Path]:
    """The template notebooks a brief is made from: the city's (``unit`` empty)
    :data:`BRIEF_NOTEBOOKS`, a unit's :data:`UNIT_NOTEBOOKS`."""
    return templates_of(notebook_dir, UNIT_NOTEBOOKS if unit else BRIEF_NOTEBOOKS)


def _reports_parameter(root: Path, staging: Path) -> str:
    """The reports folder ``root`` as the notebook gets it: relative to the run's folder (the
    kernel's working folder), with no control character."""
    text = os.path.relpath(root.resolve(), staging.resolve())
    if any(not ch.isprintable() for ch in text):
        raise ParameterError(f"the reports folder must be a path without control characters, got {str(root)!r}")
    return text


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, file=sys.stderr, flush=True)  # noqa: T201 (the command line's progress lines)


class _Failure(Exception):
    """A failed step, already said in words."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}".rstrip(": ")


@contextlib.contextmanager
def _kept_aside_on_failure(staging: Path, what: str, manifest: dict, *, started: float | None = None) -> Iterator[None]:
    """The steps of one brief in its staging folder, then the manifest written as published.
    A failed step, Ctrl-C or any other error (a full disk, a read-only folder, ...) keeps the
    run aside in ``failed/`` with its manifest (:func:`reformlib.briefs.publish.keep_failed`)
    and ends in one sentence; the published brief is never touched. ``started``: when the
    brief's run began (``timings_seconds.total`` counts from it; default: now)."""
    started = time.perf_counter() if started is None else started
    try:
        yield
        manifest["timings_seconds"]["total"] = round(time.perf_counter() - started, 2)
        manifest.update(status="published", published_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat())
        publish.write_manifest(staging, manifest)
        publish.uniform_modes(staging)
    except _Failure as failure:
        raise publish.keep_failed(staging, f"{what}: {failure}", manifest) from None
    except KeyboardInterrupt:
        failed = publish.keep_failed(staging, f"{what}: interrupted by Ctrl-C", manifest, status="interrupted",
                                     detail=traceback.format_exc())
        raise KeyboardInterrupt(str(failed)) from None
    except Exception as exc:  # noqa: BLE001 - a full disk, a read-only folder, ...
        raise publish.keep_failed(staging, f"{what}: {_first_line(exc)}", manifest,
                                  detail=traceback.format_exc()) from None


def _build(staging: Path, params: BriefParams, templates: list[Path], *, what: str, timeout: int, quiet: bool,
           timings: dict, documents: dict, nav: str = "", kernel: BriefKernel | None = None,
           issued: dt.date | None = None) -> None:
    """Execute the notebooks into ``staging`` and make every document there; raise
    :class:`_Failure` naming the step (notebook and cell) that failed."""
    nb_params = params.as_notebook_parameters()
    for i, template in enumerate(templates, start=1):
        out = staging / "notebooks" / template.name
        _say(quiet, f"[{i}/{len(templates)}] {template.name}: {what}")
        t0 = time.perf_counter()
        try:
            execute(template, out, nb_params, cwd=staging, timeout=timeout, progress=not quiet, log=staging / "run.log",
                    data_dir=params.data_dir, quiet=quiet, kernel=kernel)
        except Exception as exc:  # noqa: BLE001 - every failure of a notebook is reported the same way
            raise _Failure(f"notebook {template.name} failed in {failure_cause(exc, out, timeout=timeout)}") from None
        timings[template.name] = notebook_timings(out, time.perf_counter() - t0)
        problems = check_executed(out)
        if problems:
            raise _Failure(f"notebook {template.name}: {'; '.join(problems)}")
    step = "checking results.json"
    try:
        from reformlib.report.results import read_results

        read_results(staging / "results.json")
        step = "checking the figures"
        missing = publish.check_figures(staging)
        if missing:
            raise RunError("; ".join(missing))
        step, t0 = "making brief.html", time.perf_counter()
        publish.to_html([staging / "notebooks" / t.name for t in templates], staging / "brief.html",
                        title=publish.page_title(params.month, params.lang), lang=params.lang, nav=nav)
        timings["html"] = round(time.perf_counter() - t0, 2)
        step, t0 = "making memo.docx, memo.pdf and tables.xlsx", time.perf_counter()
        documents.update(publish.write_documents(staging, lang=params.lang, issued=issued))
        timings["documents"] = round(time.perf_counter() - t0, 2)
    except Exception as exc:  # noqa: BLE001
        raise _Failure(f"{step} failed: {_first_line(exc)}") from None
    _check_outputs(staging, documents, quiet=quiet)


def _check_outputs(staging: Path, documents: dict, *, quiet: bool) -> None:
    """Every expected output of the run in ``staging`` is there (a memo PDF not made is said
    and recorded); else :class:`_Failure` naming what is missing."""
    if not documents.get("memo.pdf", {}).get("made", True):
        _say(quiet, f"memo.pdf not made: {documents['memo.pdf']['reason']} (recorded in manifest.json)")
    missing = publish.check_outputs(staging, documents)
    if missing:
        raise _Failure(f"incomplete outputs: {'; '.join(missing)}")


def _promote(lock, staging: Path, *, what: str, manifest: dict) -> Path:
    """Promote the checked run in ``staging`` to the brief's current version; a failure keeps
    it aside (or, with nothing left to keep, leaves the published brief unchanged)."""
    try:
        return promote(lock, staging)
    except OSError as exc:
        if staging.exists():
            raise publish.keep_failed(staging, f"{what}: publishing failed: {_first_line(exc)}", manifest) from None
        raise RunError(f"{what}: publishing failed: {_first_line(exc)}; the published brief is unchanged") from None


def _published(target: Path, version: Path, manifest: dict, *, reports: str | os.PathLike | None, quiet: bool,
               update_index: bool) -> RunResult:
    """Say where the brief went, refresh the reports' index (after the brief's lock is let go)."""
    current = target / CURRENT
    _say(quiet, f"published {current / 'brief.html'} ({manifest['timings_seconds']['total']:.1f} s)")
    trouble = index.update_index(reports) if update_index else None
    if trouble:
        print(f"reformlib: {trouble}", file=sys.stderr, flush=True)  # noqa: T201 - the brief is published all the same
    return RunResult(folder=current, html=current / "brief.html", manifest=manifest, version=version)


def run_brief(month: str | None = None, lang: str = "zh", unit: str | None = None, *,
              data: str | os.PathLike | None = None, reports: str | os.PathLike | None = None,
              notebooks: tuple[str, ...] = BRIEF_NOTEBOOKS, notebook_dir: str | os.PathLike | None = None,
              timeout: int = 600, quiet: bool = False, wait: bool = False,
              memo_date: str | None = None, kernel: BriefKernel | None = None) -> RunResult:
    """Run and publish one brief; return where it went. Raises :class:`RunError` on failure
    (one line: the step, notebook and cell, and where the failed run is kept).

    ``notebooks`` are template names in ``notebook_dir`` (default ``notebooks/``), executed in
    order into one page; ``timeout`` is the limit per cell in seconds (positive). The
    brief's lock is held for the whole run: if another run of the same brief holds it,
    wait for it (``wait``) or raise :class:`RunError` at once. Unless ``quiet``, a progress
    bar shows each notebook's cells as they run (on stderr). Ctrl-C keeps the run in
    ``failed/`` and raises :class:`KeyboardInterrupt` with that sentence. ``memo_date``
    (YYYY-MM-DD, not before the end of the month reported): the day the memo is issued, for a
    memo issued again or dated ahead; by default it is dated the day it is made. ``kernel``:
    run the notebooks on that kernel (:class:`~reformlib.briefs.notebooks.BriefKernel`, started
    early by the command line while it checks) instead of one of their own; the caller closes it.
    """
    check_timeout(timeout)
    params = validate_params(month, lang, unit, data=data)
    issued = None
    if memo_date is not None:
        from reformlib.report.memo import memo_date as checked_date

        issued = checked_date(memo_date, params.month)
    if params.unit and notebooks == BRIEF_NOTEBOOKS:  # a unit's brief: units.ipynb for that one unit
        template = templates_for(params.unit, notebook_dir)[0]
        check_parameters(template, units_parameters(params.month, params.lang, [params.unit]))
        kernel_available()
        return publish_unit(params, lambda: compute_units(params.month, params.lang, [params.unit], data=params.data_dir,
                                                          reports=reports, template=template, timeout=timeout,
                                                          quiet=quiet, kernel=kernel),
                            template=template, reports=reports, quiet=quiet, wait=wait, issued=issued)
    templates = templates_of(notebook_dir, notebooks)
    for nb in templates:
        check_parameters(nb, params.as_notebook_parameters())
    kernel_available()
    return publish_brief(params, templates, reports=reports, timeout=timeout, quiet=quiet, wait=wait, issued=issued,
                         kernel=kernel)


def publish_brief(params: BriefParams, templates: list[Path], *, reports: str | os.PathLike | None = None,
                  timeout: int = 600, quiet: bool = False, wait: bool = False, inputs: dict | None = None,
                  kernel: BriefKernel | None = None, update_index: bool = True,
                  issued: dt.date | None = None) -> RunResult:
    """Run and publish the brief of checked ``params`` (:func:`validate_params`; the
    ``templates`` checked against them by :func:`check_parameters`): the step
    :func:`run_brief` and a batch (:mod:`reformlib.briefs.batch`) share. ``inputs``: the
    brief's inputs (:func:`reformlib.briefs.freshness.brief_inputs`) when already read for
    the batch; ``kernel``: run the notebooks on that kept kernel instead of one each;
    ``update_index``: rewrite the reports' index after publishing (a batch does it once);
    ``issued``: the memo's date (recorded in the manifest as ``memo_date``), else the day it is made."""
    target = brief_folder(params, reports)
    what = f"brief {params.month}{' ' + params.unit if params.unit else ''} ({params.lang})"
    with brief_lock(target, wait=wait, name=what) as lock:
        recover(lock)
        run_id = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")[:-3] + f"-{uuid.uuid4().hex[:6]}"
        staging = new_staging(lock, run_id)
        params = dataclasses.replace(params, reports_dir=_reports_parameter(reports_folder(reports), staging))
        inputs = inputs if inputs is not None else brief_inputs(params.data_dir, templates)
        manifest = {"run_id": run_id, "status": "running", "parameters": params.key(),
                    "data": publish.shown(params.data_dir), "inputs": inputs, "input_hashes": inputs["data"],
                    "code_version": code_version(templates), "packages": inputs["packages"], "kernel": KERNEL,
                    "timings_seconds": {}, "documents": {}, **({"memo_date": issued.isoformat()} if issued else {})}
        with _kept_aside_on_failure(staging, what, manifest):
            _build(staging, params, templates, what=what, timeout=timeout, quiet=quiet, timings=manifest["timings_seconds"],
                   documents=manifest["documents"],
                   nav=index.navigation(reports, params.month, params.unit, params.lang), kernel=kernel, issued=issued)
        version = _promote(lock, staging, what=what, manifest=manifest)
    return _published(target, version, manifest, reports=reports, quiet=quiet, update_index=update_index)


# ------------------------------------------------------------------- unit briefs, computed once
@dataclass(frozen=True)
class UnitsRun:
    """One run of ``units.ipynb`` (:func:`compute_units`) for a month and language: its
    folder (``<reports>/.units/<run-id>/``, on the reports' file system so that every worker
    reads it), the executed notebook, its ``run.log``, the folder of the units' results
    (``<unit>.json``) and, when it failed, ``error`` (one line naming the cell)."""

    run_id: str
    folder: Path
    units: tuple[str, ...]
    error: str = ""
    timings: dict = field(default_factory=dict, compare=False)
    #: stopped by Ctrl-C: each of its briefs is kept as interrupted, and the interruption goes on
    interrupted: bool = False

    @property
    def notebook(self) -> Path:
        return self.folder / "notebooks" / UNIT_NOTEBOOKS[0]

    @property
    def log(self) -> Path:
        return self.folder / "run.log"

    def results(self, unit: str) -> Path:
        return self.folder / "units" / f"{unit}.json"


def units_parameters(month: str, lang: str, units: list[str], *, reports_dir: str = "") -> dict[str, str]:
    """What ``units.ipynb`` gets: the data reach the kernel through ``REFORMLIB_DATA``; the
    reports folder relative to the run's folder; the units' codes separated by commas."""
    return {"month": month, "lang": lang, "units": ",".join(units), "data_dir": "", "reports_dir": reports_dir,
            "out_dir": "units"}


def compute_units(month: str, lang: str, units: list[str], *, data: str | os.PathLike, template: Path,
                  reports: str | os.PathLike | None = None, timeout: int = 600, quiet: bool = True,
                  kernel: BriefKernel | None = None) -> UnitsRun:
    """Execute ``template`` (``units.ipynb``) once with papermill for ``units`` (checked
    codes) of ``month`` in ``lang``, into ``<reports>/.units/<run-id>/``; the run's
    ``error`` says which cell failed, if one did (nothing is raised; Ctrl-C makes it
    ``interrupted``). ``data``: the checked
    data source (:func:`data_source`). The limit per cell is ``timeout`` plus 2 s per unit (the
    cell that computes every unit's results grows with their number). ``kernel``: run it on that
    kept kernel instead of one of its own."""
    root = reports_folder(reports)
    run_id = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")[:-3] + f"-{uuid.uuid4().hex[:6]}"
    folder = root / ".units" / run_id
    (folder / "notebooks").mkdir(parents=True)
    run = UnitsRun(run_id=run_id, folder=folder, units=tuple(units))
    params = units_parameters(month, lang, list(units), reports_dir=_reports_parameter(root, folder))
    limit = timeout + 2 * len(units)
    _say(quiet, f"{template.name}: {len(units)} unit(s) of {month} ({lang})")
    t0 = time.perf_counter()
    try:
        execute(template, run.notebook, params, cwd=folder, timeout=limit, progress=not quiet, log=run.log, data_dir=data,
                quiet=quiet, kernel=kernel)
    except KeyboardInterrupt:
        return dataclasses.replace(run, error=f"notebook {template.name} interrupted by Ctrl-C", interrupted=True)
    except Exception as exc:  # noqa: BLE001 - every failure of the notebook is reported the same way
        return dataclasses.replace(run, error=f"notebook {template.name} failed in {failure_cause(exc, run.notebook, timeout=limit)}")
    run.timings[template.name] = notebook_timings(run.notebook, time.perf_counter() - t0)
    problems = check_executed(run.notebook)
    if problems:
        return dataclasses.replace(run, error=f"notebook {template.name}: {'; '.join(problems)}")
    return run


def remove_run(run: UnitsRun) -> None:
    """Remove a run's folder once its briefs are published (each holds its own copy), and
    ``.units/`` when no other run is left in it."""
    import shutil

    shutil.rmtree(run.folder, ignore_errors=True)
    try:
        run.folder.parent.rmdir()
    except OSError:  # another run's folder is there, or it is gone already
        pass


def _link(source: Path, target: Path) -> None:
    """``target`` as a hard link to ``source`` (a copy where the file system has none)."""
    import shutil

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def prepare_memos(run: UnitsRun, units: list[str], folder: Path, *, lang: str) -> dict[str, publish.PreparedMemo]:
    """The memos of ``units``' briefs made from ``run``'s results into ``folder`` (which must
    be empty or new) and converted to PDF by ONE LibreOffice process
    (:func:`reformlib.report.memo_pdf.memo_pdfs`): per unit, the memo and its PDF or the
    reason it has none, for :func:`publish_unit` to copy into the unit's brief. A unit whose
    memo cannot be made here is left out (its brief makes it, or fails, on its own). Nothing
    is prepared without results, with the PDF turned off
    (:data:`reformlib.briefs.publish.MEMO_PDF_SWITCH`) or for fewer than two units."""
    from reformlib.report.memo import write_memo
    from reformlib.report.memo_pdf import memo_pdfs

    if run.error or run.interrupted or len(units) < 2 or publish.memo_pdf_off():
        return {}
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    for i, unit in enumerate(units):
        try:
            results = json.loads(run.results(unit).read_text(encoding="utf-8"))
            made[unit] = write_memo(results, folder / f"{i:06d}.docx", lang=lang)
        except Exception:  # noqa: BLE001 - the unit's own brief makes its memo again and says what failed
            continue
    pdfs = memo_pdfs(list(made.values()), folder / "pdf")
    return {unit: publish.PreparedMemo(docx, pdf=pdfs[docx] if isinstance(pdfs[docx], Path) else None,
                                       reason="" if isinstance(pdfs[docx], Path) else str(pdfs[docx]))
            for unit, docx in made.items()}


def _ready_to_publish(data_dir: str, template: Path, inputs: dict | None) -> None:
    """On a thread of its own while a brief's kernel computes: the brief's inputs into
    ``inputs`` unless None (:func:`~reformlib.briefs.freshness.brief_inputs`: hashing the data, a
    store's gigabyte included, releases the interpreter's lock) and
    :func:`reformlib.briefs.render.warm_up` (imports, fonts); a failure here is met again by the
    publishing step, which says so."""
    try:
        if inputs is not None:
            inputs.update(brief_inputs(data_dir, [template]))
        from reformlib.briefs import render

        render.warm_up()
    except Exception:  # noqa: BLE001, S110 - only a head start: publishing does the same work and reports
        pass


def publish_unit(params: BriefParams, run, *, template: Path, reports: str | os.PathLike | None = None,
                 quiet: bool = False, wait: bool = False, inputs: dict | None = None,
                 update_index: bool = True, memo: publish.PreparedMemo | None = None,
                 code: str | None = None, issued: dt.date | None = None) -> RunResult:
    """Publish the brief of one unit (checked ``params``) from a run of ``units.ipynb``
    (:class:`UnitsRun`, or a function making it, called once the brief's lock is held: a
    single run holds the lock for the whole run): in its own staging folder, the executed
    notebook of the run (a hard link; the record of every unit of the run), ``run.log``, the
    unit's ``results.json``, its figures and page drawn from the results
    (:mod:`reformlib.briefs.render`), memo and workbook, manifest, atomic publish; or the
    failure kept in ``failed/`` (:class:`RunError`). ``inputs``: as for :func:`publish_brief`;
    ``memo``: the unit's memo made already from the same results (:func:`prepare_memos`);
    ``code``: the code's version (:func:`reformlib.provenance.code_version` of ``template``)
    when a batch has hashed it already (the source it runs is the one it imported); ``issued``:
    the memo's date (recorded in the manifest as ``memo_date``), else the day it is made.
    The brief's ``results.json`` is read and validated once; everything is drawn from that reading."""
    import shutil

    from reformlib.briefs import render
    from reformlib.report.results import read_results

    target = brief_folder(params, reports)
    what = f"brief {params.month} {params.unit} ({params.lang})"
    with brief_lock(target, wait=wait, name=what) as lock:
        recover(lock)
        started = time.perf_counter()
        if callable(run):  # the kernel computes while this process readies itself to publish
            read = {} if inputs is None else None
            ready = threading.Thread(target=_ready_to_publish, args=(params.data_dir, template, read),
                                     name="reformlib-ready-to-publish", daemon=True)
            ready.start()
            run = run()
            ready.join()
            inputs = inputs if inputs is not None else read or None  # read there, else below
        run_id = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")[:-3] + f"-{uuid.uuid4().hex[:6]}"
        staging = new_staging(lock, run_id)
        params = dataclasses.replace(params, reports_dir=_reports_parameter(reports_folder(reports), staging))
        inputs = inputs if inputs is not None else brief_inputs(params.data_dir, [template])
        manifest = {"run_id": run_id, "status": "running", "parameters": params.key(),
                    "data": publish.shown(params.data_dir), "inputs": inputs, "input_hashes": inputs["data"],
                    "code_version": code or code_version([template]), "packages": inputs["packages"], "kernel": KERNEL,
                    "computed_by": {"notebook": f"notebooks/{template.name}", "run_id": run.run_id,
                                    "units": len(run.units)},
                    "timings_seconds": dict(run.timings), "documents": {},
                    **({"memo_date": issued.isoformat()} if issued else {})}
        timings, documents = manifest["timings_seconds"], manifest["documents"]
        try:
            with _kept_aside_on_failure(staging, what, manifest, started=started):
                if run.notebook.is_file():
                    _link(run.notebook, staging / "notebooks" / template.name)
                if run.log.is_file():
                    shutil.copyfile(run.log, staging / "run.log")
                if run.interrupted:
                    raise KeyboardInterrupt
                if run.error:
                    raise _Failure(run.error)
                step = "checking results.json"
                try:
                    if not run.results(params.unit).is_file():
                        raise RunError(f"{run.notebook.name} wrote no results for {params.unit}")
                    shutil.copyfile(run.results(params.unit), staging / "results.json")
                    # written by units.ipynb (briefs.units.write_unit_results), copied as it is and
                    # validated here once: the page, figures, memo and workbook are drawn from this reading
                    results = read_results(staging / "results.json", fast=True)
                    if (results.get("unit"), results.get("month"), results.get("lang")) != (params.unit, params.month, params.lang):
                        raise RunError(f"results.json is of {results.get('month')} {results.get('unit')} ({results.get('lang')})")
                    step, t0 = "drawing the figures", time.perf_counter()
                    render.draw_figures(staging, results, lang=params.lang)
                    missing = publish.check_figures(staging)
                    if missing:
                        raise RunError("; ".join(missing))
                    step = "making brief.html"
                    render.write_page(staging, results, lang=params.lang,
                                      nav=index.navigation(reports, params.month, params.unit, params.lang))
                    timings["html"] = round(time.perf_counter() - t0, 2)
                    step, t0 = "making memo.docx, memo.pdf and tables.xlsx", time.perf_counter()
                    documents.update(publish.write_documents(staging, lang=params.lang, results=results, memo=memo,
                                                             issued=issued))
                    timings["documents"] = round(time.perf_counter() - t0, 2)
                except Exception as exc:  # noqa: BLE001
                    raise _Failure(f"{step} failed: {_first_line(exc)}") from None
                _check_outputs(staging, documents, quiet=quiet)
        finally:
            if len(run.units) == 1 and run.units[0] == params.unit:  # a run of this brief alone: nothing else reads it
                remove_run(run)
        version = _promote(lock, staging, what=what, manifest=manifest)
    return _published(target, version, manifest, reports=reports, quiet=quiet, update_index=update_index)
