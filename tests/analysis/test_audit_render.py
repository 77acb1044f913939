"""The rendered reproduction report lists every published result with a verdict in the same table row."""
from __future__ import annotations

import html
import re

import pytest

from analysis.data import load
from analysis.report.reader_names import reader_names
from analysis.domain.reproduction import VERDICTS


def _cells_by_row(page: str) -> list[list[str]]:
    """The text of each cell of each table row of an HTML page."""
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)
        rows.append([" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
    return rows


def _page(built_book, name: str) -> str:
    return (built_book.output_dir / "chapters" / name).read_text(encoding="utf-8")


@pytest.mark.render
def test_every_published_result_appears_with_a_verdict(built_book):
    """A row of the report names the result (by its name: identifiers stay in the CSV) and where it is printed."""
    rows = _cells_by_row(_page(built_book, "appendix-reproduction.html"))
    verdict_of = {tuple(cells[:2]): cells for cells in rows if cells and any(v in cells for v in VERDICTS)}
    evidence = load()
    names = reader_names(evidence)
    for _, result in evidence.published_results.iterrows():
        shown = (names.results[result["result_key"]], result["location"])
        assert shown in verdict_of, f"{result['result_id']} has no row {shown} with a verdict in the reproduction report"


@pytest.mark.render
def test_adm_ild_page_shows_the_exact_counts(built_book):
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", _page(built_book, "05-adm-ild.html"))).split())
    assert "10/26 vs 22/35" in text and "11/25 vs 23/35" in text
