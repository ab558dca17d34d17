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

:class:`BriefKernel` keeps one kernel alive for many notebooks (a batch of briefs of one
month, :mod:`reformlib.briefs.batch`): :func:`execute` with ``kernel`` runs the notebook
through papermill as before (same parameters cell, same metadata, same checks) on that
kernel, through papermill's engine API (an nbclient ``NotebookClient`` given the kept kernel
manager). Before each notebook the kernel is reset out of the record: its namespace emptied
and its execution count set back to 1 (IPython's ``reset``), its working folder and
``REFORMLIB_DATA`` set to the run's, and every matplotlib figure closed; imported modules,
and the results they keep in memory for the month (:mod:`reformlib.briefs.shared`), stay. A
cell that raises fails only its notebook; a kernel that died or still runs a cell past its
time limit is started again before the next notebook.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import os
import queue
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import nbformat

from reformlib.data.paths import DEMO, NOTEBOOKS, ROOT
from reformlib.errors import ParameterError, SetupError

__all__ = ["BRIEF_NOTEBOOKS", "KERNEL", "KERNEL_ARGS", "UNIT_NOTEBOOKS", "BriefKernel", "check_executed",
           "check_parameters", "declared_parameters", "execute", "failure_cause", "head_start", "import_lines",
           "kernel_available", "notebook_timings"]

KERNEL = "reformlib"
#: The template notebooks of a brief (:func:`reformlib.briefs.run.run_brief`), executed in order into one page.
BRIEF_NOTEBOOKS: tuple[str, ...] = ("brief.ipynb",)
#: The notebook that computes the results of units' briefs of one month and language, once for
#: many units (:func:`reformlib.briefs.run.compute_units`); each unit's brief holds the executed copy as its record.
UNIT_NOTEBOOKS: tuple[str, ...] = ("units.ipynb",)
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
            log: Path, data_dir: str | os.PathLike, quiet: bool = False, kernel: BriefKernel | None = None) -> None:
    """Execute one notebook with papermill into ``output`` (parameters as Python values);
    every log record of the run (papermill's, the cells' output) is appended to ``log``.
    ``kernel``: run it on that kept kernel (reset first) instead of a kernel of its own."""
    import papermill

    root = logging.getLogger()
    handler = logging.FileHandler(log, encoding="utf-8")
    handler.setFormatter(_Relative(cwd))
    root.addHandler(handler)
    logger = logging.getLogger("papermill")
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        if kernel is None:
            with _environment({"REFORMLIB_DATA": str(data_dir)}), _stderr_to(log if quiet else None):
                papermill.execute_notebook(str(notebook), str(output), parameters=params, kernel_name=KERNEL,
                                           cwd=str(cwd), progress_bar=progress, execution_timeout=timeout,
                                           start_timeout=120, log_output=True, extra_arguments=KERNEL_ARGS)
        else:
            kernel.run(notebook, output, params, cwd=cwd, timeout=timeout, progress=progress, log=log,
                       data_dir=data_dir)
    finally:
        logger.setLevel(level)
        root.removeHandler(handler)
        handler.close()
        _relative_paths(output, cwd)


#: The name under which papermill knows the engine that runs a notebook on a kept kernel.
KEPT_ENGINE = "reformlib-kept-kernel"


def _reset_code(cwd: Path, data_dir: str | os.PathLike) -> str:
    """What the kept kernel runs, silently, before a notebook: an empty namespace and
    execution count 1, the run's folder and data, no figure left open. It assigns no name."""
    return (f"get_ipython().reset(new_session=True)\n"
            f"__import__('os').chdir({str(Path(cwd).resolve())!r})\n"
            f"__import__('os').environ['REFORMLIB_DATA'] = {str(data_dir)!r}\n"
            "__import__('sys').modules['matplotlib.pyplot'].close('all') "
            "if 'matplotlib.pyplot' in __import__('sys').modules else None\n")


