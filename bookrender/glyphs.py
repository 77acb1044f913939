"""Characters the PDF's fonts cannot draw: found before they print as empty boxes, and named with
where they come from.

Typst draws a character that no font of the PDF has (the book's font, then Typst's own embedded fonts
as fallback) as the first font's ``.notdef`` glyph, an empty box, and says nothing. So the build asks
Typst itself: a probe document sets each candidate character in the PDF's font list on a page of its
own, Typst writes it as SVG, and a character drawn with the same outline as a character no font has
(U+10FFFD, a private-use code point) is missing. One warning then names each missing character with
the documents, cells or data that hold it.
"""
from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bookrender.errors import ToolMissingError

__all__ = ["MissingGlyph", "glyph_warning", "missing_glyphs", "svg_text", "typst_compiler"]

#: a code point no font draws: its outline is the .notdef box every missing character gets
NO_GLYPH = "\U0010FFFD"
#: characters that are drawn without a glyph of their own (controls, format characters such as joiners and
#: bidi marks, spaces) or only on a base letter (combining marks)
NOT_DRAWN = {"Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"}
MAX_PLACES = 3
_SYMBOL = re.compile(r'<symbol id="[^"]+"[^>]*><path d="([^"]*)"')
_SVG_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.S)


@dataclass(frozen=True)
class MissingGlyph:
    """A character no font of the PDF has, and the places (document, cell, data) that hold it."""

    char: str
    places: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"U+{ord(self.char):04X} {unicodedata.name(self.char, 'unnamed character')}"


def _candidates(text: str) -> list[str]:
    """The distinct characters of ``text`` that need a glyph of their own, beyond ASCII (which every text font has)."""
    return sorted({c for c in text if ord(c) > 127 and unicodedata.category(c) not in NOT_DRAWN})


def _outlines(svg: bytes) -> tuple[str, ...]:
    return tuple(_SYMBOL.findall(svg.decode("utf-8")))


def typst_compiler():
    """The Typst compiler (the PyPI package ``typst``), or a ToolMissingError saying what to install."""
    try:
        import typst
    except ImportError as exc:
        raise ToolMissingError("the Typst compiler is missing: install the PyPI package `typst` "
                               "(`make install` does it).") from exc
    return typst


def missing_glyphs(text: str, *, fonts: Sequence[str], font_paths: Sequence[str]) -> list[str]:
    """The characters of ``text`` that Typst, with ``fonts`` as the text font list and ``font_paths`` (plus its
    embedded fonts), can only draw as the empty .notdef box."""
    typst = typst_compiler()

    chars = _candidates(text)
    if not chars:
        return []
    font_list = ", ".join(f'"{f}"' for f in fonts)
    pages = [f'#"{c}"' for c in [NO_GLYPH, *chars]]
    source = (f"#set page(width: auto, height: auto, margin: 1pt)\n#set text(font: ({font_list},))\n"
              + "\n#pagebreak()\n".join(pages) + "\n")
    with tempfile.TemporaryDirectory(prefix="bookrender-glyphs-") as folder:
        probe = Path(folder) / "probe.typ"
        probe.write_text(source, encoding="utf-8")
        svgs = typst.compile(str(probe), format="svg", font_paths=list(font_paths), ignore_system_fonts=True)
    svgs = [svgs] if isinstance(svgs, bytes) else svgs
    box = _outlines(svgs[0])
    return [c for c, svg in zip(chars, svgs[1:]) if _outlines(svg) and set(_outlines(svg)) <= set(box)]


def svg_text(svg: bytes | str) -> str:
    """The text of an SVG drawing's ``<text>`` elements (a chart's labels), entities resolved."""
    import html

    content = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", "", m)) for m in _SVG_TEXT.findall(content))


def glyph_warning(text: str, places: Iterable[tuple[str, str]], *, fonts: Sequence[str],
                  font_paths: Sequence[str]) -> tuple[list[MissingGlyph], str]:
    """The missing characters of ``text`` (what reaches Typst), each with the places whose text holds it
    (``places``: (where, text), most specific first), and one warning naming them ('' when none is missing)."""
    places = list(places)
    missing = [MissingGlyph(c, tuple(where for where, held in places if c in held))
               for c in missing_glyphs(text, fonts=fonts, font_paths=font_paths)]
    if not missing:
        return [], ""

    def where(glyph: MissingGlyph) -> str:
        shown = list(glyph.places[:MAX_PLACES]) + ([f"{len(glyph.places) - MAX_PLACES} more"]
                                                   if len(glyph.places) > MAX_PLACES else [])
        return "; ".join(shown) or "the book's template"

    lines = [f"  {g.char!r} ({g.name}): {where(g)}" for g in missing]
    warning = (f"warning: the PDF's fonts ({', '.join(fonts)}, and Typst's own) have no glyph for "
               f"{len(missing)} character{'s' if len(missing) != 1 else ''}, which print as empty boxes "
               "(the web pages show them with the reader's fonts):\n" + "\n".join(lines))
    return missing, warning
