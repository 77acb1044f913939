"""The rendered book shows the statement register: the front page's count, linked to the appendix, is
the register's, and the appendix shows every statement's quote and verdict in one table row."""
from __future__ import annotations

import html
import re

import pytest

from analysis.audit.statement_register import register_summary, statement_register
from analysis.data import load


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _rows(page: str) -> list[list[str]]:
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)
        rows.append([" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
    return rows


@pytest.mark.render
def test_front_page_states_the_registers_counts_and_links_it(built_book):
    register = statement_register(load())
    summary = register_summary(register)
    page = (built_book.output_dir / "index.html").read_text(encoding="utf-8")
    text = _text(page)
    sentence = re.search(r"holds (\d+) checkable statements.*?making (\d+) distinct inconsistencies", text)
    assert sentence, "the front page does not state the register's counts"
    assert (int(sentence.group(1)), int(sentence.group(2))) == (len(register), summary.n_findings_inconsistent)
    assert 'href="chapters/appendix-statements.html#sec-statements"' in page


@pytest.mark.render
def test_appendix_shows_every_statement_with_its_verdict(built_book):
    page = (built_book.output_dir / "chapters" / "appendix-statements.html").read_text(encoding="utf-8")
    rows = _rows(page)
    register = statement_register(load())
    for _, statement in register.iterrows():
        quote, location = " ".join(statement["quote"].split()), " ".join(statement["location"].split())
        assert any(location in cells and quote in cells and statement["verdict"] in cells for cells in rows), \
            f"{statement['statement_id']}: no row with its location, quote and verdict"
