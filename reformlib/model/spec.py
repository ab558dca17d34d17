"""Model step 0: the evaluation model's specification, kept as data in ``data/model/``.

Follows COINr's split of a composite indicator into data and metadata (the hierarchy with
levels, parents and weights lives in a table, not in code) and attrs' frozen objects changed
through one call, :meth:`Spec.using`. :func:`load_spec` reads ``spec.yml`` and the tables it
names, each file validated by its schema (:func:`reformlib.data.io.read_table`: every bad row and
column at once); :class:`Spec` then checks every cross-reference (hierarchy, rubric, grades,
raters, vetoes, AHP matrices) and raises one :class:`SpecError` naming file, row, column and
rule for each problem. The same checks run again on ``using``.
"""
from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import yaml

from reformlib.data.io import read_table
from reformlib.data.paths import MODEL_SPEC
from reformlib.data.schemas import GRADES, RATER_GROUPS, Column, Table
from reformlib.errors import DataValidationError, MissingDataError, Problem, SpecError
from reformlib.model import spec_checks as checks
from reformlib.provenance import file_sha256

__all__ = ["Spec", "load_spec", "check_catalogue", "TABLES", "SPEC_SCHEMA"]

_CODE = r"^[A-Za-z0-9_.]+$"
TABLES: dict[str, Table] = {
    "hierarchy": Table("hierarchy", "hierarchy.csv", "Indicator -> sub-category -> category -> index.", (
        Column("code", "str", "indicator code (level 1) or aggregate code", pattern=_CODE),
        Column("parent", "str", "code of the parent; empty for the index", nullable=True),
        Column("level", "int", "1 indicator, 2 sub-category, 3 category, 4 index", ge=1),
        Column("name_zh", "str", "Chinese name"), Column("name_en", "str", "English name"),
        Column("weight", "float", "weight among siblings (siblings sum to 1)", ge=0),
    ), key=("code",)),
    "rubric": Table("rubric", "rubric.csv", "Key-indicator rubric: one rule per item.", (
        Column("item", "str", "item code", pattern=_CODE),
        Column("kind", "str", "rule kind", isin=checks.KINDS),
        Column("basis", "str", "what the rule reads (indicator, node, tasks, recognition level, ...)"),
        Column("points", "float", "item points (completion, schedule, deduction)", nullable=True, ge=0),
        Column("cap", "float", "most points the item can give", nullable=True, ge=0),
        Column("per_occurrence", "float", "points per occurrence (deduction, bonus)", nullable=True, ge=0),
        Column("floor", "float", "lowest points a deduction item can fall to", nullable=True, ge=0),
        Column("grade_cap", "str", "veto: highest grade allowed", nullable=True),
        Column("unranked", "bool", "veto: remove the unit from the ranking", nullable=True),
        Column("name_zh", "str", "Chinese name"), Column("name_en", "str", "English name"),
        Column("notes", "str", "how the rule reads", nullable=True),
    ), key=("item",)),
    "grades": Table("grades", "grades.csv", "Grade bands.", (
        Column("grade", "str", "grade code", pattern=_CODE),
        Column("name_zh", "str", "Chinese name (优秀/良好/一般/较差)"), Column("name_en", "str", "English name"),
        Column("min_score", "float", "lowest combined score of the grade"),
        Column("quota", "float", "top grade only: largest share of units", nullable=True, ge=0, le=1),
    ), key=("grade",)),
    "raters": Table("raters", "raters.csv", "Rater groups of the qualitative assessment.", (
        Column("rater_group", "str", "rater group", isin=RATER_GROUPS),
        Column("weight", "float", "weight of the group (groups sum to 1)", ge=0),
        Column("name_zh", "str", "Chinese name"), Column("name_en", "str", "English name"),
    ), key=("rater_group",)),
    "rating_points": Table("rating_points", "rating_points.csv", "Ordinal grade -> points.", (
        Column("grade", "str", "rating grade", isin=GRADES),
        Column("points", "float", "points of the grade", ge=0),
        Column("name_zh", "str", "Chinese name"), Column("name_en", "str", "English name"),
    ), key=("grade",)),
    "vetoes": Table("vetoes", "vetoes.csv", "Veto events (一票否决).", (
        Column("unit", "str", "unit code", pattern=r"^[0-9a-z_]+$"),
        Column("item", "str", "veto item of the rubric"),
        Column("date", "date", "date of the event"),
        Column("reason_zh", "str", "reason, Chinese"), Column("reason_en", "str", "reason, English"),
        Column("synthetic", "bool", "True for a synthetic demonstration record"),
    ), key=("unit", "item", "date")),
}

