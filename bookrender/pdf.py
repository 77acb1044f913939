"""Compile the book's Typst source into one PDF with the PyPI `typst` compiler."""
from __future__ import annotations

from pathlib import Path

from bookrender.errors import RenderError, ToolMissingError
from bookrender.fonts import font_dir

__all__ = ["compile_pdf", "pdf_font_paths"]


def pdf_font_paths() -> list[str]:
    """Typst's font path: the book's font (Fira Sans, `bookrender.fonts`), for the text and the charts.
    Typst's own embedded fonts (Libertinus Serif, New Computer Modern, DejaVu Sans Mono) stay available for
    code and for characters Fira Sans lacks; system fonts are ignored, so the bytes do not depend on the machine."""
    return [str(font_dir())]


def compile_pdf(typ_file: Path, pdf_file: Path, *, root: Path, timestamp: int) -> None:
    """Typst -> PDF with the book's font and the compiler's embedded fonts only, and a fixed timestamp
    (`SOURCE_DATE_EPOCH`)."""
    try:
        import typst
    except ImportError as exc:
        raise ToolMissingError("the Typst compiler is missing: install the PyPI package `typst` "
                               "(`make install` does it).") from exc
    font_paths = pdf_font_paths()
    try:
        typst.compile(str(typ_file), output=str(pdf_file), root=str(root), font_paths=font_paths,
                      ignore_system_fonts=True, timestamp=timestamp)
    except Exception as exc:  # typst.TypstError carries the compiler's diagnostics
        raise RenderError(f"Typst could not compile the PDF ({typ_file}):\n{exc}") from exc
