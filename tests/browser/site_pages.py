"""What the browser tests look at on a page of the book: its charts, its reading text, its links.

The pages of the book are the chapters of `_quarto.yml` in reading order; the tests check that
the site's sidebar lists exactly these. Charts are the ``div.vega-chart`` elements (a Vega-Lite
spec in a ``<script type="application/vnd.vegalite+json">`` that the book's chart script, ``_includes/figures-and-tables.html``, draws as SVG).
A forest plot is a chart whose spec ``description`` (its alt text) starts with "Forest plot".
"""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from analysis.paths import ROOT
from bookrender.project import load_project

__all__ = ["CHAPTER_PAGES", "DESKTOP", "FOREST_PREFIX", "PHONE", "SIZES", "chart_states", "forest_chart_indexes", "links_and_ids",
           "page_path", "page_title", "reading_text", "distinctive_query", "wait_for_charts"]

CHAPTER_PAGES: tuple[str, ...] = tuple(c.html_path.as_posix() for c in load_project(ROOT).chapters)
FOREST_PREFIX = "Forest plot"
#: the two widths the site is tested at: a phone and a desktop window
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
SIZES = {"phone": PHONE, "desktop": DESKTOP}
CHART_TIMEOUT_MS = 20_000

# One entry per chart: whether it was drawn (an SVG with marks, or a canvas), and its spec's description.
_CHART_STATES = """() => Array.from(document.querySelectorAll("div.vega-chart")).map((div, index) => {
  const script = div.querySelector('script[type="application/vnd.vegalite+json"]');
  let description = "", specError = "";
  try { description = JSON.parse(script.textContent).description || ""; } catch (e) { specError = String(e); }
  const svg = div.querySelector("svg");
  const canvas = div.querySelector("canvas");
  const marks = svg ? svg.querySelectorAll("g.role-mark > *").length : 0;
  const target = div.querySelector(".vega-target");
  const failure = target && target.textContent.startsWith("This chart could not be drawn") ? target.textContent : "";
  return {index, label: div.getAttribute("aria-label") || "", description, specError, svg: !!svg,
          canvas: !!canvas && canvas.width > 0 && canvas.height > 0, marks, failure};
})"""

_ALL_SETTLED = """() => Array.from(document.querySelectorAll("div.vega-chart")).every(div => {
  const svg = div.querySelector("svg");
  const canvas = div.querySelector("canvas");
  const target = div.querySelector(".vega-target");
  return (svg && svg.querySelector("g.role-mark > *")) || (canvas && canvas.width > 0) ||
         (target && target.textContent.startsWith("This chart could not be drawn"));
})"""

# The text a reader reads on the page, as the search index sees it: the page body without the
# previous/next links, the version box of the front page, the drawn charts, and what Pagefind is
# told to ignore (the code-and-data links, the heading anchors).
_READING_TEXT = """() => {
  const main = document.querySelector("#quarto-document-content").cloneNode(true);
  main.querySelectorAll("nav.page-navigation, .book-citation, div.vega-chart, script, style, noscript, .print-only, " +
                        "[data-pagefind-ignore]").forEach(e => e.remove());
  return main.textContent;
}"""

_LINKS_AND_IDS = """() => ({
  links: Array.from(document.querySelectorAll("a[href]")).map(a => ({href: a.href, raw: a.getAttribute("href"),
                                                                  text: a.textContent.trim()})),
  ids: Array.from(document.querySelectorAll("[id]")).map(e => e.id),
})"""


def wait_for_charts(page) -> None:
    """Wait until every chart on the page is drawn or has reported failure (the test then looks)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(_ALL_SETTLED, timeout=CHART_TIMEOUT_MS)
    except PlaywrightTimeout:
        pass  # chart_states() tells which chart did not draw


def chart_states(page) -> list[dict]:
    return page.evaluate(_CHART_STATES)


def forest_chart_indexes(page) -> list[int]:
    """Positions (among the page's ``div.vega-chart``) of the charts that are forest plots."""
    return [c["index"] for c in chart_states(page) if c["description"].startswith(FOREST_PREFIX)]


def page_title(page) -> str:
    return " ".join(page.eval_on_selector("#quarto-document-content h1", "h => h.textContent").split())


def reading_text(page) -> str:
    return " ".join(page.evaluate(_READING_TEXT).split())


def links_and_ids(page) -> dict:
    return page.evaluate(_LINKS_AND_IDS)


def page_path(url: str, base_url: str) -> str:
    """The site path of a URL on the test server, e.g. 'chapters/02-skin.html' ('' -> 'index.html')."""
    path = unquote(urlsplit(url).path)
    base = urlsplit(base_url).path
    rel = path[len(base):] if path.startswith(base) else path.lstrip("/")
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def _words(text: str, min_length: int) -> set[str]:
    return set(re.findall(rf"[a-z]{{{min_length},}}", text.lower()))


def distinctive_query(texts: dict[str, str], titles: dict[str, str], page: str) -> list[str] | None:
    """Search terms that only ``page`` holds, or None.

    The search box lists the sections (of any page) whose page title, heading and text hold every
    term, as substrings. So: one word of the page's text that no other page holds, even inside a
    longer word; failing that, a word of the page's title (part of every section of the page)
    with a word of its text, a pair that no other page holds together. Longest words first.
    """
    others = [t.lower() for p, t in texts.items() if p != page]
    by_length = lambda words: sorted(words, key=lambda w: (-len(w), w))  # noqa: E731
    own = by_length(_words(texts[page], 6))
    for word in own:
        if not any(word in other for other in others):
            return [word]
    for title_word in by_length(_words(titles[page], 4)):
        for word in by_length(_words(texts[page], 5) - {title_word}):
            if not any(title_word in other and word in other for other in others):
                return [title_word, word]
    return None
