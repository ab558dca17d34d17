"""Publishing a brief (publication step: results.json -> tables, workbook, memo, HTML page,
manifest; staging folder -> published folder).

Everything a reader gets is made from the run's validated ``results.json`` (the memo and
the workbook) or from the executed notebooks (the HTML page), inside the run's staging
folder; :func:`check_outputs` refuses a run with any expected file missing or empty, and
only then :func:`publish_staging` moves the files into place by rename, ``manifest.json``
last. A failed run goes to ``failed/<run-id>/`` (:func:`keep_failed`) and a run whose
process died is moved there by :func:`recover_interrupted`. Follows the papermill practice
of report portfolios: the executed notebook is the record of one run and is never edited.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat

from reformlib.data.io import atomic_write
from reformlib.errors import RunError
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
    """One self-contained page from executed notebooks: code hidden, images embedded, offline;
    cells tagged ``remove_cell`` (a template's notes to its maintainers) left out."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove_cell"}), enabled=True)
    body = "\n".join(exporter.from_notebook_node(nbformat.read(p, as_version=4))[0] for p in notebooks)
    page = PAGE.format(lang="zh-CN" if lang == "zh" else "en", title=title, body=body)
    if EXTERNAL.search(page):
        raise RunError(f"{out.name} would fetch from the internet ({EXTERNAL.search(page).group(0)}...); refusing to publish")
    return atomic_write(out, lambda p: p.write_text(page, encoding="utf-8"))


# ------------------------------------------------------------------------- provenance
def is_current(folder: Path, *, parameters: Mapping[str, str], hashes: Mapping[str, str], code: str) -> bool:
    """Whether ``folder`` holds a published brief made from the same parameters, input
    data and code version (so running it again would give the same brief)."""
    try:
        man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (man.get("status") == "published" and man.get("parameters") == dict(parameters)
            and man.get("input_hashes") == dict(hashes) and man.get("code_version") == code
            and not check_outputs(folder))


def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> Path:
    return atomic_write(folder / "manifest.json",
                        lambda p: p.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"))


# ----------------------------------------------------------------------------- publish
def publish_staging(staging: Path, target: Path) -> None:
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


def keep_failed(staging: Path, target: Path, message: str, run_id: str, manifest: Mapping[str, Any]) -> RunError:
    """Move a failed run to ``target/failed/<run-id>/`` with ``error.txt`` and a manifest
    of status ``failed``; return the :class:`RunError` to raise."""
    failed = target / "failed" / run_id
    failed.parent.mkdir(parents=True, exist_ok=True)
    (staging / "error.txt").write_text(message + "\n", encoding="utf-8")
    write_manifest(staging, {**manifest, "status": "failed", "error": message})
    (staging / ".pid").unlink(missing_ok=True)
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
        if pid > 0 and pid != os.getpid() and _alive(pid):
            continue
        failed = target / "failed" / staging.name.removeprefix(".staging-")
        failed.parent.mkdir(parents=True, exist_ok=True)
        (staging / "error.txt").write_text(f"run interrupted (process {pid} ended before publishing)\n", encoding="utf-8")
        staging.rename(failed)
        moved.append(failed)
    return moved
