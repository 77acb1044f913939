"""The rendered reproduction report lists every published result with a verdict."""
from __future__ import annotations

import html
import re

import pytest

from analysis.data import load
from analysis.reproduction import VERDICTS


def _page_text(built_book, name):
    page = built_book.output_dir / "chapters" / name
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))


@pytest.mark.render
def test_every_published_result_appears_with_a_verdict(built_book):
    text = _page_text(built_book, "appendix-reproduction.html")
    rows = re.sub(r"\s+", " ", text)
    for result_id in load("published_results").published_results["result_id"]:
        match = re.search(re.escape(result_id) + r" (.{0,600})", rows)
        assert match, f"{result_id} missing from the reproduction report"
        assert any(v in match.group(1) for v in VERDICTS), f"{result_id} has no verdict beside it"


@pytest.mark.render
def test_adm_ild_page_shows_the_exact_counts(built_book):
    text = re.sub(r"\s+", " ", _page_text(built_book, "05-adm-ild.html"))
    assert "10/26 vs 22/35" in text and "11/25 vs 23/35" in text
