"""Scheduled briefs (publication step: schedule file -> many brief runs).

``briefs.yml`` names the briefs to publish; ``python -m reformlib briefs --config
briefs.yml`` (``make briefs``) runs every one that is due, so that cron or a systemd timer
can call it daily. Follows the papermill practice of report portfolios: a YAML file lists
the reports, each executed copy is the record of one run. The file::

    briefs:
      - months: latest          # latest | latest_complete | ["2017-06", "2017-12"]
        units: [city, all]      # city (the whole city) | all (every territorial unit of the data) | codes as text
        langs: [zh, en]
    data: null                  # data folder (default: $REFORMLIB_DATA or the demonstration set)
    reports: null               # reports folder (default: $REFORMLIB_REPORTS or reports/)
    timeout: 600                # seconds allowed per notebook cell

Relative paths are read from the file's folder. ``latest`` is the latest month in the
data, ``latest_complete`` the latest month in which every unit x indicator series of the
data has a value. Unit codes must be quoted ("430302"): YAML reads 430302 as a number. The
units are those of the data (its ``units`` table: ``all`` is every unit marked territorial,
in the table's order), so a national data set plans its 2,850 county briefs as the
demonstration set plans its 9; a batch reads the data's months and units once
(:func:`reformlib.briefs.run.data_facts`) and checks every job against that one reading.

A brief is due unless its folder already publishes a complete brief made from the same
parameters and inputs: data, model specification, reference figures, notebooks, code,
package versions and fonts (:mod:`reformlib.briefs.freshness`); :func:`explain` says for
each brief why it runs or is skipped, and ``force`` runs it anyway. Due briefs run in
chunks of one month: the city's briefs on one kept kernel, the units' briefs of a month and
language from one run of ``units.ipynb`` that computes all their results at once, each then
drawn from its results without a kernel (:mod:`reformlib.briefs.batch`); the chunks run
``workers`` at a time in processes of this machine, or on a Dask cluster (``scheduler``);
a failure in one brief does not stop the others. Each run takes its brief's own lock
(:func:`reformlib.briefs.store.brief_lock`) and waits for a single run of the same brief
that holds it; one lock file per reports folder keeps two batches from running at once.
The index of published briefs is rewritten once, when the batch ends.
"""
from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from reformlib.briefs import index, publish
from reformlib.briefs.batch import BriefJob, Outcome, run_jobs
from reformlib.briefs.freshness import brief_inputs
from reformlib.briefs.run import (
    DataFacts,
    brief_folder,
    check_timeout,
    data_facts,
    data_source,
    templates_for,
    unit_refusal,
    validate_params,
)
from reformlib.briefs.store import CURRENT
from reformlib.data import months as data_months
from reformlib.data.paths import reports_folder
from reformlib.data.schemas import unit_code
from reformlib.errors import ParameterError, RunError
from reformlib.i18n import LANGS

__all__ = ["BriefJob", "Outcome", "complete_months", "explain", "explanation", "load_config", "plan", "run_batch",
           "summary"]

_KEYS = {"briefs", "data", "reports", "timeout"}
_ENTRY_KEYS = {"months", "units", "langs"}


def complete_months(data: str | os.PathLike | None = None) -> list[str]:
    """Months in which every unit x indicator series of the data set has a value: a store,
    or a folder whose panel is ``observations.parquet`` or ``observations.csv``
    (:func:`reformlib.data.months.complete_months`)."""
    return data_months.complete_months(data)


def _as_list(value: Any, where: str) -> list:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise ParameterError(f"{where} is empty")
    return items


