"""Pandoc pipe tables whose cells show data as literal text.

Every cell and header goes through ``md_escape``, which puts a backslash before each ASCII
punctuation character (pandoc's ``all_symbols_escapable``: "any punctuation or space
character preceded by a backslash will be treated literally"). So data that happens to
look like markup -- ``<script>``, ``<b>``, ``*``, ``|``, ``@key`` (a pandoc citation),
``$x$`` (TeX math), ``[x](y)``, a backslash -- prints as itself in HTML and PDF.
"""
from __future__ import annotations

import numbers
import re
import string
from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.format import fmt_num, is_missing
from analysis.report.html_classes import ESTIMATE, LABEL, TABLE_NOTES
from analysis.report.tables.notes import NoteRef, table_notes

__all__ = ["ALIGNMENTS", "DEFAULT_MISSING_MARKER", "LABEL_COLUMNS", "NOTE_REF_TEXT", "cell_text", "column_widths",
           "inline_text", "label_span", "md_escape", "notes_block", "pipe_table"]

DEFAULT_MISSING_MARKER = "\u2014"  # em dash: an explicit "no value", never a blank or 0
ALIGNMENTS = {"left": ":---", "right": "---:", "center": ":---:"}
_PUNCTUATION = frozenset(string.punctuation)  # the 32 ASCII punctuation characters


def md_escape(text: str) -> str:
    """Backslash-escape every ASCII punctuation character of ``text`` for pandoc markdown.

    ``md_escape("<b>1|2</b>") == "\\\\<b\\\\>1\\\\|2\\\\<\\\\/b\\\\>"``. Letters, digits, spaces,
    newlines and non-ASCII characters are left as they are.
    """
    if not isinstance(text, str):
        raise TypeError(f"md_escape expects a str, but got {type(text).__name__}: {text!r}.")
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in text)


def inline_text(text: str) -> str:
    """A string shown inline in prose, as literal text: line breaks become spaces (an inline
    value never starts a paragraph) and every ASCII punctuation character is escaped.

    This is the ``text/markdown`` form the book's kernels give every ``str`` (see
    ``analysis.report.setup.setup``), so an inline `` `{python} name` `` prints data as text under
    both Quarto and bookrender; an author who wants markup returns ``IPython.display.Markdown``.
    """
    return md_escape(" ".join(text.splitlines()))


def cell_text(value: object, *, digits: int | None = None, missing: str = DEFAULT_MISSING_MARKER) -> str:
    """The text shown for one cell, before escaping.

    missing (None/NaN/NA) -> ``missing``; str -> itself with line breaks turned into
    spaces (a pipe-table cell is one line); bool -> ``"yes"``/``"no"``; integer -> its
    digits; float -> ``fmt_num(value, digits)`` when ``digits`` is given, else 12
    significant digits (the precision of the CSV download, so table and file agree).
    """
    if is_missing(value):
        return missing
    if isinstance(value, str):
        return " ".join(value.splitlines())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return fmt_num(value, digits) if digits is not None else format(float(value), ".12g")
    raise TypeError(
        f"A table cell must be a str, number, bool or missing value, but got {type(value).__name__}: {value!r}; "
        "format it as text before calling show_table."
    )


def _alignments(frame: pd.DataFrame, align: Mapping[str, str] | Sequence[str] | None) -> list[str]:
    columns = [str(c) for c in frame.columns]
    default = ["right" if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) else "left"
               for c in frame.columns]
    if align is None:
        chosen = default
    elif isinstance(align, Mapping):
        unknown = sorted(set(map(str, align)) - set(columns))
        if unknown:
            raise ValueError(f"align names columns {unknown} that are not in the table; columns are {columns}.")
        chosen = [align.get(c, d) for c, d in zip(columns, default)]
    else:
        chosen = list(align)
        if len(chosen) != len(columns):
            raise ValueError(f"align has {len(chosen)} entries but the table has {len(columns)} columns {columns}.")
    bad = sorted({a for a in chosen if a not in ALIGNMENTS})
    if bad:
        raise ValueError(f"Unknown alignment {bad}; valid alignments are {sorted(ALIGNMENTS)}.")
    return chosen


MAX_RULE_WIDTH = 30
#: characters of table text (8 pt) across the PDF's text width (16.6 cm hold about 109 average letters;
#: the margin leaves room for wide ones), and the characters a cell's insets (4 pt a side) take.
PRINT_WIDTH_CHARS = 100
CELL_PADDING_CHARS = 2
#: columns whose cells are shown as a styled label (a pandoc span ``.verdict .verdict-<slug>``): the
#: label keeps its words, so the style is never the only cue (WCAG 1.4.1); the PDF shows the words.
LABEL_COLUMNS = {"verdict": LABEL, "verdict_other": LABEL}
#: what a cell shows where a table note's text stood, before the note's superscript letter.
NOTE_REF_TEXT = "see note"


#: an estimate with its interval ("-16.33 (95% CI -22.25 to -10.40)", "0.48 (0.27 to 0.86)"): one line on the site
_INTERVAL = re.compile(r"^-?\d[\d.,]*%? \((?:95% CI )?-?\d[\d.,]*%? to -?\d[\d.,]*%?\)$")


