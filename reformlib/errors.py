"""The exception tree of reformlib.

::

    ReformlibError
    ├── SetupError              the machine lacks something (a font, a kernel, a data file)
    │   └── MissingDataError    a data file is missing; says how to build it
    ├── DataValidationError     a file breaks its schema; lists every bad row and column
    ├── SpecError (ValueError)  a model specification or rubric is inconsistent
    ├── ParameterError (ValueError)  a run parameter (month, language, unit) is invalid
    └── RunError                a notebook run failed; names notebook, cell and error

May import: the standard library only (every layer raises these).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class ReformlibError(Exception):
    """Base class of every error raised on purpose by reformlib."""


class SetupError(ReformlibError):
    """Something the machine should provide is missing."""


class MissingDataError(SetupError, FileNotFoundError):
    """A data file is missing."""


class SpecError(ReformlibError, ValueError):
    """A model specification, rubric or weight table is inconsistent."""


class ParameterError(ReformlibError, ValueError):
    """A run parameter is invalid."""


class RunError(ReformlibError):
    """A notebook run failed."""


@dataclass(frozen=True)
class Problem:
    """One failing check in a file: 1-based data row (header excluded), column and rule."""

    row: int | None
    column: str | None
    rule: str
    value: object = None

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "all rows"
        col = f", column {self.column!r}" if self.column else ""
        val = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}{col}: {self.rule}{val}"


class DataValidationError(ReformlibError, ValueError):
    """A file breaks its schema. ``problems`` lists every failing row and column."""

    def __init__(self, path: Path | str, problems: Sequence[Problem]):
        self.path = Path(path)
        self.problems = list(problems)
        # the first line names the first problem: a run that reports one line (a failed cell,
        # the command line) still says what is wrong and where
        n = len(self.problems)
        first = f": {self.problems[0]}" if n == 1 else f"; the first: {self.problems[0]}" if n else ""
        lines = [f"{self.path}: {n} problem{'' if n == 1 else 's'}{first}"]
        lines += [f"  - {p}" for p in self.problems[:200]]
        if len(self.problems) > 200:
            lines.append(f"  ... and {len(self.problems) - 200} more")
        super().__init__("\n".join(lines))
