"""Read back from the rendered chapters the published and regenerated numbers of every pooled
result and compare them with :func:`analysis.domain.reproduction.reproduction_table` formatted by
:mod:`analysis.format`."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from analysis.format import est_ci
from analysis.domain.reproduction import published_text, reproduction_table
from analysis.domain.sensitivity_grid import cached_evidence
from analysis.report.reader_names import reader_names

CHAPTERS = {"02-skin": "cdasi_activity", "03-muscle": "mmt", "04-ck": "ck"}


class _Tables(HTMLParser):
    """Every <table> as a list of rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._row, self._cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _reproduction_rows(html: str) -> dict[tuple[str, str], dict[str, str]]:
    """The reproduction table's rows by (result name, where printed): results are shown by name."""
    parser = _Tables()
    parser.feed(html)
    for table in parser.tables:
        if table and table[0][:2] == ["Result", "Where printed"]:
            header = table[0]
            return {(row[0], row[1]): dict(zip(header, row)) for row in table[1:]}
    raise AssertionError("no reproduction table (first columns Result, Where printed) on the page")


@pytest.mark.render
@pytest.mark.parametrize("chapter, outcome", CHAPTERS.items())
def test_rendered_numbers_equal_the_reproduction_table(built_book, chapter, outcome):
    html = (built_book.output_dir / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
    shown = _reproduction_rows(html)
    expected = reproduction_table(cached_evidence())
    expected = expected[expected["outcome"] == outcome]
    names = reader_names(cached_evidence())
    key = {row["result_id"]: (names.results[row["result_key"]], row["location"]) for _, row in expected.iterrows()}
    assert set(shown) == set(key.values())
    for _, row in expected.iterrows():
        cells = shown[key[row["result_id"]]]
        # the published side as printed (issue #14: the paper's digits, "not printed" for a missing interval)
        assert cells["Published"] == published_text(row)
        assert cells["Regenerated"] == est_ci(row["regenerated_estimate"], row["regenerated_ci_low"],
                                              row["regenerated_ci_high"])
        assert cells["Verdict"] == row["verdict"]
        if row["published_estimate"] == row["published_estimate"]:  # a number is printed
            assert published_text(row) in html


@pytest.mark.render
def test_skin_page_shows_the_public_pool_as_partial(built_book):
    from analysis.domain.regeneration import public_inputs_pool

    html = (built_book.output_dir / "chapters" / "02-skin.html").read_text(encoding="utf-8")
    pool = public_inputs_pool(cached_evidence(), "cdasi_activity").result
    assert est_ci(pool.estimate, pool.ci_low, pool.ci_high) in html
    assert "partial analysis" in html and "not regenerated" in html
