"""Offline check of an HTML brief (publication step: notebook -> HTML -> reader).

An office intranet may have no internet, so an HTML brief must open offline: every
script, style sheet and figure inside the file (PIPELINE.md, "nbconvert").

What nbconvert 7.17 does by default (``HTMLExporter``, template ``lab``):

- ``<script src="https://cdnjs.cloudflare.com/.../require.min.js">`` in the head, always
  (block ``html_head_js_requirejs``);
- ``<script src="https://cdnjs.cloudflare.com/.../mathjax/2.7.7/latest.js?...">``, always
  (block ``html_head_js_mathjax``);
- an inline module script that ``import()``\\ s mermaid and mermaid-layout-elk from
  cdnjs when the page holds a mermaid diagram (block ``html_head_js_mermaidjs``); no
  request without a diagram, but the URLs are in the file;
- the jupyter-widgets loader from unpkg when the notebook metadata holds widget state
  (block ``jupyter_widgets``);
- figures as separate files unless ``embed_images=True``; code cells shown unless
  ``exclude_input=True`` (papermill's ``--report-mode`` does not hide them).

``--no-input`` and template options have no switch for the CDN scripts; the traits
``require_js_url`` / ``mathjax_url`` only move them. :func:`offline_html_exporter`
therefore extends the lab template with those four blocks emptied (a
:class:`jinja2.DictLoader` template, :data:`OFFLINE_TEMPLATE`). The price: LaTeX in
Markdown cells stays as typed (no MathJax), mermaid diagrams stay as text and widgets do
not render; briefs use none of them. The lab CSS is inlined and mentions URLs only in
comments.

Checks: :func:`html_is_offline` parses the page and lists every external URL of any
URL-bearing attribute, style sheet or refresh; :func:`active_content` lists anything that
could run (scripts, frames, objects, event handlers, ``javascript:`` URLs);
:func:`content_security_policy` is the policy a brief's page carries (no script, no
request, its own style sheets by hash);
:func:`inspect_html` opens the file in headless Chromium through Playwright, records
every request that is not ``file:``, ``data:``, ``blob:`` or ``about:`` (each is aborted,
never sent) and reports headings, tables and whether images actually rendered.
Playwright's own browser download is not used: Debian's ``/usr/bin/chromium`` is
launched (``make chromium`` installs it). The sync API cannot run inside a running
asyncio loop (a Jupyter kernel); call it from a plain process, as the runner does.
"""
from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from reformlib.errors import ParameterError, SetupError

if TYPE_CHECKING:  # nbconvert (about 1 CPU-s to import) is imported where a page is exported
    from nbconvert import HTMLExporter

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "OFFLINE_TEMPLATE", "PAGE", "PRINT_TABLES", "active_content",
           "content_security_policy", "html_is_offline", "inspect_html", "offline_html_exporter", "style_sheets",
           "unsafe_content"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: nbconvert's lab template without the blocks that load code from a CDN.
OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""
_LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
#: Attributes that hold one URL, on whatever element they appear (``href`` of a link a
#: reader clicks is not fetched and is left to :func:`active_content`).
_URL_ATTRS = {"src", "href", "poster", "data", "action", "formaction", "background", "lowsrc", "dynsrc",
              "longdesc", "codebase", "archive", "manifest", "profile", "icon", "xlink:href", "cite", "usemap"}
#: Attributes that hold a list of URLs: ``srcset`` ("a.png 1x, b.png 2x") and ``ping`` (spaces).
_URL_LIST_ATTRS = {"srcset": ",", "imagesrcset": ",", "ping": None}
_CLICKED = {("a", "href"), ("area", "href")}
_NOT_FETCHED_RELS = {"canonical", "alternate", "author", "license", "help", "bookmark",
                     "next", "prev", "search"}
#: Schemes that leave the machine (browsers accept ``https:host`` without slashes).
_NETWORK = re.compile(r"^(?:(?:https?|ftp|wss?):|//)", re.IGNORECASE)
_SCRIPTING = re.compile(r"^(?:javascript|vbscript|livescript):|^data:(?!image/(?:png|jpeg|gif|webp)[;,])",
                        re.IGNORECASE)
