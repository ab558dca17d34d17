"""Write the corpus of messy data files into a folder (nothing binary is kept in the repository).

    python tests/corpus/make_corpus.py OUT_DIR     # every case as a data folder OUT_DIR/<case>/

Folder cases (:data:`FOLDER_CASES`): each starts from a copy of the demonstration data folder
and changes one file the way an office's export does. Each case says what the loaders must do:
``ok`` with a check of the values read, or ``error`` with the file, line, column and words of
the rule the error must name.
"""
from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Case:
    """One messy folder: how to make it, which loader reads it, and what must happen."""

    make: Callable[[Path], None]
    loader: str
    file: str
    #: for a refusal: (line or None, column or None, words of the rule); None: the folder loads
    error: tuple[int | None, str | None, str] | None = None
    #: for a folder that loads: a check of the frame read
    check: Callable[[pd.DataFrame], bool] | None = None


def _text(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")


def _rewrite(name: str, *, encoding: str = "utf-8", sep: str = ",", newline: str = "\n",
             edit: Callable[[list[str]], list[str]] = lambda lines: lines) -> Callable[[Path], None]:
    """Re-save ``name`` with another encoding, separator or line ending, after editing its lines."""

    def make(folder: Path) -> None:
        lines = edit(_text(folder, name).splitlines())
        if sep != ",":
            df = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
            lines = edit(df.to_csv(index=False, sep=sep, lineterminator="\n").splitlines())
        (folder / name).write_bytes((newline.join(lines) + newline).encode(encoding))

    return make


def _cell(name: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """Set one cell (0-based data row) of a CSV file."""

    def make(folder: Path) -> None:
        df = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        df.loc[row, column] = value
        df.to_csv(folder / name, index=False, lineterminator="\n")

    return make


def _bytes(name: str, data: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / name).write_bytes(data((folder / name).read_bytes()))

    return make


def _drop_synthetic(folder: Path) -> None:
    for name in ("tasks.csv", "progress.csv"):
        df = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        df.drop(columns="synthetic").to_csv(folder / name, index=False, lineterminator="\n")


def _observations_as_csv(folder: Path) -> None:
    obs = pd.read_parquet(folder / "observations.parquet")
    obs.to_csv(folder / "observations.csv", index=False, encoding="gb18030", lineterminator="\r\n")
    (folder / "observations.parquet").unlink()


def _progress_as_fractions(folder: Path) -> None:
    df = pd.read_csv(folder / "progress.csv", dtype=str, keep_default_na=False)
    df["progress"] = (df["progress"].astype(float) / 100).map(lambda v: f"{v:g}")
    df.to_csv(folder / "progress.csv", index=False, lineterminator="\n")


def _rate_153(folder: Path) -> None:
    obs = pd.read_parquet(folder / "observations.parquet")
    i = obs.index[obs["indicator"] == "land_transfer_rate"][3]
    obs.loc[i, "value"] = 153.0
    obs.to_parquet(folder / "observations.parquet", index=False)


def _blank_lines_bad_month(lines: list[str]) -> list[str]:
    """Blank lines after the header and after data row 3, and a bad month in data row 6 (file line 10)."""
    task, _, rest = lines[6].split(",", 2)
    lines = [*lines[:6], f"{task},2017-0x,{rest}", *lines[7:]]
    return [lines[0], "", *lines[1:4], "", "", *lines[4:]]


def _with_header_only(lines: list[str]) -> list[str]:
    return lines[:1]


FOLDER_CASES: dict[str, Case] = {
    "units_gbk": Case(_rewrite("units.csv", encoding="gbk", newline="\r\n"), "units", "units.csv",
                      check=lambda d: "雨湖区" in set(d["name_zh"])),
    "units_gb18030_semicolon": Case(_rewrite("units.csv", encoding="gb18030", sep=";"), "units", "units.csv",
                                    check=lambda d: "雨湖区" in set(d["name_zh"])),
    "units_utf8_bom": Case(_rewrite("units.csv", encoding="utf-8-sig", newline="\r\n"), "units", "units.csv",
                           check=lambda d: list(d.columns)[0] == "unit" and d["unit"].iloc[1] == "430302"),
    "units_utf16_tab": Case(_rewrite("units.csv", encoding="utf-16", sep="\t", newline="\r\n"), "units", "units.csv",
                            check=lambda d: "岳塘区" in set(d["name_zh"])),
    "units_utf16le_no_bom_tab": Case(_rewrite("units.csv", encoding="utf-16-le", sep="\t"), "units", "units.csv",
                                     check=lambda d: "韶山市" in set(d["name_zh"])),
    "units_cp1252": Case(_bytes("units.csv", lambda b: b.decode("utf-8").replace("Yuhu District", "Yuhu Distrïct")
                                .encode("cp1252", errors="replace")),
                         "units", "units.csv", error=(None, None, "encoding cannot be told")),
    "units_trailing_comma": Case(_rewrite("units.csv", edit=lambda ls: [ls[0], *[ln + "," for ln in ls[1:]]]), "units", "units.csv",
                                 check=lambda d: d["kind"].iloc[1] == "district" and d["unit"].iloc[1] == "430302"),
    "units_trailing_comma_header_too": Case(_rewrite("units.csv", edit=lambda ls: [ln + "," for ln in ls]), "units", "units.csv",
                                            check=lambda d: d["territorial"].iloc[0] is True or bool(d["territorial"].iloc[0])),
    "units_duplicate_column": Case(_rewrite("units.csv", edit=lambda ls: [ls[0] + ",kind", *[ln + ",city" for ln in ls[1:]]]),
                                   "units", "units.csv", error=(1, "kind", "appears twice")),
    "units_wide_row": Case(_rewrite("units.csv", edit=lambda ls: [*ls[:3], ls[3] + ",extra", *ls[4:]]), "units", "units.csv",
                           error=(4, None, "header names 6 columns")),
    "units_broken_quote": Case(_rewrite("units.csv", edit=lambda ls: [*ls[:2], ls[2].replace(",", ',"', 1) + '"x', *ls[3:]]),
                               "units", "units.csv", error=(None, None, "cannot be read as CSV")),
    "units_empty_file": Case(_bytes("units.csv", lambda b: b""), "units", "units.csv", error=(None, None, "file is empty")),
    "tasks_header_only": Case(_rewrite("tasks.csv", edit=_with_header_only), "tasks", "tasks.csv", error=(None, None, "no data rows")),
    "tasks_fullwidth_category": Case(_cell("tasks.csv", 2, "category", "C３"), "tasks", "tasks.csv", error=(4, "category", "must match")),
    "tasks_month_only_deadline": Case(_cell("tasks.csv", 0, "deadline", "2017-11"), "tasks", "tasks.csv",
                                      check=lambda d: d["deadline"].iloc[0] == pd.Timestamp("2017-11-30")),
    "tasks_month_only_start": Case(_cell("tasks.csv", 1, "start", "2017-03"), "tasks", "tasks.csv",
                                   error=(3, "start", "names only a month")),
    "tasks_year_only_deadline": Case(_cell("tasks.csv", 1, "deadline", "2017"), "tasks", "tasks.csv",
                                     error=(3, "deadline", "must be a date")),
    "progress_blank_lines": Case(_rewrite("progress.csv", edit=_blank_lines_bad_month), "progress", "progress.csv",
                                 error=(10, "period", "must be a month")),
    "progress_fractions": Case(_progress_as_fractions, "progress", "progress.csv", error=(None, "progress", "fractions")),
    "progress_fullwidth_month": Case(_cell("progress.csv", 0, "period", "２０１７-02"), "progress", "progress.csv",
                                     error=(2, "period", "ASCII")),
    "progress_fullwidth_number": Case(_cell("progress.csv", 0, "progress", "５"), "progress", "progress.csv",
                                      error=(2, "progress", "ASCII digits")),
    "progress_infinite": Case(_cell("progress.csv", 1, "progress", "inf"), "progress", "progress.csv",
                              error=(3, "progress", "number")),
    "real_without_synthetic": Case(_drop_synthetic, "progress", "progress.csv", check=lambda d: not d["synthetic"].any()),
    "observations_csv_gb18030": Case(_observations_as_csv, "observations", "observations.csv",
                                     check=lambda d: len(d) > 1000 and d["unit"].map(type).eq(str).all()),
    "observations_rate_153": Case(_rate_153, "observations", "observations.parquet", error=(None, "value", "plausible range")),
    "observations_truncated_parquet": Case(_bytes("observations.parquet", lambda b: b[: len(b) // 2]), "observations",
                                           "observations.parquet", error=(None, None, "not a readable Parquet")),
    "observations_empty_parquet": Case(_bytes("observations.parquet", lambda b: b""), "observations", "observations.parquet",
                                       error=(None, None, "empty")),
}


def make_folder_case(name: str, demo: Path, out: Path) -> Path:
    """Copy ``demo`` to ``out/name`` and apply case ``name``; the folder's path."""
    target = out / name
    shutil.copytree(demo, target)
    FOLDER_CASES[name].make(target)
    return target


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path("corpus")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from reformlib.data.paths import DEMO

    out.mkdir(parents=True, exist_ok=True)
    for name in FOLDER_CASES:
        print(make_folder_case(name, DEMO, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
