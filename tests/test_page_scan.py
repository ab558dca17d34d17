"""A page's safety scan from one parse (reformlib.report.browser.unsafe_content) finds what
the two scans it stands for find, on a hostile page and on a clean one."""
from __future__ import annotations

from reformlib.report.browser import active_content, html_is_offline, unsafe_content

HOSTILE = """<html><head><meta http-equiv="refresh" content="0; url=https://evil.example/x">
<style>body { background: url('//cdn.example/bg.png') }</style></head>
<body><img src="https://img.example/a.png" onerror="alert(1)"><iframe srcdoc="<img src='http://in.example/b'>"></iframe>
<a href="javascript:alert(2)">x</a><script>import("https://js.example/m.js")</script><p>plain</p></body></html>"""


def test_one_parse_finds_what_the_two_scans_find() -> None:
    urls, active = unsafe_content(HOSTILE)
    assert urls == html_is_offline(HOSTILE) and active == active_content(HOSTILE)
    assert {"https://evil.example/x", "//cdn.example/bg.png", "https://img.example/a.png",
            "http://in.example/b", "https://js.example/m.js"} <= set(urls)
    assert any("onerror" in a for a in active) and any("<script>" in a for a in active)
    assert any("<iframe>" in a for a in active)


def test_a_clean_page_has_nothing() -> None:
    clean = "<html><body><table><tr><td>湘潭市 &lt;b&gt;</td></tr></table><img src='figures/a.png' alt='a'></body></html>"
    assert unsafe_content(clean) == ([], [])
