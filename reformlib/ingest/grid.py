"""A submission file as grids of cells, whatever it came as: CSV text (any encoding and
separator :mod:`reformlib.data.textfile` reads) or an xlsx workbook.

Each cell keeps where it came from (``B7`` on a sheet, or a CSV line) and whether the
spreadsheet shows it as a percentage. From a workbook: hidden sheets and hidden columns, and
the sheets 汇总 (summary) and 填报说明/说明 (instructions) are skipped and said so; merged
header cells carry their value across the merge; a formula is read as its stored result, and a
formula with no stored result (a file written by a program, never opened in Excel) is refused
naming sheet and cell.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reformlib.data.textfile import FileProblem, read_csv_records

__all__ = ["SKIP_SHEETS", "Cell", "Grid", "read_grids"]

#: Sheets that are never data: summaries and instructions.
SKIP_SHEETS = ("汇总", "合计", "填报说明", "说明", "instructions", "summary")


@dataclass(frozen=True)
class Cell:
    value: object
    where: str  # "B7" in a workbook, "" in a CSV file (the line locates it)
    percent: bool = False


@dataclass
class Grid:
    """One sheet (or the CSV file): rows of cells, each row with its number (sheet row or file line)."""

    sheet: str | None
    rows: list[tuple[int, list[Cell]]]
    merged_header: set[tuple[int, int]] = field(default_factory=set)

    def problem(self, number: int, cell: Cell | None, column: str | None, rule: str, value: object = None) -> FileProblem:
        if self.sheet is None:
            return FileProblem(None, column, rule, value, line=number)
        return FileProblem(None, column, rule, value, sheet=self.sheet, cell=cell.where if cell else f"row {number}")


def _csv_grid(path: Path) -> Grid:
    rec = read_csv_records(path)
    first = rec.lines[0] - 1 if rec.lines else 1
    rows = [(first, [Cell(v, "") for v in rec.header])]
    rows += [(line, [Cell(v, "") for v in r]) for line, r in zip(rec.lines, rec.rows)]
    return Grid(None, rows)


def _sheet_grid(ws, formulas, skipped: list[str], problems: list[FileProblem]) -> Grid:
    hidden_cols = {k for k, d in ws.column_dimensions.items() if d.hidden}
    if hidden_cols:
        skipped.append(f"sheet {ws.title!r}: hidden column(s) {', '.join(sorted(hidden_cols))} skipped")
    fill: dict[tuple[int, int], object] = {}
    for rng in ws.merged_cells.ranges:
        top = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                fill[(r, c)] = top
    rows = []
    for row in ws.iter_rows():
        cells = []
        for cell in row:
            letter = get_column_letter(cell.column)
            if letter in hidden_cols:
                continue
            value = fill.get((cell.row, cell.column), cell.value)
            if value is None and formulas is not None:
                f = formulas[ws.title].cell(cell.row, cell.column).value
                if isinstance(f, str) and f.startswith("="):
                    problems.append(FileProblem(None, None, f"a formula with no stored result ({f}): open the file in Excel or WPS, "
                                                "let it calculate, and save it", sheet=ws.title, cell=cell.coordinate))
            cells.append(Cell(value, cell.coordinate, "%" in (cell.number_format or "")))
        rows.append((row[0].row if row else 0, cells))
    return Grid(ws.title, rows, set(fill))


def read_grids(path: Path) -> tuple[list[Grid], list[str], list[FileProblem]]:
    """The data grids of ``path``, what was skipped (as sentences) and problems found reading it."""
    path = Path(path)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return [_csv_grid(path)], [], []
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return [], [], [FileProblem(None, None, "not a submission: reformlib reads .csv and .xlsx files (save .xls as .xlsx)")]
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, ... for a damaged workbook
        return [], [], [FileProblem(None, None, f"not a readable xlsx workbook: {exc}")]
    formulas = load_workbook(path, data_only=False) if _has_formulas(path) else None
    grids, skipped, problems = [], [], []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            skipped.append(f"sheet {ws.title!r}: hidden, skipped")
        elif ws.title.strip().lower() in SKIP_SHEETS:
            skipped.append(f"sheet {ws.title!r}: summary or instructions, skipped")
        else:
            grids.append(_sheet_grid(ws, formulas, skipped, problems))
    return grids, skipped, problems


def _has_formulas(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
