"""`quarto render` publishes the book as bookrender does: every page and the versioned PDF, the same
numbers, no stray escape characters, the edition on the front page and the PDF's title page, nothing
loaded from outside the site, and a freeze that follows the dependency record."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pypdf
import pytest

from benchmarks.run import edit_one_data_row
from bookrender.edition import edition
from bookrender.project import load_project
from tests.pdf.html_tree import read_html
from tests.quarto.conftest import COMMIT_DATE, quarto_marks, quarto_render

pytestmark = quarto_marks()

NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:[.,]\d+)*")
# A backslash before ASCII punctuation is markdown escaping that reached the reader.
STRAY_ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")


def pages(root: Path) -> list[str]:
    return [c.html_path.as_posix() for c in load_project(root).chapters]


def main_content(site: Path, page: str):
    tree = read_html(site / page)
    main = tree.find("main", id="quarto-document-content")
    assert main is not None, f"{page}: no <main id=quarto-document-content>"
    return main


def is_chrome(element) -> bool:
    """Page furniture each engine adds around the document: Quarto's title block (title, subtitle,
    author); bookrender's edition box on the front page and what it keeps out of its search index
    (print notes, links under figures and tables)."""
    return (element.attrs.get("id") == "title-block-header" or "data-pagefind-ignore" in element.attrs
            or bool({"book-citation", "print-only"} & element.classes))


def numbers_by_kind(main) -> dict[str, Counter]:
    """The numbers of the page's tables (cell by cell), prose and captions, as multisets. Citation
    marks are left out: Quarto numbers each page's citations from 1, bookrender book-wide as in the PDF."""
    skipped = {id(inner) for element in main.iter() if is_chrome(element) for inner in element.iter()}
    unread = skipped | {id(element) for element in main.iter() if "citation" in element.classes}
    captions = [e for e in main.iter() if id(e) not in skipped and is_caption(e)]
    in_captions = {id(inner) for element in captions for inner in element.iter()}
    kept = [e for e in main.iter() if id(e) not in skipped and id(e) not in in_captions]

    def numbers(elements) -> Counter:
        return Counter(n for e in elements for n in NUMBER.findall(text_without(e, unread)))

    return {"tables": numbers(e for e in kept if e.tag in ("td", "th")),
            "prose": numbers(e for e in kept if e.tag == "p"), "captions": numbers(captions)}


def text_without(element, unread: set[int]) -> str:
    """The element's visible text, leaving out the elements whose id() is in ``unread``."""
    parts: list[str] = []

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, str):
                parts.append(child)
            elif id(child) not in unread and child.tag not in ("script", "style"):
                walk(child)

    walk(element)
    return " ".join("".join(parts).split())


def is_caption(element) -> bool:
    """A figure or table caption: Quarto's <figcaption>/<caption>, bookrender's caption block."""
    return element.tag in ("figcaption", "caption") or bool({"tbl-caption", "fig-caption"} & element.classes)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


def test_every_page_and_the_versioned_pdf_are_built(quarto_book):
    book = edition(quarto_book.root)
    for page in pages(quarto_book.root):
        assert (quarto_book.site / page).is_file(), f"Quarto did not write {page}"
    pdfs = sorted(p.name for p in quarto_book.site.glob("*.pdf"))
    assert pdfs == [book.pdf_name], pdfs
    assert len(pypdf.PdfReader(quarto_book.site / book.pdf_name).pages) > 20
    assert (quarto_book.site / ".bookrender-site.json").is_file()
    assert (quarto_book.site / "site_libs" / "vega" / "vega-bundle.js").is_file()
    for page in pages(quarto_book.root):
        html = (quarto_book.site / page).read_text(encoding="utf-8")
        assert re.search(rf'href="(\./|\.\./)?{re.escape(book.pdf_name)}"', html), f"{page} does not link the PDF"
        assert f"{load_project(quarto_book.root).output_file}.pdf" not in html, f"{page} links the unversioned PDF"


def test_the_build_is_dated_by_the_last_commit_and_leaves_the_work_tree_clean(quarto_book):
    assert quarto_book.status_after == "", f"quarto render left files git sees:\n{quarto_book.status_after}"
    assert edition(quarto_book.root).build_date == COMMIT_DATE[:10]


