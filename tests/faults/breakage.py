"""Ways to break a copy of the book, and what to look at afterwards.

- ``CORRUPTIONS``: one entry per kind of data corruption the loader must catch (see
  ``analysis.data.problems.RULES``), each editing one CSV cell, header or row of ``data/`` and
  saying where (file, line, column) the validation message must point;
- ``edited(path, text)``: a context manager that changes a file and restores its bytes (or its
  absence) afterwards;
- ``copy_built_project(root, dest)``: a copy of a built project, its site and cache included;
- ``site_manifest(folder)``: the SHA-256 of every file of a site, by relative path;
- ``first_difference(a, b)``: the first file where two manifests differ, named for a message;
- ``documents_reading(root, rel)``: the documents whose last execution read a project file.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CORRUPTIONS", "Corruption", "copy_built_project", "documents_reading", "edited", "first_difference",
           "site_manifest"]


def copy_built_project(built_root: Path, dest: Path) -> Path:
    """A copy of an already built project with its ``_site/`` and execution cache, so a test can
    break it and rebuild without executing the documents that its change does not touch."""
    shutil.copytree(built_root, dest, symlinks=True, ignore=shutil.ignore_patterns("_site.tmp-*", "__pycache__"))
    return dest


def site_manifest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def first_difference(a: dict[str, str], b: dict[str, str]) -> str | None:
    """The first path (in sorted order) that is missing from one manifest or differs, described; None if equal."""
    for path in sorted(set(a) | set(b)):
        if path not in a or path not in b:
            return f"{path}: only in the {'second' if path not in a else 'first'} site"
        if a[path] != b[path]:
            return f"{path}: different bytes"
    return None


@contextmanager
def edited(path: Path, text: str | None) -> Iterator[Path]:
    """Write ``text`` to ``path`` (None deletes it); restore the original afterwards."""
    original = path.read_bytes() if path.exists() else None
    try:
        if text is None:
            path.unlink()
        else:
            path.write_text(text, encoding="utf-8")
        yield path
    finally:
        if original is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(original)


def documents_reading(root: Path, rel: str) -> list[str]:
    """Documents whose cached execution (``.bookcache/exec``) read or imported ``rel``."""
    readers = []
    for entry in sorted((root / ".bookcache" / "exec").glob("*.json")):
        data = json.loads(entry.read_text(encoding="utf-8"))
        if rel in data.get("deps", {}):
            readers.append(data["executed"]["path"])
    return readers


def _row(line: str) -> list[str]:
    return next(csv.reader([line]))


def _line(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


@dataclass(frozen=True)
class Corruption:
    """One kind of broken data: ``apply`` takes the CSV text and returns (broken text, line, column)."""

    name: str
    file: str  # relative to the project root, e.g. data/outcomes.csv
    rule: str  # the rule of analysis.data.problems.RULES the loader must report
    apply: Callable[[str], tuple[str, int, str | None]]


def _set_cell(column: str, value: Callable[[str, dict], str | None]):
    """Replace ``column`` in the first data row where ``value(old, row)`` gives a new value."""

    def apply(text: str) -> tuple[str, int, str | None]:
        lines = text.split("\n")
        header = _row(lines[0])
        for number, line in enumerate(lines[1:], start=2):
            if not line.strip():
                continue
            fields = _row(line)
            row = dict(zip(header, fields))
            new = value(row[column], row)
            if new is not None:
                fields[header.index(column)] = new
                lines[number - 1] = _line(fields)
                return "\n".join(lines), number, column
        raise AssertionError(f"no row suits this corruption of column {column!r}")

    return apply


def _unclosed_quote(column: str):
    def apply(text: str) -> tuple[str, int, str | None]:
        lines = text.split("\n")
        header = _row(lines[0])
        fields = _row(lines[1])
        value = fields[header.index(column)]
        fields[header.index(column)] = "@@CELL@@"
        lines[1] = _line(fields).replace("@@CELL@@", '"' + value.replace('"', ""))  # a quote that never closes
        return "\n".join(lines), 2, column

    return apply


def _duplicate_first_row(text: str) -> tuple[str, int, str | None]:
    lines = text.rstrip("\n").split("\n")
    lines.append(lines[1])
    return "\n".join(lines) + "\n", len(lines), None


def _rename_header(old: str, new: str):
    def apply(text: str) -> tuple[str, int, str | None]:
        lines = text.split("\n")
        header = _row(lines[0])
        header[header.index(old)] = new
        lines[0] = _line(header)
        return "\n".join(lines), 1, old  # the schema's column is now missing

    return apply


def _filled(old: str, row: dict) -> bool:
    return old.strip() != ""


CORRUPTIONS = (
    Corruption("text in a number column", "data/outcomes.csv", "wrong-type",
               _set_cell("n", lambda old, row: "ten" if _filled(old, row) else None)),
    Corruption("a negative SD", "data/outcomes.csv", "sd-non-negative",
               _set_cell("sd_before", lambda old, row: f"-{old}" if _filled(old, row) and float(old) > 0 else None)),
    Corruption("more events than patients", "data/outcomes.csv", "events-within-total",
               _set_cell("events", lambda old, row: str(int(row["total"]) + 1) if old and row["total"] else None)),
    Corruption("a reference to a source that does not exist", "data/outcomes.csv", "unknown-reference",
               _set_cell("source_id", lambda old, row: "no_such_source" if _filled(old, row) else None)),
    Corruption("a duplicated row", "data/studies.csv", "duplicate-key", _duplicate_first_row),
    Corruption("a quote that never closes", "data/arms.csv", "line-break-in-cell", _unclosed_quote("label")),
    Corruption("a renamed column", "data/outcomes.csv", "missing-column", _rename_header("sd_before", "sd_pre")),
)
