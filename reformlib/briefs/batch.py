"""Running many briefs (publication step: the due briefs of a schedule -> published briefs):
the units' briefs of a month computed once and drawn from their results, the city's on one
kept kernel, in chunks spread over processes of this machine or over the workers of a Dask
distributed cluster.

Unit briefs: the unit jobs of one month and language are computed by ONE papermill run of
``units.ipynb`` (:func:`reformlib.briefs.run.compute_units`, in this process): the month's
city-wide results (the evaluation with its rank uncertainty, the month before's, the early
warning's ranked list) once, every unit's own sections from its own rows
(:mod:`reformlib.briefs.units`), each unit's ``results.json`` written beside the executed
notebook. Then each unit's brief is published by :func:`render_chunk` through
:func:`reformlib.briefs.run.publish_unit`: its own lock and staging folder, the executed
notebook as its record (a hard link), its results, figures and page drawn from the results
(:mod:`reformlib.briefs.render`), memo and workbook, manifest and atomic publish, or the
failure kept in ``failed/``; no kernel per unit. A unit brief made alone
(``python -m reformlib brief --unit X``) goes the same way with one unit, so it is the same
brief apart from timestamps and its record.

City briefs: a chunk (:func:`run_chunk`) opens one
:class:`~reformlib.briefs.notebooks.BriefKernel` and publishes its briefs (``brief.ipynb``)
on it one after another, each through :func:`reformlib.briefs.run.publish_brief`, the step
a single run takes (the kernel reset out of the record before each notebook). A cell that
raises fails its brief only; a kernel that died is started again for the next brief.

:func:`chunks` cuts the jobs into runs of one month, as many per month as there are
workers. :func:`run_jobs` runs them: in this process with one worker, in that many
processes of this machine otherwise, or on a Dask cluster (``scheduler``: an address
``tcp://host:port`` of a running scheduler, or ``local`` for a
``distributed.LocalCluster`` of ``workers`` processes started for the batch). Every worker
publishes into the same reports folder (the units' computed results wait in
``<reports>/.units/<run-id>/`` until their briefs are published): on a cluster of several
machines that folder, the data, the notebooks and the environment (this package and its
pinned libraries, the ``reformlib`` kernel) must be the same paths on every machine (a
shared file system whose ``flock`` works, for the briefs' locks). ``distributed`` is
imported only when a scheduler is named.
"""
from __future__ import annotations

import math
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# a worker process (of the pool or of a Dask cluster) imports this module first: like the
# command line, it goes without jsonschema's optional IRI checker, whose grammar parsers cost
# seconds at import and which no schema of reformlib uses
sys.modules.setdefault("rfc3987_syntax", None)

from reformlib.briefs.freshness import brief_inputs  # noqa: E402
from reformlib.briefs.notebooks import BriefKernel, check_parameters, kernel_available  # noqa: E402
from reformlib.briefs.run import (  # noqa: E402
    DataFacts,
    RunResult,
    UnitsRun,
    compute_units,
    data_facts,
    data_source,
    prepare_memos,
    publish_brief,
    publish_unit,
    remove_run,
    templates_for,
    templates_of,
    units_parameters,
    validate_params,
)
from reformlib.data.paths import data_folder  # noqa: E402
from reformlib.errors import ParameterError, ReformlibError  # noqa: E402
from reformlib.provenance import code_version  # noqa: E402

__all__ = ["MEMOS_AT_ONCE", "BriefJob", "Outcome", "chunks", "render_chunk", "run_chunk", "run_jobs"]

#: Unit briefs whose memos one LibreOffice process converts to PDF (:func:`render_chunk`).
MEMOS_AT_ONCE = 50


@dataclass(frozen=True)
class BriefJob:
    """One brief to run: ``unit`` is ``""`` for the whole city."""

    month: str
    unit: str
    lang: str

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.month, self.unit or "city", self.lang))


@dataclass(frozen=True)
class Outcome:
    """What became of one brief: ``status`` is published, skipped or failed; ``detail``
    the published page or the error message."""

    job: BriefJob
    status: str
    seconds: float
    detail: str


