"""Whether a published brief is still current (publication step: inputs -> skip or run).

A brief's content depends on its parameters and on seven kinds of input, each recorded
in the run's ``manifest.json`` under ``inputs`` and compared by :func:`why_due`:

- ``data``: every data file of the data folder (SHA-256 by file name); for a unit's brief
  made from a store (read by SQL, :mod:`reformlib.briefs.units`), the store's file;
- ``model``: the evaluation model's specification, ``data/model/*``;
- ``reference``: the source document's figures, ``data/reference/*.csv``;
- ``notebooks``: the brief's template notebooks (the city's ``brief.ipynb``, a unit's
  ``units.ipynb``);
- ``code``: reformlib's own source (:func:`reformlib.provenance.code_version`);
- ``packages``: Python's version and the installed version of every package pinned in
  ``requirements.txt`` (and of those :data:`reformlib.provenance.PACKAGES` names);
- ``fonts``: the CJK font file the figures are drawn with.

:func:`why_due` returns the reasons a brief must run again (none: it is current), in
words, naming what changed; ``python -m reformlib briefs --explain`` prints them.

May import: the standard library, :mod:`reformlib.data.paths`, :mod:`reformlib.provenance`
and :mod:`reformlib.report.fonts`.
"""
from __future__ import annotations

import functools
import json
import os
import platform
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from reformlib.data.paths import MODEL_SPEC, REFERENCE, ROOT
from reformlib.provenance import PACKAGES, code_version, file_sha256, folder_hashes
from reformlib.report.fonts import CJK_FONT_FILES

__all__ = ["INPUT_KINDS", "brief_inputs", "pinned_packages", "why_due"]

INPUT_KINDS = ("data", "model", "reference", "notebooks", "code", "packages", "fonts")
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==")


def pinned_packages(requirements: Path = ROOT / "requirements.txt") -> dict[str, str]:
    """Python's version and the installed version of each pinned package."""
    from importlib import metadata

    names = list(PACKAGES)
    if requirements.is_file():
        names += [m.group(1) for line in requirements.read_text(encoding="utf-8").splitlines()
                  if (m := _REQUIREMENT.match(line))]
    out = {"python": platform.python_version()}
    for name in sorted(set(names), key=str.lower):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


@functools.lru_cache(maxsize=8)
def _font_hash(path: str, size: int, mtime: int) -> str:
    return file_sha256(path)


def _fonts() -> dict[str, str]:
    out = {}
    for path in CJK_FONT_FILES:
        if path.exists():
            st = path.stat()
            out[path.name] = _font_hash(str(path), st.st_size, st.st_mtime_ns)
            break
    return out


def brief_inputs(data_dir: str | os.PathLike, templates: Sequence[Path], *, model: str | os.PathLike = MODEL_SPEC,
                 reference: str | os.PathLike = REFERENCE) -> dict[str, dict[str, str]]:
    """Everything a brief's content depends on besides its parameters, by kind (``model``
    and ``reference``: the folders the brief notebook reads them from)."""
    path = Path(data_dir)
    return {
        "data": {path.name: file_sha256(path)} if path.is_file() else folder_hashes(data_dir),
        "model": folder_hashes(model),
        "reference": folder_hashes(reference, suffixes=(".csv",)),
        "notebooks": {Path(t).name: file_sha256(t) for t in templates},
        "code": {"reformlib": code_version()},
        "packages": pinned_packages(),
        "fonts": _fonts(),
    }


_WORDS = {"data": "data files", "model": "model specification (data/model)",
          "reference": "reference figures (data/reference)", "notebooks": "template notebooks",
          "code": "reformlib's code", "packages": "package versions", "fonts": "fonts"}


def _changes(old: Mapping[str, str], new: Mapping[str, str], *, versions: bool = False) -> list[str]:
    out = []
    for name in sorted(set(old) | set(new)):
        if name not in old:
            out.append(f"{name} added")
        elif name not in new:
            out.append(f"{name} removed")
        elif old[name] != new[name]:
            out.append(f"{name} {old[name]} -> {new[name]}" if versions else name)
    return out


def why_due(version: Path | None, *, parameters: Mapping[str, str], inputs: Mapping[str, Mapping[str, str]],
            problems: Sequence[str] = ()) -> list[str]:
    """Why the brief published in ``version`` (the folder ``current`` points to) must be
    made again; empty when it is current. ``problems`` are its missing or empty files."""
    if version is None:
        return ["not published yet"]
    try:
        man = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["the published brief has no readable manifest.json"]
    reasons = []
    if man.get("status") != "published":
        reasons.append(f"the published brief's status is {man.get('status')!r}")
    if man.get("parameters") != dict(parameters):
        reasons.append("parameters differ")
    recorded = man.get("inputs") or {}
    for kind in INPUT_KINDS:
        if kind not in recorded:
            reasons.append(f"{_WORDS[kind]} not recorded in its manifest")
            continue
        changed = _changes(recorded[kind], inputs[kind], versions=kind in ("packages", "code"))
        if changed:
            more = f" (+{len(changed) - 3} more)" if len(changed) > 3 else ""
            reasons.append(f"{_WORDS[kind]} changed: {', '.join(changed[:3])}{more}")
    return reasons + [f"incomplete: {p}" for p in problems]
