"""The site's page layout from Quarto's options, the PDF's citation numbers on the pages, the links
to the code and data behind figures, and the Pagefind index (fast ones without a build)."""
from __future__ import annotations

import re

import pytest
import yaml

from bookrender.build import build
from bookrender.errors import SourceError
from bookrender.project import load_project
from bookrender.site import (BookInfo, PageInfo, SiteLinks, add_heading_anchors, citation_order, link_repo_paths,
                             page_references, provenance, render_page, with_book_citations)
from tests.conftest import copy_minibook

PAGES = [PageInfo("index.html", "Home", None), PageInfo("chapters/one.html", "One <b>", "1")]


def _book(**links) -> BookInfo:
    return BookInfo("A <book>", "1.2.3", "2024-01-02", "a-v1.2.3.pdf", "Cite <me>", SiteLinks(**links))


def test_quartos_site_options_give_the_repository_links_footer_and_licence():
    book = _book(repo_url="https://example.org/o/r", repo_actions=("source", "issue"), site_url="https://b.example/",
                 license="CC BY 4.0", copyright="Someone <x>", page_footer="Footer <script>alert(1)</script>")
    html = render_page(book, PAGES, 1, "One <b>", "", "<p>First paragraph of the page, long enough to describe it.</p>",
                       False, source="chapters/one.qmd", deps=("data/a.csv", "analysis/m.py", "analysis/__init__.py"))
    assert 'href="https://example.org/o/r/blob/main/chapters/one.qmd">View source</a>' in html
    assert "https://example.org/o/r/issues/new?title=One+%3Cb%3E+%28chapters%2Fone.html%29" in html
    assert '<link rel="canonical" href="https://b.example/chapters/one.html">' in html
    assert 'content="First paragraph of the page, long enough to describe it."' in html
    assert "Licence: CC BY 4.0" in html and "Someone &lt;x&gt;" in html
    assert "Footer &lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "One &lt;b&gt;" in html and "<b>" not in html.split("<body>")[1].split("<main")[0]
    assert 'href="https://example.org/o/r/blob/main/data/a.csv"' in html and "analysis/__init__.py" not in html


def test_without_a_repository_the_page_code_and_data_links_point_into_the_site():
    prov = provenance(_book(), "chapters/one.qmd", ("data/a.csv", "analysis/m.py"), "../")
    assert prov["source"]["href"] == "../source/chapters/one.qmd"
    assert [i["href"] for i in prov["data"] + prov["code"]] == ["../source/data/a.csv", "../source/analysis/m.py"]


FIGURE_LINE = ('<p class="chart-download"><span class="made-by">Code: <code data-repo-path="analysis/a b.py">'
               'analysis/a b.py</code> · Data: <code data-repo-path="data/x.csv">data/x.csv</code></span> · '
               '<a download="x.csv" href="data:text/csv;base64,">Download</a></p>')


def test_a_figures_code_and_data_link_to_the_repository_when_it_is_set():
    out = link_repo_paths(FIGURE_LINE, SiteLinks(repo_url="https://example.org/o/r/", repo_branch="dev",
                                                 repo_subdir="book"))
    assert ('<a href="https://example.org/o/r/blob/dev/book/analysis/a%20b.py"><code data-repo-path="analysis/a b.py">'
            'analysis/a b.py</code></a>') in out
    assert '<a href="https://example.org/o/r/blob/dev/book/data/x.csv"><code' in out
    assert out.count("<a ") == 3  # the two files and the download


def test_without_a_repository_a_figures_code_and_data_are_plain_text():
    assert link_repo_paths(FIGURE_LINE, SiteLinks()) == FIGURE_LINE
    html = render_page(_book(), PAGES, 1, "One", "", FIGURE_LINE, False, source="chapters/one.qmd")
    body = html.split("<main")[1].split("</main>")[0]
    assert "data-repo-path" in body and 'href="https://' not in html
    assert "View source" not in html and "Report an issue" not in html and "Repository" not in html


def test_headings_get_the_section_id_and_an_anchor():
    body = '<section id="sec-a" class="level2">\n<h2><span class="header-section-number">1.1</span> A</h2>\n<p>x</p>\n</section>'
    out = add_heading_anchors(body)
    assert '<section class="level2" aria-labelledby="sec-a">\n<h2 id="sec-a">' in out
    assert '<a class="anchor-link" href="#sec-a" aria-label="Link to this section" data-pagefind-ignore></a></h2>' in out


