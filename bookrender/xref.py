"""Number chapters, sections, figures and tables, and tell pandoc how to name `@fig-`, `@tbl-`, `@sec-` references.

Numbering follows Quarto books: chapters 1, 2, ... (appendices A, B, ...); a figure is
"Figure 2.1" (chapter 2, first figure); sections are "Section 2.3". A chapter marked
`{.unnumbered}` numbers its figures 1, 2, ... without a prefix.

References are resolved on pandoc's document tree, as Quarto's crossref Lua filters do: pandoc
reads `@tbl-x` as a citation (a `Cite` element), and the Lua filter (`filters/book.lua`) turns each
`Cite` of a cross-reference label into a link, from the page's table of references that
`references_block` writes into the page's markdown (a raw block, which no writer prints). So
code spans and code blocks are never touched. In the PDF, Typst numbers the headings, tables and
figures itself (`templates/book.typ`) and a reference to a numbered target is Typst's `#ref(<label>)`,
which prints what this index says (tests/render/test_typst_references.py compares them).
`check_references` finds unknown labels in the source first, to name the file and line.
"""
from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass

from bookrender.errors import SourceError
from bookrender.project import BookProject
from bookrender.qmd import XREF_PREFIXES, Document

__all__ = ["REFERENCES_FORMAT", "LabelIndex", "Reference", "SectionNumber", "Target", "check_references",
           "is_cross_reference", "references_block"]

#: a reference as pandoc reads a citation key (letters, digits, `_`, and punctuation inside it), not
#: after a word character (an e-mail address) or a backslash (an escaped `@`).
XREF = re.compile(r"(?<![\w@\\])@(?P<label>(?P<kind>fig|tbl|sec)-\w+(?:[:.#$%&+?<>~/-]+\w+)*)")
CODE_SPANS = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
KIND_NAMES = {"fig": "Figure", "tbl": "Table", "sec": "Section"}
#: the raw-block format of a page's table of references (read and removed by the Lua filter).
REFERENCES_FORMAT = "bookrender-references"


def is_cross_reference(key: str) -> bool:
    """True for a citation key that is a cross-reference (`fig-…`, `tbl-…`, `sec-…`), never a bibliography key."""
    return key.split("-", 1)[0] in XREF_PREFIXES and "-" in key


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
        #: the source of the first appendix (from it on the PDF numbers chapters A, B, ...), None without appendices
        self.first_appendix = next((str(c.source) for c in project.chapters if c.appendix), None)
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

    def reference(self, label: str, from_page: str | None) -> Reference:
        """How `@label` reads and where it leads from `from_page` (None: the one combined document, the PDF)."""
        target = self.targets[label]
        if from_page is None or target.page == from_page:
            href = f"#{label}"
        else:
            href = posixpath.relpath(target.page, posixpath.dirname(from_page) or ".") + f"#{label}"
        # Quarto's wording: in HTML, an unnumbered page names a chapter with its title; elsewhere,
        # and in the PDF, "Chapter 7", "Appendix A".
        text = target.titled_text if from_page in self.unnumbered_pages else target.text
        return Reference(text, href, target.number or target.title, target.number is not None)


@dataclass(frozen=True)
class Reference:
    """A resolved `@label`: its link text (markdown), its link target, what `-@label` prints (the number), and
    whether its target is numbered (in the PDF, Typst numbers it and names it: `#ref(<label>)`)."""

    text: str
    href: str
    number: str
    numbered: bool


def references_block(index: LabelIndex, from_page: str | None) -> str:
    """The page's table of references for the Lua filter: a raw markdown block of JSON (one line,
    ASCII) mapping each label to its `Reference`, and the label prefixes that mark a cross-reference."""
    table = {"prefixes": list(XREF_PREFIXES),
             "targets": {label: vars(index.reference(label, from_page)) for label in sorted(index.targets)}}
    payload = json.dumps(table, sort_keys=True, ensure_ascii=True)
    return f"```{{={REFERENCES_FORMAT}}}\n{payload}\n```"


def check_references(text: str, index: LabelIndex, path: str, first_line: int) -> None:
    """Fail on a `@fig-…`/`@tbl-…`/`@sec-…` in prose (not in code) that names no label of the book,
    naming the file and line (the links themselves are made on pandoc's tree, by the Lua filter)."""
    pieces = CODE_SPANS.split(text)
    line = first_line
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            for match in XREF.finditer(piece):
                if match.group("label") not in index.targets:
                    at = line + piece.count("\n", 0, match.start())
                    raise SourceError(path, at, f"cross-reference '@{match.group('label')}' points at no figure, "
                                      f"table or section of the book.")
        line += piece.count("\n")
