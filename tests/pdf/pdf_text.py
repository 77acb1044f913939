"""Reading the book's PDF in tests: its text (normalised for comparison with the HTML), the numbers
in a text, and the graphics drawn on its pages.

Typst draws an SVG chart as vector paths in the page's own content stream (not as an image), so
graphics are counted as path-painting operators plus XObject (image or form) draws.
"""
from __future__ import annotations

import re
from pathlib import Path

import pypdf
from pypdf.generic import ContentStream

__all__ = ["drawings_per_page", "flat", "letters", "number_tokens", "page_texts", "pdf_text"]

SOFT_HYPHEN = "\u00ad"
MINUS_SIGNS = "\u2212\u2012\u2013"  # minus, figure dash, en dash written before a number
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:[.,]\d+)*")
PAINT_OPERATORS = {b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*", b"Do"}


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


def pdf_text(path: Path) -> str:
    return "\n".join(page_texts(path))


def flat(text: str) -> str:
    """Soft hyphens removed (one before a digit is how the extracted text of a chart shows a minus
    sign), minus signs as '-', whitespace collapsed to single spaces."""
    text = re.sub(SOFT_HYPHEN + r"(?=\d)", "-", text).replace(SOFT_HYPHEN, "")
    for sign in MINUS_SIGNS:
        text = text.replace(sign, "-")
    return " ".join(text.split())


def letters(text: str) -> str:
    """Only letters and digits, lower case: survives line breaks, hyphenation and spacing in a PDF."""
    return re.sub(r"[^0-9a-z]", "", flat(text).lower())


def number_tokens(text: str) -> set[str]:
    """Every number written in ``text`` (sign kept when it is a minus sign before the digits)."""
    return set(NUMBER.findall(flat(text)))


def drawings_per_page(path: Path) -> list[int]:
    """How many shapes (filled or stroked paths) and images or forms each page draws."""
    reader = pypdf.PdfReader(path)
    return [sum(op in PAINT_OPERATORS for _, op in ContentStream(page.get_contents(), reader).operations)
            if page.get_contents() is not None else 0 for page in reader.pages]
