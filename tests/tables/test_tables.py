"""Pipe tables: escaping survives pandoc, missing values are explicit, the CSV round-trips."""
import base64
import io
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pypandoc
import pytest

import analysis.report.tables
from analysis.report.tables import md_escape, show_table

HOSTILE = "<script>alert(1)</script>"


def test_public_api_is_pinned():
    assert analysis.report.tables.__all__ == [
        "TableDisplay", "TableView", "csv_bytes", "csv_data_uri", "csv_download_html", "md_escape", "pipe_table", "show_table",
    ]


def to_html(markdown: str) -> str:
    return pypandoc.convert_text(markdown, "html", format="markdown", extra_args=["--wrap=none"])


def test_md_escape_escapes_every_ascii_punctuation_and_nothing_else():
    assert md_escape("a*b") == "a\\*b"
    assert md_escape("@key") == "\\@key"
    assert md_escape("back\\slash") == "back\\\\slash"
    assert md_escape("Paik 2021 \u2212 n=10") == "Paik 2021 \u2212 n\\=10"
    with pytest.raises(TypeError):
        md_escape(3)


@pytest.mark.parametrize(
    "text",
    [HOSTILE, "<b>bold</b>", "*not emphasis*", "a | b", "[@key]", "@key", "$x^2$", "back\\slash", "[link](http://x)",
     "# not a heading", "`code`", "~~strike~~", "&amp;", "1. not a list", "H~2~O"],
)
def test_escaped_text_comes_back_literally_from_pandoc(text):
    html = to_html(md_escape(text))
    inner = re.fullmatch(r"<p>(.*)</p>\n?", html, flags=re.S)
    assert inner, html
    # pandoc writes the text with HTML entities and nothing else: no tags, no citations, no math
    unescaped = inner.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    assert unescaped == text


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "study": [HOSTILE, "<b>x</b> *y* | @smith2020 $a$ \\", "Paik 2021"],
            "n": [10, None, 3],
            "estimate": [1.5, np.nan, -0.25],
        }
    )


def test_table_cells_show_markup_as_literal_text():
    md = show_table(hostile_frame(), csv_name="hostile.csv")._repr_markdown_()
    html = to_html(md)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.split("<p class=\"table-download\">")[0]
    assert "<b>" not in html
    assert "<em>" not in html and "<span class=\"math" not in html and "citation" not in html
    assert html.count("<tr>") == 4  # header + 3 rows: the pipe inside a cell did not split it


def test_missing_values_show_an_em_dash_or_the_given_marker():
    frame = pd.DataFrame({"x": [1.0, None], "y": ["a", None]})
    assert "| \u2014 | \u2014 |" in show_table(frame, csv_name="m.csv").markdown_table
    assert "| not reported | not reported |" in show_table(frame, csv_name="m.csv", missing="not reported").markdown_table


def test_labels_alignment_and_digits():
    frame = pd.DataFrame({"study": ["A"], "n": [10], "est": [-17.666]})
    md = show_table(frame, csv_name="t.csv", column_labels={"est": "Mean change"}, digits={"est": 2}).markdown_table
    header, rule, row = md.splitlines()
    assert header == "| study | n | Mean change |"
    assert [cell.strip()[0] + cell.strip()[-1] for cell in rule.strip("|").split("|")] == [":-", "-:", "-:"]
    assert row == "| A | 10 | \\-17\\.67 |"
    centred = show_table(frame, csv_name="t.csv", align={"study": "center"}).markdown_table.splitlines()[1]
    assert centred.split("|")[1].strip().startswith(":") and centred.split("|")[1].strip().endswith(":")


def test_bad_arguments_are_reported():
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(ValueError, match="not in the table"):
        show_table(frame, csv_name="t.csv", column_labels={"b": "B"})
    with pytest.raises(ValueError, match="valid alignments"):
        show_table(frame, csv_name="t.csv", align={"a": "middle"})
    with pytest.raises(ValueError, match="csv_name"):
        show_table(frame, csv_name="../t.csv")
    with pytest.raises(TypeError, match="format it as text"):
        show_table(pd.DataFrame({"a": [object()]}), csv_name="t.csv")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))


