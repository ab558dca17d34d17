"""A batch's memos converted to PDF by one LibreOffice process (reformlib.report.memo_pdf.memo_pdfs,
reformlib.briefs.run.prepare_memos), each brief still published whole from its own staging folder."""
from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import docx
import pytest

import reformlib as rl
from reformlib.briefs import publish
from reformlib.briefs import units as unit_briefs
from reformlib.briefs.batch import BriefJob, render_chunk
from reformlib.briefs.run import UnitsRun, prepare_memos, templates_for
from reformlib.errors import ParameterError
from reformlib.provenance import code_version
from reformlib.report.memo import memo_content
from reformlib.report.memo_pdf import memo_pdfs

MONTH = "2017-12"
UNITS = ("430302", "xtjk")


def test_memos_of_one_name_or_missing_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        (tmp_path / folder / "memo.docx").write_bytes(b"PK")
    with pytest.raises(ParameterError, match="'memo' is given more than once"):
        memo_pdfs([tmp_path / "a" / "memo.docx", tmp_path / "b" / "memo.docx"], tmp_path / "out")
    with pytest.raises(ParameterError, match="nope.docx does not exist"):
        memo_pdfs([tmp_path / "nope.docx"], tmp_path / "out")
    assert memo_pdfs([], tmp_path / "out") == {}


def test_without_libreoffice_every_memo_says_why_it_has_no_pdf(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    docs = [tmp_path / "1.docx", tmp_path / "2.docx"]
    for doc in docs:
        doc.write_bytes(b"PK")
    made = memo_pdfs(docs, tmp_path / "out")
    assert set(made) == set(docs)
    assert all("LibreOffice (soffice) is not installed" in str(why) for why in made.values())


@pytest.fixture(scope="module")
def run(tmp_path_factory, demo):
    """Two units' results written as units.ipynb writes them, in a run's folder."""
    reports = tmp_path_factory.mktemp("reports")
    data = unit_briefs.month_inputs(None, MONTH)
    results = unit_briefs.unit_results(data, MONTH, lang="zh", units=UNITS, reference=rl.load_reference())
    done = UnitsRun(run_id="r1", folder=reports / ".units" / "r1", units=UNITS)
    unit_briefs.write_unit_results(results, done.folder / "units")
    return reports, done


def test_nothing_is_prepared_with_the_pdf_off_or_for_one_unit(tmp_path, monkeypatch):
    done = UnitsRun(run_id="r0", folder=tmp_path / "run", units=UNITS)  # nothing is read
    monkeypatch.setenv(publish.MEMO_PDF_SWITCH, "off")
    assert prepare_memos(done, list(UNITS), tmp_path / "off", lang="zh") == {}
    monkeypatch.setenv(publish.MEMO_PDF_SWITCH, "on")
    assert prepare_memos(done, list(UNITS[:1]), tmp_path / "one", lang="zh") == {}
    assert not (tmp_path / "off").exists() and not (tmp_path / "one").exists()


@pytest.mark.slow  # LibreOffice converts two memos
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed (make memo-tools)")
def test_a_chunk_converts_its_memos_in_one_libreoffice_process(run, tmp_path, monkeypatch):
    reports, done = run
    # soffice on PATH is LibreOffice itself, through a script that counts its starts
    bin_dir, log = tmp_path / "bin", tmp_path / "starts.log"
    bin_dir.mkdir()
    counted = bin_dir / "soffice"
    counted.write_text(f'#!/bin/sh\necho start >> "{log}"\nexec "{shutil.which("soffice")}" "$@"\n', encoding="utf-8")
    counted.chmod(counted.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(publish.MEMO_PDF_SWITCH, "on")

    outcomes = render_chunk([BriefJob(MONTH, u, "zh") for u in UNITS], done, reports=reports)
    assert [o.status for o in outcomes] == ["published", "published"], [o.detail for o in outcomes]
    assert log.read_text().splitlines() == ["start"]  # one LibreOffice process for both memos
    for unit in UNITS:
        brief = reports / MONTH / unit / "current"
        manifest = json.loads((brief / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["documents"]["memo.pdf"] == {"made": True, "tool": "LibreOffice"}
        assert manifest["code_version"] == code_version(templates_for(unit))  # hashed once for the chunk
        assert publish.check_outputs(brief) == []  # an A4 PDF, every other file there
        # the memo is the one made from this brief's own results, its title naming the unit
        title = memo_content(json.loads((brief / "results.json").read_text(encoding="utf-8")), lang="zh").title
        lines = [p.text for p in docx.Document(str(brief / "memo.docx")).paragraphs]
        assert "\n".join(lines).find(title) >= 0, (title, lines[:4])
    # what the chunk prepared is gone; nothing is left staged
    assert [p.name for p in done.folder.iterdir()] == ["units"]
    assert not [p for u in UNITS for p in (reports / MONTH / u / "staging").glob("*")]


def test_a4_pages_upright_or_landscape_pass_the_check_and_letter_pages_do_not(tmp_path):
    def pdf(*boxes: str) -> Path:
        path = tmp_path / "memo.pdf"
        path.write_bytes(b"%PDF-1.7\n" + b"".join(f"<< /MediaBox [0 0 {b}] >>\n".encode() for b in boxes))
        return path

    assert publish.pdf_problems(pdf("595.28 841.89", "841.89 595.28")) == []
    assert publish.pdf_problems(pdf("595.28 841.89", "612 792")) == [
        "memo.pdf: pages of 612 x 792 pt, not A4 (595 x 842 pt, or 842 x 595 landscape)"]
