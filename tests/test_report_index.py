"""The index of published briefs and the links between briefs, on brief folders published by the
store's own steps (lock, staging, promote) with real manifests and results files: every brief
listed with relative links that resolve, hostile unit names escaped, the page replaced by one
rename, and unfinished, failed or misplaced runs left out."""
from __future__ import annotations

import html
import json
import os
import posixpath
import re
import subprocess
import sys
from pathlib import Path

from reformlib.briefs.index import INDEX, navigation, published_briefs, update_index, write_index
from reformlib.briefs.store import brief_lock, new_staging, promote
from reformlib.data.paths import ROOT
from reformlib.report.browser import active_content, html_is_offline

HOSTILE = '<script>alert("x")</script>&amp;'
NAMES = {"zh": {"430300": "湘潭市", "430302": "雨湖区", "430304": HOSTILE},
         "en": {"430300": "Xiangtan city", "430302": "Yuhu District", "430304": "Yuetang District"}}


def publish_fake(reports: Path, month: str, unit: str = "", lang: str = "zh", *, status: str = "published",
                 run_id: str = "20260101T000000000-aaaaaa", pdf: bool = True, parameters: dict | None = None) -> Path:
    """A brief folder as the runner leaves it: a version with page, memo, workbook, results
    (with the units' names) and manifest, published by the store's atomic step."""
    folder = reports / month
    folder = folder / unit if unit else folder
    folder = folder / "en" if lang == "en" else folder
    with brief_lock(folder) as lock:
        staging = new_staging(lock, run_id)
        (staging / "brief.html").write_text("<html><body>brief</body></html>", encoding="utf-8")
        for name in ("memo.docx", "tables.xlsx", *(["memo.pdf"] if pdf else [])):
            (staging / name).write_bytes(b"x")
        (staging / "results.json").write_text(json.dumps({"month": month, "names": NAMES[lang]}), encoding="utf-8")
        manifest = {"status": status, "parameters": parameters or {"month": month, "lang": lang, "unit": unit},
                    "published_at": "2026-01-01T00:00:00+00:00"}
        (staging / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        promote(lock, staging)
    return folder


def links(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', page)


def test_index_lists_every_published_brief_with_links_that_resolve(tmp_path):
    reports = tmp_path / "reports"
    publish_fake(reports, "2017-12")
    publish_fake(reports, "2017-12", "430302")
    publish_fake(reports, "2017-12", "430302", "en", pdf=False)
    publish_fake(reports, "2017-06")
    page_path = write_index(reports)
    assert page_path == reports / INDEX
    page = page_path.read_text(encoding="utf-8")
    briefs = published_briefs(reports)
    assert [(b.month, b.unit, b.lang) for b in briefs] == [
        ("2017-12", "", "zh"), ("2017-12", "430302", "zh"), ("2017-12", "430302", "en"), ("2017-06", "", "zh")]
    assert page.index("2017年12月") < page.index("2017年6月")  # newest month first
    assert "雨湖区 · Yuhu District" in page and "湘潭市" in page
    hrefs = links(page)
    for b in briefs:
        assert f"{b.path}/current/brief.html" in hrefs
    assert "2017-12/430302/current/memo.pdf" in hrefs and "2017-12/430302/en/current/memo.pdf" not in hrefs
    for href in hrefs:  # relative, and each one opens a file that exists
        assert not re.match(r"^[a-z]+:|^/", href), href
        assert (reports / href).is_file(), href
    assert html_is_offline(page) == [] and active_content(page) == []
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert "default-src 'none'" in policy and "script-src 'none'" in policy


def test_hostile_unit_name_is_shown_as_text(tmp_path):
    reports = tmp_path / "reports"
    publish_fake(reports, "2017-12")
    publish_fake(reports, "2017-12", "430304")
    page = write_index(reports).read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;" in page
    assert html_is_offline(page) == [] and active_content(page) == []
    nav = navigation(reports, "2017-12", "", "zh")
    assert "<script" not in nav and "&lt;script&gt;" in nav


def test_unfinished_failed_and_misplaced_runs_are_not_listed(tmp_path):
    reports = tmp_path / "reports"
    publish_fake(reports, "2017-12")
    publish_fake(reports, "2017-11", status="running")
    publish_fake(reports, "2017-10", parameters={"month": "2017-09", "lang": "zh", "unit": ""})  # not where it says
    (reports / "2017-09" / "staging" / "20260101T000000000-bbbbbb").mkdir(parents=True)
    (reports / "2017-09" / "failed" / "x").mkdir(parents=True)
    (reports / "notes").mkdir()
    assert [(b.month, b.unit) for b in published_briefs(reports)] == [("2017-12", "")]
    assert published_briefs(tmp_path / "nothing") == []
    assert "尚未发布简报" in write_index(tmp_path / "empty").read_text(encoding="utf-8")


def test_index_is_replaced_by_one_rename(tmp_path):
    reports = tmp_path / "reports"
    publish_fake(reports, "2017-12")
    first = write_index(reports)
    with open(first, encoding="utf-8") as old:  # a reader holding the old page
        before = os.fstat(old.fileno()).st_ino
        publish_fake(reports, "2017-12", "430302")
        assert update_index(reports) is None
        assert "430302" not in old.read()  # the reader's page stays whole and unchanged
    after = reports / INDEX
    assert os.stat(after).st_ino != before and "2017-12/430302/current/brief.html" in links(after.read_text("utf-8"))
    assert sorted(p.name for p in reports.iterdir() if p.name.startswith(".")) == [".index.lock"]  # no temporary file


def test_update_index_says_why_it_could_not_write(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    said = update_index(blocked)
    assert said is not None and "not rewritten" in said and str(blocked) in said


def test_navigation_links_city_and_unit_briefs_relatively(tmp_path):
    reports = tmp_path / "reports"
    assert "本月全市简报发布后列入简报索引" in navigation(reports, "2017-12", "430302", "zh")
    publish_fake(reports, "2017-12")
    publish_fake(reports, "2017-12", "430302")
    publish_fake(reports, "2017-12", "", "en")
    unit_nav = navigation(reports, "2017-12", "430302", "zh")
    assert links(unit_nav) == ["../../../index.html", "../../../2017-12/current/brief.html"]
    city_nav = navigation(reports, "2017-12", "", "zh")
    assert links(city_nav) == ["../../index.html", "../../2017-12/430302/current/brief.html"]
    assert "雨湖区" in city_nav
    en_nav = navigation(reports, "2017-12", "", "en")
    assert links(en_nav) == ["../../../index.html"] and "unit briefs will be listed" in en_nav
    write_index(reports)
    # each link, followed from where the page is read (<brief folder>/current/brief.html), opens a file
    for folder, nav in (("2017-12/430302", unit_nav), ("2017-12", city_nav), ("2017-12/en", en_nav)):
        for href in links(nav):
            target = posixpath.normpath(posixpath.join(folder, "current", href))
            assert (reports / target).is_file(), (folder, href)


def test_command_line_rewrites_the_index(tmp_path):
    reports = tmp_path / "reports"
    publish_fake(reports, "2017-12")
    done = subprocess.run([sys.executable, "-m", "reformlib", "briefs", "--index", "--reports", str(reports)],
                          capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(reports / INDEX) and (reports / INDEX).is_file()


# ------------------------------------------------------------------ the page's figures and tables
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def test_page_gives_figures_alt_text_and_aligns_number_columns(tmp_path):
    import nbformat

    from reformlib.briefs.publish import to_html

    nb = nbformat.v4.new_notebook()
    image = {"output_type": "display_data", "metadata": {}, "data": {"image/png": PNG, "text/plain": "<Figure>"}}
    table = ("<table><thead><tr><th>指标</th><th>数值</th><th>较上年末变化</th><th>完成时限</th></tr></thead><tbody>"
             "<tr><td>耕地流转率</td><td>53</td><td>+5.2个百分点</td><td>2017-12-31</td></tr>"
             "<tr><td>新增耕地流转面积</td><td>75,000</td><td></td><td>2018-01-31</td></tr></tbody></table>")
    nb.cells = [
        nbformat.v4.new_code_cell("save_figure(fig, 'figures/task_progress.png')",
                                  outputs=[nbformat.from_dict(image)]),
        nbformat.v4.new_markdown_cell("## 四、未达标的\\<指标\\>"),
        nbformat.v4.new_code_cell("fig", outputs=[nbformat.from_dict(image)]),
        nbformat.v4.new_code_cell("t", outputs=[nbformat.from_dict(
            {"output_type": "display_data", "metadata": {}, "data": {"text/html": table, "text/plain": "t"}})]),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    figures = [{"name": "task_progress", "path": "figures/task_progress.png", "caption": '各类任务<b>"进度"</b>'}]
    page = to_html([path], tmp_path / "brief.html", title="t", lang="zh", figures=figures,
                   nav='<header class="brief-links"><p><a href="../../index.html">全部简报索引</a></p></header>')
    text = page.read_text(encoding="utf-8")
    alts = [a for _, a in re.findall(r"""<img\b[^>]*\balt=(["'])(.*?)\1""", text)]
    assert [html.unescape(a) for a in alts] == ['各类任务<b>"进度"</b>', "四、未达标的<指标>"]
    assert "<b>" not in text  # the caption is escaped into the attribute
    cells = {cell: kind for kind, cell in re.findall(r'<t[hd] class="([^"]+)">([^<]*)<', text)}
    assert {k for k, v in cells.items() if v == "num"} >= {"数值", "较上年末变化", "53", "75,000", "+5.2个百分点"}
    assert cells.get("2017-12-31") == "date" and "耕地流转率" not in cells and "指标" not in cells
    assert text.index('class="brief-links"') < text.index("<img")
    assert html_is_offline(text) == [] and active_content(text) == []


def test_a_units_page_finds_the_city_brief_as_the_index_lists_it(tmp_path):
    from reformlib.briefs.index import city_brief

    reports = tmp_path / "reports"
    assert city_brief(reports, "2017-12", "zh") is None
    publish_fake(reports, "2017-12", "430302")
    publish_fake(reports, "2017-12", "430304", "en")
    assert city_brief(reports, "2017-12", "zh") is None and city_brief(reports, "2017-12", "en") is None
    publish_fake(reports, "2017-12")
    publish_fake(reports, "2017-12", "", "en")
    publish_fake(reports, "2017-11", "", "en", status="failed")
    for lang in ("zh", "en"):
        listed = [b for b in published_briefs(reports, month="2017-12") if b.lang == lang and not b.unit]
        assert city_brief(reports, "2017-12", lang) == listed[0]
    assert city_brief(reports, "2017-11", "en") is None  # not published
    assert city_brief(reports, "../2017-12", "zh") is None  # not a month
