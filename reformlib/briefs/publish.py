"""Publishing a brief (publication step: results.json -> tables, workbook, memo, HTML page,
manifest).

Everything a reader gets is made from the run's validated ``results.json`` (the memo and
the workbook) or from the executed notebooks (the HTML page), inside the run's staging
folder; :func:`check_outputs` refuses a run with any expected file missing or empty, and
only then is the whole folder published in one atomic step
(:func:`reformlib.briefs.store.promote`). A failed run goes to ``failed/<run-id>/``
(:func:`keep_failed`); one whose process died is moved there by the next run
(:func:`recover_interrupted`). Follows the papermill practice of report portfolios: the
executed notebook is the record of one run and is never edited.
"""
from __future__ import annotations

import html
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat

from reformlib.briefs import freshness
from reformlib.briefs.store import brief_lock, current_version, recover
from reformlib.data.io import atomic_write
from reformlib.data.paths import ROOT
from reformlib.errors import RunError
from reformlib.report.browser import active_content, content_security_policy, html_is_offline, style_sheets
from reformlib.report.memo import write_memo
from reformlib.report.tables import HEADERS, SHEETS, results_tables
from reformlib.report.workbook import write_tables

#: Files every published brief holds (figures are checked from the results file's list).
EXPECTED_FILES = ("brief.html", "memo.docx", "tables.xlsx", "results.json")


def write_documents(folder: Path, *, lang: str) -> dict[str, Path]:
    """``memo.docx`` and ``tables.xlsx`` from ``folder/results.json`` (validated on reading)."""
    from reformlib.report.results import read_results

    res = read_results(folder / "results.json")
    tables = results_tables(res, lang=lang)
    sheets = SHEETS[lang]
    write_tables({sheets[k]: v for k, v in tables.items()}, folder / "tables.xlsx", lang=lang, headers=HEADERS[lang])
    write_memo(res, folder / "memo.docx", lang=lang, base_dir=folder)
    return {"memo": folder / "memo.docx", "tables": folder / "tables.xlsx"}


def check_outputs(folder: Path) -> list[str]:
    """Expected files of a staged brief that are missing or empty: :data:`EXPECTED_FILES`,
    at least one figure, and every figure the results file lists (as PNG)."""
    problems = [f"{name} is missing or empty" for name in EXPECTED_FILES
                if not (folder / name).is_file() or (folder / name).stat().st_size == 0]
    return problems + check_figures(folder)


def check_figures(folder: Path) -> list[str]:
    """Figures the results file lists that are missing, empty or not PNG; none at all."""
    problems = []
    if (folder / "results.json").is_file():
        listed = json.loads((folder / "results.json").read_text(encoding="utf-8")).get("figures") or []
        for fig in listed if isinstance(listed, list) else []:
            path = folder / fig["path"]
            if not path.is_file() or path.stat().st_size == 0:
                problems.append(f"figure {fig['path']} is missing or empty")
            elif path.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
                problems.append(f"figure {fig['path']} is not a PNG file")
    if not list((folder / "figures").glob("*.png")):
        problems.append("figures/ holds no PNG figure")
    return problems


# ------------------------------------------------------------------------------- HTML
PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<title>{title}</title>
<style>{style}</style></head><body>
{body}
</body></html>
"""
STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       max-width: 1100px; margin: 2em auto; padding: 0 1.5em; color: #222; line-height: 1.55; }
h1 { border-bottom: 3px solid #c62828; padding-bottom: .3em; }
h2 { border-left: 5px solid #c62828; padding-left: .5em; margin-top: 1.8em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; height: auto; } .anchor-link { display: none; }
.prompt { display: none; } pre { white-space: pre-wrap; }
"""


