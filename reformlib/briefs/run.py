"""Running a brief (publication step: template notebooks -> executed notebooks): validate
parameters, execute the notebooks with papermill in a staging folder, check everything,
make the documents and publish by rename (:mod:`reformlib.briefs.publish`) — or keep the failure
aside. Follows the papermill practice of report portfolios (one executed copy per run).

What can go wrong, and what is done about it (see PIPELINE.md):
- papermill's ``-p`` guesses types (``007`` becomes 7): parameters go through its Python
  API, as strings, after being checked against each notebook's declared parameters.
- papermill writes the output notebook after every cell, and even when the kernel is
  missing: every run executes into ``reports/<month>/.staging-<run-id>/`` and only a run
  whose every check passes is moved into place; the previous brief stays until then.
- A per-cell timeout leaves cells marked completed: success is judged by the exception
  papermill raised, the notebook metadata (end time set, no failed/running/pending cell)
  and the run's own ``results.json``, never by the notebook alone.
- A failed run is moved to ``<folder>/failed/<run-id>/`` with its notebook, ``run.log``
  (papermill's log and the cells' output), ``error.txt`` and a manifest of status
  ``failed``; one :class:`RunError` names the notebook, the cell and the error.
- ``--cwd`` changes the process's directory: one run per process at a time; batches
  (:mod:`reformlib.briefs.schedule`) run each brief in a process of its own.
- The HTML uses nbconvert's ``basic`` template inside a page of our own: figures embedded,
  no script, style or font fetched from the internet, code hidden.

Where a brief goes (:func:`brief_folder`): ``reports/<month>/`` for the whole city,
``reports/<month>/<unit>/`` for one unit, and an ``en/`` folder below either for English.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd

from reformlib.briefs import publish
from reformlib.data.paths import NOTEBOOKS, data_folder, reports_folder
from reformlib.data.periods import is_month
from reformlib.data.schemas import CITY, TERRITORIAL_UNITS, unit_code
from reformlib.errors import ParameterError, RunError, SetupError
from reformlib.i18n import LANGS
from reformlib.provenance import code_version, folder_hashes, package_versions

KERNEL = "reformlib"
#: Arguments of every kernel: no start-up chatter in a scheduler's log.
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR"]
#: The notebooks of a brief, executed in this order into one page.
BRIEF_NOTEBOOKS: tuple[str, ...] = ("brief.ipynb",)


@dataclass(frozen=True)
class BriefParams:
    """Validated parameters of one brief run."""

    month: str
    lang: str
    unit: str
    data_dir: str

    def as_notebook_parameters(self) -> dict[str, str]:
        return {"month": self.month, "lang": self.lang, "unit": self.unit, "data_dir": self.data_dir}


@dataclass(frozen=True)
class RunResult:
    """A published brief: its folder, files and the manifest that describes the run."""

    folder: Path
    html: Path
    manifest: dict = field(repr=False)


def available_months(data: str | os.PathLike | None = None) -> list[str]:
    """Months with observations in the data set (read from the panel file alone)."""
    path = data_folder(data) / "observations.parquet"
    if not path.exists():
        raise SetupError(f"{path} does not exist; build the demonstration data with `make data`.")
    periods = pd.read_parquet(path, columns=["period"])["period"].astype(str).unique()
    return sorted(periods)


def validate_params(month: str | None = None, lang: str = "zh", unit: str | int | None = None, *,
                    data: str | os.PathLike | None = None) -> BriefParams:
    """Check a brief's parameters before anything runs; raise :class:`ParameterError` if bad.

    ``month`` is ``YYYY-MM`` within the data (default: the latest), ``lang`` zh or en,
    ``unit`` a territorial unit code, text or int (default, or ``430300``: the whole city).
    """
    months = available_months(data)
    if month is None:
        month = months[-1]
    if not is_month(month):
        raise ParameterError(f"month must be a month written YYYY-MM (such as 2017-06), got {month!r}")
    if month not in months:
        raise ParameterError(f"month {month} is outside the data ({months[0]} to {months[-1]})")
    if lang not in LANGS:
        raise ParameterError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    try:
        code = None if unit is None else unit_code(unit)
    except ParameterError:
        code = "?"
    if code is not None and code not in TERRITORIAL_UNITS:
        raise ParameterError(f"unit must be one of {', '.join(TERRITORIAL_UNITS)}, got {unit!r}")
    unit = code
    unit = "" if unit in (None, CITY) else unit
    return BriefParams(month=month, lang=lang, unit=unit, data_dir=str(data_folder(data).resolve()))


def brief_folder(params: BriefParams, reports: str | os.PathLike | None = None) -> Path:
    """Where a brief is published: ``<reports>/<month>[/<unit>][/en]``."""
    folder = reports_folder(reports) / params.month
    folder = folder / params.unit if params.unit else folder
    return folder / "en" if params.lang == "en" else folder


def declared_parameters(notebook: Path) -> dict[str, str]:
    """The parameters a notebook declares in its ``parameters`` cell, name -> type name."""
    import papermill

    nb = nbformat.read(notebook, as_version=4)
    tagged = [c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    if len(tagged) != 1:
        raise SetupError(f"{notebook} must have exactly one cell tagged 'parameters', found {len(tagged)}")
    return {name: info["inferred_type_name"] for name, info in papermill.inspect_notebook(str(notebook)).items()}


def check_parameters(notebook: Path, params: dict[str, object]) -> None:
    """Refuse parameters the notebook does not declare, or of another type than declared."""
    declared = declared_parameters(notebook)
    for name, value in params.items():
        if name not in declared:
            raise ParameterError(f"{notebook.name} declares no parameter {name!r} (it declares {sorted(declared)})")
        if declared[name] not in ("None", type(value).__name__):
            raise ParameterError(f"{notebook.name}: parameter {name!r} is declared {declared[name]}, got {type(value).__name__}")


def check_executed(path: Path) -> list[str]:
    """Problems with an executed notebook's metadata: an exception, a cell not completed, no end time."""
    nb = nbformat.read(path, as_version=4)
    pm = nb.metadata.get("papermill", {})
    problems = []
    if pm.get("exception"):
        problems.append("papermill recorded an exception")
    if not pm.get("end_time"):
        problems.append("no end time (the run did not finish)")
    for i, cell in enumerate(nb.cells):
        status = cell.metadata.get("papermill", {}).get("status")
        if cell.cell_type == "code" and status != "completed":
            problems.append(f"cell {i} is {status}")
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"cell {i} raised {out.get('ename')}: {out.get('evalue')}")
    return problems


