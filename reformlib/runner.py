"""Running a brief: validate parameters, execute notebooks with papermill in a staging
folder, check everything, and publish by rename — or keep the failure aside.

What can go wrong, and what is done about it (see PIPELINE.md):
- papermill's ``-p`` guesses types (``007`` becomes 7): parameters go through its Python
  API, as strings, after being checked against each notebook's declared parameters.
- papermill writes the output notebook after every cell, and even when the kernel is
  missing: every run executes into ``reports/<month>/.staging-<run-id>/`` and only a run
  whose every check passes is moved into place; the previous brief stays until then.
- A per-cell timeout leaves cells marked completed: success is judged by the exception
  papermill raised, the notebook metadata (end time set, no failed/running/pending cell)
  and the run's own ``results.json``, never by the notebook alone.
- A failed run is moved to ``reports/<month>/failed/<run-id>/`` with its notebook and log,
  and one :class:`RunError` names the notebook, the cell and the error.
- The HTML uses nbconvert's ``basic`` template inside a page of our own: figures embedded,
  no script, style or font fetched from the internet, code hidden.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd

from reformlib import __version__
from reformlib.errors import ParameterError, RunError, SetupError
from reformlib.i18n import LANGS
from reformlib.io import atomic_write
from reformlib.paths import NOTEBOOKS, ROOT, data_folder, reports_folder
from reformlib.schemas import TERRITORIAL_UNITS

KERNEL = "reformlib"
#: The notebooks of a brief, executed in this order into one page.
BRIEF_NOTEBOOKS: tuple[str, ...] = ("brief.ipynb",)
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
PACKAGES = ("pandas", "numpy", "matplotlib", "seaborn", "statsmodels", "scikit-learn", "papermill",
            "nbconvert", "pandera", "pyarrow", "SALib", "python-docx", "openpyxl")


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


def validate_params(month: str | None = None, lang: str = "zh", unit: str | None = None, *,
                    data: str | os.PathLike | None = None) -> BriefParams:
    """Check a brief's parameters before anything runs; raise :class:`ParameterError` if bad.

    ``month`` is ``YYYY-MM`` within the data (default: the latest), ``lang`` zh or en,
    ``unit`` a territorial unit code as text (default: the whole city).
    """
    months = available_months(data)
    if month is None:
        month = months[-1]
    if not isinstance(month, str) or not _MONTH.match(month):
        raise ParameterError(f"month must be a month written YYYY-MM (such as 2017-06), got {month!r}")
    if month not in months:
        raise ParameterError(f"month {month} is outside the data ({months[0]} to {months[-1]})")
    if lang not in LANGS:
        raise ParameterError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    if unit is not None and (not isinstance(unit, str) or unit not in TERRITORIAL_UNITS):
        raise ParameterError(f"unit must be one of {', '.join(TERRITORIAL_UNITS)} (as text), got {unit!r}")
    return BriefParams(month=month, lang=lang, unit=unit or "", data_dir=str(data_folder(data).resolve()))


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


def _kernel_available() -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL not in KernelSpecManager().find_kernel_specs():
        raise SetupError(f"the Jupyter kernel {KERNEL!r} is not registered in this environment; run `make setup`.")


def execute(notebook: Path, output: Path, params: dict[str, str], *, cwd: Path, timeout: int, progress: bool) -> None:
    """Execute one notebook with papermill into ``output`` (parameters as Python values)."""
    import papermill

    papermill.execute_notebook(str(notebook), str(output), parameters=params, kernel_name=KERNEL, cwd=str(cwd),
                               progress_bar=progress, execution_timeout=timeout, start_timeout=120, log_output=False)


# ------------------------------------------------------------------------------- HTML
PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       max-width: 1100px; margin: 2em auto; padding: 0 1.5em; color: #222; line-height: 1.55; }}
h1 {{ border-bottom: 3px solid #c62828; padding-bottom: .3em; }}
h2 {{ border-left: 5px solid #c62828; padding-left: .5em; margin-top: 1.8em; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: right; }}
th {{ background: #f3f3f3; }} td:first-child, th:first-child {{ text-align: left; }}
img {{ max-width: 100%; height: auto; }} .anchor-link {{ display: none; }}
.prompt {{ display: none; }} pre {{ white-space: pre-wrap; }}
</style></head><body>
{body}
</body></html>
"""
EXTERNAL = re.compile(r"""<(?:script|link|img|iframe|source|embed)\b[^>]*?(?:src|href)\s*=\s*["']?(https?:)?//""", re.I)


def to_html(notebooks: list[Path], out: Path, *, title: str, lang: str) -> Path:
    """One self-contained page from executed notebooks: code hidden, images embedded, offline."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    body = "\n".join(exporter.from_notebook_node(nbformat.read(p, as_version=4))[0] for p in notebooks)
    page = PAGE.format(lang="zh-CN" if lang == "zh" else "en", title=title, body=body)
    if EXTERNAL.search(page):
        raise RunError(f"{out.name} would fetch from the internet ({EXTERNAL.search(page).group(0)}...); refusing to publish")
    return atomic_write(out, lambda p: p.write_text(page, encoding="utf-8"))


# ---------------------------------------------------------------------------- manifest
def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def input_hashes(data: str | os.PathLike) -> dict[str, str]:
    """SHA-256 of every data file of the run's data set, by file name."""
    folder = Path(data)
    return {p.name: _sha256(p) for p in sorted(folder.iterdir()) if p.suffix in (".csv", ".parquet")}