def to_html(notebooks: list[Path], out: Path, *, title: str, lang: str) -> Path:
    """One self-contained page from executed notebooks: code hidden, images embedded, offline;
    cells tagged ``remove_cell`` (a template's notes to its maintainers) left out.

    The page carries a Content-Security-Policy that allows no script and no request (only
    embedded images and its own style sheets, by hash); it is refused (:class:`RunError`)
    if a parse finds any external URL (:func:`~reformlib.report.browser.html_is_offline`)
    or anything that could run (:func:`~reformlib.report.browser.active_content`).
    """
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove_cell"}), enabled=True)
    body = "\n".join(exporter.from_notebook_node(nbformat.read(p, as_version=4))[0] for p in notebooks)
    policy = content_security_policy([STYLE, *style_sheets(body)])
    page = PAGE.format(lang="zh-CN" if lang == "zh" else "en", title=html.escape(title), style=STYLE,
                       body=body, policy=html.escape(policy))
    external, active = html_is_offline(page), active_content(page)
    if external or active:
        found = "; ".join([*(f"external URL {u[:80]}" for u in external[:3]), *active[:3]])
        raise RunError(f"{out.name} would fetch from the internet or run code ({found}); refusing to publish")
    return atomic_write(out, lambda p: p.write_text(page, encoding="utf-8"))


# ------------------------------------------------------------------------- provenance
def shown(path: str | os.PathLike) -> str:
    """A path as published outputs record it: relative to the repository, never absolute."""
    return os.path.relpath(Path(path).resolve(), ROOT)


def is_current(folder: Path, *, parameters: Mapping[str, str], inputs: Mapping[str, Mapping[str, str]]) -> bool:
    """Whether ``folder`` (a brief's folder) publishes a complete brief made from the same
    parameters and inputs (so running it again would give the same brief)."""
    return not why_due(folder, parameters=parameters, inputs=inputs)


def why_due(folder: Path, *, parameters: Mapping[str, str], inputs: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Why the brief of ``folder`` must run (empty: it is current); see :mod:`.freshness`."""
    version = current_version(folder)
    problems = check_outputs(version) if version is not None else []
    return freshness.why_due(version, parameters=parameters, inputs=inputs, problems=problems)


def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> Path:
    return atomic_write(folder / "manifest.json",
                        lambda p: p.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"))


def uniform_modes(folder: Path) -> None:
    """Give every file of ``folder`` 0666 and every folder 0777, less the umask, whichever
    library wrote it (a reader's access does not depend on which step made a file)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(folder, 0o777 & ~mask)
    for path in folder.rglob("*"):
        if not path.is_symlink():
            os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~mask)


# ------------------------------------------------------------------------------ failed
def keep_failed(staging: Path, message: str, manifest: Mapping[str, Any], *, status: str = "failed",
                detail: str = "") -> RunError:
    """Move a failed run from ``staging/<run-id>/`` to ``failed/<run-id>/`` with
    ``error.txt`` (``message``; ``detail``, such as a traceback, goes to ``run.log``) and a
    manifest of status ``status``; return the :class:`RunError` to raise. Writes what it
    can: on a full disk or a read-only folder the message still comes back, saying so."""
    failed = staging.parent.parent / "failed" / staging.name
    trouble = []
    for write in (lambda: (staging / "error.txt").write_text(message + "\n", encoding="utf-8"),
                  lambda: _append(staging / "run.log", detail) if detail else None,
                  lambda: write_manifest(staging, {**manifest, "status": status, "error": message})):
        try:
            write()
        except OSError as exc:
            trouble.append(exc.strerror or type(exc).__name__)
    try:
        failed.parent.mkdir(exist_ok=True)
        staging.rename(failed)
        where = f"kept in {_for_reader(failed)}"
    except OSError as exc:
        trouble.append(exc.strerror or type(exc).__name__)
        where = f"left in {_for_reader(staging)}"
    note = f" (writing its record failed: {trouble[0]})" if trouble else ""
    return RunError(f"{message} [{where}{note}; the published brief, if any, is unchanged]")


def _for_reader(path: Path) -> str:
    """A path in a message: relative to the working folder when inside it."""
    path = Path(path).absolute()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def _append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(text if text.endswith("\n") else text + "\n")


def recover_interrupted(folder: Path) -> list[Path]:
    """Move the staging folders of runs that died into ``failed/`` (see
    :func:`reformlib.briefs.store.recover`); raises :class:`RunError` if a run of this
    brief is alive (it holds the lock). Returns the folders moved."""
    with brief_lock(folder, name=f"the brief in {shown(folder)}") as lock:
        return recover(lock)