def _failed_cell(path: Path) -> str:
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - the notebook may be half-written
        return "unknown cell"
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("papermill", {}).get("status") in ("failed", "running") or any(
                o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return f"cell {i}"
    return "unknown cell"


def _shorten(text: str, lines: int = 4) -> str:
    """At most ``lines`` lines of an error text (the notebook and run.log keep all of it)."""
    parts = str(text).strip().splitlines()
    more = f"\n  ... {len(parts) - lines} more line(s) in the kept notebook" if len(parts) > lines else ""
    return "\n".join(parts[:lines]) + more


def _kernel_available() -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL not in KernelSpecManager().find_kernel_specs():
        raise SetupError(f"the Jupyter kernel {KERNEL!r} is not registered in this environment; run `make setup`.")


def execute(notebook: Path, output: Path, params: dict[str, str], *, cwd: Path, timeout: int, progress: bool,
            log: Path | None = None) -> None:
    """Execute one notebook with papermill into ``output`` (parameters as Python values);
    papermill's log and the cells' output are appended to ``log``."""
    import papermill

    logger = logging.getLogger("papermill")
    handler = logging.FileHandler(log, encoding="utf-8") if log else None
    if handler:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        papermill.execute_notebook(str(notebook), str(output), parameters=params, kernel_name=KERNEL, cwd=str(cwd),
                                   progress_bar=progress, execution_timeout=timeout, start_timeout=120,
                                   log_output=handler is not None, extra_arguments=KERNEL_ARGS)
    finally:
        logger.setLevel(level)
        if handler:
            logger.removeHandler(handler)
            handler.close()


def notebook_timings(path: Path, wall: float) -> dict[str, float]:
    """Where a notebook's time went: ``wall`` (measured around papermill), ``cells`` (the
    sum of papermill's cell durations) and ``start`` (the rest: kernel start-up, papermill)."""
    nb = nbformat.read(path, as_version=4)
    cells = sum(c.metadata.get("papermill", {}).get("duration") or 0.0 for c in nb.cells)
    return {"wall": round(wall, 2), "cells": round(cells, 2), "start": round(max(wall - cells, 0.0), 2)}


def templates_of(notebook_dir: str | os.PathLike | None = None,
                 notebooks: tuple[str, ...] = BRIEF_NOTEBOOKS) -> list[Path]:
    """The template notebooks of a brief, in order."""
    return [Path(notebook_dir or NOTEBOOKS) / n for n in notebooks]


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, file=sys.stderr, flush=True)  # noqa: T201 (the command line's progress lines)