_WEIGHTS = {"type": "array", "items": {"type": "number", "minimum": 0}}
_CHOICE = lambda *v: {"enum": list(v)}  # noqa: E731
SPEC_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["period", "files", "indicators", "treatment", "normalisation", "weighting",
                 "aggregation", "kpi", "qualitative", "phases", "ranking", "uncertainty", "seed"],
    "properties": {
        "name": {"type": "string"},
        "period": {"type": "string", "pattern": r"^\d{4}(-(0[1-9]|1[0-2]))?$"},
        "files": {"type": "object", "additionalProperties": False,
                  "required": ["hierarchy", "rubric", "grades", "raters", "rating_points"],
                  "properties": {**{k: {"type": "string"} for k in TABLES},
                                 "ahp": {"type": "object", "additionalProperties": {"type": "string"}}}},
        "indicators": {"type": "object", "properties": {"flows": _CHOICE(*checks.FLOWS)}, "required": ["flows"]},
        "treatment": {"type": "object", "required": ["imputation", "outliers"], "properties": {
            "imputation": _CHOICE(*checks.IMPUTATIONS),
            "outliers": {"type": "object", "required": ["method"], "properties": {
                "method": _CHOICE("none", "winsorise"), "skew_max": {"type": "number", "exclusiveMinimum": 0},
                "kurt_max": {"type": "number", "exclusiveMinimum": 0}, "winmax": {"type": "integer", "minimum": 0}}}}},
        "normalisation": {"type": "object", "required": ["method", "scale"], "properties": {
            "method": _CHOICE(*checks.NORMALISATIONS),
            "scale": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}}},
        "weighting": {"type": "object", "required": ["method"], "properties": {"method": _CHOICE(*checks.WEIGHTINGS)}},
        "aggregation": {"type": "object", "additionalProperties": _CHOICE("arithmetic", "geometric", "harmonic")},
        "kpi": {"type": "object", "required": ["base_points", "bonus_cap", "task_tolerance"], "properties": {
            k: {"type": "number", "minimum": 0} for k in ("base_points", "bonus_cap", "task_tolerance")}},
        "qualitative": {"type": "object", "required": ["share"],
                        "properties": {"share": {"type": "number", "minimum": 0, "maximum": 1}}},
        "phases": {"type": "object", "required": ["quarter", "half", "year"], "properties": {
            "quarter": {**_WEIGHTS, "minItems": 3, "maxItems": 3}, "half": {**_WEIGHTS, "minItems": 2, "maxItems": 2},
            "year": {"type": "object", "required": ["quarters", "phased", "year_end"], "properties": {
                "quarters": {**_WEIGHTS, "minItems": 4, "maxItems": 4},
                "phased": {"type": "number", "minimum": 0}, "year_end": {"type": "number", "minimum": 0}}}}},
        "ranking": {"type": "object", "required": ["groups"],
                    "properties": {"groups": {"type": "object", "additionalProperties": {"type": "string"}}}},
        "uncertainty": {"type": "object", "required": ["n"], "properties": {
            "n": {"type": "integer", "minimum": 2}, "weight_noise": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
            "exclusion": _CHOICE("none", "each", "one"), "alternatives": {"type": "object", "additionalProperties": False,
            "properties": {k: {"type": "array", "items": {"type": "string"}}
                           for k in ("normalisation", "aggregation", "imputation", "weighting")}}}},
        "seed": {"type": "integer", "minimum": 0},
    },
}


