"""Batches of briefs on one kept kernel and on a Dask cluster (reformlib.briefs.batch).

One module fixture publishes the same two unit briefs of 2017-12 twice, from one template:
through the command line on a real ``distributed.LocalCluster`` of two worker processes (each
worker's chunk one brief, on a kernel of its own, as a brief run by itself), and in this
process on ONE kept kernel, after a brief whose kernel dies and around a brief whose cell
raises. Each unit's results.json, memo text, workbook cells, figures and
executed notebook must be the same both ways."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import nbformat
import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from reformlib.briefs import shared
from reformlib.briefs.batch import BriefJob, chunks
from reformlib.briefs.schedule import run_batch
from reformlib.data.paths import NOTEBOOKS, ROOT

MONTH = "2017-12"
UNITS = ("430302", "430381")
RAISES, DIES = "430304", "430321"


@pytest.fixture(scope="module")
def runs(tmp_path_factory, demo):
    tmp = tmp_path_factory.mktemp("batch-kernel")
    nb = nbformat.read(NOTEBOOKS / "brief.ipynb", as_version=4)
    at = next(i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at, nbformat.v4.new_code_cell(
        f'if unit == "{RAISES}":\n    raise RuntimeError("no reports from {RAISES}")\n'
        f'if unit == "{DIES}":\n    __import__("os")._exit(1)'))
    templates = tmp / "templates"
    templates.mkdir()
    nbformat.write(nb, templates / "brief.ipynb")
    config = tmp / "briefs.yml"
    config.write_text(yaml.safe_dump({"briefs": [{"months": [MONTH], "units": list(UNITS), "langs": ["zh"]}],
                                      "reports": "cluster"}), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "reformlib", "briefs", "--config", str(config), "--quiet",
                           "--scheduler", "local", "--workers", "2", "--notebook-dir", str(templates)],
                          capture_output=True, text=True, cwd=ROOT, timeout=1200)  # a guard against a hang
    assert proc.returncode == 0, proc.stdout + proc.stderr
    jobs = [BriefJob(MONTH, u, "zh") for u in (DIES, UNITS[0], RAISES, UNITS[1])]
    outcomes = run_batch(jobs, reports=tmp / "kernel", workers=1, notebook_dir=templates)
    return tmp / "cluster", tmp / "kernel", {o.job.unit: o for o in outcomes}, proc


def _results(path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("generated_at")
    return data


def _memo(path) -> list[str]:
    doc = Document(str(path))
    return [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]


def _workbook(path) -> dict:
    wb = load_workbook(path, data_only=False)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


_VOLATILE = re.compile(r"T_[0-9a-f]{5}|0x[0-9a-f]+")  # pandas Styler's random table id, object addresses


def _record(path) -> list:
    nb = nbformat.read(path, as_version=4)
    return [(c.source, c.get("execution_count"), _VOLATILE.sub("", json.dumps(c.get("outputs", []), sort_keys=True)))
            for c in nb.cells]


@pytest.mark.slow  # runs briefs through papermill
def test_cluster_and_one_kernel_publish_the_same_briefs(runs):
    cluster, kernel, outcomes, proc = runs
    assert proc.stdout.strip().splitlines()[-1] == "2 brief(s): 2 published, 0 skipped, 0 failed"
    for unit in UNITS:
        assert outcomes[unit].status == "published", outcomes[unit].detail
        a, b = cluster / MONTH / unit / "current", kernel / MONTH / unit / "current"
        made = [json.loads((f / "manifest.json").read_text(encoding="utf-8"))["inputs"] for f in (a, b)]
        assert made[0] == made[1], "the two runs read different inputs (data, notebooks or reformlib's code changed)"
        raw = (a / "results.json").read_text(encoding="utf-8")
        assert raw.count("generated_at") == 1 and _results(a / "results.json") == _results(b / "results.json")
        # byte for byte apart from the one timestamp
        stamp = re.compile(r'"generated_at": "[^"]*"')
        assert stamp.sub("", raw) == stamp.sub("", (b / "results.json").read_text(encoding="utf-8"))
        assert _memo(a / "memo.docx") == _memo(b / "memo.docx") and any(unit in t or "区" in t for t in _memo(a / "memo.docx"))
        assert _workbook(a / "tables.xlsx") == _workbook(b / "tables.xlsx")
        figures = sorted(p.name for p in (a / "figures").iterdir())
        assert figures and figures == sorted(p.name for p in (b / "figures").iterdir())
        for name in figures:
            assert (a / "figures" / name).read_bytes() == (b / "figures" / name).read_bytes(), name
        # the executed record: same cells, outputs and execution counts (1, 2, ...) as a kernel of its own
        record = _record(b / "notebooks" / "brief.ipynb")
        assert record == _record(a / "notebooks" / "brief.ipynb")
        assert [n for _, n, _ in record if n is not None][:3] == [1, 2, 3]
        man = json.loads((b / "manifest.json").read_text(encoding="utf-8"))
        assert man["status"] == "published" and man["parameters"] == {"month": MONTH, "lang": "zh", "unit": unit}


@pytest.mark.slow  # runs briefs through papermill
def test_a_failed_brief_in_the_kernel_loses_none_of_the_others(runs):
    _, kernel, outcomes, _ = runs
    assert outcomes[DIES].status == "failed" and "DeadKernelError" in outcomes[DIES].detail
    assert outcomes[RAISES].status == "failed" and f"no reports from {RAISES}" in outcomes[RAISES].detail
    assert "cell" in outcomes[RAISES].detail
    for unit in (DIES, RAISES):
        folder = kernel / MONTH / unit
        assert not (folder / "current").exists()
        kept = list((folder / "failed").iterdir())
        assert len(kept) == 1 and (kept[0] / "error.txt").exists() and (kept[0] / "notebooks" / "brief.ipynb").exists()
    # the brief after the dead kernel ran on a new one; the brief after the raising cell on the same
    for unit in UNITS:
        assert (kernel / MONTH / unit / "current" / "results.json").exists()
    assert "430302" in (kernel / "index.html").read_text(encoding="utf-8")


def test_chunks_keep_one_month_per_chunk_and_spread_it_over_the_workers():
    jobs = [BriefJob(m, u, "zh") for m in ("2017-11", "2017-12") for u in ("", "430302", "430304", "430321", "430381")]
    parts = chunks(jobs, 2)
    assert [len(p) for p in parts] == [3, 2, 3, 2]
    assert all(len({j.month for j in p}) == 1 for p in parts)
    assert [j for p in parts for j in p] == jobs
    assert chunks(jobs[:1], 4) == [jobs[:1]]


def test_the_evaluation_is_computed_once_per_month_and_inputs(demo):
    import reformlib as rl
    from reformlib.briefs import content

    data = rl.load_data()
    before = shared.stats()
    first = content.evaluation_section(data, MONTH, lang="zh", uncertainty=False, assessment="monthly")
    first["scores"].clear()  # what the caller does to its copy stays with it
    again = content.evaluation_section(dict(data), MONTH, lang="zh", uncertainty=False, assessment="monthly")
    after = shared.stats()
    assert after["hits"] == before["hits"] + 1 and after["misses"] == before["misses"] + 1
    assert again["scores"] and again["period"] == MONTH
    changed = dict(data, observations=data["observations"].assign(value=data["observations"]["value"] * 1.01))
    content.evaluation_section(changed, MONTH, lang="zh", uncertainty=False, assessment="monthly")
    assert shared.stats()["misses"] == after["misses"] + 1
