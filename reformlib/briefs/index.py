"""The index of published briefs (publication step: published brief folders -> ``reports/index.html``)
and the links between briefs.

:func:`published_briefs` reads what is published under a reports folder: every brief folder
laid out as :func:`reformlib.briefs.run.brief_folder` places it (``<month>[/<unit>][/en]``)
whose ``current`` link points to a version with a manifest of status ``published`` that
agrees with the folder's place; the unit's name comes from that brief's ``results.json``
(``names``, copied from the data's units table), else its code is shown.

:func:`write_index` writes ``<reports>/index.html``: every published brief by month (newest
first), unit (the city first) and language, with links to the page, the memo (Word, and PDF
when made) and the workbook. It is rewritten after every successful publish
(:func:`update_index`, called by the runner) and by ``python -m reformlib briefs --index``:
the folder is scanned and the page replaced by one rename while an advisory lock
(``<reports>/.index.lock``) is held, so two briefs published at once cannot leave an index
that misses one of them.

:func:`navigation` is the block of links at the top of a brief's page: to the index, from a
unit's brief to the city's brief of the same month and language, and from the city's brief
to the unit briefs published by then (the index lists the others as they come).

Every link is relative (the pages are read offline, from a shared folder, and a brief's page
is opened through its ``current`` link), every value is HTML-escaped, and the index carries the
same Content-Security-Policy as a brief's page (no script, no request) and is refused
(:class:`~reformlib.errors.RunError`) if a parse finds anything external or active.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import html
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from reformlib.briefs.store import CURRENT, current_version
from reformlib.data.io import atomic_write
from reformlib.data.paths import reports_folder
from reformlib.data.schemas import CITY
from reformlib.errors import RunError
from reformlib.i18n import INDEX_TEXT
from reformlib.report.browser import PAGE, content_security_policy, unsafe_content

__all__ = ["INDEX", "PublishedBrief", "city_brief", "navigation", "published_briefs", "update_index", "write_index"]

#: The index page, in the reports folder.
INDEX = "index.html"
_LOCK = ".index.lock"
_MONTH = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])")
#: Folder names inside a brief folder that are never a unit's brief.
_NOT_UNITS = frozenset({CURRENT, "versions", "staging", "failed", "trash", "en"})
#: Files a reader may open, in the order the index lists them.
_DOCUMENTS = ("memo.docx", "memo.pdf", "tables.xlsx")


@dataclass(frozen=True)
class PublishedBrief:
    """One published brief: where it is (relative to the reports folder) and what it is."""

    month: str
    unit: str  # "" for the whole city
    lang: str
    path: str  # the brief folder, relative to the reports folder, with "/" separators
    name: str  # the unit's name in the brief's language (its code when no name is known)
    published_at: str
    documents: tuple[str, ...]  # of _DOCUMENTS, those present in the published version

    @property
    def page(self) -> str:
        """The brief's page, relative to the reports folder."""
        return f"{self.path}/{CURRENT}/brief.html"


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _candidates(month_dir: Path) -> Iterator[tuple[Path, str, str]]:
    """(folder, unit, lang) of every place a brief of ``month_dir`` may be published."""
    yield month_dir, "", "zh"
    yield month_dir / "en", "", "en"
    for sub in sorted(p for p in month_dir.iterdir() if p.is_dir() and not p.is_symlink()):
        if sub.name not in _NOT_UNITS and not sub.name.startswith("."):
            yield sub, sub.name, "zh"
            yield sub / "en", sub.name, "en"


def _published(folder: Path, month: str, unit: str, lang: str, root: Path,
               known: dict[tuple[str, str], str]) -> PublishedBrief | None:
    version = current_version(folder) if folder.is_dir() else None
    if version is None or not (version / "brief.html").is_file():
        return None
    manifest = _read_json(version / "manifest.json")
    if manifest.get("status") != "published" or manifest.get("parameters") != {"month": month, "lang": lang,
                                                                                 "unit": unit}:
        return None
    name = known.get((unit, lang))
    if name is None:  # read once per unit and language: from its newest brief
        names = _read_json(version / "results.json").get("names")
        name = names.get(unit or CITY) if isinstance(names, dict) else None
        if name:
            known[(unit, lang)] = str(name)
    return PublishedBrief(month=month, unit=unit, lang=lang, path=folder.relative_to(root).as_posix(),
                          name=str(name) if name else (unit or CITY), published_at=str(manifest.get("published_at", "")),
                          documents=tuple(d for d in _DOCUMENTS if (version / d).is_file()))