def label_span(escaped: str, text: str, prefix: str) -> str:
    """``[escaped]{.prefix .prefix-slug}``; the slug is the text's ASCII letters and digits joined by '-'."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "none"
    return f"[{escaped}]{{.{prefix} .{prefix}-{slug}}}"


def column_widths(columns: list[list[str]]) -> list[int]:
    """The dashes of each column (its header and cells as plain text): where the table is wider than
    :data:`PRINT_WIDTH_CHARS`, pandoc gives each column this share of the page, so every column gets at
    least its longest word and insets (no word overruns its cell in print, as far as the page allows),
    and the room left goes to the columns by how much more their text wants (up to
    :data:`MAX_RULE_WIDTH` characters a line)."""
    need = [CELL_PADDING_CHARS + max(len(w) for cell in col for w in (cell.split() or [""])) for col in columns]
    want = [max(n, CELL_PADDING_CHARS + min(MAX_RULE_WIDTH, max(len(cell) for cell in col)))
            for n, col in zip(need, columns)]
    if sum(want) <= PRINT_WIDTH_CHARS or sum(need) >= PRINT_WIDTH_CHARS:
        chosen = want if sum(want) <= PRINT_WIDTH_CHARS else need
    else:
        spare, extra = PRINT_WIDTH_CHARS - sum(need), sum(w - n for w, n in zip(want, need))
        chosen = [n + (spare * (w - n)) // extra for n, w in zip(need, want)]
    return [max(3, w) for w in chosen]


def _note_ref(ref: NoteRef) -> str:
    return f"{NOTE_REF_TEXT}^{ref.letter}^"


def notes_block(notes: Mapping[str, str]) -> str:
    """The notes under a table: one paragraph per note, its superscript letter then its text (escaped),
    in a ``.table-notes`` div; empty when there are none."""
    if not notes:
        return ""
    paragraphs = "\n\n".join(f"^{letter}^ {md_escape(' '.join(text.splitlines()))}" for letter, text in notes.items())
    return f"\n::: {{.{TABLE_NOTES}}}\n{paragraphs}\n:::\n"


def pipe_table(
    frame: pd.DataFrame,
    *,
    column_labels: Mapping[str, str] | None = None,
    align: Mapping[str, str] | Sequence[str] | None = None,
    digits: int | Mapping[str, int] | None = None,
    missing: str = DEFAULT_MISSING_MARKER,
    notes: Sequence[str] = (),
) -> str:
    """The frame as a pandoc pipe table: header row, alignment row, one line per row.

    ``column_labels`` renames headers (columns not named keep their name); ``align``
    maps columns to ``left``/``right``/``center`` (default: numbers right, text left);
    ``digits`` fixes the decimals of float columns (one int for all, or per column).
    ``notes`` names the columns whose repeated sentences are stated once under the table
    (:mod:`analysis.report.tables.notes`): the cells show ``see note`` and a superscript letter.
    The dashes of the alignment row set pandoc's relative column widths when a table must
    wrap (in print): :func:`column_widths`, so that no word is wider than its column and short
    columns (a tier, a count) are not squeezed by one long text column.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"Expected a pandas DataFrame, but got {type(frame).__name__}.")
    columns = [str(c) for c in frame.columns]
    if not columns:
        raise ValueError("The table has no columns; expected at least one.")
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise ValueError(f"The table has duplicated column names {duplicated}; rename them first.")
    labels = dict(column_labels or {})
    unknown = sorted(set(labels) - set(columns))
    if unknown:
        raise ValueError(f"column_labels names columns {unknown} that are not in the table; columns are {columns}.")
    unknown = sorted(set(notes) - set(columns))
    if unknown:
        raise ValueError(f"notes names columns {unknown} that are not in the table; columns are {columns}.")
    per_column_digits = digits if isinstance(digits, Mapping) else {c: digits for c in columns}

    header = [md_escape(cell_text(labels.get(c, c))) for c in columns]
    texts = [[cell_text(value, digits=per_column_digits.get(c), missing=missing) for value in frame.iloc[:, i].tolist()]
             for i, c in enumerate(columns)]
    noted = table_notes(texts, [c in notes for c in columns])

    def shown(column: str, value: object, pieces: list) -> str:
        text = "".join(p if isinstance(p, str) else "" for p in pieces)
        if column in LABEL_COLUMNS and not is_missing(value):
            return label_span(md_escape(text), text, LABEL_COLUMNS[column])
        if len(pieces) == 1 and isinstance(pieces[0], str) and _INTERVAL.match(text):
            return f"[{md_escape(text)}]{{.{ESTIMATE}}}"
        return "".join(md_escape(p) if isinstance(p, str) else _note_ref(p) for p in pieces)

    body = [[shown(c, value, pieces) for c, value, pieces in zip(columns, row, noted.cells[r])]
            for r, row in enumerate(frame.itertuples(index=False, name=None))]
    plain = [[labels.get(c, c)] + ["".join(p if isinstance(p, str) else f"{NOTE_REF_TEXT} {p.letter}" for p in row[i])
                                   for row in noted.cells] for i, c in enumerate(columns)]
    widths = column_widths(plain)
    rule = []
    for a, w in zip(_alignments(frame, align), widths):
        dashes = "-" * w
        rule.append({"left": ":" + dashes[1:], "right": dashes[1:] + ":", "center": ":" + dashes[2:] + ":"}[a])

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    return "\n".join([line(header), line(rule)] + [line(r) for r in body]) + "\n" + notes_block(noted.notes)
