"""Schemas of every table reformlib reads: columns, types, allowed values and keys.

Each :class:`Table` names its file inside a data folder and documents its columns; the
loaders in :mod:`reformlib.data.io` convert the text of a file to these types and then check the
rules with pandera (lazy validation, so one error lists every failing row and column).
A real export drops into a data folder when it has the same file names and columns.
Patterns use ``[0-9]``, never ``\\d`` (which also matches full-width digits such as ``３``).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from reformlib.errors import ParameterError, SpecError

KINDS = ("str", "float", "int", "bool", "date", "month")
UNIT_KINDS = ("city", "district", "county", "county_city", "park", "department")
#: The whole city (and the city level's own units).
CITY = "430300"
#: The territorial units of the demonstration data set (``data/demo_synthetic``), in its order.
#: Only a description of that data set, for its tests and benchmarks: the units a brief, a
#: batch or the model accept are those of the data read (its ``units`` table, ``territorial``).
TERRITORIAL_UNITS = (CITY, "430302", "430304", "430321", "430381", "430382", "xtjk", "xtgx", "tyjk")


def unit_code(unit: str | int) -> str:
    """A unit code as the data write it: text, so ``430302`` and ``"430302"`` are the same unit.

    Division codes may be given as int (``430302``) or text; park codes (``"xtjk"``) as
    text. Surrounding spaces are dropped and letters lowered. Anything else raises a
    ``ParameterError`` naming the value.

    >>> unit_code(430302)
    '430302'
    """
    if isinstance(unit, bool) or not isinstance(unit, (str, int)):
        raise ParameterError(f"unit must be a unit code such as 430302 or 'xtjk', got {unit!r}")
    text = str(unit).strip().lower()
    if not re.fullmatch(r"[0-9a-z_]+", text):
        raise ParameterError(f"unit must be a unit code such as 430302 or 'xtjk', got {unit!r}")
    return text


FAMILIES = ("land", "debt", "staffing", "approval", "economy", "legal", "party", "social", "ecology")
LEADER_LEVELS = ("party_secretary", "mayor", "group_leader", "county_head", "unit_head", "division_head")
COMPLETION_FORMS = ("document", "mechanism", "project", "pilot", "report")
RECOGNITION_LEVELS = ("national_media", "ministry", "provincial_leader", "provincial_brief", "pilot_model")
RATER_GROUPS = ("self", "peer", "leader", "public")
GRADES = ("excellent", "good", "fair", "poor")


@dataclass(frozen=True)
class Column:
    """One column: its type (one of :data:`KINDS`) and the rules its values obey."""

    name: str
    kind: str
    doc: str
    nullable: bool = False
    isin: tuple | None = None
    ge: float | None = None
    le: float | None = None
    pattern: str | None = None
    #: the column may be left out of a file: then every value is empty (``False`` for a bool)
    optional: bool = False
    #: how a date column reads a cell naming only a month (``2017-06``): ``"end"`` as its last
    #: day (deadlines); None refuses it rather than read it as the 1st
    month_means: str | None = None


@dataclass(frozen=True)
class Table:
    """A table: its file name, columns and the columns that identify a row."""

    name: str
    file: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default_factory=tuple)
    #: fewer data rows than this is refused (an empty ledger is a broken export, not "no tasks")
    min_rows: int = 0

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def version(self) -> str:
        """A short hash of the table's definition (columns, types, rules, key): a check of
        stored data made under another definition does not count as a check under this one."""
        return hashlib.sha256(repr((self.name, self.columns, self.key, self.min_rows)).encode("utf-8")).hexdigest()[:12]

    def pandera(self) -> pa.DataFrameSchema:
        """The pandera schema checking the typed frame."""
        cols = {}
        for c in self.columns:
            checks = []
            if c.isin is not None:
                checks.append(pa.Check.isin(list(c.isin), error=f"must be one of {', '.join(map(str, c.isin))}"))
            if c.ge is not None:
                checks.append(pa.Check.ge(c.ge, error=f"must be >= {c.ge:g}"))
            if c.le is not None:
                checks.append(pa.Check.le(c.le, error=f"must be <= {c.le:g}"))
            if c.pattern is not None:
                checks.append(pa.Check.str_matches(c.pattern, error=f"must match {c.pattern}"))
            cols[c.name] = pa.Column(nullable=c.nullable, checks=checks, coerce=False)
        unique = list(self.key) if self.key else None
        return pa.DataFrameSchema(cols, strict=False, unique=unique, report_duplicates="all")


SYN = Column("synthetic", "bool", "True: the row is synthetic demonstration data; a file without the column holds real "
             "records and reads as False", optional=True)
UNIT = Column("unit", "str", "unit code (GB/T 2260 division code or short ASCII code), text", pattern=r"^[0-9a-z_]+$")
MONTH = Column("period", "month", "calendar month (pandas Period[M]); written YYYY-MM")

UNITS = Table("units", "units.csv", "The units evaluated and the departments that lead tasks.", (
    UNIT,
    Column("name_zh", "str", "Chinese name"),
    Column("name_en", "str", "English name"),
    Column("kind", "str", "unit kind", isin=UNIT_KINDS),
    Column("parent", "str", "code of the unit it belongs to", nullable=True),
    Column("territorial", "bool", "True for the territorial units compared in the evaluation (the demonstration set has 9)"),
), key=("unit",), min_rows=1)

INDICATORS = Table("indicators", "indicators.csv", "The indicator catalogue.", (
    Column("indicator", "str", "indicator code (DOMAIN.md's codes)", pattern=r"^[a-z0-9_]+$"),
    Column("name_zh", "str", "Chinese name"),
    Column("name_en", "str", "English name"),
    Column("measure_unit", "str", "unit of measurement (%, mu, items, ...)"),
    Column("direction", "str", "which way is better", isin=("higher", "lower", "band")),
    Column("band_low", "float", "lower edge of the best band (band indicators)", nullable=True),
    Column("band_high", "float", "upper edge of the best band (band indicators)", nullable=True),
    Column("family", "str", "indicator family", isin=FAMILIES),
    Column("annual", "str", "how a year is formed from months: sum (flows) or december (levels, rates)", isin=("sum", "december")),
    Column("target", "float", "2017 target for a unit (modelling choice unless the document gives one)", nullable=True),
    Column("in_document", "bool", "True when the document reports a city figure for it"),
    Column("source", "str", "where the definition and target come from"),
    Column("valid_min", "float", "lowest plausible value (empty: 0)", nullable=True, optional=True),
    Column("valid_max", "float", "highest plausible value (empty: 100 for %, none otherwise)", nullable=True, optional=True),
), key=("indicator",), min_rows=1)

OBSERVATIONS = Table("observations", "observations.parquet", "Monthly indicator values, long format.", (
    UNIT,
    Column("indicator", "str", "indicator code"),
    MONTH,
    Column("value", "float", "value in the indicator's measure_unit (percentages in percent)"),
    SYN,
), key=("unit", "indicator", "period"), min_rows=1)

TASKS = Table("tasks", "tasks.csv", "The annual reform task ledger.", (
    Column("task_id", "str", "task code", pattern=r"^T[0-9]{3}$"),
    Column("category", "str", "major category code C1..C9", pattern=r"^C[0-9]$"),
    Column("category_zh", "str", "category, Chinese"),
    Column("category_en", "str", "category, English"),
    Column("subcategory", "str", "sub-category code such as C1.2", pattern=r"^C[0-9]\.[0-9]+$"),
    Column("subcategory_zh", "str", "sub-category, Chinese"),
    Column("subcategory_en", "str", "sub-category, English"),
    Column("title_zh", "str", "task title, Chinese"),
    Column("title_en", "str", "task title, English"),
    Column("lead_unit", "str", "lead unit code"),
    Column("key_task", "bool", "one of the key tasks assigned by the party secretary"),
    Column("leader_level", "str", "who leads the task", isin=LEADER_LEVELS),
    Column("target_zh", "str", "work target"),
    Column("completion_form", "str", "form of completion", isin=COMPLETION_FORMS),
    Column("start", "date", "start date"),
    Column("deadline", "date", "deadline (a month alone, 2017-06, means its last day)", month_means="end"),
    Column("responsible", "str", "responsible person (post)"),
    SYN,
), key=("task_id",), min_rows=1)

PROGRESS = Table("progress", "progress.csv", "Monthly progress reports per task.", (
    Column("task_id", "str", "task code"),
    MONTH,
    Column("progress", "float", "cumulative completion in percent", ge=0, le=100),
    SYN,
), key=("task_id", "period"))

DOCUMENTS = Table("documents", "documents.csv", "Reform documents to be issued to match central ones.", (
    Column("doc_id", "str", "document code", pattern=r"^D[0-9]{3}$"),
    Column("title_zh", "str", "title"),
    Column("lead_unit", "str", "drafting unit"),
    Column("due", "date", "deadline set by the matching central document (a month alone means its last day)", month_means="end"),
    Column("issued_on", "date", "issue date; empty if not yet issued", nullable=True),
    Column("reviewed_by_group", "bool", "reviewed by the reform leading group"),
    Column("internal_review", "bool", "internal plan review done"),
    SYN,
), key=("doc_id",))

INSPECTIONS = Table("inspections", "inspections.csv", "Problems found by inspections (督察) and their rectification.", (
    Column("problem_id", "str", "problem code", pattern=r"^P[0-9]{3}$"),
    Column("inspection_id", "str", "inspection code", pattern=r"^I[0-9]$"),
    Column("inspection_zh", "str", "inspection name"),
    Column("inspection_en", "str", "inspection name, English (may be left out: English outputs then quote the "
           "Chinese name as the inspection's title)", nullable=True, optional=True),
    Column("inspection_level", "str", "received from above or run locally", isin=("upper", "local")),
    UNIT,
    Column("category", "str", "task category concerned", pattern=r"^C[0-9]$"),
    Column("found_on", "date", "date found"),
    Column("due_on", "date", "rectification deadline (a month alone means its last day)", month_means="end"),
    Column("rectified_on", "date", "date rectified; empty while open", nullable=True),
    SYN,
), key=("problem_id",))

PILOTS = Table("pilots", "pilots.csv", "Reform pilots: national, provincial and local.", (
    Column("pilot_id", "str", "pilot code", pattern=r"^[NPL][0-9]{3}$"),
    Column("name_zh", "str", "name, Chinese"),
    Column("name_en", "str", "name, English"),
    Column("level", "str", "pilot level", isin=("national", "provincial", "local")),
    UNIT,
    Column("start", "date", "start date"),
    Column("became_model", "bool", "the pilot has become a model (示范)"),
    Column("model_on", "date", "date it became a model", nullable=True),
    Column("named_in_document", "bool", "named in the source document"),
    Column("target_indicators", "str", "indicator codes the pilot targets, ';'-separated", nullable=True),
    SYN,
), key=("pilot_id",))

RECOGNITIONS = Table("recognitions", "recognitions.csv", "Recognition of units' reforms by higher levels (bonus points).", (
    Column("recognition_id", "str", "code", pattern=r"^R[0-9]{3}$"),
    UNIT,
    Column("level", "str", "level of recognition", isin=RECOGNITION_LEVELS),
    Column("date", "date", "date"),
    Column("description_zh", "str", "what was recognised"),
    SYN,
), key=("recognition_id",))

RATINGS = Table("ratings", "ratings.csv", "Qualitative assessment: ordinal grades by rater group.", (
    UNIT,
    Column("rater_group", "str", "rater group", isin=RATER_GROUPS),
    Column("rater_id", "str", "anonymous rater code"),
    Column("grade", "str", "grade given", isin=GRADES),
    SYN,
), key=("unit", "rater_group", "rater_id"))

REFERENCE = Table("reference", "document_figures.csv", "The source document's own figures (real, not synthetic).", (
    Column("code", "str", "figure code (DOMAIN.md's codes)", pattern=r"^[a-z0-9_]+$"),
    Column("name_zh", "str", "Chinese name"),
    Column("name_en", "str", "English name"),
    Column("value", "float", "the figure (empty where the document gives only a change)", nullable=True),
    Column("value_high", "float", "upper end of a range", nullable=True),
    Column("unit", "str", "unit of measurement"),
    Column("period", "str", "period the figure describes", pattern=r"^[0-9]{4}$"),
    Column("direction", "str", "which way is better", isin=("higher", "lower", "band", "none")),
    Column("qualifier", "str", "exact, over (the document says 'over'/'above') or range", isin=("exact", "over", "range")),
    Column("baseline", "float", "the 'from' value of a comparison", nullable=True),
    Column("change", "float", "stated change", nullable=True),
    Column("change_basis", "str", "what the change is measured against", nullable=True,
           isin=("year_on_year", "national_average", "before_reform", "previous_year_percent")),
    Column("comparison", "str", "the comparison, in English", nullable=True),
    Column("comparison_zh", "str", "the comparison in the document's words", nullable=True),
    Column("kind", "str", "metric or programme count", isin=("metric", "count")),
    Column("source_zh", "str", "the source sentence in Chinese"),
), key=("code",))

TABLES: dict[str, Table] = {t.name: t for t in (
    UNITS, INDICATORS, OBSERVATIONS, TASKS, PROGRESS, DOCUMENTS, INSPECTIONS, PILOTS,
    RECOGNITIONS, RATINGS, REFERENCE)}


def require_columns(frame: object, columns: Sequence[str], *, name: str) -> pd.DataFrame:
    """``frame`` if it is a DataFrame holding ``columns``; a TypeError, or a SpecError (a
    ``ValueError``) naming ``name`` and the missing columns, otherwise."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SpecError(f"{name} lacks column(s) {missing}; it has {list(map(str, frame.columns))}")
    return frame