def published_briefs(reports: str | os.PathLike | None = None, *, month: str | None = None) -> list[PublishedBrief]:
    """Every brief published under ``reports`` (default: the reports folder), or those of one
    ``month``, by month (newest first), then the city before its units (by code), then Chinese
    before English. A unit's name is read from the ``results.json`` of its newest brief."""
    root = reports_folder(reports)
    if not root.is_dir():
        return []
    found: list[PublishedBrief] = []
    known: dict[tuple[str, str], str] = {}
    months = [p for p in root.iterdir() if p.is_dir() and _MONTH.fullmatch(p.name) and month in (None, p.name)]
    for month_dir in sorted(months, reverse=True):
        for folder, unit, lang in _candidates(month_dir):
            brief = _published(folder, month_dir.name, unit, lang, root, known)
            if brief is not None:
                found.append(brief)
    return sorted(found, key=lambda b: (-int(b.month.replace("-", "")), b.unit != "", b.unit, b.lang != "zh"))


def city_brief(reports: str | os.PathLike | None, month: str, lang: str) -> PublishedBrief | None:
    """The city's brief of ``month`` in ``lang`` as :func:`published_briefs` lists it, or None
    when none is published; only its own folder is read (a unit's page links to it, and a
    month of 2,850 unit briefs is not read again for each of them)."""
    root = reports_folder(reports)
    if not _MONTH.fullmatch(month) or not (root / month).is_dir():
        return None
    folder = root / month / "en" if lang == "en" else root / month
    return _published(folder, month, "", lang, root, {})


# ------------------------------------------------------------------------------- links
def _href(path: str) -> str:
    """A relative link, each segment percent-encoded, escaped for an attribute."""
    return html.escape("/".join(quote(part) for part in path.split("/")), quote=True)


def _up(path: str) -> str:
    """From a brief's page (``<path>/current/brief.html``) up to the reports folder."""
    return "../" * (len(path.split("/")) + 1)


def _link(href: str, text: str) -> str:
    return f'<a href="{_href(href)}">{html.escape(text)}</a>'


def navigation(reports: str | os.PathLike | None, month: str, unit: str, lang: str) -> str:
    """The links at the top of the page of the brief (``month``, ``unit``, ``lang``), as HTML:
    to the index; for a unit, to the city's brief of the month (when published); for the
    city, to the unit briefs of the month published so far."""
    words = INDEX_TEXT[lang]
    here = "/".join([month, *([unit] if unit else []), *(["en"] if lang == "en" else [])])
    up = _up(here)
    parts = [_link(up + INDEX, words["nav_index"])]
    if unit:  # the city's brief alone: its folder is read, not every unit's of the month
        city = city_brief(reports, month, lang)
        parts.append(f"{html.escape(words['nav_city'])}{_link(up + city.page, city.name)}" if city
                     else html.escape(words["nav_city_later"]))
    else:
        units = [b for b in published_briefs(reports, month=month) if b.lang == lang and b.unit]
        if units:
            parts.append(html.escape(words["nav_units"]) + words["list_sep"].join(
                _link(up + b.page, b.name) for b in units) + html.escape(words["nav_units_more"]))
        else:
            parts.append(html.escape(words["nav_units_later"]))
    return f'<header class="brief-links"><p>{words["nav_sep"].join(parts)}</p></header>'