def chunks(jobs: list[BriefJob], workers: int) -> list[list[BriefJob]]:
    """The jobs cut into runs of one month each, in their order: each month's jobs in
    ``workers`` runs of nearly equal length (fewer when the month has fewer jobs)."""
    months: dict[str, list[BriefJob]] = {}
    for job in jobs:
        months.setdefault(job.month, []).append(job)
    out = []
    for month_jobs in months.values():
        size = math.ceil(len(month_jobs) / max(1, min(workers, len(month_jobs))))
        out += [month_jobs[i:i + size] for i in range(0, len(month_jobs), size)]
    return out


def _failure(exc: BaseException) -> str:
    if isinstance(exc, ReformlibError):
        return str(exc)
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}".rstrip(": ")


def run_chunk(jobs: list[BriefJob], *, data: str | os.PathLike | None = None, reports: str | os.PathLike | None = None,
              timeout: int = 600, notebook_dir: str | os.PathLike | None = None, facts: DataFacts | None = None,
              on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Publish ``jobs`` one after another on one kept kernel; one :class:`Outcome` per job,
    in order (a failure is an outcome, never raised, so one brief cannot lose the others).
    Each brief takes its own lock, waiting for a single run of the same brief that holds it.
    ``facts``: the data's months and units when the batch has read them already
    (:func:`reformlib.briefs.run.data_facts`). ``on_done(outcome)`` is called as each one ends."""
    data_dir = data_source(data)
    templates = templates_of(notebook_dir)
    out: list[Outcome] = []
    setup = None
    try:
        facts = facts if facts is not None else data_facts(data_dir)
        inputs = brief_inputs(str(data_folder(data_dir).resolve()), templates)
        kernel_available()
    except ReformlibError as exc:
        setup = str(exc)
    with BriefKernel(str(data_folder(data_dir).resolve())) as kernel:
        def publish(job: BriefJob) -> RunResult:
            params = validate_params(job.month, job.lang, job.unit or None, data=data_dir, facts=facts)
            for nb in templates:
                check_parameters(nb, params.as_notebook_parameters())
            return publish_brief(params, templates, reports=reports, timeout=timeout, quiet=True, wait=True,
                                 inputs=inputs, kernel=kernel, update_index=False)

        for job in jobs:
            _attempt(job, publish, setup, out, on_done)
    return out


def render_chunk(jobs: list[BriefJob], run: UnitsRun, *, data: str | os.PathLike | None = None,
                 reports: str | os.PathLike | None = None, notebook_dir: str | os.PathLike | None = None,
                 facts: DataFacts | None = None, inputs: dict | None = None,
                 on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Publish the unit briefs ``jobs`` (of one month and language) from ``run``, the one
    run of ``units.ipynb`` that computed their results (:func:`reformlib.briefs.run.compute_units`),
    one after another, each through :func:`reformlib.briefs.run.publish_unit` (its own lock,
    staging folder, page, figures and documents drawn from its results, manifest and atomic
    publish, or its failure kept aside); no kernel is started. One :class:`Outcome` per job.
    The memos of every :data:`MEMOS_AT_ONCE` jobs are made first and converted to PDF by one
    LibreOffice process (:func:`reformlib.briefs.run.prepare_memos`; starting LibreOffice is
    most of a conversion's cost), each brief then published with its own. ``facts`` and
    ``inputs``: the data's months and units and the briefs' inputs when the batch has read them
    already (:func:`reformlib.briefs.run.data_facts`, :func:`reformlib.briefs.freshness.brief_inputs`
    of the unit template; at national scale reading them costs seconds)."""
    data_dir = data_source(data)
    template = templates_for("unit", notebook_dir)[0]
    out: list[Outcome] = []
    setup = None
    try:
        facts = facts if facts is not None else data_facts(data_dir)
        inputs = inputs if inputs is not None else brief_inputs(data_dir, [template])
    except ReformlibError as exc:
        setup = str(exc)
    code = code_version([template])  # once for the chunk's briefs
    for start in range(0, len(jobs), MEMOS_AT_ONCE):
        group = jobs[start:start + MEMOS_AT_ONCE]
        with tempfile.TemporaryDirectory(prefix="memos-", dir=run.folder if run.folder.is_dir() else None) as memos:
            # the group's memos made and converted to PDF by one LibreOffice process, each then
            # copied into its own brief's staging folder (nothing is published from here)
            prepared = {} if setup else prepare_memos(run, [job.unit for job in group], Path(memos), lang=group[0].lang)

            def publish(job: BriefJob, prepared: dict = prepared) -> RunResult:  # this group's memos
                params = validate_params(job.month, job.lang, job.unit, data=data_dir, facts=facts)
                return publish_unit(params, run, template=template, reports=reports, quiet=True, wait=True,
                                    inputs=inputs, update_index=False, memo=prepared.get(job.unit), code=code)

            for job in group:
                _attempt(job, publish, setup, out, on_done)
    return out


def _attempt(job: BriefJob, publish: Callable[[BriefJob], RunResult], setup: str | None, out: list[Outcome],
             on_done: Callable[[Outcome], None] | None) -> None:
    """Publish one brief of a chunk (``publish(job)``; refused with ``setup``, the chunk's
    failure to set up, if any) and add its :class:`Outcome` to ``out``, telling ``on_done``: a
    failure is an outcome, never raised, so one brief cannot lose the others."""
    t0 = time.perf_counter()
    try:
        if setup:
            raise ParameterError(setup)
        html = publish(job).html  # before the clock is read: the outcome's seconds are the publishing's
        outcome = Outcome(job, "published", round(time.perf_counter() - t0, 1), str(html))
    except Exception as exc:  # noqa: BLE001 - every brief's failure is its outcome
        outcome = Outcome(job, "failed", round(time.perf_counter() - t0, 1), _failure(exc))
    out.append(outcome)
    if on_done:
        on_done(outcome)


def _compute(jobs: list[BriefJob], *, data: str, reports: str | None, timeout: int,
             notebook_dir: str | None) -> UnitsRun:
    """The one run of ``units.ipynb`` for the unit briefs ``jobs`` of one month and language
    (its failure, or a refusal before it runs, is the run's ``error``)."""
    import dataclasses

    job = jobs[0]
    template = templates_for(job.unit, notebook_dir)[0]
    try:
        check_parameters(template, units_parameters(job.month, job.lang, [j.unit for j in jobs]))
        kernel_available()
    except ReformlibError as exc:
        reports_root = Path(reports) if reports else None
        run = UnitsRun(run_id="not-run", folder=(reports_root or Path(".")) / ".units" / "not-run", units=tuple(j.unit for j in jobs))
        return dataclasses.replace(run, error=str(exc))
    return compute_units(job.month, job.lang, [j.unit for j in jobs], data=data, template=template, reports=reports,
                         timeout=timeout, quiet=True)


def _lost(part: list[BriefJob], why: str) -> list[Outcome]:
    return [Outcome(job, "failed", 0.0, why) for job in part]


def run_jobs(jobs: list[BriefJob], *, data: str | os.PathLike | None = None, reports: str | os.PathLike | None = None,
             timeout: int = 600, notebook_dir: str | os.PathLike | None = None, workers: int = 1,
             scheduler: str | None = None, facts: DataFacts | None = None,
             on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run every job (none is skipped here: :func:`reformlib.briefs.schedule.run_batch`
    chooses the due ones): the unit jobs of each month and language computed by one run of
    ``units.ipynb`` here, then published in chunks (:func:`render_chunk`); the city's in
    chunks of one month on one kernel each (:func:`run_chunk`); the chunks run
    with ``scheduler`` on a Dask cluster (``local``: a ``LocalCluster`` of ``workers``
    processes), else in this process (``workers`` 1) or ``workers`` processes of this
    machine. The data's months and units (``facts``, read here when not given) and the unit
    briefs' inputs are read once, here, for every chunk. Outcomes in the order of ``jobs``;
    ``on_done(outcome)`` as each is known (for a chunk run elsewhere: when the chunk ends)."""
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ParameterError(f"workers must be a positive integer, got {workers!r}")
    kwargs = dict(data=data_source(data), reports=str(Path(reports).resolve()) if reports else None,
                  notebook_dir=str(notebook_dir) if notebook_dir else None)
    found: dict[BriefJob, Outcome] = {}

    def done(outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            found[outcome.job] = outcome
            if on_done:
                on_done(outcome)

    # the unit briefs: their results computed once per month and language (units.ipynb, here)
    groups: dict[tuple[str, str], list[BriefJob]] = {}
    for job in jobs:
        if job.unit:
            groups.setdefault((job.month, job.lang), []).append(job)
    runs = {key: _compute(group, timeout=timeout, **kwargs) for key, group in groups.items()}
    shared: dict[str, Any] = {}
    try:  # read once for every chunk (a failure here is each chunk's to report)
        shared["facts"] = facts if facts is not None else data_facts(kwargs["data"])
        if groups:
            shared["inputs"] = brief_inputs(kwargs["data"], [templates_for("unit", notebook_dir)[0]])
    except ReformlibError:
        pass
    # then every chunk: the city's briefs on a kept kernel, the units' drawn from their results
    tasks: list[tuple[Callable, list[BriefJob], dict]] = []
    city = [job for job in jobs if not job.unit]

    def plan(n: int) -> None:  # the chunks for n workers
        tasks.clear()
        tasks.extend((run_chunk, part, dict(kwargs, timeout=timeout, facts=shared.get("facts"))) for part in chunks(city, n))
        for key, group in groups.items():
            tasks.extend((render_chunk, part, dict(kwargs, run=runs[key], **shared)) for part in chunks(group, n))

    try:
        if scheduler:
            _on_dask(plan, tasks, scheduler, workers, done)
        elif workers == 1 or len(jobs) <= 1:
            plan(1)
            for fn, part, kw in tasks:
                fn(part, **kw, on_done=lambda o: done([o]))
        else:
            plan(workers)
            with ProcessPoolExecutor(max_workers=min(workers, len(tasks)),
                                     mp_context=multiprocessing.get_context("spawn")) as pool:
                futures = {pool.submit(fn, part, **kw): part for fn, part, kw in tasks}
                for future in as_completed(futures):
                    try:
                        done(future.result())
                    except Exception as exc:  # noqa: BLE001 - a process that died loses its chunk only
                        done(_lost(futures[future], f"the process running it failed: {_failure(exc)}"))
    finally:
        for run in runs.values():
            remove_run(run)
    return [found[job] for job in jobs]


def _on_dask(plan: Callable[[int], None], tasks: list, scheduler: str, workers: int,
             done: Callable[[list[Outcome]], None]) -> None:
    """The chunks ``plan(threads)`` puts into ``tasks`` (function, jobs, arguments) as tasks
    of a Dask cluster, as many per month as the cluster has worker threads."""
    import logging

    from distributed import Client, LocalCluster
    from distributed import as_completed as dask_completed

    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=logging.ERROR)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="20s")
    except (OSError, ValueError, TypeError) as exc:
        raise ParameterError(f"cannot reach the Dask scheduler {scheduler!r}: {_failure(exc)}") from None
    try:
        if not client.nthreads():
            client.wait_for_workers(1, timeout=120)
        plan(sum(client.nthreads().values()))
        futures = {client.submit(fn, part, **kw, pure=False, key=f"briefs-{part[0].month}-{i}-{uuid.uuid4().hex[:8]}"): part
                   for i, (fn, part, kw) in enumerate(tasks)}
        for future in dask_completed(futures):
            try:
                done(future.result())
            except Exception as exc:  # noqa: BLE001 - a worker that died loses its chunk only
                done(_lost(futures[future], f"the Dask worker running it failed: {_failure(exc)}"))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
