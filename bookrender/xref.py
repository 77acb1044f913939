"""Number chapters, sections, figures and tables, and resolve `@fig-`, `@tbl-`, `@sec-` references.

Numbering follows Quarto books: chapters 1, 2, ... (appendices A, B, ...); a figure is
"Figure 2.1" (chapter 2, first figure); sections are "Section 2.3". A chapter marked
`{.unnumbered}` numbers its figures 1, 2, ... without a prefix.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from bookrender.errors import SourceError
from bookrender.project import BookProject
from bookrender.qmd import Document

__all__ = ["LabelIndex", "SectionNumber", "Target", "resolve_references"]

XREF = re.compile(r"(?<![\w@\\])@(?P<label>(?P<kind>fig|tbl|sec)-[\w-]*[\w])")
CODE_SPANS = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
KIND_NAMES = {"fig": "Figure", "tbl": "Table", "sec": "Section"}


@dataclass(frozen=True)
class Target:
    label: str
    kind: str  # fig | tbl | sec
    number: str | None  # "2.1"; None for an unnumbered section
    page: str  # html path of the page holding it, e.g. chapters/02-skin.html
    title: str
    chapter_level: bool = False

    @property
    def titled_text(self) -> str:
        """How Quarto's HTML names a chapter from an unnumbered page (the front page): "7 Limitations",
        "Appendix A — Reproduction report"."""
        if self.kind == "sec" and self.chapter_level and self.number:
            if self.number.isalpha():
                return f"Appendix {self.number} — {self.title}"
            return f"{self.number}\u00a0{self.title}"
        return self.text

    @property
    def text(self) -> str:
        if self.kind == "sec" and self.chapter_level and self.number:
            word = "Appendix" if self.number.isalpha() else "Chapter"
            return f"{word} {self.number}"
        if self.number is None:
            return self.title
        return f"{KIND_NAMES[self.kind]} {self.number}"


@dataclass(frozen=True)
class SectionNumber:
    line: int
    number: str | None


class LabelIndex:
    """Every labelled figure, table and section of the book, numbered."""

    def __init__(self, project: BookProject, documents: dict[str, Document]):
        self.targets: dict[str, Target] = {}
        self.section_numbers: dict[str, dict[int, str | None]] = {}
        self.unnumbered_pages = {c.html_path.as_posix() for c in project.chapters if c.number is None}
        for chapter in project.chapters:
            doc = documents[str(chapter.source)]
            page = chapter.html_path.as_posix()
            self._index_sections(doc, chapter.number, page)
            counters = {"fig": 0, "tbl": 0}
            for cell in doc.cells:
                label = cell.label
                if not label or "-" not in label:
                    continue
                kind = label.split("-", 1)[0]
                if kind not in counters:
                    continue
                counters[kind] += 1
                number = f"{chapter.number}.{counters[kind]}" if chapter.number else str(counters[kind])
                caption_key = "fig-cap" if kind == "fig" else "tbl-cap"
                if caption_key not in cell.options:
                    raise SourceError(str(doc.path), cell.line, f"cell '{label}' needs a `#| {caption_key}:` caption.")
                if kind == "fig" and "fig-alt" not in cell.options:
                    raise SourceError(str(doc.path), cell.line, f"figure cell '{label}' needs `#| fig-alt:` text "
                                      f"(every chart has alt text).")
                self._add(Target(label, kind, number, page, str(cell.options[caption_key])), doc, cell.line)

    def _add(self, target: Target, doc: Document, line: int) -> None:
        if target.label in self.targets:
            other = self.targets[target.label]
            raise SourceError(str(doc.path), line, f"label '{target.label}' is already used on page {other.page}.")
        self.targets[target.label] = target

    def _index_sections(self, doc: Document, chapter_number: str | None, page: str) -> None:
        counters = [0] * 7
        numbers: dict[int, str | None] = {}
        for heading in doc.headings:
            if heading.level == 1:
                number = chapter_number
            elif chapter_number is None or heading.unnumbered:
                number = None
            else:
                counters[heading.level] += 1
                for deeper in range(heading.level + 1, 7):
                    counters[deeper] = 0
                parts = [str(counters[level]) for level in range(2, heading.level + 1)]
                number = ".".join([chapter_number] + parts)
            numbers[heading.line] = number
            if heading.ident:
                self._add(Target(heading.ident, "sec", number, page, heading.text, heading.level == 1),
                          doc, heading.line)
        self.section_numbers[str(doc.path)] = numbers

    def link(self, label: str, from_page: str | None) -> str:
        """Markdown link text for a reference; `from_page=None` means one combined document (PDF)."""
        target = self.targets[label]
        if from_page is None:
            href = f"#{label}"
        elif target.page == from_page:
            href = f"#{label}"
        else:
            href = posixpath.relpath(target.page, posixpath.dirname(from_page) or ".") + f"#{label}"
        # Quarto's wording: in HTML, an unnumbered page names a chapter with its title; elsewhere,
        # and in the PDF, "Chapter 7", "Appendix A".
        text = target.titled_text if from_page in self.unnumbered_pages else target.text
        return f"[{text}]({href})"


def resolve_references(text: str, index: LabelIndex, path: str, first_line: int, from_page: str | None) -> str:
    """Replace every `@fig-…`/`@tbl-…`/`@sec-…` in prose (not in code) by a numbered link."""
    pieces = CODE_SPANS.split(text)
    out: list[str] = []
    line = first_line
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            def replace(match: re.Match, piece=piece, line=line) -> str:
                label = match.group("label")
                if label not in index.targets:
                    at = line + piece.count("\n", 0, match.start())
                    raise SourceError(path, at, f"cross-reference '@{label}' points at no figure, table or "
                                      f"section of the book.")
                return index.link(label, from_page)
            piece = XREF.sub(replace, piece)
        out.append(piece)
        line += pieces[i].count("\n")
    return "".join(out)
