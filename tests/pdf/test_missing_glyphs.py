"""Characters the PDF's fonts lack are named in one build warning with where they come from (issue #10)."""
from __future__ import annotations

import unicodedata

import pytest

from bookrender.build import build
from bookrender.glyphs import glyph_warning, missing_glyphs, svg_text
from bookrender.pdf import PDF_FONTS, pdf_font_paths
from tests.conftest import copy_minibook

FACE = "\U0001F600"  # GRINNING FACE: an emoji, in no font of the PDF
MICROBE = "\U0001F9A0"  # MICROBE: another one, made only by a cell
# Drawn by some font of the PDF: Latin, Greek, a check mark (Typst's fallback fonts), a minus sign
DRAWN = "ü τ ✓ \u2212 \u2264"


def _missing(text: str) -> list[str]:
    return missing_glyphs(text, fonts=PDF_FONTS, font_paths=pdf_font_paths())


def test_characters_no_font_has_are_found_and_drawn_ones_are_not():
    assert _missing(f"a {DRAWN} {FACE} b") == [FACE]
    assert _missing(DRAWN) == [] and _missing("plain ASCII") == []


def test_invisible_characters_need_no_glyph():
    joiners_and_marks = "a\u200db\u202ec\u00a0d\u0301"
    assert all(unicodedata.category(c) in ("Cf", "Zs", "Mn") for c in joiners_and_marks if not c.isalpha())
    assert _missing(joiners_and_marks) == []


def test_one_warning_names_each_character_and_its_places():
    places = [("chapters/a.qmd, cell tbl-x", f"row {FACE}"), ("chapters/a.qmd", "prose"), ("data file data/s.csv", FACE)]
    missing, warning = glyph_warning(f"{FACE} {DRAWN}", places, fonts=PDF_FONTS, font_paths=pdf_font_paths())
    assert [(m.char, m.places) for m in missing] == [(FACE, ("chapters/a.qmd, cell tbl-x", "data file data/s.csv"))]
    assert warning.startswith("warning:") and "U+1F600 GRINNING FACE" in warning
    assert "chapters/a.qmd, cell tbl-x; data file data/s.csv" in warning
    assert glyph_warning(DRAWN, places, fonts=PDF_FONTS, font_paths=pdf_font_paths()) == ([], "")


def test_chart_labels_are_read_from_their_svg():
    svg = '<svg><g><text x="1">Paik &amp; Lee</text><text><tspan>\U0001F600</tspan></text></g></svg>'
    assert svg_text(svg).split("\n") == ["Paik & Lee", FACE]


@pytest.mark.render
def test_the_build_warns_once_naming_the_document_and_the_cell(tmp_path, fixed_epoch):
    mini = copy_minibook(tmp_path / "mini")
    chapter = mini / "chapters" / "one.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8")
                       + f"\nA smile in the prose: {FACE}, and some drawn characters: {DRAWN}.\n\n"
                       "```{python}\n#| label: germ\nprint('a germ: ' + chr(0x1F9A0))\n```\n", encoding="utf-8")
    notes: list[str] = []
    report = build(mini, log=notes.append)
    assert report.pdf.is_file()
    warnings = [n for n in notes if "no glyph" in n]
    assert len(warnings) == 1, notes
    lines = warnings[0].splitlines()
    face = next(line for line in lines if "U+1F600" in line)
    germ = next(line for line in lines if "U+1F9A0" in line)
    assert "chapters/one.qmd" in face and "cell" not in face
    assert "chapters/one.qmd, cell germ" in germ and MICROBE in germ
    assert not any(c in warnings[0] for c in DRAWN.split())
