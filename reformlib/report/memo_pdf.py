"""PDF of the memo (publication step: memo.docx -> memo.pdf), made with LibreOffice.

The .docx names the official faces as Windows has them (:data:`~reformlib.report.memo_layout.FONTS`).
Here none of them is installed, and none may be shipped or downloaded; the conversion runs
with ``FONTCONFIG_FILE`` set to the project's ``memo_fonts.conf`` (:data:`FONTS_CONF`),
whose aliases put open faces in their place (:data:`STAND_INS`):

========================  ==========================================================
official face             stand-in here
========================  ==========================================================
方正小标宋简体 (title)     Noto Serif CJK SC, bold (Debian ``fonts-noto-cjk``)
宋体 (page numbers)        Noto Serif CJK SC
仿宋_GB2312 / 仿宋 (body)  Noto Serif CJK SC: the one free FangSong face packaged in Debian,
                          cwTeX 仿宋 (``fonts-cwtex-fs``), lacks 1,203 of the 3,755
                          first-level GB 2312 characters (它 is a traditional-Chinese face)
黑体 (``一、`` headings)   Noto Sans CJK SC
楷体_GB2312 / 楷体         AR PL UKai CN (Debian ``fonts-arphic-ukai``; all 6,763 GB 2312
                          characters), else Noto Serif CJK SC
========================  ==========================================================

LibreOffice (``soffice``, Debian ``libreoffice-writer-nogui``) runs headless with a
throw-away profile, so that parallel conversions do not share one; the PDF is written
atomically. Starting LibreOffice is most of a conversion's cost (about 2.6 CPU-s and 5 s for
one memo, against about 0.9 CPU-s a memo for 8 converted by one process, measured on 2 cores
shared with other work): :func:`memo_pdfs` converts many memos in one process, as a batch of
briefs does (:func:`reformlib.briefs.run.prepare_memos`).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import docx

from reformlib.errors import ParameterError, RunError
from reformlib.report.atomic import atomic_path
from reformlib.report.memo_layout import overflow_punct

__all__ = ["FONTS_CONF", "STAND_INS", "memo_pdf", "memo_pdfs"]

#: The fontconfig file that maps the official faces to open ones.
FONTS_CONF = Path(__file__).with_name("memo_fonts.conf")
#: Official face -> the open face that stands in for it in the PDF.
STAND_INS: dict[str, str] = {
    "方正小标宋简体": "Noto Serif CJK SC", "宋体": "Noto Serif CJK SC", "仿宋_GB2312": "Noto Serif CJK SC",
    "仿宋": "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC", "楷体_GB2312": "AR PL UKai CN",
    "楷体": "AR PL UKai CN",
}


def _soffice() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RunError("memo_pdf: LibreOffice (soffice) is not installed; "
                       "run: apt-get install -y libreoffice-writer-nogui")
    return soffice


def _for_libreoffice(source: Path, folder: Path) -> Path:
    """A copy of the memo ``source`` in ``folder`` (same name) that LibreOffice lays out as Word
    does the memo: its punctuation never hangs into the margin. LibreOffice's Word import
    (7.4, writerfilter) reads ``w:overflowPunct`` the other way round from Word (``val="0"``,
    Word's "never hang", it takes as "hang"), and, hanging a mark at the end of a justified
    line, prints it nowhere (the June 2017 memo's "市环境保护局、" lost its 、), so the copy
    says ``val="1"``."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        doc = docx.Document(str(source))
    except Exception as exc:  # python-docx raises several kinds for a file that is no Word document
        raise RunError(f"memo_pdf: {source.name} is not a Word document ({exc})") from exc
    overflow_punct(doc.styles["Normal"], True)
    copy = folder / source.name
    doc.save(str(copy))
    return copy


def _convert(sources: Sequence[Path], out: Path, work: Path, *, timeout: float) -> subprocess.CompletedProcess:
    """One LibreOffice process converting ``sources`` into ``out`` (``<stem>.pdf`` each), with
    its profile and home in ``work``; :class:`RunError` when it does not finish in ``timeout``."""
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": str(work)}
    cmd = [_soffice(), f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
           "--norestore", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out),
           *(str(_for_libreoffice(Path(s), work / "in")) for s in sources)]
    try:
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        names = sources[0].name if len(sources) == 1 else f"{len(sources)} memos"
        raise RunError(f"memo_pdf: LibreOffice did not finish converting {names} within {timeout:g} s") from exc


def memo_pdfs(docx_paths: Sequence[Path | str], out_dir: Path | str, *, timeout: float = 300,
              timeout_each: float = 30) -> dict[Path, Path | str]:
    """Convert the memos ``docx_paths`` to PDF with ONE LibreOffice process, into ``out_dir``
    (``<stem>.pdf`` each, written atomically; the stems must differ). Returns, per memo, the
    PDF made or, for one not made, the reason in words (LibreOffice missing, its exit status
    and message, or the time limit: ``timeout`` plus ``timeout_each`` seconds a memo). Raises
    :class:`~reformlib.errors.ParameterError` for a missing memo or two memos of one stem."""
    sources = [Path(p) for p in docx_paths]
    missing = [str(p) for p in sources if not p.is_file()]
    if missing:
        raise ParameterError(f"memo_pdfs: {missing[0]} does not exist")
    stems = [p.stem for p in sources]
    twice = sorted({s for s in stems if stems.count(s) > 1})
    if twice:
        raise ParameterError(f"memo_pdfs: the memos' names must differ (their PDFs share a folder); "
                             f"{twice[0]!r} is given more than once")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not sources:
        return {}
    try:
        with tempfile.TemporaryDirectory(prefix="memo-pdf-") as tmp:
            work = Path(tmp)
            done = _convert(sources, work / "out", work, timeout=timeout + timeout_each * len(sources))
            said = (done.stderr or done.stdout).strip()[:300]
            made: dict[Path, Path | str] = {}
            for source in sources:
                pdf = work / "out" / (source.stem + ".pdf")
                if not pdf.is_file():
                    made[source] = (f"LibreOffice could not convert {source.name} (exit {done.returncode})"
                                    + (f": {said}" if said else ""))
                    continue
                with atomic_path(out / pdf.name) as target:
                    shutil.copyfile(pdf, target)
                made[source] = out / pdf.name
    except RunError as exc:
        return {source: str(exc).removeprefix("memo_pdf: ") for source in sources}
    return made


def memo_pdf(docx_path: Path | str, pdf_path: Path | str | None = None, *, timeout: float = 300) -> Path:
    """Convert the memo ``docx_path`` to PDF (default: beside it, ``.pdf``) with LibreOffice."""
    source = Path(docx_path)
    target = Path(pdf_path) if pdf_path is not None else source.with_suffix(".pdf")
    if not source.is_file():
        raise RunError(f"memo_pdf: {source} does not exist")
    _soffice()
    with tempfile.TemporaryDirectory(prefix="memo-pdf-") as tmp:
        work = Path(tmp)
        done = _convert([source], work / "out", work, timeout=timeout)
        made = work / "out" / (source.stem + ".pdf")
        if done.returncode != 0 or not made.is_file():
            raise RunError(f"memo_pdf: LibreOffice could not convert {source.name} "
                           f"(exit {done.returncode}): {(done.stderr or done.stdout).strip()[:300]}")
        with atomic_path(target) as out:
            shutil.copyfile(made, out)
    return target
