"""Read a CSV file as text exactly as written, remembering the line each record starts on.

Records are numbered the way frictionless numbers rows (header = row 1, every physical record
counts, blank ones too), so a frictionless row position maps to a file line through
:meth:`RawTable.line_of`.

Before parsing, the bytes are checked for what makes a file something other than plain
comma-separated UTF-8 with one header: a byte-order mark, another encoding, another delimiter,
control characters. A file whose bytes cannot be read as its header says (not UTF-8, another
delimiter) is marked ``readable=False``: its rows are not checked further, so that one fault is
one problem rather than one per column.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis.data.problems import Problem, problem

__all__ = ["RawTable", "read_raw"]

_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}
_DELIMITERS = {";": "semicolon ';'", "\t": "tab", "|": "vertical bar '|'"}
#: C0 controls and DEL, except tab, line feed and carriage return (line breaks have their own rule).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class RawTable:
    """Header and records of one CSV file as strings; ``lines[i]`` is where ``records[i]`` starts.

    ``readable`` is False when the file could not be read as comma-separated UTF-8 at all;
    ``encoding`` is how frictionless must decode it (``utf-8-sig`` past a byte-order mark).
    """

    file: str
    header: tuple[str, ...]
    records: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]
    problems: tuple[Problem, ...] = field(default=())
    readable: bool = True
    encoding: str = "utf-8"

    def cell(self, row_position: int, column: str | None) -> str | None:
        """The cell as written at a frictionless row position and column, or None if absent."""
        index = row_position - 2
        if column is None or column not in self.header or not 0 <= index < len(self.records):
            return None
        record = self.records[index]
        position = self.header.index(column)
        return record[position] if position < len(record) else None

    def line_of(self, row_position: int) -> int:
        """File line of a frictionless row position (1 = header, 2 = first record, ...)."""
        index = row_position - 2
        if row_position <= 1:
            return 1
        if 0 <= index < len(self.lines):
            return self.lines[index]
        return self.lines[-1] if self.lines else 1

    @property
    def has_rows(self) -> bool:
        """Whether any record holds a non-empty cell (blank rows are not data)."""
        return any(any(cell != "" for cell in record) for record in self.records)


def _first_syntax_error(text: str) -> tuple[int, str] | None:
    """(line, message) of the first CSV syntax error a strict reader finds, or None."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous_end = 0
    try:
        for _ in reader:
            previous_end = reader.line_num
    except csv.Error as exc:
        return previous_end + 1, str(exc)
    return None


def _unreadable(shown: str, found: Problem, encoding: str = "utf-8") -> RawTable:
    return RawTable(file=shown, header=(), records=(), lines=(), problems=(found,), readable=False, encoding=encoding)


