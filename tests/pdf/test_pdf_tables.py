"""No table text outside its cell in the PDF (issue #12): every word of every table lies within the
rules of its cell, read from the glyph boxes and drawn rules of the built PDF (tests/pdf/pdf_tables.py)."""
from __future__ import annotations

import pytest

from tests.pdf.pdf_tables import page_layout, table_overruns




@pytest.fixture(scope="module")
def layout(built_book):
    return page_layout(built_book.pdf)


@pytest.mark.render
def test_the_pdf_has_tables_with_cell_rules_and_words_beside_them(layout):
    """The test reads what it should: tables drawn with their rules, words on the lines they span."""
    with_rules = [page for page in layout if len(page.rules) >= 3]
    assert len(with_rules) >= 10, f"only {len(with_rules)} pages draw table rules; the rules' style changed?"
    assert sum(len(page.words) for page in with_rules) > 1000


@pytest.mark.render
def test_no_table_word_overruns_its_cell(layout):
    overruns = table_overruns(layout)
    assert not overruns, f"{len(overruns)} table words overrun their cells:\n" + "\n".join(map(str, overruns[:30]))


@pytest.mark.parametrize("long_word, overruns", [("Incomprehensibilities", True), ("short", False)])
def test_the_check_finds_a_word_wider_than_its_cell(tmp_path, long_word, overruns):
    """A small Typst table in the book's table style with a fixed narrow first column: a word wider than
    the column is found, a word that fits is not."""
    typst = pytest.importorskip("typst")
    source = tmp_path / "t.typ"
    source.write_text(
        "#set table(inset: 4pt, stroke: 0.4pt + luma(180))\n#show table: set text(size: 8pt)\n"
        f"#table(columns: (30pt, 1fr), [{long_word}], [text that fits], [a], [b])\n", encoding="utf-8")
    pdf = tmp_path / "t.pdf"
    typst.compile(str(source), output=str(pdf))
    found = table_overruns(page_layout(pdf))
    assert bool(found) == overruns, found
    if overruns:
        assert [o.word for o in found] == [long_word]
