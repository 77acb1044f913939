"""The real book, built once (session fixture): every chapter page, the links between them, the PDF."""
from __future__ import annotations

import re

import pypdf
import pytest
import yaml

from analysis.paths import ROOT

pytestmark = pytest.mark.render


def chapter_pages() -> list[str]:
    book = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    return [p.replace(".qmd", ".html") for p in book["chapters"] + book["appendices"]]


def test_every_chapter_page_exists_and_links_to_every_other(built_book):
    site = built_book.output_dir
    pages = chapter_pages()
    for page in pages:
        html = (site / page).read_text(encoding="utf-8")
        hrefs = set(re.findall(r'href="([^"#]+)', html))
        depth = page.count("/")
        for other in pages:
            expected = other if depth == 0 else ("../" + other if "/" not in other else other.split("/", 1)[1])
            assert expected in hrefs, f"{page} does not link to {other}"


def test_pdf_opens_and_shows_every_chapter_and_the_version(built_book, fixed_epoch):
    from bookrender.edition import edition

    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(built_book.pdf).pages)
    version = edition().version
    assert built_book.pdf.name == f"jak-myositis-reanalysis-v{version}.pdf"
    assert f"Version {version}" in text
    book = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    for source in book["chapters"] + book["appendices"]:
        first = (ROOT / source).read_text(encoding="utf-8").splitlines()[0]
        title = re.sub(r"\s*\{.*\}\s*$", "", first.lstrip("# ")).strip()
        assert title in " ".join(text.split()), f"the PDF lacks the chapter title {title!r}"


def test_no_page_loads_anything_from_a_cdn(built_book):
    for page in built_book.output_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?(https?:)?//""", html), page


def test_front_page_shows_version_and_citation(built_book, fixed_epoch):
    from bookrender.edition import edition

    html = (built_book.output_dir / "index.html").read_text(encoding="utf-8")
    book = edition()
    assert f"Version {book.version}" in html
    assert book.citation.split(" (")[0] in html


def test_every_chart_has_alt_text_and_a_csv_download(built_book):
    import base64
    import io

    import pandas as pd

    charts = 0
    for page in built_book.output_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for match in re.finditer(r'<div class="vega-chart" role="img" aria-label="([^"]*)">.*?</div>\s*'
                                 r'<p class="chart-download">(?:<span class="made-by".*?</span> · )?'
                                 r'<a download="([^"]+)" href="data:text/csv;'
                                 r'charset=utf-8;base64,([^"]+)"', html, re.S):
            alt, name, payload = match.groups()
            charts += 1
            assert len(alt.strip()) > 20, f"{page.name}: chart {name} has no real alt text"
            frame = pd.read_csv(io.BytesIO(base64.b64decode(payload)))
            assert len(frame) > 0 and len(frame.columns) > 1, f"{page.name}: {name} holds no data"
        assert html.count('class="vega-chart"') == len(re.findall(r'class="vega-chart" role="img" aria-label="[^"]+"', html))
    assert charts >= 5
