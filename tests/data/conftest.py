"""Helpers for the data tests: a copy of data/ in a temporary folder, and small CSV editors that
change one thing and report the file line they changed (found by reading the file, not the loader)."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from analysis.paths import DATA_DIR


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of the shipped data package."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def read_rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def line_of(path: Path, startswith: str) -> int:
    """The 1-based line of the only line of ``path`` that starts with ``startswith``."""
    hits = [i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text.startswith(startswith)]
    assert len(hits) == 1, f"{startswith!r} starts {len(hits)} lines of {path.name}"
    return hits[0]


def set_cell(data_dir: Path, table: str, row_start: str, column: str, value: str) -> int:
    """Set ``column`` of the row whose line starts with ``row_start``; return that row's line."""
    path = data_dir / f"{table}.csv"
    line = line_of(path, row_start)
    rows = read_rows(path)
    header = rows[0]
    rows[line - 1][header.index(column)] = value  # data files have no multi-line cells
    write_rows(path, rows)
    return line


def problems_of(excinfo) -> list[tuple[str, int | None, str | None, str]]:
    """(file name, line, column, rule) of every problem of a DataValidationError."""
    return [(Path(p.file).name, p.line, p.column, p.rule) for p in excinfo.value.problems]
