"""Compile the book's Typst source into one PDF with the PyPI `typst` compiler."""
from __future__ import annotations

import sys
from pathlib import Path

from bookrender.errors import RenderError, ToolMissingError


__all__ = ["CHART_FONT_DIRS", "compile_pdf"]

#: DejaVu Sans, the font the charts name (the same as on the web, where vl-convert and the browsers
#: draw them), from Debian's package fonts-dejavu-core. Typst embeds the glyphs it uses, so the PDF
#: is the same on every machine with that package; without it Typst would draw the charts' text in
#: Libertinus Serif.
CHART_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)


def compile_pdf(typ_file: Path, pdf_file: Path, *, root: Path, timestamp: int) -> None:
    """Typst -> PDF with the compiler's embedded fonts and DejaVu Sans for the charts (other
    system fonts ignored, so the bytes do not depend on the machine) and a fixed timestamp (`SOURCE_DATE_EPOCH`)."""
    try:
        import typst
    except ImportError as exc:
        raise ToolMissingError("the Typst compiler is missing: install the PyPI package `typst` "
                               "(`make install` does it).") from exc
    try:
        font_paths = [str(d) for d in CHART_FONT_DIRS if (d / "DejaVuSans.ttf").is_file()]
        if not font_paths:
            print("bookrender: DejaVu Sans is missing (Debian: apt-get install fonts-dejavu-core); "
                  "the PDF's charts fall back to Libertinus Serif", file=sys.stderr)
        typst.compile(str(typ_file), output=str(pdf_file), root=str(root), font_paths=font_paths,
                      ignore_system_fonts=True, timestamp=timestamp)
    except Exception as exc:  # typst.TypstError carries the compiler's diagnostics
        raise RenderError(f"Typst could not compile the PDF ({typ_file}):\n{exc}") from exc
