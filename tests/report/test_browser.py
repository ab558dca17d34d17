"""HTML briefs open offline: static scan and a real headless Chromium."""
from __future__ import annotations

import base64
import io

import matplotlib
import nbformat
import pandas as pd
import pytest
from nbconvert import HTMLExporter

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from reformlib.errors import ParameterError, SetupError  # noqa: E402
from reformlib.report.browser import (  # noqa: E402
    CHROMIUM,
    active_content,
    content_security_policy,
    html_is_offline,
    inspect_html,
    offline_html_exporter,
    style_sheets,
)
from reformlib.report.figures import check_glyphs, save_figure  # noqa: E402
from reformlib.report.fonts import use_cjk_font  # noqa: E402

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"headless Chromium not installed at {CHROMIUM}; run `make chromium`")


def _figure_png() -> bytes:
    """Completion rate by unit, Chinese labels (synthetic demonstration values)."""
    with matplotlib.rc_context():
        try:
            use_cjk_font()
        except SetupError as exc:  # pragma: no cover - depends on the machine
            pytest.skip(f"no CJK font installed: {exc}")
        fig, ax = plt.subplots(figsize=(4, 2.5))
        ax.bar(["湘潭县", "韶山市"], [92.4, 90.1])
        ax.set_title("改革任务完成率（合成演示数据）")
        check_glyphs(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=60)
        plt.close(fig)
    return buffer.getvalue()


def _notebook(tmp_path) -> nbformat.NotebookNode:
    """A tiny executed-looking brief: headings, a plotted figure, a table and a
    Markdown image from a local file (embedded by ``embed_images``)."""
    with matplotlib.rc_context():
        use_cjk_font()
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([1, 2, 3], [2, 3, 1])
        ax.set_title("督察问题")
        save_figure(fig, tmp_path / "local.png", dpi=72)
        plt.close(fig)
    table = pd.DataFrame({"单位": ["湘潭县", "韶山市"], "得分": [92.4, 90.1]})
    code = nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.bar(...)")
    code.outputs = [
        nbformat.v4.new_output("display_data", data={
            "image/png": base64.b64encode(_figure_png()).decode(), "text/plain": "<Figure>"}),
        nbformat.v4.new_output("execute_result", execution_count=1, data={
            "text/html": table.to_html(index=False), "text/plain": str(table)}),
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 《改革简报》要点（2017年12月）\n\n合成演示数据。"),
        nbformat.v4.new_markdown_cell("## 一、改革任务完成情况"),
        code,
        nbformat.v4.new_markdown_cell("### 督察问题整改\n\n![督察问题](local.png)"),
    ]
    return nb


def _export(tmp_path) -> str:
    html, _ = offline_html_exporter().from_notebook_node(
        _notebook(tmp_path), resources={"metadata": {"path": str(tmp_path)}})
    return html


def test_default_nbconvert_html_pulls_scripts_from_a_cdn(tmp_path):
    html, _ = HTMLExporter().from_notebook_node(nbformat.v4.new_notebook())
    urls = html_is_offline(html)
    assert any("require" in u for u in urls) and any("mathjax" in u for u in urls)
    assert any("mermaid-layout-elk" in u for u in urls)  # imported through a variable


def test_offline_export_references_nothing_external_and_hides_code(tmp_path):
    html = _export(tmp_path)
    assert html_is_offline(html) == []
    assert "plt.bar" not in html
    assert 'src="local.png"' not in html  # embedded as data:
    assert '<html lang="zh">' in html


@pytest.mark.parametrize(("snippet", "url"), [
    ('<script src="https://cdn.example.org/x.js"></script>', "https://cdn.example.org/x.js"),
    ('<link rel="stylesheet" href="//cdn.example.org/a.css">', "//cdn.example.org/a.css"),
    ('<img srcset="a.png 1x, http://img.example.org/b.png 2x">', "http://img.example.org/b.png"),
    ('<iframe src="https://maps.example.org/"></iframe>', "https://maps.example.org/"),
    ('<style>@import url("https://fonts.example.org/f.css");</style>',
     "https://fonts.example.org/f.css"),
    ('<script type="module">const u = "https://cdn.example.org/m.mjs"; await import(u);'
     '</script>', "https://cdn.example.org/m.mjs"),
])
def test_static_scan_finds_external_references(snippet, url):
    assert html_is_offline(f"<html><head>{snippet}</head><body></body></html>") == [url]


def test_static_scan_ignores_links_and_namespaces_that_are_not_fetched():
    html = ('<link rel="canonical" href="https://example.org/brief">'
            '<a href="https://example.org/">source</a><img src="data:image/png;base64,AA==">'
            '<script>document.createElementNS("http://www.w3.org/2000/svg", "svg")</script>')
    assert html_is_offline(html) == []