#: Quoted URL literals in inline scripts (``import("...")``, ``const u = "..."``).
_SCRIPT_URL = re.compile(r"""["'`]((?:https?:)?//[^"'`\s]+)["'`]""", re.I)
#: XML namespace names are identifiers, never fetched (``createElementNS``).
_NAMESPACES = re.compile(r"^(https?:)?//www\.w3\.org/", re.I)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.S)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_URLS = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)|(["'])(.*?)\3""", re.I | re.S)


def offline_html_exporter(*, exclude_input: bool = True, embed_images: bool = True,
                          lang: str = "zh") -> HTMLExporter:
    """An ``HTMLExporter`` whose output loads nothing from the network."""
    if lang not in ("zh", "en"):
        raise ParameterError(f"lang must be 'zh' or 'en', not {lang!r}")
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab", template_file="offline.html.j2",
        extra_loaders=[jinja2.DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})],
        exclude_input=exclude_input, embed_images=embed_images, language_code=lang)


def _normal_url(url: str) -> str:
    """A URL as a browser reads it: tabs and line breaks removed, backslashes as slashes,
    leading spaces and control characters dropped."""
    url = re.sub(r"[\t\n\r]", "", url).replace("\\", "/")
    return url.lstrip("".join(chr(c) for c in range(33)))


def _is_external(url: str) -> bool:
    url = _normal_url(url)
    return bool(_NETWORK.match(url)) and not _NAMESPACES.match(url)


def _css_urls(css: str) -> list[str]:
    """Every URL-like string of a style sheet or ``style`` attribute (``url()``,
    ``@import``, ``image-set()``), after CSS escapes and comments are undone."""
    css = _CSS_ESCAPE.sub(lambda m: chr(int(m[1], 16)) if m[1] else m[2], _CSS_COMMENT.sub("", css))
    return [m[2] if m[2] is not None and m[0].lower().startswith("url") else m[4] or "" for m in _CSS_URLS.finditer(css)]


def _refresh_url(content: str) -> str:
    """The URL of ``<meta http-equiv="refresh" content="5; url=...">``."""
    rest = re.split(r"[;,]", content, maxsplit=1)[1] if re.search(r"[;,]", content) else ""
    return re.sub(r"^\s*url\s*=\s*", "", rest, flags=re.I).strip(" '\"")


