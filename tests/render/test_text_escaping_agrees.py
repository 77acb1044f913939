"""Data text reads the same under both engines.

Under Quarto, an inline `` `{python} value` `` of type ``str`` is printed as the ``text/markdown`` form
that ``analysis.report.setup`` registers (``analysis.report.tables.markdown.inline_text``); under the
own engine, ``bookrender.execute.escape_text`` escapes the plain text it receives. The two packages
must not import each other, so each writes the rule; this test holds them to one rule."""
from __future__ import annotations

import string

from hypothesis import given, strategies as st

from analysis.report.tables.markdown import inline_text
from bookrender.execute import escape_text

HOSTILE = [
    "<script>alert(1)</script>",
    "*emphasis* and $x^2$ and [link](javascript:alert(1)) and @ma2024",
    "`#text(red)[typst]`{=typst}",
    "line one\nline two\r\nline three",
    "Paik 2021 \u2212 n=10 \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \U0001F468\u200d\U0001F469 \u202e",
    "back\\slash | pipe # hash ~ tilde",
]


def test_the_two_escapes_agree_on_hostile_text():
    for text in HOSTILE:
        assert inline_text(text) == escape_text(text), text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(string.punctuation)))
def test_the_two_escapes_agree_on_any_text(text):
    assert inline_text(text) == escape_text(text)


def test_every_ascii_punctuation_character_is_escaped_and_nothing_else():
    escaped = escape_text(string.punctuation + "a1 \u00e9")
    assert escaped == "".join("\\" + ch for ch in string.punctuation) + "a1 \u00e9"