def code_version() -> str:
    """The package version and a hash of reformlib's source and the notebooks."""
    h = hashlib.sha256()
    for p in sorted([*(ROOT / "reformlib").rglob("*.py"), *NOTEBOOKS.glob("*.ipynb")]):
        h.update(p.relative_to(ROOT).as_posix().encode())
        h.update(p.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "missing"
    return out


# ----------------------------------------------------------------------------- publish
def _publish(staging: Path, target: Path) -> None:
    """Move every item of ``staging`` into ``target`` by rename; manifest.json last."""
    target.mkdir(parents=True, exist_ok=True)
    items = sorted(staging.iterdir(), key=lambda p: p.name == "manifest.json")
    for item in items:
        dest = target / item.name
        if item.is_dir():
            old = target / f".{item.name}.old-{staging.name}"
            if dest.exists():
                dest.rename(old)
            item.rename(dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(item, dest)
    staging.rmdir()


def _fail(staging: Path, target: Path, message: str, run_id: str) -> RunError:
    failed = target / "failed" / run_id
    failed.parent.mkdir(parents=True, exist_ok=True)
    (staging / "error.txt").write_text(message + "\n", encoding="utf-8")
    staging.rename(failed)
    return RunError(f"{message}\nThe failed run is kept in {failed}; the published brief (if any) is unchanged.")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_interrupted(target: Path) -> list[Path]:
    """Move staging folders of runs that died (killed, machine stopped) into ``failed/``.

    A run records its process id in ``.pid``; a staging folder whose process is gone was
    interrupted. Returns the folders moved.
    """
    moved = []
    for staging in sorted(target.glob(".staging-*")) if target.exists() else []:
        pid_file = staging / ".pid"
        try:
            pid = int(pid_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pid = -1
        if pid > 0 and _alive(pid):
            continue
        failed = target / "failed" / staging.name.removeprefix(".staging-")
        failed.parent.mkdir(parents=True, exist_ok=True)
        (staging / "error.txt").write_text(f"run interrupted (process {pid} ended before publishing)\n", encoding="utf-8")
        staging.rename(failed)
        moved.append(failed)
    return moved


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, file=sys.stderr, flush=True)


def run_brief(month: str | None = None, lang: str = "zh", unit: str | None = None, *,
              data: str | os.PathLike | None = None, reports: str | os.PathLike | None = None,
              notebooks: tuple[str, ...] = BRIEF_NOTEBOOKS, notebook_dir: str | os.PathLike | None = None,
              timeout: int = 600, quiet: bool = False) -> RunResult:
    """Run and publish one brief; return where it went. Raises :class:`RunError` on failure.

    ``notebooks`` are template names in ``notebook_dir`` (default ``notebooks/``), executed in
    order into one page; ``timeout`` is the limit per cell in seconds.
    """
    params = validate_params(month, lang, unit, data=data)
    nb_params = params.as_notebook_parameters()
    templates = [Path(notebook_dir or NOTEBOOKS) / n for n in notebooks]
    for nb in templates:
        check_parameters(nb, nb_params)
    _kernel_available()
    target = reports_folder(reports) / params.month
    target = target / params.unit if params.unit else target
    run_id = dt.datetime.now().strftime("%Y%m%dT%H%M%S") + f"-{uuid.uuid4().hex[:6]}"
    recover_interrupted(target)
    staging = target / f".staging-{run_id}"
    (staging / "notebooks").mkdir(parents=True)
    (staging / ".pid").write_text(str(os.getpid()), encoding="utf-8")
    (staging / "figures").mkdir()
    timings = {}
    started = time.perf_counter()
    for i, template in enumerate(templates, start=1):
        out = staging / "notebooks" / template.name
        _say(quiet, f"[{i}/{len(templates)}] {template.name} ({params.month}, {params.lang}{', ' + params.unit if params.unit else ''})")
        t0 = time.perf_counter()
        try:
            execute(template, out, nb_params, cwd=staging, timeout=timeout, progress=not quiet)
        except Exception as exc:  # noqa: BLE001 - every failure of a run is reported the same way
            name = getattr(exc, "ename", type(exc).__name__)
            value = getattr(exc, "evalue", str(exc).strip().splitlines()[-1] if str(exc).strip() else "")
            cell = f"cell {exc.cell_index}" if hasattr(exc, "cell_index") else _failed_cell(out)
            raise _fail(staging, target, f"brief {params.month}: notebook {template.name} failed in {cell}: {name}: {value}",
                        run_id) from None
        timings[template.name] = round(time.perf_counter() - t0, 2)
        problems = check_executed(out)
        if problems:
            raise _fail(staging, target, f"brief {params.month}: notebook {template.name}: {'; '.join(problems)}", run_id)
    try:
        from reformlib.report.results import read_results

        read_results(staging / "results.json")
        to_html([staging / "notebooks" / t.name for t in templates], staging / "brief.html",
                title=f"改革简报 {params.month}" if params.lang == "zh" else f"Reform brief {params.month}", lang=params.lang)
    except Exception as exc:  # noqa: BLE001
        raise _fail(staging, target, f"brief {params.month}: checking the outputs failed: {exc}", run_id) from None
    manifest = {
        "run_id": run_id, "status": "published", "parameters": nb_params,
        "input_hashes": input_hashes(params.data_dir), "code_version": code_version(), "packages": package_versions(),
        "timings_seconds": {**timings, "total": round(time.perf_counter() - started, 2)}, "kernel": KERNEL,
        "published_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
    }
    (staging / ".pid").unlink()
    empty = [p.name for p in (staging / "brief.html", staging / "results.json") if not p.exists() or p.stat().st_size == 0]
    if empty:
        raise _fail(staging, target, f"brief {params.month}: missing or empty output {empty}", run_id)
    atomic_write(staging / "manifest.json", lambda p: p.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"))
    _publish(staging, target)
    return RunResult(folder=target, html=target / "brief.html", manifest=manifest)
