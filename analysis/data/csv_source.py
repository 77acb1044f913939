"""Read a CSV file as text exactly as written, remembering the line each record starts on.

Records are numbered the way frictionless numbers rows (header = row 1, every physical record
counts, blank ones too), so a frictionless row position maps to a file line through
:meth:`RawTable.line_of`.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from analysis.data.problems import Problem, problem

__all__ = ["RawTable", "read_raw"]


@dataclass(frozen=True)
class RawTable:
    """Header and records of one CSV file as strings; ``lines[i]`` is where ``records[i]`` starts."""

    file: str
    header: tuple[str, ...]
    records: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]
    problems: tuple[Problem, ...] = field(default=())

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


def _first_syntax_error(path: Path) -> tuple[int, str] | None:
    """(line, message) of the first CSV syntax error a strict reader finds, or None."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, strict=True)
        previous_end = 0
        try:
            for _ in reader:
                previous_end = reader.line_num
        except csv.Error as exc:
            return previous_end + 1, str(exc)
    return None


def read_raw(path: Path, shown: str) -> RawTable:
    """All records of ``path`` as text, read as frictionless reads them (a lenient CSV reader),
    plus problems for unreadable bytes, CSV syntax a strict reader rejects, and line breaks in cells."""
    problems: list[Problem] = []
    header: tuple[str, ...] = ()
    records: list[tuple[str, ...]] = []
    lines: list[int] = []
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            previous_end = 0
            for record in reader:
                start = previous_end + 1
                previous_end = reader.line_num
                if start == 1:
                    header = tuple(record)
                    continue
                records.append(tuple(record))
                lines.append(start)
                for name, cell in zip(header, record):
                    if "\n" in cell or "\r" in cell:
                        excerpt = cell if len(cell) <= 40 else cell[:37] + "..."
                        problems.append(problem(shown, start, name, excerpt, "line-break-in-cell",
                                                detail=f"the cell runs from line {start} to line {previous_end}"))
        syntax = _first_syntax_error(path)
        if syntax is not None:
            problems.append(problem(shown, syntax[0], None, None, "malformed-csv", detail=syntax[1]))
    except UnicodeDecodeError as exc:
        problems.append(problem(shown, None, None, None, "malformed-csv", detail=f"not UTF-8: {exc.reason} at byte {exc.start}"))
    except csv.Error as exc:
        problems.append(problem(shown, None, None, None, "malformed-csv", detail=str(exc)))
    return RawTable(file=shown, header=header, records=tuple(records), lines=tuple(lines), problems=tuple(problems))