@functools.cache
def _kept_engine() -> str:
    """Register (once) and name papermill's engine for a kept kernel: papermill's nbclient
    engine, given the kernel manager instead of starting a kernel, and running the reset
    code before the first cell; the kernel client's channels are closed afterwards and the
    kernel left running."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger as pm_logger

    class KeptClient(PapermillNotebookClient):
        reset_code = ""

        def papermill_execute_cells(self) -> None:
            reply = self.wait_for_reply(self.kc.execute(self.reset_code, silent=True, store_history=False))
            if not reply or reply["content"].get("status") != "ok":
                content = reply["content"] if reply else {}
                raise SetupError(f"the kept kernel could not be reset: {content.get('ename')}: {content.get('evalue')}")
            super().papermill_execute_cells()

    class KeptKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, km=None, reset_code="", **kwargs):
            client = KeptClient(nb_man, km=km, timeout=execution_timeout, startup_timeout=start_timeout,
                                kernel_name=kernel_name, log=pm_logger, log_output=log_output, stdout_file=stdout_file,
                                stderr_file=stderr_file)
            client.reset_code = reset_code
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()
                    client.kc = None

    papermill_engines.register(KEPT_ENGINE, KeptKernelEngine)
    return KEPT_ENGINE


class BriefKernel:
    """One ``reformlib`` kernel kept alive for many notebooks run one after another
    (:func:`execute` with ``kernel=``); a context manager that shuts it down at the end.

    The kernel starts on first use with ``REFORMLIB_DATA`` set to ``data_dir``; its own
    output (a dying kernel's traceback) goes to a file of its own, and each notebook's share
    of it is appended to that notebook's ``run.log``. After a notebook that failed otherwise
    than by a cell's exception (the kernel died, a cell ran past its limit and may still
    run), the next notebook gets a new kernel. ``starts`` counts the kernels started.
    """

    def __init__(self, data_dir: str | os.PathLike) -> None:
        self.data_dir = str(data_dir)
        self.km = None
        self.starts = 0
        self._stale = False
        self._log = None
        self._early = None
        self._cancel = None

    def start_early(self, notebooks: list[Path]) -> BriefKernel:
        """Start the kernel now, on a thread of its own, and import in it what ``notebooks``
        import (their code cells' lines that begin ``import`` or ``from``), silently: a command
        checks its parameters and readies itself meanwhile, on the other core. The first
        :meth:`run` waits for it; its reset leaves the imported modules and nothing else, as
        between a batch's notebooks, so the notebook's record is the same. A failure here only
        loses the head start (the run starts a kernel again and reports what goes wrong then);
        closing the kernel before the run (a command refused) stops it at once. Returns the kernel."""
        import threading

        self._cancel = threading.Event()
        self._early = threading.Thread(target=self._head_start, args=(list(notebooks),),
                                       name="reformlib-kernel-head-start", daemon=True)
        self._early.start()
        return self

    def _head_start(self, notebooks: list[Path]) -> None:
        try:
            imports = import_lines(notebooks)
            self._start()
            client = self.km.blocking_client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=120)
                asked = client.execute(imports, silent=True, store_history=False)
                ends = time.monotonic() + 300
                while not self._cancel.is_set() and time.monotonic() < ends:  # the reply, or closing
                    try:
                        if client.get_shell_msg(timeout=0.1)["parent_header"].get("msg_id") == asked:
                            break
                    except queue.Empty:
                        continue
            finally:
                client.stop_channels()
        except Exception:  # noqa: BLE001 - only a head start: the run starts a kernel again and reports
            self._stale = True

    def _wait_early(self) -> None:
        if self._early is not None:
            self._early.join()
            self._early = None

    def __enter__(self) -> BriefKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> None:
        import tempfile

        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        if self._log is None:
            self._log = tempfile.TemporaryFile(mode="w+b", prefix="reformlib-kernel-")  # noqa: SIM115 - closed in close()
        self.km = AsyncKernelManager(kernel_name=KERNEL)
        run_sync(self.km.start_kernel)(extra_arguments=list(KERNEL_ARGS), env={**os.environ, "REFORMLIB_DATA": self.data_dir},
                                       stderr=self._log, stdout=self._log)
        self.starts += 1
        self._stale = False

    def _stop(self) -> None:
        from jupyter_core.utils import run_sync

        if self.km is None:
            return
        km, self.km = self.km, None
        try:
            if run_sync(km.is_alive)():
                run_sync(km.shutdown_kernel)(now=True)
        except RuntimeError:  # already gone
            pass
        finally:
            run_sync(km.cleanup_resources)()

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def run(self, notebook: Path, output: Path, params: dict[str, str], *, cwd: Path, timeout: int, progress: bool,
            log: Path, data_dir: str | os.PathLike) -> None:
        """papermill's run of ``notebook`` into ``output`` on this kernel (see :func:`execute`)."""
        import papermill
        from papermill.exceptions import PapermillExecutionError

        self._wait_early()
        if self._stale or not self.alive():
            self._stop()
            self._start()
        start = self._log.seek(0, os.SEEK_END)
        try:
            papermill.execute_notebook(str(notebook), str(output), parameters=params, kernel_name=KERNEL,
                                       engine_name=_kept_engine(), progress_bar=progress, execution_timeout=timeout,
                                       start_timeout=120, log_output=True, km=self.km,
                                       reset_code=_reset_code(cwd, data_dir))
        except PapermillExecutionError:
            self._stale = not self.alive()
            raise
        except BaseException:
            self._stale = True
            raise
        finally:
            self._copy_log(start, log)

    def _copy_log(self, start: int, log: Path) -> None:
        self._log.flush()
        self._log.seek(start)
        text = self._log.read()
        if text:
            with open(log, "ab") as f:
                f.write(text)

    def close(self) -> None:
        """Shut the kernel down (a head start still importing is stopped) and remove its output file."""
        if self._cancel is not None:
            self._cancel.set()
        self._wait_early()
        self._stop()
        if self._log is not None:
            self._log.close()
            self._log = None


def import_lines(notebooks: list[Path]) -> str:
    """The lines of the notebooks' code cells that begin ``import`` or ``from``, each once, in
    order: what a kernel must import before their cells run."""
    lines = [line for nb in notebooks for cell in nbformat.read(nb, as_version=4).cells if cell.cell_type == "code"
             for line in cell.source.splitlines() if line.startswith(("import ", "from "))]
    return "\n".join(dict.fromkeys(lines))


def head_start(data: str | os.PathLike | None, *, unit: str | None,
               notebook_dir: str | os.PathLike | None = None) -> BriefKernel:
    """The kernel of one brief run by the command line, started at once
    (:meth:`BriefKernel.start_early`) with what the brief's notebooks import: ``units.ipynb``'s
    when a unit is named, else ``brief.ipynb``'s (the city's code named as the unit only
    imports more than the city's brief needs). ``data`` as given (the run sets the checked one)."""
    names = UNIT_NOTEBOOKS if unit not in (None, "") else BRIEF_NOTEBOOKS
    kernel = BriefKernel(data if data not in (None, "") else os.environ.get("REFORMLIB_DATA") or DEMO)
    return kernel.start_early([Path(notebook_dir or NOTEBOOKS) / n for n in names])


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