def load_config(path: str | os.PathLike) -> dict[str, Any]:
    """Read and check a schedule file; relative ``data`` / ``reports`` become absolute."""
    path = Path(path)
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ParameterError(f"config: cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ParameterError(f"config: {path} is not valid YAML: {exc}") from None
    if not isinstance(config, dict) or "briefs" not in config:
        raise ParameterError(f"config: {path} must be a mapping with a 'briefs' list")
    unknown = set(config) - _KEYS
    if unknown:
        raise ParameterError(f"config: unknown key(s) {sorted(unknown)} in {path} (known: {sorted(_KEYS)})")
    data = None if config.get("data") is None else str((path.parent / str(config["data"])).resolve())
    facts: list[DataFacts] = []  # read when a unit is named by its code, once
    for i, entry in enumerate(_as_list(config["briefs"], "config: briefs")):
        where = f"config: briefs[{i}]"
        if not isinstance(entry, dict) or not _ENTRY_KEYS <= set(entry) or set(entry) - _ENTRY_KEYS:
            raise ParameterError(f"{where} must have exactly the keys {sorted(_ENTRY_KEYS)}, got {entry!r}")
        for unit in _as_list(entry["units"], f"{where}.units"):
            if not isinstance(unit, str):
                raise ParameterError(f"{where}.units: unit codes are text; write {unit!r} in quotes (\"{unit}\")")
            if unit in ("city", "all"):
                continue
            facts = facts or [data_facts(data, months=[])]
            try:
                code = unit_code(unit)
            except ParameterError:
                code = None
            if code not in facts[0].units:
                raise ParameterError(f"{where}.units: {unit!r} is not city, all or {unit_refusal(unit, facts[0])}")
        for lang in _as_list(entry["langs"], f"{where}.langs"):
            if lang not in LANGS:
                raise ParameterError(f"{where}.langs: {lang!r} is not one of {', '.join(LANGS)}")
        for month in _as_list(entry["months"], f"{where}.months"):
            if not isinstance(month, str):
                raise ParameterError(f"{where}.months: write months as text in quotes (\"2017-06\"), got {month!r}")
    timeout = config.get("timeout", 600)
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < 1:
        raise ParameterError(f"config: timeout must be a positive number of seconds, got {timeout!r}")
    out = dict(config, timeout=timeout)
    for key in ("data", "reports"):
        if out.get(key) is not None:
            out[key] = str((path.parent / str(out[key])).resolve())
    return out


def _months(value: Any, data: str | None, facts: DataFacts) -> list[str]:
    out = []
    for month in _as_list(value, "months"):
        if month == "latest":
            out.append(facts.months[-1])
        elif month == "latest_complete":
            complete = complete_months(data)
            if not complete:
                raise ParameterError("months: latest_complete: no month of the data is complete")
            out.append(complete[-1])
        else:
            out.append(month)
    return out


def plan(config: Mapping[str, Any], *, facts: DataFacts | None = None) -> list[BriefJob]:
    """Every brief a checked schedule names, in order, without duplicates; each one's
    parameters are validated (a bad month is refused before anything runs) against one
    reading of the data's months and units (``facts``, read here when not given); ``all``
    is every territorial unit of the data."""
    data = config.get("data")
    facts = facts if facts is not None else data_facts(data)
    jobs: dict[BriefJob, None] = {}
    for entry in config["briefs"]:
        units = []
        for unit in _as_list(entry["units"], "units"):
            units += [""] if unit == "city" else list(facts.units) if unit == "all" else [unit]
        for month in _months(entry["months"], data, facts):
            for unit in units:
                for lang in _as_list(entry["langs"], "langs"):
                    p = validate_params(month, lang, unit or None, data=data, facts=facts)
                    jobs[BriefJob(p.month, p.unit, p.lang)] = None
    return list(jobs)


@contextmanager
def _lock(reports: Path) -> Iterator[None]:
    try:
        reports.mkdir(parents=True, exist_ok=True)
        handle = open(reports / ".briefs.lock", "a", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise RunError(f"cannot create the lock {reports / '.briefs.lock'}: {exc.strerror or exc}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(f"another batch of briefs is running on {reports} (lock {reports / '.briefs.lock'})") from None
        yield


def explain(jobs: list[BriefJob], *, data: str | os.PathLike | None = None,
            reports: str | os.PathLike | None = None, notebook_dir: str | os.PathLike | None = None,
            force: bool = False, facts: DataFacts | None = None) -> list[tuple[BriefJob, list[str]]]:
    """For each job, why it must run (``force``, or what changed since its published
    brief); an empty list means it is current and will be skipped. ``facts``: the data's
    months and units when already read."""
    root = reports_folder(reports).resolve()
    data_dir = data_source(data)
    facts = facts if facts is not None else data_facts(data_dir)
    inputs: dict[bool, dict] = {}  # the city's brief and a unit's read different notebooks (and a store differently)
    out = []
    for job in jobs:
        params = validate_params(job.month, job.lang, job.unit or None, data=data_dir, facts=facts)
        if bool(job.unit) not in inputs:
            inputs[bool(job.unit)] = brief_inputs(params.data_dir, templates_for(job.unit, notebook_dir))
        reasons = publish.why_due(brief_folder(params, root), parameters=params.key(), inputs=inputs[bool(job.unit)])
        out.append((job, ["--force"] + reasons if force else reasons))
    return out


def explanation(reasons: list[tuple[BriefJob, list[str]]]) -> str:
    """One line per brief: ``runs`` with the reasons, or ``skips`` (current)."""
    return "\n".join(f"{job.name}: runs: {'; '.join(why)}" if why else
                      f"{job.name}: skips: published from the same parameters and inputs" for job, why in reasons)


def run_batch(jobs: list[BriefJob], *, data: str | os.PathLike | None = None,
              reports: str | os.PathLike | None = None, workers: int | None = None, force: bool = False,
              timeout: int = 600, notebook_dir: str | os.PathLike | None = None, scheduler: str | None = None,
              on_done: Callable[[int, int, Outcome], None] | None = None) -> list[Outcome]:
    """Run every due brief of ``jobs``, skipping those already published for the same
    inputs unless ``force``: in chunks of one month on one kernel each
    (:func:`reformlib.briefs.batch.run_jobs`), ``workers`` chunks at a time (default: one
    per CPU) in processes of this machine, or on the Dask cluster at ``scheduler``
    (``tcp://host:port``; ``local``: a ``LocalCluster`` of ``workers`` processes).

    Returns one :class:`Outcome` per job, in the order of ``jobs``; ``on_done(k, n, outcome)``
    is called as each one ends (for progress output).
    """
    workers = (os.cpu_count() or 1) if workers is None else workers
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ParameterError(f"workers must be a positive integer, got {workers!r}")
    check_timeout(timeout)
    root = reports_folder(reports).resolve()
    data_dir = data_source(data)
    outcomes: dict[BriefJob, Outcome] = {}
    done = 0

    def finish(outcome: Outcome) -> None:
        nonlocal done
        outcomes[outcome.job] = outcome
        done += 1
        if on_done:
            on_done(done, len(jobs), outcome)

    with _lock(root):
        due = []
        facts = data_facts(data_dir)
        for job, why in explain(jobs, data=data_dir, reports=root, notebook_dir=notebook_dir, force=force, facts=facts):
            if why:
                due.append(job)
            else:
                params = validate_params(job.month, job.lang, job.unit or None, data=data_dir, facts=facts)
                finish(Outcome(job, "skipped", 0.0, str(brief_folder(params, root) / CURRENT / "brief.html")))
        if due:
            try:
                run_jobs(due, data=data_dir, reports=root, timeout=timeout, notebook_dir=notebook_dir, workers=workers,
                         scheduler=scheduler, facts=facts, on_done=finish)
            finally:
                if any(o.status == "published" for o in outcomes.values()):
                    trouble = index.update_index(root)
                    if trouble:
                        print(f"reformlib: {trouble}", file=sys.stderr, flush=True)  # noqa: T201 - the briefs are published
    return [outcomes[job] for job in jobs]


def summary(outcomes: list[Outcome]) -> str:
    """A plain-text table: brief, status, seconds, path or error (first line), and counts."""
    rows = [("brief", "status", "seconds", "path or error")]
    rows += [(o.job.name, o.status, f"{o.seconds:.1f}", o.detail.splitlines()[0] if o.detail else "")
             for o in outcomes]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}" for r in rows]
    lines.insert(1, "-" * min(max(len(line) for line in lines), 120))
    counts = {s: sum(o.status == s for o in outcomes) for s in ("published", "skipped", "failed")}
    lines.append(f"{len(outcomes)} brief(s): " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return "\n".join(lines)