@dataclasses.dataclass(frozen=True, eq=False)
class Spec:
    """Everything a researcher may change in the evaluation model, validated as a whole.

    Build it with :func:`load_spec`; change a method or setting with :meth:`using`, which
    re-runs every check. Tables are the files' typed contents; ``files`` maps each table to
    the file it came from (used in error messages) and ``hashes`` each file to its SHA-256.
    """

    hierarchy: pd.DataFrame
    rubric: pd.DataFrame
    grades: pd.DataFrame
    raters: pd.DataFrame
    rating_points: pd.DataFrame
    vetoes: pd.DataFrame
    ahp: Mapping[str, pd.DataFrame] = dataclasses.field(default_factory=dict)
    period: str = "2017"
    flows: str = "arc_growth"
    imputation: str = "none"
    outliers: Mapping[str, Any] = dataclasses.field(default_factory=lambda: {"method": "none"})
    normalisation: str = "minmax"
    scale: tuple[float, float] = (1.0, 100.0)
    weighting: str = "expert"
    aggregation: Mapping[int, str] = dataclasses.field(default_factory=dict)
    base_points: float = 100.0
    bonus_cap: float = 10.0
    task_tolerance: float = 10.0
    qualitative_share: float = 0.2
    phases: Mapping[str, Any] = dataclasses.field(default_factory=lambda: dict(checks.DEFAULT_PHASES))
    rank_groups: Mapping[str, str] = dataclasses.field(default_factory=dict)
    uncertainty: Mapping[str, Any] = dataclasses.field(default_factory=lambda: {"n": 64})
    seed: int = 0
    name: str = "spec"
    folder: Path | None = None
    files: Mapping[str, str] = dataclasses.field(default_factory=dict)
    hashes: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = checks.validate(self)
        if problems:
            raise SpecError(f"model specification ({self.folder or 'in memory'}) has {len(problems)} "
                            "problem(s):\n" + "\n".join(f"  - {p}" for p in problems))

    @property
    def indicators(self) -> list[str]:
        """The indicator codes (level-1 leaves of the hierarchy), in file order."""
        return checks.leaf_codes(self.hierarchy)

    def using(self, **changes: Any) -> Spec:
        """A copy of the spec with the given settings changed, checked as a whole.

        Any field may be changed; the usual ones are ``weighting`` (``"expert"``,
        ``"equal"``, ``"entropy"``, ``"critic"``, ``"pca"``, ``"ahp"``, ...),
        ``normalisation`` (a key of :data:`reformlib.model.NORMALISERS`), ``imputation``,
        ``aggregation`` (by level, ``{2: "geometric"}``), ``outliers``, ``period``,
        ``qualitative_share`` and ``seed``. An unknown name or a value the checks refuse
        raises :class:`~reformlib.errors.SpecError`.

        >>> spec = load_spec().using(weighting="entropy", normalisation="zscore")  # doctest: +SKIP
        """
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise SpecError(f"Spec has no setting(s) {unknown}; settings: {sorted(known - {'folder', 'files', 'hashes'})}")
        return dataclasses.replace(self, **changes)

    def settings(self) -> dict[str, Any]:
        """The scalar choices of the spec as a plain dict (for logs and provenance)."""
        skip = {"hierarchy", "rubric", "grades", "raters", "rating_points", "vetoes", "ahp", "folder"}
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in skip}
        return {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in out.items()}