# ------------------------------------------------------------------------------- index
INDEX_STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       max-width: 1100px; margin: 2em auto; padding: 0 1.5em; color: #222; line-height: 1.55; }
h1 { border-bottom: 3px solid #c62828; padding-bottom: .3em; }
h2 { border-left: 5px solid #c62828; padding-left: .5em; margin-top: 1.8em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.95em; }
th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
@page { size: A4; margin: 20mm 15mm; }
@media print { body { max-width: none; margin: 0; padding: 0; } tr { break-inside: avoid; }
               thead { display: table-header-group; } h2 { break-after: avoid; } a { color: #222; } }
"""


def _cell(brief: PublishedBrief | None, lang: str) -> str:
    words = INDEX_TEXT[lang]
    if brief is None:
        return "—"
    links = [_link(brief.page, words["page"])]
    links += [_link(f"{brief.path}/{CURRENT}/{d}", words[d]) for d in brief.documents]
    return " · ".join(links) + f'<br><small>{html.escape(words["published"])}{html.escape(brief.published_at[:10])}</small>'


def _month_words(month: str) -> str:
    year, mon = month.split("-")
    return f"{int(year)}年{int(mon)}月 · {dt.date(int(year), int(mon), 1):%B %Y}"


def index_html(briefs: list[PublishedBrief]) -> str:
    """The index page of ``briefs`` (as :func:`published_briefs` orders them)."""
    zh, en = INDEX_TEXT["zh"], INDEX_TEXT["en"]
    title = f"{zh['title']} · {en['title']}"
    body = [f"<h1>{html.escape(title)}</h1>",
            f"<p>{html.escape(zh['count'].format(n=len(briefs)))} {html.escape(en['count'].format(n=len(briefs)))}</p>"]
    if not briefs:
        body.append(f"<p>{html.escape(zh['none'])} {html.escape(en['none'])}</p>")
    for month in dict.fromkeys(b.month for b in briefs):
        rows = {}
        for b in (b for b in briefs if b.month == month):
            rows.setdefault(b.unit, {})[b.lang] = b
        body.append(f'<h2 id="m{html.escape(month)}">{html.escape(_month_words(month))}</h2>')
        body.append("<table><thead><tr>" + "".join(
            f"<th>{html.escape(h)}</th>" for h in (f"{zh['unit']} · {en['unit']}", f"{zh['code']} · {en['code']}",
                                                     zh["lang_zh"], en["lang_en"])) + "</tr></thead><tbody>")
        for unit, by_lang in rows.items():
            names = " · ".join(dict.fromkeys(b.name for b in (by_lang.get("zh"), by_lang.get("en")) if b))
            code = unit or CITY
            body.append(f"<tr><td>{html.escape(names)}</td><td>{html.escape(code)}</td>"
                        f"<td>{_cell(by_lang.get('zh'), 'zh')}</td><td>{_cell(by_lang.get('en'), 'en')}</td></tr>")
        body.append("</tbody></table>")
    page = PAGE.format(lang="zh-CN", policy=html.escape(content_security_policy([INDEX_STYLE])), title=html.escape(title),
                        style=INDEX_STYLE, body="\n".join(body))
    external, active = unsafe_content(page)
    if external or active:
        raise RunError(f"the index would fetch from the internet or run code ({'; '.join([*external, *active][:3])})")
    return page


@contextlib.contextmanager
def _index_lock(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / _LOCK, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def write_index(reports: str | os.PathLike | None = None) -> Path:
    """Scan ``reports`` (default: the reports folder) and replace its ``index.html`` in one
    rename, under the index's lock; returns the page's path."""
    root = reports_folder(reports)
    with _index_lock(root):
        page = index_html(published_briefs(root))
        return atomic_write(root / INDEX, lambda p: p.write_text(page, encoding="utf-8"))


def update_index(reports: str | os.PathLike | None = None) -> str | None:
    """:func:`write_index` after a brief was published: None when done, else the sentence
    saying why the index could not be rewritten (the brief itself stays published)."""
    try:
        write_index(reports)
    except (OSError, RunError) as exc:
        where = getattr(exc, "filename", None) or reports_folder(reports) / INDEX
        return f"the index {where} was not rewritten: {getattr(exc, 'strerror', None) or exc}"
    return None
