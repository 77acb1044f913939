"""The book's PDF read as text, checked against the HTML site built with it and against the
project's own settings: its name and version, every chapter, the front page's headline numbers,
the charts (drawn, with their labels), and resolved cross-references."""
from __future__ import annotations

import json
import re
import tomllib

import pytest
import yaml

from analysis.paths import PYPROJECT, ROOT
from bookrender.project import load_project
from tests.pdf.html_tree import Element, read_html
from tests.pdf.pdf_text import drawings_per_page, flat, letters, number_tokens, page_texts

pytestmark = pytest.mark.render

HEADLINE_TABLE_ID = "tbl-headline"
XREF_PREFIXES = ("fig-", "tbl-", "sec-")
MIN_CHART_DRAWINGS = 5  # a chart draws at least a few paths (marks, axes); a page of text draws none
MIN_TITLE_LETTERS = 3  # shorter axis or legend titles ("n") are too common to identify a chart


@pytest.fixture(scope="module")
def pages(built_book) -> list[str]:
    return page_texts(built_book.pdf)


@pytest.fixture(scope="module")
def text(pages) -> str:
    return flat("\n".join(pages))


@pytest.fixture(scope="module")
def html_pages(built_book) -> dict[str, Element]:
    chapters = load_project(built_book.output_dir.parent).chapters
    return {c.html_path.as_posix(): read_html(built_book.output_dir / c.html_path) for c in chapters}


def test_the_pdf_is_named_after_the_book_and_its_version(built_book):
    version = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    output_file = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["book"]["output-file"]
    assert built_book.pdf.name == f"{output_file}-v{version}.pdf"
    assert built_book.pdf.read_bytes().startswith(b"%PDF-")


def test_the_pdf_holds_every_chapter_title_and_the_version(built_book, text, html_pages):
    sidebar = html_pages["index.html"].find("ol", cls="chapter-list")
    titles = []
    for link in sidebar.find_all("a"):
        number = link.find("span", cls="chapter-number")
        title = link.text()
        titles.append(title[len(number.text()):].strip() if number else title)
    assert len(titles) == len(html_pages)
    missing = [t for t in titles if letters(t) not in letters(text)]
    assert missing == [], f"chapter titles missing from the PDF: {missing}"
    version = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    assert f"Version {version}" in text


def test_the_pdf_shows_the_headline_numbers_of_the_front_page(text, html_pages):
    table = html_pages["index.html"].find(id=HEADLINE_TABLE_ID)
    assert table is not None, (f"index.html has no element with id '{HEADLINE_TABLE_ID}': the front page must show "
                               f"the headline results as a table labelled {HEADLINE_TABLE_ID} (a cell with "
                               f"`#| label: {HEADLINE_TABLE_ID}`)")
    numbers: set[str] = set()
    for cell in table.find_all("td") + table.find_all("th"):
        numbers |= number_tokens(cell.text())
    assert numbers, f"the table {HEADLINE_TABLE_ID} on index.html holds no numbers"
    missing = sorted(numbers - number_tokens(text))
    assert missing == [], f"numbers of {HEADLINE_TABLE_ID} (index.html) that the PDF does not show: {missing}"


def _spec_titles(node) -> list[str]:
    """The chart, axis and legend titles a Vega-Lite spec draws (not tooltip titles, nor the titles
    of channels whose axis or legend is switched off)."""
    found = []
    if isinstance(node, dict):
        hidden = node.get("axis", "") is None or node.get("legend", "") is None
        for key, value in node.items():
            if key == "tooltip":
                continue
            if key == "title":
                if hidden:
                    continue
                text = value.get("text") if isinstance(value, dict) else value
                found.extend([text] if isinstance(text, str) else [t for t in (text or []) if isinstance(t, str)])
            else:
                found.extend(_spec_titles(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_spec_titles(value))
    return found


def _chart_figures(html_pages: dict[str, Element]):
    """(page, figure label such as 'Figure 2.1', Vega-Lite spec) for every figure that holds a chart."""
    for path, tree in html_pages.items():
        for figure in tree.find_all("div", cls="book-figure"):
            chart = figure.find("div", cls="vega-chart")
            if chart is None:
                continue
            script = chart.find("script")
            caption = figure.find(cls="fig-caption")
            label = caption.find("strong").text().rstrip(":") if caption and caption.find("strong") else ""
            yield path, label, json.loads("".join(c for c in script.children if isinstance(c, str)))


def test_every_chart_is_drawn_in_the_pdf_with_its_titles(built_book, pages, html_pages):
    drawings = drawings_per_page(built_book.pdf)
    problems = []
    for path, label, spec in _chart_figures(html_pages):
        where = f"{label or 'an uncaptioned chart'} ({path})"
        holding = [i for i, page in enumerate(pages) if f"{label}:" in flat(page)] if label else []
        if not holding:
            problems.append(f"{where}: its caption '{label}:' is not in the PDF")
            continue
        near = sorted({j for i in holding for j in (i - 1, i) if j >= 0})  # the chart may sit on the page before its caption
        if max(drawings[j] for j in near) < MIN_CHART_DRAWINGS:
            problems.append(f"{where}: no vector graphics or image on PDF page(s) {[j + 1 for j in near]}")
        near_text = letters(" ".join(pages[j] for j in near))
        lost = [t for t in _spec_titles(spec) if len(letters(t)) >= MIN_TITLE_LETTERS and letters(t) not in near_text]
        if lost:
            problems.append(f"{where}: titles of the chart missing near its caption in the PDF: {lost}")
    assert problems == [], "\n".join(problems)


def _loose(text: str) -> str:
    """``flat`` text with hyphens inside words dropped (text extraction loses some, e.g. in bold headings)."""
    return re.sub(r"(?<=\w)-(?=\w)", "", flat(text))


def _printed_form(reference: str) -> str:
    """How the PDF prints a reference the HTML front page writes with its chapter's title: Quarto names a
    chapter from an unnumbered page as "7 Limitations" or "Appendix A — Reproduction report" in HTML, and as
    "Chapter 7" or "Appendix A" in the one combined PDF document."""
    appendix = re.fullmatch(r"(Appendix [A-Z]) \u2014 .+", reference)
    if appendix:
        return appendix.group(1)
    chapter = re.fullmatch(r"(\d+)\u00a0.+", reference)
    return f"Chapter {chapter.group(1)}" if chapter else reference


def test_printed_form_of_titled_chapter_references():
    assert _printed_form("Appendix A \u2014 Reproduction report") == "Appendix A"
    assert _printed_form("7\u00a0Limitations") == "Chapter 7"
    assert _printed_form("Table 2.1") == "Table 2.1"


def test_cross_references_are_resolved_in_the_pdf(text, html_pages):
    assert "??" not in text, "an unresolved cross-reference (??) in the PDF"
    raw = [f"@{p}" for p in XREF_PREFIXES if f"@{p}" in text]
    assert raw == [], f"raw cross-references left in the PDF: {raw}"
    references = set()
    for path, tree in html_pages.items():
        body = tree.find("main", id="quarto-document-content")
        for link in body.find_all("a"):
            if link.attrs.get("href", "").partition("#")[2].startswith(XREF_PREFIXES) and link.text():
                references.add((path, _printed_form(link.text())))
    assert references, "no cross-reference (a link to #fig-, #tbl- or #sec-) in the body of any page"
    loose = _loose(text)
    missing = sorted((path, ref) for path, ref in references
                     if not re.search(re.escape(_loose(ref)) + r"(?![.]?\d)", loose))
    assert missing == [], f"cross-references of the HTML pages that the PDF does not print: {missing}"