def _not_utf8(shown: str, data: bytes, exc: UnicodeDecodeError, offset: int) -> Problem:
    """The first byte that is not UTF-8, located by line and (when the line still parses) column."""
    start = offset + exc.start
    line = data.count(b"\n", 0, start) + 1
    line_start = data.rfind(b"\n", 0, start) + 1
    bad = data[start:start + max(1, exc.end - exc.start)]
    column = None
    try:
        header = next(csv.reader([data[offset:].split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r")]))
        line_end = data.find(b"\n", start)
        text = data[line_start:line_end if line_end != -1 else len(data)].decode("utf-8", errors="replace")
        cells = next(csv.reader([text.rstrip("\r")]))
        position = next(i for i, c in enumerate(cells) if "\ufffd" in c)
        column = header[position] if line > 1 and position < len(header) else None
    except (StopIteration, csv.Error):
        pass
    return problem(shown, line, column, None, "not-utf8",
                   detail=f"byte {bad.hex(' ').upper()} at byte {start + 1} of the file, character {start - line_start + 1} "
                          f"of line {line}, is not UTF-8 ({exc.reason}); the file may be Latin-1 or Windows-1252")


def _delimiter_problem(shown: str, header: list[str]) -> Problem | None:
    """A header that is one cell holding another delimiter: the file is not comma-separated."""
    if len(header) != 1:
        return None
    counts = {d: header[0].count(d) for d in _DELIMITERS}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        return None
    excerpt = header[0] if len(header[0]) <= 60 else header[0][:57] + "..."
    return problem(shown, 1, None, excerpt, "wrong-delimiter",
                   detail=f"the header has no comma but {counts[delimiter]} {_DELIMITERS[delimiter]} delimiter(s): "
                          f"the file is {_DELIMITERS[delimiter].split(' ')[0]}-separated")


def _control_characters(shown: str, line: int, header: tuple[str, ...], record, is_header: bool) -> list[Problem]:
    out = []
    for position, cell in enumerate(record):
        match = _CONTROL.search(cell)
        if match is None:
            continue
        char = match.group()
        name = "NUL" if char == "\x00" else f"U+{ord(char):04X}"
        column = None if is_header else (header[position] if position < len(header) else None)
        where = f"header cell {position + 1}" if is_header else f"character {match.start() + 1} of the cell"
        out.append(problem(shown, line, column, cell.replace(char, "?") if len(cell) <= 40 else cell[:37] + "...",
                           "control-character", detail=f"{name} (U+{ord(char):04X}) at {where}"))
    return out


def read_raw(path: Path, shown: str) -> RawTable:
    """All records of ``path`` as text, read as frictionless reads them (a lenient CSV reader),
    plus problems for unreadable bytes, a byte-order mark, another delimiter, CSV syntax a strict
    reader rejects, control characters and line breaks in cells."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return _unreadable(shown, problem(shown, None, None, None, "file-unreadable", detail=f"{type(exc).__name__}: {exc.strerror or exc}"))
    problems: list[Problem] = []
    encoding, offset = "utf-8", 0
    for mark, name in _OTHER_BOMS.items():
        if data.startswith(mark):
            return _unreadable(shown, problem(shown, 1, None, None, "not-utf8",
                                              detail=f"starts with a {name} byte-order mark: the file is {name}, not UTF-8"))
    if data.startswith(_UTF8_BOM):
        problems.append(problem(shown, 1, None, None, "byte-order-mark",
                                detail="its first three bytes are EF BB BF, before the header"))
        encoding, offset = "utf-8-sig", len(_UTF8_BOM)
    try:
        text = data[offset:].decode("utf-8")
    except UnicodeDecodeError as exc:
        return _unreadable(shown, _not_utf8(shown, data, exc, offset), encoding)
    header: tuple[str, ...] = ()
    records: list[tuple[str, ...]] = []
    lines: list[int] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        previous_end = 0
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if start == 1:
                wrong = _delimiter_problem(shown, record)
                if wrong is not None:
                    return RawTable(file=shown, header=(), records=(), lines=(), problems=(*problems, wrong),
                                    readable=False, encoding=encoding)
                header = tuple(record)
                problems.extend(_control_characters(shown, 1, header, record, is_header=True))
                continue
            records.append(tuple(record))
            lines.append(start)
            problems.extend(_control_characters(shown, start, header, record, is_header=False))
            for name, cell in zip(header, record):
                if "\n" in cell or "\r" in cell:
                    excerpt = cell if len(cell) <= 40 else cell[:37] + "..."
                    problems.append(problem(shown, start, name, excerpt, "line-break-in-cell",
                                            detail=f"the cell runs from line {start} to line {previous_end}"))
    except csv.Error as exc:
        problems.append(problem(shown, None, None, None, "malformed-csv", detail=str(exc)))
    syntax = _first_syntax_error(text)
    if syntax is not None:
        problems.append(problem(shown, syntax[0], None, None, "malformed-csv", detail=syntax[1]))
    return RawTable(file=shown, header=header, records=tuple(records), lines=tuple(lines), problems=tuple(problems),
                    encoding=encoding)
