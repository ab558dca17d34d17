"""Batches of briefs on a Dask cluster, alone and on one kept kernel (reformlib.briefs.batch).

The shared batch (tests/conftest.py unit_batch) publishes unit briefs of 2017-12 through the
command line on a real ``distributed.LocalCluster`` of two worker processes (their results
computed by one run of ``units.ipynb``, each worker publishing its chunk of briefs from them),
and the first of them again by itself (``run_brief``: ``units.ipynb`` for that one unit, then
the same publishing step). The two briefs of that unit must be the same byte for byte apart
from timestamps: results.json, memo text, workbook cells, figures and page. The city's briefs
of a batch run ``brief.ipynb`` on one kept kernel: a kernel that dies and a cell that raises
fail their own brief only."""
from __future__ import annotations

import json
import re

import nbformat
import pytest
from docx import Document
from openpyxl import load_workbook

from reformlib.briefs import shared
from reformlib.briefs.batch import BriefJob, chunks, run_chunk
from reformlib.data.paths import NOTEBOOKS

MONTH = "2017-12"
UNITS = ("430302", "430381")


@pytest.fixture(scope="module")
def runs(unit_batch):
    return unit_batch.reports, unit_batch.alone, unit_batch.alone_folder, unit_batch.proc


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


_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00|Z)?")  # an ISO time stamp


@pytest.mark.slow  # runs units.ipynb through papermill twice
def test_a_unit_brief_of_a_cluster_batch_is_the_brief_made_alone(runs):
    cluster, alone, folder, proc = runs
    assert proc.stdout.strip().splitlines()[-1] == "3 brief(s): 2 published, 0 skipped, 1 failed"  # 430304's spoiled
    a, b = cluster / MONTH / UNITS[0] / "current", alone / MONTH / UNITS[0] / "current"
    assert folder == b
    made = [json.loads((f / "manifest.json").read_text(encoding="utf-8")) for f in (a, b)]
    assert made[0]["inputs"] == made[1]["inputs"], "the two runs read different inputs (data, notebooks or code changed)"
    assert made[0]["computed_by"]["units"] == 3 and made[1]["computed_by"]["units"] == 1
    raw = (a / "results.json").read_text(encoding="utf-8")
    assert raw.count("generated_at") == 1 and _results(a / "results.json") == _results(b / "results.json")
    stamp = re.compile(r'"generated_at": "[^"]*"')  # byte for byte apart from the one time stamp
    assert stamp.sub("", raw) == stamp.sub("", (b / "results.json").read_text(encoding="utf-8"))
    assert _memo(a / "memo.docx") == _memo(b / "memo.docx") and any("雨湖区" in t for t in _memo(a / "memo.docx"))
    assert _workbook(a / "tables.xlsx") == _workbook(b / "tables.xlsx")
    figures = sorted(p.name for p in (a / "figures").iterdir())
    assert figures and figures == sorted(p.name for p in (b / "figures").iterdir())
    for name in figures:
        assert (a / "figures" / name).read_bytes() == (b / "figures" / name).read_bytes(), name
    page = (a / "brief.html").read_text(encoding="utf-8")
    assert "雨湖区" in page and _STAMP.sub("", page) == _STAMP.sub("", (b / "brief.html").read_text(encoding="utf-8"))
    # the other unit of the batch: its own brief, from the same run of units.ipynb
    other = cluster / MONTH / UNITS[1] / "current"
    assert _results(other / "results.json")["unit"] == UNITS[1]
    assert (other / "notebooks" / "units.ipynb").stat().st_ino == (a / "notebooks" / "units.ipynb").stat().st_ino
    man = json.loads((other / "manifest.json").read_text(encoding="utf-8"))
    assert man["status"] == "published" and man["parameters"] == {"month": MONTH, "lang": "zh", "unit": UNITS[1]}


@pytest.mark.slow  # starts kernels
def test_a_failed_city_brief_on_the_kept_kernel_loses_none_of_the_others(tmp_path, demo):
    """City briefs of a chunk share one kernel: the first kills it, the next (on a new
    kernel) raises in a cell; each fails alone, kept in failed/ with its notebook."""
    nb = nbformat.read(NOTEBOOKS / "brief.ipynb", as_version=4)
    at = next(i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at, nbformat.v4.new_code_cell(
        'if month == "2017-11":\n    __import__("os")._exit(1)\n'
        'if month == "2017-10":\n    raise RuntimeError("no reports for October")'))
    templates = tmp_path / "templates"
    templates.mkdir()
    nbformat.write(nb, templates / "brief.ipynb")
    dies, raises = BriefJob("2017-11", "", "zh"), BriefJob("2017-10", "", "zh")
    outcomes = {o.job: o for o in run_chunk([dies, raises], reports=tmp_path / "reports", notebook_dir=templates)}
    assert outcomes[dies].status == "failed" and "DeadKernelError" in outcomes[dies].detail
    assert outcomes[raises].status == "failed" and "no reports for October" in outcomes[raises].detail
    assert "cell" in outcomes[raises].detail  # it ran on a new kernel, to the cell that raised
    for job in (dies, raises):
        folder = tmp_path / "reports" / job.month
        assert not (folder / "current").exists()
        kept = list((folder / "failed").iterdir())
        assert len(kept) == 1 and (kept[0] / "error.txt").exists() and (kept[0] / "notebooks" / "brief.ipynb").exists()


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


def test_a_kernel_started_early_runs_a_notebook_as_a_kernel_started_for_it_would(tmp_path):
    """``head_start``'s kernel starts and imports what the notebook imports before the run;
    the run's record is that of a kernel started for the run (the same outputs, execution
    counts from 1, no name of the head start left): here the kernel of a head start that
    failed (no such template), which loses only the head start: the run starts a kernel."""
    from reformlib.briefs.notebooks import BriefKernel, execute

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "reformlib", "display_name": "reformlib",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell('label: str = "x"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print('json' in globals(), 'sys' in globals(), 'label' in globals())"),
                nbformat.v4.new_code_cell("import json\nimport sys"),
                nbformat.v4.new_code_cell("json.dumps({'label': label})")]
    nbformat.write(nb, tmp_path / "t.ipynb")

    def run(name: str, kernel) -> list:
        (tmp_path / name).mkdir()
        execute(tmp_path / "t.ipynb", tmp_path / name / "t.ipynb", {"label": name}, cwd=tmp_path / name, timeout=120,
                progress=False, log=tmp_path / name / "run.log", data_dir=tmp_path, quiet=True, kernel=kernel)
        done = nbformat.read(tmp_path / name / "t.ipynb", as_version=4)
        return [(c.execution_count, [o.get("text") or o.get("data", {}).get("text/plain") for o in c.outputs])
                for c in done.cells if c.cell_type == "code"]

    with BriefKernel(tmp_path).start_early([tmp_path / "t.ipynb"]) as early:
        first = run("early", early)
        assert early.starts == 1  # the run used the kernel started early
    with BriefKernel(tmp_path).start_early([tmp_path / "absent.ipynb"]) as lost:
        second = run("lost", lost)
        assert lost.starts == 1  # the head start failed before starting one: the run started it
    def plain(cells: list) -> list:  # each run's own label taken out
        return [(n, [re.sub('"(early|lost)"', '""', o or "") for o in outs]) for n, outs in cells]

    assert plain(first) == plain(second)
    assert [n for n, _ in first] == [1, 2, 3, 4, 5]  # the injected parameters cell included
    assert first[2][1] == ["False False True\n"]  # nothing the head start imported is in the namespace
    assert first[-1][1] == ["'{\"label\": \"early\"}'"]
