"""Table notes: a sentence that repeats down a column is stated once, under the table.

A text of at least :data:`NOTE_MIN_CHARS` characters that appears in two or more rows of one
column -- a whole cell, or a part of a cell between the separators ``"; "`` and ``": "`` -- becomes
a lettered note (a, b, c, ... in order of first appearance, reading row by row); each place where it
stood shows ``see note`` and the note's letter. Whole cells are matched before their parts, so a
cell repeated as a whole gets one note rather than one per part.

The functions here work on plain text; :mod:`analysis.report.tables.markdown` escapes each piece and
writes the letters as superscripts.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from string import ascii_lowercase

__all__ = ["NOTE_MIN_CHARS", "NoteRef", "TableNotes", "table_notes"]

NOTE_MIN_CHARS = 30
_SEPARATOR = re.compile(r"(; |: )")


@dataclass(frozen=True)
class NoteRef:
    """The place of a note in a cell: its letter."""

    letter: str


@dataclass(frozen=True)
class TableNotes:
    """Each cell as pieces (text, or a :class:`NoteRef` where a note's text stood), and the notes'
    texts by letter in order."""

    cells: list[list[list[str | NoteRef]]]
    notes: dict[str, str]


def _letter(index: int) -> str:
    """a, b, ..., z, aa, ab, ...: the letter of the ``index``-th note."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = ascii_lowercase[rest] + letters
    return letters


def _parts(text: str) -> list[str]:
    """``text`` split after its separators, separators kept at the end of their part."""
    pieces = _SEPARATOR.split(text)
    return ["".join(pieces[i:i + 2]) for i in range(0, len(pieces), 2) if "".join(pieces[i:i + 2])]


def _strip(part: str) -> tuple[str, str]:
    """(the part without its trailing separator, the separator)."""
    for separator in ("; ", ": "):
        if part.endswith(separator):
            return part[: -len(separator)], separator
    return part, ""


def _repeated(values: list[str]) -> set[str]:
    counts = Counter(v for v in values if len(v) >= NOTE_MIN_CHARS)
    return {v for v, n in counts.items() if n >= 2}


def table_notes(columns: list[list[str]], noted: list[bool]) -> TableNotes:
    """Notes for a table given as its columns of cell texts; only the columns with ``noted`` true
    are searched (the others, numbers and labels, keep their text)."""
    n_rows = len(columns[0]) if columns else 0
    letters: dict[str, str] = {}

    def ref(text: str) -> NoteRef:
        if text not in letters:
            letters[text] = _letter(len(letters))
        return NoteRef(letters[text])

    whole = [_repeated(col) if use else set() for col, use in zip(columns, noted)]
    parts = [_repeated([_strip(p)[0] for cell in col if cell not in whole[i] for p in _parts(cell)])
             if use else set() for i, (col, use) in enumerate(zip(columns, noted))]
    cells: list[list[list[str | NoteRef]]] = []
    for r in range(n_rows):
        row = []
        for c, col in enumerate(columns):
            text = col[r]
            if text in whole[c]:
                row.append([ref(text)])
                continue
            pieces: list[str | NoteRef] = []
            for part in _parts(text):
                body, separator = _strip(part)
                if body in parts[c]:
                    pieces.extend([ref(body), separator] if separator else [ref(body)])
                else:
                    pieces.append(part)
            row.append(pieces)
        cells.append(row)
    return TableNotes(cells=cells, notes={letter: text for text, letter in letters.items()})
