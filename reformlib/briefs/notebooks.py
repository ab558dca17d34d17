"""Executing a brief's template notebooks with papermill and judging the result
(publication step: template notebooks -> executed notebooks).

See PIPELINE.md, "papermill": parameters go through papermill's Python API after being
checked against the notebook's declared parameters (:func:`check_parameters`); success
is judged by the exception papermill raised and the notebook's metadata
(:func:`check_executed`), never by the notebook alone; :func:`failure_cause` turns
whatever the execution raised into one line naming the cell.

:func:`execute` runs one notebook in the run's own folder. The data folder reaches the
kernel through ``REFORMLIB_DATA`` and papermill's paths are recorded relative to the
run's folder, so the executed notebook and ``run.log`` hold no machine path. With
``quiet`` the kernel's own output (its start-up or a dying kernel's traceback) goes to
``run.log`` instead of the terminal.
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import nbformat

from reformlib.data.paths import ROOT
from reformlib.errors import ParameterError, SetupError

__all__ = ["KERNEL", "KERNEL_ARGS", "check_executed", "check_parameters", "declared_parameters", "execute",
           "failure_cause", "kernel_available", "notebook_timings"]

KERNEL = "reformlib"
#: Arguments of every kernel: no start-up chatter in a scheduler's log.
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR"]


def declared_parameters(notebook: Path) -> dict[str, str]:
    """The parameters a notebook declares in its ``parameters`` cell, name -> type name."""
    import papermill

    nb = nbformat.read(notebook, as_version=4)
    tagged = [c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    if len(tagged) != 1:
        raise SetupError(f"{notebook} must have exactly one cell tagged 'parameters', found {len(tagged)}")
    return {name: info["inferred_type_name"] for name, info in papermill.inspect_notebook(str(notebook)).items()}


def check_parameters(notebook: Path, params: Mapping[str, object]) -> None:
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
                problems.append(f"cell {i} raised {out.get('ename')}: {_first_line(out.get('evalue'))}")
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


def _first_line(text: object, limit: int = 300) -> str:
    lines = [line.strip() for line in str(text or "").splitlines() if line.strip(" -")]
    line = lines[0] if lines else ""
    return line if len(line) <= limit else line[:limit] + "..."


def failure_cause(exc: BaseException, output: Path, *, timeout: int) -> str:
    """One line: the cell and what went wrong in it (the notebook and run.log keep the rest)."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    cell = f"cell {exc.cell_index}" if hasattr(exc, "cell_index") else _failed_cell(output)
    if isinstance(exc, CellTimeoutError):
        return f"{cell}: Timeout: it ran longer than the limit of {timeout} s per cell (--timeout)"
    if isinstance(exc, DeadKernelError):
        return f"{cell}: DeadKernelError: the kernel died while running it"
    name = getattr(exc, "ename", type(exc).__name__)
    return f"{cell}: {name}: {_first_line(getattr(exc, 'evalue', None) or str(exc))}"


def kernel_available() -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL not in KernelSpecManager().find_kernel_specs():
        raise SetupError(f"the Jupyter kernel {KERNEL!r} is not registered in this environment; run `make setup`.")


class _Relative(logging.Formatter):
    """Log lines with the run folder shown as ``.`` and the repository's own paths relative."""

    def __init__(self, run: Path) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")
        self.run = str(run.resolve())

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace(self.run, ".").replace(f"{ROOT}{os.sep}", "")


@contextlib.contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def _stderr_to(path: Path | None) -> Iterator[None]:
    """Send file descriptor 2 (inherited by the kernel) to ``path`` for the block."""
    if path is None:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "a", encoding="utf-8") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def execute(notebook: Path, output: Path, params: dict[str, str], *, cwd: Path, timeout: int, progress: bool,
            log: Path, data_dir: str | os.PathLike, quiet: bool = False) -> None:
    """Execute one notebook with papermill into ``output`` (parameters as Python values);
    every log record of the run (papermill's, the cells' output) is appended to ``log``."""
    import papermill

    root = logging.getLogger()
    handler = logging.FileHandler(log, encoding="utf-8")
    handler.setFormatter(_Relative(cwd))
    root.addHandler(handler)
    logger = logging.getLogger("papermill")
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        with _environment({"REFORMLIB_DATA": str(data_dir)}), _stderr_to(log if quiet else None):
            papermill.execute_notebook(str(notebook), str(output), parameters=params, kernel_name=KERNEL, cwd=str(cwd),
                                       progress_bar=progress, execution_timeout=timeout, start_timeout=120,
                                       log_output=True, extra_arguments=KERNEL_ARGS)
    finally:
        logger.setLevel(level)
        root.removeHandler(handler)
        handler.close()
        _relative_paths(output, cwd)


def _relative_paths(output: Path, cwd: Path) -> None:
    """papermill records the notebook's input and output paths as given: record them
    relative to the repository and to the run's folder instead."""
    try:
        nb = nbformat.read(output, as_version=4)
    except (OSError, ValueError):
        return
    pm = nb.metadata.get("papermill")
    if not pm:
        return
    for key in ("input_path", "output_path"):
        if pm.get(key):
            path = Path(pm[key]).resolve()
            pm[key] = path.relative_to(cwd.resolve()).as_posix() if path.is_relative_to(cwd.resolve()) \
                else os.path.relpath(path, ROOT)
    nbformat.write(nb, output)


def notebook_timings(path: Path, wall: float) -> dict[str, float]:
    """Where a notebook's time went: ``wall`` (measured around papermill), ``cells`` (the
    sum of papermill's cell durations) and ``start`` (the rest: kernel start-up, papermill)."""
    nb = nbformat.read(path, as_version=4)
    cells = sum(c.metadata.get("papermill", {}).get("duration") or 0.0 for c in nb.cells)
    return {"wall": round(wall, 2), "cells": round(cells, 2), "start": round(max(wall - cells, 0.0), 2)}