def test_the_order_of_first_citation_is_the_combined_books():
    order = citation_order(["See [@b; @a] and `@code` or mail me@x.org.", "Then [@c], again [@a]."])
    assert order == ["b", "a", "c"]
    assert with_book_citations("No citations here.", order) == "No citations here."
    assert with_book_citations("Write to me@x.org or `@b`.", order) == "Write to me@x.org or `@b`."
    cited = with_book_citations("As shown [@c].", order)
    assert cited.startswith("::: {.book-citation-order}\n[@b] [@a] [@c]\n:::") and cited.endswith(
        "## References {#references .unnumbered}\n\n::: {#refs}\n:::\n")


def test_a_page_keeps_only_its_own_references_with_the_book_numbers():
    body = ('<div class="book-citation-order">\n<p><span class="citation" data-cites="a">1</span></p>\n</div>\n'
            '<p>Text<span class="citation" data-cites="b"><a href="#ref-b">2</a></span></p>\n'
            '<section id="references" class="level2 unnumbered">\n<h2>References</h2>\n<div id="refs">\n'
            '<div id="ref-a" class="csl-entry" role="listitem">\n<div>1. </div><div>A</div>\n</div>\n'
            '<div id="ref-b" class="csl-entry" role="listitem">\n<div>2. </div><div>B</div>\n</div>\n</div>\n</section>\n')
    out = page_references(body)
    assert "book-citation-order" not in out and 'id="ref-a"' not in out
    assert '<div id="ref-b" class="csl-entry" role="listitem">\n<div>2. </div>' in out


@pytest.mark.render
def test_the_minibook_site_has_a_pagefind_index_and_book_wide_citation_numbers(tmp_path, fixed_epoch):
    mini = copy_minibook(tmp_path / "mini")
    config = yaml.safe_load((mini / "_quarto.yml").read_text(encoding="utf-8"))
    config["book"].update({"repo-url": "https://example.org/o/r", "repo-actions": ["source"],
                           "page-footer": {"left": "Left", "right": "Right"}})
    config["license"] = "CC BY 4.0"
    (mini / "_quarto.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    site = build(mini, log=lambda m: None).output_dir
    assert (site / "pagefind" / "pagefind.js").is_file() and (site / "pagefind" / "pagefind-highlight.js").is_file()
    assert not (site / "pagefind" / "pagefind-ui.js").exists()
    for page in ("index.html", "chapters/one.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert "data-pagefind-body" in html and "Left · Right" in html and "Licence: CC BY 4.0" in html
        assert "book-citation-order" not in html


def test_unknown_repo_actions_are_refused(tmp_path):
    mini = copy_minibook(tmp_path / "mini")
    text = (mini / "_quarto.yml").read_text(encoding="utf-8").replace("book:\n", "book:\n  repo-actions: [fork]\n")
    (mini / "_quarto.yml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match="repo-actions"):
        load_project(mini)


def test_a_page_names_the_modules_its_cells_import_and_links_each_figures_files():
    from bookrender.qmd import Cell

    cells = (Cell("import analysis\nfrom analysis.chapters import skin, other as o\nfrom analysis.figures import show",
                  {}, 3),
             Cell("show(skin.page().forest)", {"label": "fig-x"}, 12))
    deps = ("analysis/__init__.py", "analysis/chapters/__init__.py", "analysis/chapters/skin.py",
            "analysis/figures/__init__.py", "analysis/figures/forest.py", "data/a.csv")
    prov = provenance(_book(repo_url="https://example.org/o/r"), "chapters/two.qmd", deps, "../", cells)
    assert [i["path"] for i in prov["imports"]] == ["analysis/__init__.py", "analysis/chapters/skin.py",
                                                    "analysis/figures/__init__.py"]
    assert [i["path"] for i in prov["code"]] == ["analysis/figures/forest.py"]
    html = render_page(_book(repo_url="https://example.org/o/r"), PAGES, 1, "One", "", FIGURE_LINE, False,
                       source="chapters/two.qmd", deps=deps, cells=cells)
    assert 'href="https://example.org/o/r/blob/main/analysis/chapters/skin.py"' in html
    assert 'href="https://example.org/o/r/blob/main/data/x.csv"><code data-repo-path="data/x.csv">' in html
