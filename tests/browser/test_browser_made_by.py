"""Every chart and table names its own code and data (issue #13), and the site shows the book's one
font, served by itself (issue #12): in Chromium at 390 and 1440 px."""
from __future__ import annotations

import re

import pytest

from analysis.paths import ROOT
from bookrender.fonts import FAMILY
from bookrender.project import load_project
from bookrender.site import ASSETS
from tests.browser.chromium import open_page, screenshot_path
from tests.browser.site_pages import CHAPTER_PAGES, SIZES, wait_for_charts

pytestmark = [pytest.mark.browser, pytest.mark.render]

GENERIC = {"serif", "sans-serif", "monospace", "system-ui", "ui-monospace", "inherit"}

# In document order: each chart and each table of the page's text, and the line under it (the
# paragraph with its CSV download), with the files the line names and where it sits on the page.
_ITEMS_AND_LINES = """() => {
  const main = document.querySelector("#quarto-document-content");
  const seen = main.querySelectorAll("div.vega-chart, table, p.chart-download, p.table-download");
  return Array.from(seen).filter(e => !e.closest(".preview-popup")).map(e => {
    const box = e.getBoundingClientRect();
    const line = e.querySelector(".made-by");
    const files = line ? Array.from(line.querySelectorAll("code[data-repo-path]")).map(c => ({
      path: c.dataset.repoPath, text: c.textContent, linked: !!c.closest("a")})) : [];
    return {kind: e.matches("div.vega-chart") ? "chart" : e.matches("table") ? "table"
                 : e.matches("p.chart-download") ? "chart-line" : "table-line",
            text: line ? line.textContent : "", files, right: box.right, width: box.width,
            visible: box.width > 0 && box.height > 0};
  });
}"""


def _line_problems(path: str, items: list[dict], viewport_width: int, repo_url: str) -> list[str]:
    problems = []
    for i, item in enumerate(items):
        if item["kind"] not in ("chart", "table"):
            continue
        expected = f"{item['kind']}-line"
        following = items[i + 1] if i + 1 < len(items) else None
        where = f"{path}: {item['kind']} {sum(1 for x in items[:i + 1] if x['kind'] == item['kind'])}"
        if following is None or following["kind"] != expected:
            problems.append(f"{where}: no line of its own under it (next: {following and following['kind']})")
            continue
        line = following
        code = [f for f in line["files"] if f["path"].endswith(".py")]
        data = [f for f in line["files"] if f["path"].startswith("data/")]
        if not line["text"].startswith("Code: ") or not code:
            problems.append(f"{where}: its line names no code: {line['text'][:120]!r}")
        if data and "Data: " not in line["text"]:
            problems.append(f"{where}: data files without a 'Data:' label: {line['text'][:120]!r}")
        for f in line["files"]:
            if f["text"] != f["path"] or not (ROOT / f["path"]).is_file():
                problems.append(f"{where}: names {f['path']!r}, which is not a file of the repository")
            if f["linked"] != bool(repo_url):
                problems.append(f"{where}: {f['path']} is {'' if f['linked'] else 'not '}a link, but book.repo-url "
                                f"is {repo_url!r}")
        if not line["visible"] or line["right"] > viewport_width + 0.5:
            problems.append(f"{where}: its line is hidden or runs past the screen's edge ({line['right']:.0f} px)")
    return problems


def test_every_chart_and_table_has_its_own_code_and_data_line(sized, site_url):
    size, context = sized
    repo_url = load_project(ROOT).repo_url
    visit = open_page(context)
    page = visit.page
    problems: list[str] = []
    counts = {"chart": 0, "table": 0, "with data": 0}
    for path in CHAPTER_PAGES:
        page.goto(site_url + path, wait_until="load")
        items = page.evaluate(_ITEMS_AND_LINES)
        problems += _line_problems(path, items, SIZES[size]["width"], repo_url)
        for item in items:
            if item["kind"] in counts:
                counts[item["kind"]] += 1
            if item["kind"].endswith("-line") and "Data: " in item["text"]:
                counts["with data"] += 1
    assert counts["chart"] >= 5 and counts["table"] >= 20, counts
    # Most views come from a page's evidence; the ones that do not (a fixed key) have code only.
    assert counts["with data"] >= (counts["chart"] + counts["table"]) // 2, counts
    assert problems == [], "\n".join(problems[:30])
    page.goto(site_url + "chapters/02-skin.html", wait_until="load")
    page.locator("p.chart-download").first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_path(f"made-by-{size}")))
    assert visit.recorder.problems() == {}, visit.recorder.problems()


def test_pages_and_charts_show_the_books_font_served_by_the_site(sized, site_url):
    size, context = sized
    visit = open_page(context, site_url + "chapters/02-skin.html")
    page = visit.page
    wait_for_charts(page)
    loaded = page.evaluate("""() => document.fonts.ready.then(() =>
        Array.from(document.fonts).filter(f => f.status === "loaded").map(f => [f.family.replace(/"/g, ""), f.weight]))""")
    assert (FAMILY, "400") in [tuple(x) for x in loaded], loaded
    body_font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert body_font.replace('"', "").startswith(FAMILY), body_font
    chart_fonts = set(page.eval_on_selector_all("div.vega-chart svg text",
                                                "ts => ts.map(t => getComputedStyle(t).fontFamily)"))
    assert chart_fonts and all(f.replace('"', "").startswith(FAMILY) for f in chart_fonts), chart_fonts
    fonts_css = page.request.get(site_url + "site_libs/fonts/fonts.css").text()
    assert fonts_css.count("@font-face") >= 4 and "//" not in fonts_css.replace("/*", "").split("*/", 1)[-1]
    assert visit.recorder.problems() == {}, visit.recorder.problems()


def test_the_stylesheet_asks_only_for_the_font_the_site_ships(site_dir):
    css = (ASSETS / "book.css").read_text(encoding="utf-8")
    shipped = set(re.findall(r'font-family:\s*"([^"]+)"', (site_dir / "site_libs/fonts/fonts.css").read_text()))
    assert shipped == {FAMILY}
    assert "@import" not in css and "url(" not in css
    for value in re.findall(r"--(?:sans|serif|mono):\s*([^;]+);|font-family:\s*([^;]+);", css):
        for family in ",".join(value).split(","):
            family = family.strip().strip('"')
            assert not family or family.startswith("var(") or family in GENERIC | shipped, f"book.css asks for {family!r}"