@needs_chromium
@pytest.mark.slow
def test_offline_brief_renders_in_chromium_without_network(tmp_path):
    page = tmp_path / "brief.html"
    page.write_text(_export(tmp_path), encoding="utf-8")
    (tmp_path / "local.png").unlink()  # the page must not need files next to it
    facts = inspect_html(page)
    assert facts["external_requests"] == []
    assert facts["page_errors"] == []
    assert {"level": 1, "text": "《改革简报》要点（2017年12月）"} in facts["headings"]
    assert [h["level"] for h in facts["headings"]] == [1, 2, 3]
    assert facts["tables"] == 1
    assert facts["images"] == 2 and facts["images_rendered"] == 2


@needs_chromium
@pytest.mark.slow
def test_external_requests_are_recorded_and_never_sent(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text(
        '<html><head><script src="https://cdn.example.org/x.js"></script></head>'
        '<body><h1>简报</h1><img src="https://cdn.example.org/a.png"></body></html>',
        encoding="utf-8")
    facts = inspect_html(page)
    assert facts["external_requests"] == ["https://cdn.example.org/x.js",
                                          "https://cdn.example.org/a.png"]
    assert facts["images"] == 1 and facts["images_rendered"] == 0
    assert facts["headings"] == [{"level": 1, "text": "简报"}]


def test_inspect_html_names_bad_arguments(tmp_path):
    with pytest.raises(ParameterError, match="missing.html"):
        inspect_html(tmp_path / "missing.html")
    page = tmp_path / "p.html"
    page.write_text("<h1>x</h1>", encoding="utf-8")
    with pytest.raises(SetupError, match="make chromium"):
        inspect_html(page, chromium=tmp_path / "no-chromium")
    with pytest.raises(TypeError, match="html_text"):
        html_is_offline(b"<html>")  # type: ignore[arg-type]


@pytest.mark.parametrize(("snippet", "url"), [
    ('<video poster="https://evil.example/p.png"></video>', "https://evil.example/p.png"),
    ('<object data="//evil.example/o"></object>', "//evil.example/o"),
    ('<div style="background:u\\72l(https://evil.example/c.png)">x</div>', "https://evil.example/c.png"),
    ('<meta http-equiv="refresh" content="0; url=https://evil.example/r">', "https://evil.example/r"),
    ('<iframe srcdoc="&lt;img src=https://evil.example/i&gt;"></iframe>', "https://evil.example/i"),
    ('<img src="ht\ttps://evil.example/t">', "ht\ttps://evil.example/t"),
    ('<svg><image href="https:evil.example/s"/></svg>', "https:evil.example/s"),
    ('<a href="#x" ping="https://evil.example/ping">x</a>', "https://evil.example/ping"),
    ('<table background="https://evil.example/b.png"></table>', "https://evil.example/b.png"),
])
def test_static_scan_reads_every_url_bearing_attribute_and_css(snippet, url):
    assert html_is_offline(f"<html><body>{snippet}</body></html>") == [url]


def test_active_content_and_the_policy():
    assert active_content('<p class="x">text</p><img src="data:image/png;base64,AA==" alt="">') == []
    found = active_content('<img src=x onerror="alert(1)"><a href="javascript:alert(2)">a</a><iframe></iframe>'
                           '<meta http-equiv="refresh" content="1">')
    assert found == ["onerror attribute on <img>", "href='javascript:alert(2)' on <a>", "<iframe> element",
                     "<meta http-equiv='refresh'>"]
    policy = content_security_policy(["h1 { color: red; }"])
    assert "script-src 'none'" in policy and "img-src data:" in policy and "'sha256-" in policy
    assert style_sheets("<style>a{}</style><p>x</p><style type='text/css'>\nb{}</style>") == ["a{}", "\nb{}"]


def test_every_page_carries_the_print_rules_for_tables_and_its_policy_allows_them():
    """Header cells wrap in print and keep at least four characters a line; a wide table
    prints smaller; the page's policy allows that style sheet by its hash."""
    import base64
    import hashlib

    from reformlib.report.browser import PAGE, PRINT_TABLES, content_security_policy, style_sheets

    page = PAGE.format(lang="zh-CN", policy="", title="t", style="body { margin: 0; }", body="<p>x</p>")
    assert PRINT_TABLES in style_sheets(page) and "min-width: 4em" in PRINT_TABLES
    assert "table:has(th:nth-child(9))" in PRINT_TABLES and "th, th.num { white-space: normal" in PRINT_TABLES
    digest = base64.b64encode(hashlib.sha256(PRINT_TABLES.encode("utf-8")).digest()).decode()
    assert f"'sha256-{digest}'" in content_security_policy(["body { margin: 0; }"])
