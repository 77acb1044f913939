"""The printed book (issue #12): charts drawn for the page in the web charts' font, text at least 8 pt,
and running heads. Sizes are read from the PDF's text operations (pypdf), font size times the text
and page matrices' vertical scale."""
from __future__ import annotations

import math
from collections import Counter

import pypdf
import pytest

from analysis.paths import ROOT
from bookrender.project import load_project

pytestmark = pytest.mark.render

CHART_FONT = "FiraSans"  # the book's one font (bookrender/fonts.py), which the Vega-Lite charts name too (theme.py)
MIN_CHART_PT = 8.0


def chart_text_sizes(pdf_path) -> list[tuple[int, float, str]]:
    """(page, size in pt, text) of every piece of chart text: text in the charts' font (not its mono cousin)
    drawn under the scaling that places a chart's SVG on the page (the body text, in the same font since the
    book has one, is drawn unscaled)."""
    found = []
    for number, page in enumerate(pypdf.PdfReader(pdf_path).pages, start=1):
        def visit(text, cm, tm, font, size, number=number):
            name = str(font.get("/BaseFont", "")) if font else ""
            in_drawing = abs(math.hypot(cm[2], cm[3]) - 1) > 1e-3
            if text.strip() and in_drawing and CHART_FONT in name and "Mono" not in name:
                scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
                found.append((number, size * scale, text.strip()))
        page.extract_text(visitor_text=visit)
    return found


def test_charts_print_in_the_web_font_at_8_pt_or_more(built_book):
    sizes = chart_text_sizes(built_book.pdf)
    assert sizes, f"no chart text in {CHART_FONT} in the PDF: the charts fell back to another font"
    small = Counter((page, round(size, 1)) for page, size, _ in sizes if size < MIN_CHART_PT - 0.05)
    assert not small, f"chart text under {MIN_CHART_PT} pt (page, size): count {dict(small)}"


def test_pages_have_running_heads(built_book):
    reader = pypdf.PdfReader(built_book.pdf)
    title = load_project(ROOT).title
    heads = [page.extract_text().splitlines()[0] for page in reader.pages[3:] if page.extract_text().strip()]
    with_head = [h for h in heads if h.startswith(title[:30])]
    assert len(with_head) >= len(heads) // 2, f"few pages start with the book's title {title!r}: {heads[:10]}"