def run_brief(month: str | None = None, lang: str = "zh", unit: str | None = None, *,
              data: str | os.PathLike | None = None, reports: str | os.PathLike | None = None,
              notebooks: tuple[str, ...] = BRIEF_NOTEBOOKS, notebook_dir: str | os.PathLike | None = None,
              timeout: int = 600, quiet: bool = False) -> RunResult:
    """Run and publish one brief; return where it went. Raises :class:`RunError` on failure.

    ``notebooks`` are template names in ``notebook_dir`` (default ``notebooks/``), executed in
    order into one page; ``timeout`` is the limit per cell in seconds. Unless ``quiet``, a
    progress bar shows each notebook's cells as they run (on stderr).
    """
    params = validate_params(month, lang, unit, data=data)
    nb_params = params.as_notebook_parameters()
    templates = templates_of(notebook_dir, notebooks)
    for nb in templates:
        check_parameters(nb, nb_params)
    _kernel_available()
    target = brief_folder(params, reports)
    run_id = dt.datetime.now().strftime("%Y%m%dT%H%M%S") + f"-{uuid.uuid4().hex[:6]}"
    publish.recover_interrupted(target)
    staging = target / f".staging-{run_id}"
    (staging / "notebooks").mkdir(parents=True)
    (staging / ".pid").write_text(str(os.getpid()), encoding="utf-8")
    (staging / "figures").mkdir()
    manifest = {"run_id": run_id, "status": "running", "parameters": nb_params,
                "input_hashes": folder_hashes(params.data_dir), "code_version": code_version(templates),
                "packages": package_versions(), "kernel": KERNEL, "timings_seconds": {}}
    timings = manifest["timings_seconds"]
    what = f"brief {params.month}{' ' + params.unit if params.unit else ''} ({params.lang})"
    started = time.perf_counter()
    for i, template in enumerate(templates, start=1):
        out = staging / "notebooks" / template.name
        _say(quiet, f"[{i}/{len(templates)}] {template.name}: {what}")
        t0 = time.perf_counter()
        try:
            execute(template, out, nb_params, cwd=staging, timeout=timeout, progress=not quiet, log=staging / "run.log")
        except Exception as exc:  # noqa: BLE001 - every failure of a run is reported the same way
            name = getattr(exc, "ename", type(exc).__name__)
            value = _shorten(getattr(exc, "evalue", str(exc).strip().splitlines()[-1] if str(exc).strip() else ""))
            cell = f"cell {exc.cell_index}" if hasattr(exc, "cell_index") else _failed_cell(out)
            raise publish.keep_failed(staging, target, f"{what}: notebook {template.name} failed in {cell}: {name}: {value}",
                                      run_id, manifest) from None
        timings[template.name] = notebook_timings(out, time.perf_counter() - t0)
        problems = check_executed(out)
        if problems:
            raise publish.keep_failed(staging, target, f"{what}: notebook {template.name}: {'; '.join(problems)}",
                                      run_id, manifest)
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
                        title=f"改革简报 {params.month}" if params.lang == "zh" else f"Reform brief {params.month}",
                        lang=params.lang)
        timings["html"] = round(time.perf_counter() - t0, 2)
        step, t0 = "making memo.docx and tables.xlsx", time.perf_counter()
        publish.write_documents(staging, lang=params.lang)
        timings["documents"] = round(time.perf_counter() - t0, 2)
    except Exception as exc:  # noqa: BLE001
        raise publish.keep_failed(staging, target, f"{what}: {step} failed: {type(exc).__name__}: {exc}",
                                  run_id, manifest) from None
    missing = publish.check_outputs(staging)
    if missing:
        raise publish.keep_failed(staging, target, f"{what}: incomplete outputs: {'; '.join(missing)}", run_id, manifest)
    timings["total"] = round(time.perf_counter() - started, 2)
    manifest.update(status="published",
                    published_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat())
    (staging / ".pid").unlink()
    publish.write_manifest(staging, manifest)
    publish.publish_staging(staging, target)
    _say(quiet, f"published {target / 'brief.html'} ({timings['total']:.1f} s)")
    return RunResult(folder=target, html=target / "brief.html", manifest=manifest)