class _Scanner(HTMLParser):
    """Every URL a page may fetch (``urls``) and every piece of active content (``active``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.active: list[str] = []
        self._inline: str | None = None

    def _add(self, url: str) -> None:
        url = url.strip()
        if _is_external(url) and url not in self.urls:
            self.urls.append(url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self._active(tag, values)
        not_fetched = tag == "link" and values.get("rel") and set(values["rel"].lower().split()) <= _NOT_FETCHED_RELS
        for name, value in values.items():
            if name in _URL_ATTRS and not not_fetched and (tag, name) not in _CLICKED:
                self._add(value)
            elif name in _URL_LIST_ATTRS:
                sep = _URL_LIST_ATTRS[name]
                for candidate in value.split(sep):
                    self._add(candidate.strip().split(" ")[0] if sep else candidate)
            elif name == "style":
                for url in _css_urls(value):
                    self._add(url)
            elif name == "srcdoc":
                for url in html_is_offline(value):
                    self._add(url)
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self._add(_refresh_url(values.get("content", "")))
        self._inline = tag if tag in ("script", "style") and not values.get("src") else None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._inline = None

    def _active(self, tag: str, values: dict[str, str]) -> None:
        if tag not in _PASSIVE_TAGS:
            self.active.append(f"<{tag}> element")
        for name, value in values.items():
            if name.startswith("on"):
                self.active.append(f"{name} attribute on <{tag}>")
            elif name in ("srcdoc", "formaction"):
                self.active.append(f"{name} attribute on <{tag}>")
            elif (name in _URL_ATTRS or name in _URL_LIST_ATTRS) and _SCRIPTING.match(_normal_url(value)):
                self.active.append(f"{name}={value[:40]!r} on <{tag}>")
        if tag == "meta" and values.get("http-equiv", "").lower() not in ("", "content-security-policy", "content-type"):
            self.active.append(f"<meta http-equiv={values['http-equiv']!r}>")

    def handle_endtag(self, tag: str) -> None:
        self._inline = None

    def handle_data(self, data: str) -> None:
        if self._inline == "script":
            for match in _SCRIPT_URL.finditer(data):
                self._add(match.group(1))
        elif self._inline == "style":
            for url in _css_urls(data):
                self._add(url)


#: Elements a brief's page may hold: text, tables, embedded images and its own style sheet.
_PASSIVE_TAGS = frozenset(
    "html head body meta title style div span p br hr h1 h2 h3 h4 h5 h6 a img table thead tbody tfoot tr th td "
    "caption colgroup col pre code blockquote strong em b i u s sub sup small ul ol li dl dt dd details summary "
    "figure figcaption section article header footer main abbr mark del ins kbd samp var q cite time wbr".split())


def _scan(html_text: str) -> _Scanner:
    if not isinstance(html_text, str):
        raise TypeError(f"html_text must be str, not {type(html_text).__name__}")
    scanner = _Scanner()
    scanner.feed(html_text)
    scanner.close()
    return scanner


def html_is_offline(html_text: str) -> list[str]:
    """External URLs a page would load, found by parsing it: every URL-bearing attribute of
    every element (``src``, ``href`` except on links a reader clicks, ``srcset``, ``poster``,
    ``data``, ``action``, ``background``, ``ping``, SVG ``xlink:href``, ...), CSS ``url()``,
    ``@import`` and ``image-set()`` in style sheets and ``style`` attributes (CSS escapes
    undone), ``<meta http-equiv="refresh">``, ``srcdoc`` documents and quoted URL
    literals in inline scripts (which catches nbconvert's ``import(elkUrl)``). URLs are
    read as a browser reads them (tabs and line breaks dropped, ``\\`` as ``/``); W3C
    namespace names are ignored; protocol-relative ``//host/...`` counts as external.

    An empty list means the page opens offline as far as a static scan can tell.
    """
    return _scan(html_text).urls


def active_content(html_text: str) -> list[str]:
    """What in a page could run or navigate by itself: any element other than text,
    tables, images and style (script, iframe, object, embed, svg, form, base, ...), event
    handler attributes (``on...``), ``srcdoc``, ``javascript:`` or non-image ``data:``
    URLs, and ``<meta http-equiv>`` other than the content type and the security policy.
    A brief's page must have none."""
    return _scan(html_text).active


def unsafe_content(html_text: str) -> tuple[list[str], list[str]]:
    """:func:`html_is_offline` and :func:`active_content` of a page from one parse of it: the
    external URLs it would load and what in it could run or navigate by itself."""
    scanner = _scan(html_text)
    return scanner.urls, scanner.active


def style_sheets(html_text: str) -> list[str]:
    """The text of every ``<style>`` element, as the browser hashes it for the page's
    Content-Security-Policy."""
    return re.findall(r"<style\b[^>]*>(.*?)</style\s*>", html_text, flags=re.I | re.S)


#: Print rules for tables, on every page reformlib writes (A4 portrait, about 180 mm of type):
#: a header cell wraps, also above a column of figures (which themselves stay whole), and is
#: never narrower than four characters, so that a long Chinese header reads in lines of four
#: or more characters instead of one or two (Chinese text may break after any character, so
#: without a floor the table squeezes its headers first); a table of nine or more columns (the
#: headline's twelve) prints in 8 pt with narrower cell padding.
PRINT_TABLES = """
@media print {
  th, th.num { white-space: normal; min-width: 4em; }
  table:has(th:nth-child(9)) { font-size: 8pt; }
  table:has(th:nth-child(9)) th, table:has(th:nth-child(9)) td { padding: 3px 4px; }
}
"""

#: The skeleton of every page reformlib writes (the brief, the index of briefs): UTF-8, the
#: content security policy of :func:`content_security_policy` as a meta tag, the page's inline
#: style and the print rules for tables (:data:`PRINT_TABLES`), which the policy always allows.
PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<title>{title}</title>
<style>{style}</style><style>""" + PRINT_TABLES.replace("{", "{{").replace("}", "}}") + """</style></head><body>
{body}
</body></html>
"""


def content_security_policy(styles: list[str]) -> str:
    """A policy that forbids every script and every network request: nothing may load
    but embedded ``data:`` images and the page's own style sheets (by SHA-256): ``styles`` and
    the print rules every :data:`PAGE` carries (:data:`PRINT_TABLES`)."""
    hashes = " ".join(sorted({f"'sha256-{base64.b64encode(hashlib.sha256(s.encode('utf-8')).digest()).decode()}'"
                              for s in [*styles, PRINT_TABLES]}))
    return ("default-src 'none'; script-src 'none'; object-src 'none'; frame-src 'none'; connect-src 'none'; "
            f"img-src data:; font-src 'none'; media-src 'none'; style-src {hashes or chr(39) + 'none' + chr(39)}; "
            "base-uri 'none'; form-action 'none'")


_PAGE_FACTS = """() => ({
  title: document.title,
  headings: Array.from(document.querySelectorAll('h1, h2, h3')).map(
      h => ({level: Number(h.tagName[1]), text: h.innerText.replace(/\\u00b6$/, '').trim()})),
  tables: document.querySelectorAll('table').length,
  images: document.images.length,
  images_rendered: Array.from(document.images).filter(
      i => i.complete && i.naturalWidth > 0).length,
  active_elements: Array.from(document.querySelectorAll(
      'script, iframe, frame, object, embed, video, audio, svg, form, base, meta[http-equiv="refresh" i]')).map(
      e => e.tagName.toLowerCase()),
  event_handlers: Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes).filter(
      a => a.name.startsWith('on')).map(a => e.tagName.toLowerCase() + ' ' + a.name)),
  csp: (document.querySelector('meta[http-equiv="Content-Security-Policy" i]') || {}).content || null,
  csp_violations: window.__cspViolations || [],
})"""
#: Runs before the page's own code (Playwright's init script, outside the page's policy).
_WATCH = """document.addEventListener('securitypolicyviolation', e => {
  (window.__cspViolations = window.__cspViolations || []).push(e.violatedDirective + ' ' + (e.blockedURI || ''));
});"""


def inspect_html(path: Path | str, *, chromium: Path | str = CHROMIUM,
                 timeout: float = 30.0) -> dict[str, Any]:
    """Open a local HTML file in headless Chromium and report what a reader gets.

    Returns ``{"path", "title", "headings": [{"level", "text"}], "tables", "images",
    "images_rendered", "active_elements", "event_handlers", "csp", "csp_violations",
    "external_requests": [url, ...], "page_errors": [message, ...], "dialogs": [message, ...],
    "console_errors": [message, ...]}``. ``external_requests`` lists every request that
    would leave the machine (each is aborted); ``dialogs`` every ``alert``/``confirm``
    a script opened (each dismissed); ``active_elements`` and ``event_handlers`` what in
    the rendered page could run code; ``csp_violations`` what the page's
    Content-Security-Policy blocked. A brief must have none of them.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    page_path = Path(path).resolve()
    if not page_path.is_file():
        raise ParameterError(f"path: {page_path} is not an existing file")
    if not Path(chromium).exists():
        raise SetupError(f"Chromium not found at {chromium}; install it with `make chromium` "
                         "(Debian package chromium)")
    external: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []
    console: list[str] = []

    def record(url: str) -> None:
        if not url.lower().startswith(_LOCAL_SCHEMES) and url not in external:
            external.append(url)

    def route(r: Any) -> None:
        record(r.request.url)
        if r.request.url.lower().startswith(_LOCAL_SCHEMES):
            r.continue_()
        else:
            r.abort("blockedbyclient")

    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS,
                                         headless=True, timeout=timeout * 1000)
        except PlaywrightError as exc:
            raise SetupError(f"Chromium at {chromium} did not start: {exc}") from exc
        try:
            page = browser.new_page()
            page.add_init_script(_WATCH)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
            page.on("request", lambda req: record(req.url))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.route("**/*", route)
            page.goto(page_path.as_uri(), wait_until="load", timeout=timeout * 1000)
            page.evaluate("() => Promise.all(Array.from(document.images).map("
                          "i => i.decode().catch(() => null)))")
            facts = page.evaluate(_PAGE_FACTS)
        finally:
            browser.close()
    return {"path": str(page_path), **facts, "external_requests": external,
            "page_errors": errors, "dialogs": dialogs, "console_errors": console}