def _read_yaml(path: Path) -> dict:
    if not path.exists():
        raise MissingDataError(f"{path} does not exist: a model folder needs spec.yml (see data/model/README.md)")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise SpecError(f"{path}: not valid YAML: {err}") from None
    if isinstance(doc, dict) and isinstance(doc.get("aggregation"), dict):
        doc["aggregation"] = {str(k): v for k, v in doc["aggregation"].items()}
    errors = sorted(jsonschema.Draft202012Validator(SPEC_SCHEMA).iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        lines = [f"  - key {'/'.join(map(str, e.path)) or '(top)'}: {e.message}" for e in errors]
        raise SpecError(f"{path}: {len(errors)} problem(s):\n" + "\n".join(lines))
    return doc


def _read_ahp(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise MissingDataError(f"{path} does not exist (named in spec.yml files/ahp)")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if raw.columns[0] != "code":
        raise DataValidationError(path, [Problem(None, raw.columns[0], "first column must be 'code'")])
    values = raw.drop(columns="code").apply(pd.to_numeric, errors="coerce")
    bad = [Problem(i + 1, c, "must be a number", raw.at[i, c]) for c in values for i in np.flatnonzero(values[c].isna())]
    if bad:
        raise DataValidationError(path, bad)
    return values.set_axis(raw["code"].str.strip().to_list(), axis=0)


def load_spec(folder: str | os.PathLike | None = None, *, indicators: pd.DataFrame | None = None) -> Spec:
    """Read and validate the model specification in ``folder`` (default ``data/model``).

    ``spec.yml`` is checked against :data:`SPEC_SCHEMA`; each table file by its schema in
    :data:`TABLES`; then :class:`Spec` checks every cross-reference. When ``indicators``
    (the catalogue, :func:`reformlib.load_indicators`) is given, the hierarchy's indicators
    and bands are checked against it too (:func:`check_catalogue`). A folder read before in
    this process, none of whose files has changed since (by SHA-256), is not read again: the
    caller gets a copy of that reading (about 0.2 s saved a call).

    >>> spec = load_spec()  # the specification in data/model  # doctest: +SKIP
    >>> spec.using(weighting="entropy").weighting  # doctest: +SKIP
    'entropy'
    """
    folder = Path(folder) if folder is not None else MODEL_SPEC
    where = (os.getcwd(), str(folder))  # the folder as named: the spec records it so
    kept = _LOADED.get(where)
    if kept is not None and all(_sha256_or_none(folder / file) == sha for file, sha in kept.hashes.items()):
        spec = copy.deepcopy(kept)  # the caller's own copy: nothing it changes reaches the next
    else:
        spec = _load(folder)
        _LOADED[where] = copy.deepcopy(spec)
    if indicators is not None:
        check_catalogue(spec, indicators)
    return spec


#: Each folder's specification as last read (by the working folder and the folder as named);
#: :func:`load_spec` reads a folder again when any file it read has changed (its SHA-256 differs).
_LOADED: dict[tuple[str, str], Spec] = {}


def _sha256_or_none(path: Path) -> str | None:
    return file_sha256(path) if path.is_file() else None


def _load(folder: Path) -> Spec:
    """Read and validate the specification in ``folder`` (:func:`load_spec`)."""
    doc = _read_yaml(folder / "spec.yml")
    files, hashes = dict(doc["files"]), {"spec.yml": file_sha256(folder / "spec.yml")}
    ahp_files = files.pop("ahp", {}) or {}
    tables = {}
    for name, table in TABLES.items():
        file = files.get(name)
        if file is None:  # only vetoes may be omitted: no veto events
            tables[name] = pd.DataFrame({c.name: pd.Series(dtype="datetime64[ns]" if c.kind == "date" else object)
                                         for c in table.columns})
            continue
        tables[name] = read_table(table, folder / file)
        hashes[file] = file_sha256(folder / file)
    ahp = {}
    for node, file in ahp_files.items():
        ahp[str(node)] = _read_ahp(folder / file)
        hashes[file] = file_sha256(folder / file)
        files[f"ahp:{node}"] = file
    u = doc["uncertainty"]
    spec = Spec(
        **tables, ahp=ahp, period=doc["period"], flows=doc["indicators"]["flows"],
        imputation=doc["treatment"]["imputation"], outliers=dict(doc["treatment"]["outliers"]),
        normalisation=doc["normalisation"]["method"], scale=tuple(float(v) for v in doc["normalisation"]["scale"]),
        weighting=doc["weighting"]["method"], aggregation={int(k): v for k, v in doc["aggregation"].items()},
        base_points=float(doc["kpi"]["base_points"]), bonus_cap=float(doc["kpi"]["bonus_cap"]),
        task_tolerance=float(doc["kpi"]["task_tolerance"]), qualitative_share=float(doc["qualitative"]["share"]),
        phases=doc["phases"], rank_groups=dict(doc["ranking"]["groups"]),
        uncertainty={"n": u["n"], "alternatives": dict(u.get("alternatives", {})),
                     "weight_noise": u.get("weight_noise"), "exclusion": u.get("exclusion", "none")},
        seed=int(doc["seed"]), name=str(doc.get("name", folder.name)), folder=folder,
        files={k: v for k, v in files.items()}, hashes=hashes,
    )
    return spec


def check_catalogue(spec: Spec, indicators: pd.DataFrame) -> None:
    """Raise a SpecError naming each hierarchy indicator missing from the catalogue, each
    band indicator whose band is missing or inverted, and each rubric completion item on an
    indicator without a target."""
    problems = checks.catalogue_problems(spec, indicators)
    if problems:
        raise SpecError("model specification does not match the indicator catalogue:\n"
                        + "\n".join(f"  - {p}" for p in problems))

