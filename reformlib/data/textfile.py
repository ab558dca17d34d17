"""Text files as offices save them: the encoding found, never guessed, and CSV records with
the file's own line numbers.

Encodings (in this order, the first that fits wins):

1. a byte-order mark: UTF-8 (Excel's "CSV UTF-8"), UTF-16 LE or BE ("Unicode text");
2. UTF-16 without a mark, recognised by its NUL bytes (every other byte of ASCII text);
3. UTF-8 when every byte sequence is valid UTF-8 (ASCII is UTF-8);
4. GB18030 (a superset of GBK and GB2312, Excel's "CSV" on Chinese Windows) when it
   decodes every byte, at least 90 % of the non-ASCII characters it gives are Chinese
   characters or CJK/full-width punctuation, and at least 90 % of them are GB2312's common
   characters (a Western letter misread as GBK pairs with the ASCII byte after it and
   lands outside that region).

Anything else is refused with a :class:`~reformlib.errors.DataValidationError` that names the
file and asks for UTF-8: a Western or Japanese file read as Chinese would give wrong text
without any error. (Statistical detectors such as charset-normalizer take short GBK files for
Korean CP949, so they are not used.)

CSV records keep the line on which each starts (blank lines and CRLF endings counted), so
an error points at the line an editor shows. Separators ``,`` ``;`` and tab are told apart by
counting them in the header line.

May import: the standard library, pandas and :mod:`reformlib.errors`.
"""
from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reformlib.errors import DataValidationError, Problem

__all__ = ["CsvRecords", "FileProblem", "decode", "read_csv_records", "records_frame", "sniff_separator"]


@dataclass(frozen=True)
class FileProblem(Problem):
    """A problem located in a file: a line of a text file, or a sheet and cell of a workbook.

    ``row`` stays the 1-based data row (header excluded) where there is one.
    """

    line: int | None = None
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        if self.sheet is not None:
            where = f"sheet {self.sheet!r}" + (f", cell {self.cell}" if self.cell else "")
        elif self.line is not None:
            where = f"line {self.line}" + (f" (data row {self.row})" if self.row is not None else "")
        else:
            where = f"row {self.row}" if self.row is not None else "all rows"
        col = f", column {self.column!r}" if self.column else ""
        val = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}{col}: {self.rule}{val}"


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF
            or 0x20000 <= o <= 0x2FA1F or o in (0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x00B7, 0x2030, 0x00A0))


def _common(ch: str) -> bool:
    """Whether ``ch`` is in GB2312's region of GBK (both bytes 0xA1-0xFE): the common characters."""
    b = ch.encode("gb18030")
    return len(b) == 2 and b[0] >= 0xA1 and b[1] >= 0xA1


def _looks_chinese(text: str) -> bool:
    """At least 90 % of the non-ASCII characters are Chinese or CJK punctuation, and at least
    90 % lie in GB2312's common region. Western text misread as GBK pairs a letter such as
    ``ï`` (0xEF) with the ASCII byte after it, which lands outside that region."""
    wide = Counter(c for c in text if ord(c) > 127)
    n = sum(wide.values())
    cjk = sum(k for c, k in wide.items() if _is_cjk(c))
    common = sum(k for c, k in wide.items() if _common(c))
    return cjk >= 0.9 * n and common >= 0.9 * n


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode(data: bytes, path: Path | str) -> tuple[str, str]:
    """``data`` as text and the name of its encoding, by the rules of this module's docstring.

    Raises :class:`DataValidationError` naming ``path`` when no rule fits.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif (u16 := _utf16_without_bom(data)) is not None:
        candidates = [u16]
    else:
        candidates = ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            if enc != "utf-8":
                line = data[: exc.start].count(b"\n") + 1
                raise DataValidationError(path, [FileProblem(None, None, f"not valid {enc.upper()} text", line=line)]) from None
            continue
        if enc == "gb18030" and not _looks_chinese(text):
                raise DataValidationError(path, [FileProblem(
                    None, None, "the encoding cannot be told: the file is not UTF-8, UTF-16 or GBK/GB18030 Chinese text; "
                    "save it as UTF-8 (Excel: CSV UTF-8)")])
        return text, enc
    raise AssertionError("unreachable")  # pragma: no cover


def sniff_separator(header: str) -> str:
    """The separator of a CSV file from its header line: tab, ``;`` or ``,``, whichever occurs most
    (``,`` when none does)."""
    counts = {sep: header.count(sep) for sep in ("\t", ";", ",")}
    best = max(counts, key=lambda s: (counts[s], s == ","))
    return best if counts[best] > 0 else ","


@dataclass(frozen=True)
class CsvRecords:
    """The records of a CSV file: header, data rows and the line each data row starts on."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    encoding: str
    separator: str


def read_csv_records(path: Path | str, *, data: bytes | None = None) -> CsvRecords:
    """Read ``path`` (or its bytes ``data``) as CSV records. Blank lines are skipped but counted.

    Raises :class:`DataValidationError` naming the file and line for a broken quote, and for a
    file with no header line.
    """
    raw = Path(path).read_bytes() if data is None else data
    text, enc = decode(raw, path)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    sep = sniff_separator(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    records: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for rec in reader:
            end = reader.line_num
            if any(f.strip() for f in rec):
                records.append(rec)
                lines.append(start)
            start = end + 1
    except csv.Error as exc:
        raise DataValidationError(path, [FileProblem(None, None, f"the file cannot be read as CSV: {exc}", line=reader.line_num)]) from None
    if not records:
        raise DataValidationError(path, [FileProblem(None, None, "the file is empty: no header line")])
    return CsvRecords(records[0], records[1:], lines[1:], enc, sep)


def records_frame(rec: CsvRecords, path: Path | str) -> pd.DataFrame:
    """The records as a frame of text, one column per header name, indexed 0..n-1.

    Trailing empty fields (a separator at the end of every line, as some exports write) are
    dropped, never shifted into the next column. Refused, listing every case at once: a column
    without a name that holds values, a column name given twice, a row with more or fewer
    values than the header names.
    """
    header = [h.strip() for h in rec.header]
    while header and header[-1] == "" and all(len(r) < len(header) or not r[len(header) - 1].strip() for r in rec.rows):
        header.pop()
    problems: list[Problem] = []
    first_line = rec.lines[0] - 1 if rec.lines else 1
    for i, name in enumerate(header):
        if name == "":
            problems.append(FileProblem(None, None, f"column {i + 1} of the header has no name", line=first_line))
        elif name in header[:i]:
            problems.append(FileProblem(None, name, f"the column name appears twice (columns {header.index(name) + 1} and {i + 1})",
                                        line=first_line))
    width = len(header)
    rows = []
    for k, (row, line) in enumerate(zip(rec.rows, rec.lines), start=1):
        while len(row) > width and not row[-1].strip():
            row = row[:-1]
        if len(row) != width:
            problems.append(FileProblem(k, None, f"has {len(row)} values but the header names {width} columns", line=line))
        rows.append((row + [""] * width)[:width])
    if problems:
        raise DataValidationError(path, problems)
    return pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame({h: pd.Series(dtype=object) for h in header})
