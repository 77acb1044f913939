"""Building the mini test book: the site, the PDF, the cache, failures and determinism."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pypdf
import pytest

from bookrender.build import build
from bookrender.errors import CellError
from tests.conftest import copy_minibook

pytestmark = pytest.mark.render
PAGES = ("index.html", "chapters/one.html", "chapters/extra.html")


def quiet(msg):
    return None


@pytest.fixture
def mini(tmp_path, fixed_epoch):
    return copy_minibook(tmp_path / "mini")


def tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_site_pages_link_to_each_other_and_to_the_pdf(mini):
    report = build(mini, log=quiet)
    site = report.output_dir
    for page in PAGES:
        html = (site / page).read_text(encoding="utf-8")
        prefix = "../" if "/" in page else ""
        for other in PAGES:
            other_href = re.escape(Path(other).name if ("/" in other) == ("/" in page) else prefix + other
                                   if "/" not in other else other)
            assert re.search(f'href="{other_href}"', html), (page, other)
        assert f'href="{prefix}mini-book-v2.3.4.pdf"' in html
        assert 'id="TOC"' in html and 'id="search-input"' in html
    one = (site / "chapters/one.html").read_text(encoding="utf-8")
    assert 'class="nav-page nav-page-previous" rel="prev" href="../index.html"' in one
    assert 'rel="next" href="extra.html"' in one
    assert "The lucky number is 7." in one
    assert '<a href="#fig-bar">Figure 1.1</a>' in one
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "The answer is 42 and the change is -3.25" in index and "Doe" in index  # inline value and the citation's reference
    search = json.loads((site / "search.json").read_text(encoding="utf-8"))
    assert any(e["href"].startswith("chapters/one.html") and "callout" in e["text"] for e in search)


def test_pdf_has_every_chapter_the_version_and_resolved_references(mini):
    report = build(mini, log=quiet)
    assert report.pdf.name == "mini-book-v2.3.4.pdf"
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(report.pdf).pages)
    assert "the change is -3.25" in text  # a hyphen-minus, as on the HTML page, not Typst's U+2212
    for expected in ("Mini book", "Version 2.3.4", "built 2026-01-01", "First chapter", "Extra material",
                     "Figure 1.1: A bar chart", "Table 1.1: Two values", "Doe, Jane"):
        assert expected in text
    assert "??" not in text and "@fig-" not in text and "@sec-" not in text


def test_every_page_has_the_books_header_include_in_its_head(mini):
    """format.html.include-in-header: the file's text, as it is, once in every page's <head> (as Quarto)."""
    include = (mini / "_includes/head.html").read_text(encoding="utf-8").strip()
    site = build(mini, log=quiet).output_dir
    for page in PAGES:
        head = (site / page).read_text(encoding="utf-8").split("</head>", 1)[0]
        assert head.count(include) == 1, page


def test_chart_pages_load_vega_from_the_site_never_a_cdn(mini):
    site = build(mini, log=quiet).output_dir
    one = (site / "chapters/one.html").read_text(encoding="utf-8")
    assert one.count('src="../site_libs/vega/vega-bundle.js"') == 1
    assert "vega-bundle" not in (site / "chapters/extra.html").read_text(encoding="utf-8")
    for page in PAGES:
        html = (site / page).read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']https?://""", html), page
        assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
    bundle = (site / "site_libs/vega/vega-bundle.js").read_text(encoding="utf-8")
    assert "window.vegaEmbed" in bundle


def test_two_builds_give_identical_bytes(tmp_path, fixed_epoch):
    first = build(copy_minibook(tmp_path / "a"), use_cache=False, log=quiet).output_dir
    second = build(copy_minibook(tmp_path / "b"), use_cache=False, log=quiet).output_dir
    assert tree_hashes(first) == tree_hashes(second)


def test_cache_reruns_exactly_the_documents_whose_inputs_changed(mini):
    first = build(mini, log=quiet)
    assert first.executed == ["index.qmd", "chapters/one.qmd", "chapters/extra.qmd"]
    again = build(mini, log=quiet)
    assert again.executed == [] and again.site_reused
    (mini / "numbers.txt").write_text("8\n", encoding="utf-8")  # read by chapters/one.qmd only
    after_data = build(mini, log=quiet)
    assert after_data.executed == ["chapters/one.qmd"]
    assert "The lucky number is 8." in (after_data.output_dir / "chapters/one.html").read_text(encoding="utf-8")
    (mini / "helpers.py").write_text((mini / "helpers.py").read_text() + "\n# edited\n", encoding="utf-8")
    after_module = build(mini, log=quiet)
    assert after_module.executed == ["index.qmd", "chapters/one.qmd"]  # the two documents importing helpers
    extra = mini / "chapters" / "extra.qmd"
    extra.write_text(extra.read_text() + "\nOne more sentence.\n", encoding="utf-8")
    assert build(mini, log=quiet).executed == ["chapters/extra.qmd"]
    assert build(mini, use_cache=False, log=quiet).executed == ["index.qmd", "chapters/one.qmd", "chapters/extra.qmd"]


def test_cached_and_fresh_builds_are_identical(mini, tmp_path):
    build(mini, log=quiet)
    (mini / "numbers.txt").write_text("9\n", encoding="utf-8")
    cached = tree_hashes(build(mini, log=quiet).output_dir)
    fresh_copy = copy_minibook(tmp_path / "fresh")
    (fresh_copy / "numbers.txt").write_text("9\n", encoding="utf-8")
    assert tree_hashes(build(fresh_copy, use_cache=False, log=quiet).output_dir) == cached


def test_a_failing_cell_stops_the_build_and_keeps_the_previous_site(mini):
    site = build(mini, log=quiet).output_dir
    before = tree_hashes(site)
    chapter = mini / "chapters" / "one.qmd"
    chapter.write_text(chapter.read_text().replace("helpers.Table()", "1 / 0"), encoding="utf-8")
    with pytest.raises(CellError) as info:
        build(mini, log=quiet)
    message = str(info.value)
    assert message.startswith("chapters/one.qmd:")
    assert "cell 'tbl-values' raised ZeroDivisionError" in message
    assert "Traceback" in message or "ZeroDivisionError" in message.split("\n", 2)[-1]
    assert tree_hashes(site) == before
    assert not list(mini.glob("_site.tmp-*"))


def test_a_build_removes_staging_folders_left_by_a_killed_build(mini):
    leftover = mini / "_site.tmp-killed"
    (leftover / "chapters").mkdir(parents=True)
    (leftover / "chapters" / "half.html").write_text("<p>half", encoding="utf-8")
    build(mini, log=quiet)
    assert not leftover.exists()
    assert (mini / "_site" / "index.html").exists()


def test_a_new_build_date_reruns_only_the_documents_that_read_it(mini, monkeypatch):
    build(mini, log=quiet)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # one day later, as after a new commit
    report = build(mini, log=quiet)
    assert report.executed == ["chapters/extra.qmd"]  # the only document reading SOURCE_DATE_EPOCH
    assert "dated 1767312000" in (report.output_dir / "chapters/extra.html").read_text(encoding="utf-8")
    assert "built 2026-01-02" in "\n".join(p.extract_text() for p in pypdf.PdfReader(report.pdf).pages)