def test_numbers_of_every_page_equal_the_own_engines(quarto_book):
    for page in pages(quarto_book.root):
        theirs = numbers_by_kind(main_content(quarto_book.site, page))
        ours = numbers_by_kind(main_content(quarto_book.own_site, page))
        for kind in ("tables", "prose", "captions"):
            only_quarto = theirs[kind] - ours[kind]
            only_own = ours[kind] - theirs[kind]
            assert not only_quarto and not only_own, (
                f"{page}, {kind}: numbers only under Quarto {dict(only_quarto)}, only under bookrender {dict(only_own)}")
        assert sum(theirs["tables"].values()) + sum(theirs["prose"].values()) > 0 or page == "chapters/07-limitations.html"


def test_no_visible_escape_characters_in_html_or_pdf(quarto_book):
    for page in pages(quarto_book.root):
        text = main_content(quarto_book.site, page).text()
        assert not STRAY_ESCAPE.findall(text), f"{page}: {STRAY_ESCAPE.findall(text)[:10]}"
    text = pdf_text(quarto_book.site / edition(quarto_book.root).pdf_name)
    assert not STRAY_ESCAPE.findall(text), STRAY_ESCAPE.findall(text)[:10]


def test_version_date_and_citation_on_the_front_page_and_the_pdf_title_page(quarto_book):
    book = edition(quarto_book.root)
    front = " ".join(main_content(quarto_book.site, "index.html").text().split())
    assert f"version {book.version}" in front and book.build_date in front
    assert book.citation in front
    reader = pypdf.PdfReader(quarto_book.site / book.pdf_name)
    opening = " ".join(" ".join((page.extract_text() or "") for page in reader.pages[:3]).split())
    assert f"Version {book.version}" in opening and book.build_date in opening
    assert book.citation in opening, opening[:600]


def test_no_page_refers_to_anything_off_site(quarto_book):
    for page in quarto_book.site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", html), page


@pytest.mark.browser
def test_no_request_leaves_the_site_in_chromium_and_charts_draw(quarto_book, browser_context):
    from tests.browser.chromium import open_page, serve
    from tests.browser.site_pages import wait_for_charts

    with serve(quarto_book.site) as url:
        for page in pages(quarto_book.root):
            opened = open_page(browser_context, url + page)
            html = (quarto_book.site / page).read_text(encoding="utf-8")
            if 'class="vega-chart' in html:  # the header's CSS names the class on every page
                wait_for_charts(opened.page)
                drawn = opened.page.eval_on_selector_all(".vega-chart", "els => els.map(e => !!e.querySelector('svg, canvas'))")
                assert drawn and all(drawn), f"{page}: charts not drawn {drawn}"
            opened.page.close()
            assert opened.recorder.offsite_requests() == [], f"{page}: {opened.recorder.offsite_requests()}"
            # the browser asks every site for /favicon.ico on its own; the book has none
            problems = {kind: [item for item in items if "/favicon.ico" not in item]
                        for kind, items in opened.recorder.problems().items()}
            assert not any(problems.values()), f"{page}: {problems}"


def readers_of(root: Path, rel: str) -> set[str]:
    """The documents whose recorded inputs include `rel` (bookrender's dependency record)."""
    found = set()
    for entry in (root / ".bookcache" / "exec").glob("*.json"):
        data = json.loads(entry.read_text(encoding="utf-8"))
        if rel in data["deps"]:
            found.add(Path(data["executed"]["path"]).stem)
    return found


def test_a_data_edit_re_executes_only_its_readers_and_nothing_else(quarto_book):
    root = quarto_book.root
    assert sorted(set(quarto_book.first.executed)) == sorted(Path(p).stem for p in pages(root))

    unchanged = quarto_render(root)
    assert unchanged.returncode == 0, unchanged.log[-4000:]
    assert unchanged.executed == [], f"nothing changed, yet Quarto executed {unchanged.executed}"

    table = "data/adverse_events.csv"
    readers = readers_of(root, table)
    assert readers and len(readers) < len(pages(root)), readers
    edit_one_data_row(root)  # a note in the first row of that table
    after = quarto_render(root)
    assert after.returncode == 0, after.log[-4000:]
    assert set(after.executed) == readers, f"re-executed {sorted(set(after.executed))}, readers {sorted(readers)}"
