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

Checks: :func:`html_is_offline` is a cheap static scan of tags and inline code;
:func:`inspect_html` opens the file in headless Chromium through Playwright, records
every request that is not ``file:``, ``data:``, ``blob:`` or ``about:`` (each is aborted,
never sent) and reports headings, tables and whether images actually rendered.
Playwright's own browser download is not used: Debian's ``/usr/bin/chromium`` is
launched (``make chromium`` installs it). The sync API cannot run inside a running
asyncio loop (a Jupyter kernel); call it from a plain process, as the runner does.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
from nbconvert import HTMLExporter

from reformlib.errors import ParameterError, SetupError

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "OFFLINE_TEMPLATE", "html_is_offline",
           "inspect_html", "offline_html_exporter"]

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
_URL_ATTRS = {"script": ("src",), "link": ("href",), "img": ("src", "srcset"),
              "iframe": ("src",), "source": ("src", "srcset"), "video": ("src", "poster"),
              "audio": ("src",), "embed": ("src",), "object": ("data",)}
_NOT_FETCHED_RELS = {"canonical", "alternate", "author", "license", "help", "bookmark",
                     "next", "prev", "search"}
_EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
#: CSS ``url(...)`` and ``@import`` in inline styles.
_STYLE_URL = re.compile(r"""(?:@import\s+|url\(\s*)["']?((?:https?:)?//[^"')\s]+)""", re.I)
#: Quoted URL literals in inline scripts (``import("...")``, ``const u = "..."``).
_SCRIPT_URL = re.compile(r"""["'`]((?:https?:)?//[^"'`\s]+)["'`]""", re.I)
#: XML namespace names are identifiers, never fetched (``createElementNS``).
_NAMESPACES = re.compile(r"^(https?:)?//www\.w3\.org/", re.I)


def offline_html_exporter(*, exclude_input: bool = True, embed_images: bool = True,
                          lang: str = "zh") -> HTMLExporter:
    """An ``HTMLExporter`` whose output loads nothing from the network."""
    if lang not in ("zh", "en"):
        raise ParameterError(f"lang must be 'zh' or 'en', not {lang!r}")
    return HTMLExporter(
        template_name="lab", template_file="offline.html.j2",
        extra_loaders=[jinja2.DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})],
        exclude_input=exclude_input, embed_images=embed_images, language_code=lang)


class _UrlScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._inline: str | None = None

    def _add(self, url: str) -> None:
        url = url.strip()
        if _EXTERNAL.match(url) and not _NAMESPACES.match(url) and url not in self.urls:
            self.urls.append(url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "link" and set(values.get("rel", "").lower().split()) <= _NOT_FETCHED_RELS \
                and values.get("rel"):
            return
        for attr in _URL_ATTRS.get(tag, ()):
            value = values.get(attr, "")
            if attr == "srcset":  # "a.png 1x, https://host/b.png 2x"
                for candidate in value.split(","):
                    self._add(candidate.strip().split(" ")[0])
            else:
                self._add(value)
        for match in _STYLE_URL.finditer(values.get("style", "")):
            self._add(match.group(1))
        self._inline = tag if tag in ("script", "style") and not values.get("src") else None

    def handle_endtag(self, tag: str) -> None:
        self._inline = None

    def handle_data(self, data: str) -> None:
        if self._inline:
            pattern = _SCRIPT_URL if self._inline == "script" else _STYLE_URL
            for match in pattern.finditer(data):
                self._add(match.group(1))


def html_is_offline(html_text: str) -> list[str]:
    """External URLs a page would load: ``src``/``href`` of script, link, img, iframe
    (and media) tags, ``@import``/``url()`` in inline styles and quoted URL literals in
    inline scripts (which catches nbconvert's ``import(elkUrl)``); W3C namespace names
    are ignored. Protocol-relative ``//host/...`` URLs count as external.

    An empty list means the page opens offline as far as a static scan can tell.
    """
    if not isinstance(html_text, str):
        raise TypeError(f"html_text must be str, not {type(html_text).__name__}")
    scanner = _UrlScanner()
    scanner.feed(html_text)
    scanner.close()
    return scanner.urls


_PAGE_FACTS = """() => ({
  title: document.title,
  headings: Array.from(document.querySelectorAll('h1, h2, h3')).map(
      h => ({level: Number(h.tagName[1]), text: h.innerText.replace(/\\u00b6$/, '').trim()})),
  tables: document.querySelectorAll('table').length,
  images: document.images.length,
  images_rendered: Array.from(document.images).filter(
      i => i.complete && i.naturalWidth > 0).length,
})"""


def inspect_html(path: Path | str, *, chromium: Path | str = CHROMIUM,
                 timeout: float = 30.0) -> dict[str, Any]:
    """Open a local HTML file in headless Chromium and report what a reader gets.

    Returns ``{"path", "title", "headings": [{"level", "text"}], "tables", "images",
    "images_rendered", "external_requests": [url, ...], "page_errors": [message, ...]}``.
    ``external_requests`` lists every request that would leave the machine (each is
    aborted); a brief must have none.
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
            "page_errors": errors}