def test_csv_download_is_a_raw_html_block_that_round_trips():
    frame = hostile_frame()
    display = show_table(frame, csv_name="hostile.csv")
    md = display._repr_markdown_()
    assert "```{=html}\n<p class=\"table-download\"><a download=\"hostile.csv\"" in md
    parser = _Links()
    parser.feed(to_html(md))
    (link,) = parser.links
    assert link["download"] == "hostile.csv"
    prefix = "data:text/csv;charset=utf-8;base64,"
    assert link["href"].startswith(prefix)
    decoded = base64.b64decode(link["href"][len(prefix):])
    assert decoded == display.csv
    pd.testing.assert_frame_equal(pd.read_csv(io.BytesIO(decoded)), frame, check_dtype=False)
    # the raw block is HTML-only: the LaTeX/Typst writers drop it
    assert "table-download" not in pypandoc.convert_text(md, "latex", format="markdown")


def test_mimebundle_offers_markdown_and_never_html():
    bundle = show_table(hostile_frame(), csv_name="h.csv")._repr_mimebundle_()
    assert set(bundle) == {"text/markdown", "text/plain"}
    assert not hasattr(show_table(hostile_frame(), csv_name="h.csv"), "_repr_html_")


def test_rule_widths_keep_short_columns_readable_beside_long_text():
    from analysis.report.tables.markdown import CELL_PADDING_CHARS, MAX_RULE_WIDTH, pipe_table

    frame = pd.DataFrame({"tier": ["recovered", "primary"], "meaning": ["word " * 60, "short"]})
    rule = pipe_table(frame).splitlines()[1]
    tier_rule, meaning_rule = [cell.strip() for cell in rule.strip("|").split("|")]
    assert len(tier_rule) == len("recovered") + CELL_PADDING_CHARS  # its longest word and insets
    assert len(meaning_rule) == MAX_RULE_WIDTH + CELL_PADDING_CHARS  # capped, not the 300 characters of the text


def test_in_a_table_wider_than_the_page_every_column_gets_its_longest_word():
    """Pandoc gives each column dashes/total of the page: a column's share holds its longest word and
    insets out of the characters a printed line holds (no word overruns its cell)."""
    from analysis.report.tables.markdown import CELL_PADDING_CHARS, PRINT_WIDTH_CHARS, pipe_table

    words = ["n", "immunosuppressants", "recovered", "Certainty", "12", "secondary", "x"]
    frame = pd.DataFrame({f"c{i}": [w, "a sentence of ordinary words that wraps " * 3] for i, w in enumerate(words)})
    dashes = [len(cell.strip()) for cell in pipe_table(frame).splitlines()[1].strip("|").split("|")]
    longest = [max(len(w), len(f"c{i}"), len("ordinary"), len("sentence")) for i, w in enumerate(words)]
    assert sum(longest) + CELL_PADDING_CHARS * len(words) < PRINT_WIDTH_CHARS  # the page can hold every longest word
    for width, word in zip(dashes, longest):
        assert width / sum(dashes) >= (word + CELL_PADDING_CHARS) / PRINT_WIDTH_CHARS - 1e-9


def test_verdicts_are_labels_that_keep_their_words():
    """A verdict cell is a span with a class per verdict (styled on the site); the words stay, escaped."""
    import pandas as pd

    from analysis.report.tables.markdown import pipe_table

    table = pipe_table(pd.DataFrame({"result": ["a", "b"], "verdict": ["reproduced", "not <b>public</b>"]}))
    assert "[reproduced]{.verdict .verdict-reproduced}" in table
    assert "[not \\<b\\>public\\<\\/b\\>]{.verdict .verdict-not-b-public-b}" in table


def test_an_estimate_and_its_interval_stay_on_one_line():
    import pandas as pd

    from analysis.report.tables.markdown import pipe_table

    table = pipe_table(pd.DataFrame({"r": ["-16.33 (95% CI -22.25 to -10.40)", "0.48 (0.27 to 0.86)", "a to b"]}))
    assert "[\\-16\\.33 \\(95\\% CI \\-22\\.25 to \\-10\\.40\\)]{.nowrap}" in table
    assert "[0\\.48 \\(0\\.27 to 0\\.86\\)]{.nowrap}" in table
    assert "| a to b |" in table
