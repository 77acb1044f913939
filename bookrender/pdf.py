"""Compile the book's Typst source into one PDF with the PyPI `typst` compiler."""
from __future__ import annotations

from pathlib import Path

import json

from bookrender.errors import RenderError
from bookrender.fonts import FAMILY, font_dir
from bookrender.glyphs import glyph_warning, svg_text, typst_compiler

__all__ = ["PDF_FONTS", "compile_pdf", "glyph_places", "pdf_font_paths", "warn_missing_glyphs"]

#: the PDF's text font list (bookrender/templates/book.typ): the book's font, then Typst's Libertinus Serif
PDF_FONTS = (FAMILY, "Libertinus Serif")


def pdf_font_paths() -> list[str]:
    """Typst's font path: the book's font (Fira Sans, `bookrender.fonts`), for the text and the charts.
    Typst's own embedded fonts (Libertinus Serif, New Computer Modern, DejaVu Sans Mono) stay available for
    code and for characters Fira Sans lacks; system fonts are ignored, so the bytes do not depend on the machine."""
    return [str(font_dir())]


def compile_pdf(typ_file: Path, pdf_file: Path, *, root: Path, timestamp: int) -> None:
    """Typst -> PDF with the book's font and the compiler's embedded fonts only, and a fixed timestamp
    (`SOURCE_DATE_EPOCH`)."""
    typst = typst_compiler()
    font_paths = pdf_font_paths()
    try:
        typst.compile(str(typ_file), output=str(pdf_file), root=str(root), font_paths=font_paths,
                      ignore_system_fonts=True, timestamp=timestamp)
    except Exception as exc:  # typst.TypstError carries the compiler's diagnostics
        raise RenderError(f"Typst could not compile the PDF ({typ_file}):\n{exc}") from exc


def _output_text(outputs) -> str:
    """All the text a cell displayed: every text form of its outputs, and the labels of its charts' SVG."""
    parts = []
    for output in outputs:
        parts.append("".join(output.get("text", "")))
        for mime, value in (output.get("data") or {}).items():
            value = "".join(value) if isinstance(value, list) else str(value)
            parts.append(svg_text(value) if mime == "image/svg+xml" else value)
    return "\n".join(parts)


def glyph_places(project, docs, executed) -> list[tuple[str, str]]:
    """(where, text) of everything that can reach the PDF, most specific first: each cell's output
    ("chapters/02-skin.qmd, cell tbl-effects"), each document's inline values and prose, the data files
    the documents read, and the bibliography."""
    places: list[tuple[str, str]] = []
    data: set[str] = set()
    for chapter in project.chapters:
        rel = str(chapter.source)
        doc, run = docs[rel], executed[rel]
        for cell, outputs in zip(doc.cells, run.outputs):
            places.append((f"{rel}, cell {cell.label or f'at line {cell.line}'}", _output_text(outputs)))
        places.append((f"{rel}, inline values", json.dumps(run.inline_values, ensure_ascii=False)))
        places.append((rel, "\n".join(getattr(b, "text", "") for b in doc.blocks)))
        data.update(d for d in run.deps if d.startswith("data/"))
    for rel in sorted(data):
        path = project.root / rel
        if path.is_file():
            places.append((f"data file {rel}", path.read_text(encoding="utf-8", errors="replace")))
    if project.bibliography and project.bibliography.is_file():
        places.append((project.bibliography.name, project.bibliography.read_text(encoding="utf-8", errors="replace")))
    return places


def warn_missing_glyphs(project, docs, executed, text: str, log=print) -> list:
    """One warning (through ``log``) naming each character of ``text`` (the book's Typst source and its charts'
    text) that no font of the PDF has, with where it comes from; returns the missing characters."""
    missing, warning = glyph_warning(text, glyph_places(project, docs, executed), fonts=PDF_FONTS,
                                     font_paths=pdf_font_paths())
    if warning:
        log(warning)
    return missing
