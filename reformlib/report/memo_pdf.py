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
atomically.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from reformlib.errors import RunError
from reformlib.report.atomic import atomic_path

__all__ = ["FONTS_CONF", "STAND_INS", "memo_pdf"]

#: The fontconfig file that maps the official faces to open ones.
FONTS_CONF = Path(__file__).with_name("memo_fonts.conf")
#: Official face -> the open face that stands in for it in the PDF.
STAND_INS: dict[str, str] = {
    "方正小标宋简体": "Noto Serif CJK SC", "宋体": "Noto Serif CJK SC", "仿宋_GB2312": "Noto Serif CJK SC",
    "仿宋": "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC", "楷体_GB2312": "AR PL UKai CN",
    "楷体": "AR PL UKai CN",
}


def memo_pdf(docx_path: Path | str, pdf_path: Path | str | None = None, *, timeout: float = 300) -> Path:
    """Convert the memo ``docx_path`` to PDF (default: beside it, ``.pdf``) with LibreOffice."""
    source = Path(docx_path)
    target = Path(pdf_path) if pdf_path is not None else source.with_suffix(".pdf")
    if not source.is_file():
        raise RunError(f"memo_pdf: {source} does not exist")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RunError("memo_pdf: LibreOffice (soffice) is not installed; "
                       "run: apt-get install -y libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory(prefix="memo-pdf-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": str(work)}
        cmd = [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
               "--norestore", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work / "out"),
               str(source.resolve())]
        try:
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RunError(f"memo_pdf: LibreOffice did not finish converting {source.name} "
                           f"within {timeout:g} s") from exc
        made = work / "out" / (source.stem + ".pdf")
        if done.returncode != 0 or not made.is_file():
            raise RunError(f"memo_pdf: LibreOffice could not convert {source.name} "
                           f"(exit {done.returncode}): {(done.stderr or done.stdout).strip()[:300]}")
        with atomic_path(target) as out:
            shutil.copyfile(made, out)
    return target
