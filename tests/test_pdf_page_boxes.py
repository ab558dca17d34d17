"""The published-output check reads each page's own MediaBox: LibreOffice writes the page
tree's (/Pages) as the bounds of all its pages, 842 x 842 pt when a memo has landscape
attachments, which is no page's size."""
from __future__ import annotations

from pathlib import Path

from reformlib.briefs import publish


def _pdf(path: Path, *pages: str) -> Path:
    """A PDF laid out as LibreOffice writes one: the page tree with the bounds of its pages,
    then each page with its own box."""
    objects = [b"1 0 obj\n<</Type/Pages\n/MediaBox[ 0 0 841.89 841.89 ]\n/Kids[ 2 0 R ]>>\nendobj\n"]
    objects += [f"{n} 0 obj\n<</Type/Page/Parent 1 0 R/MediaBox[0 0 {box}]>>\nendobj\n".encode()
                for n, box in enumerate(pages, start=2)]
    path.write_bytes(b"%PDF-1.6\n" + b"".join(objects))
    return path


def test_the_page_tree_bounds_are_not_a_page(tmp_path):
    assert publish.pdf_problems(_pdf(tmp_path / "memo.pdf", "595.3 841.89", "841.89 595.3")) == []
    assert publish.pdf_problems(_pdf(tmp_path / "memo.pdf", "595.3 841.89", "612 792")) == [
        "memo.pdf: pages of 612 x 792 pt, not A4 (595 x 842 pt, or 842 x 595 landscape)"]
