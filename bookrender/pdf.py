"""Compile the book's Typst source into one PDF with the PyPI `typst` compiler."""
from __future__ import annotations

from pathlib import Path

from bookrender.errors import RenderError, ToolMissingError


__all__ = ["compile_pdf"]


def compile_pdf(typ_file: Path, pdf_file: Path, *, root: Path, timestamp: int) -> None:
    """Typst -> PDF with the compiler's embedded fonts only (system fonts ignored, so the
    bytes do not depend on the machine) and a fixed timestamp (`SOURCE_DATE_EPOCH`)."""
    try:
        import typst
    except ImportError as exc:
        raise ToolMissingError("the Typst compiler is missing: install the PyPI package `typst` "
                               "(`make install` does it).") from exc
    try:
        typst.compile(str(typ_file), output=str(pdf_file), root=str(root), font_paths=[],
                      ignore_system_fonts=True, timestamp=timestamp)
    except Exception as exc:  # typst.TypstError carries the compiler's diagnostics
        raise RenderError(f"Typst could not compile the PDF ({typ_file}):\n{exc}") from exc
