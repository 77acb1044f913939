"""The dependency-aware cache on the real book: a one-row data edit re-runs only the documents
that read that table, and a cached build equals a fresh one byte for byte."""
from __future__ import annotations

import hashlib

import pytest

from bookrender.build import build
from tests.conftest import copy_project

pytestmark = pytest.mark.render

def book_order(root):
    from bookrender.project import load_project

    return [str(c.source) for c in load_project(root).chapters]


def edit_first_row(path, column, value):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    index = rows[0].index(column)
    rows[1][index] = value(rows[1][index])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def hashes(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_edits_rerun_exactly_the_documents_that_depend_on_them(tmp_path, fixed_epoch):
    """Which documents read a file comes from the record of the previous build; the test checks that
    an edit re-runs exactly those, and that the record matches what the chapters show."""
    from tests.faults.breakage import documents_reading

    root = copy_project(tmp_path / "project")
    order = book_order(root)
    assert build(root, log=lambda m: None).executed == order
    assert build(root, log=lambda m: None).executed == []

    readers = documents_reading(root, "data/screening.csv")
    assert "chapters/01-methods.qmd" in readers and len(readers) < len(order)
    edit_first_row(root / "data" / "screening.csv", "note", lambda note: note + " Edited.")
    assert build(root, log=lambda m: None).executed == sorted(readers, key=order.index)

    readers = documents_reading(root, "data/adverse_events.csv")
    assert "chapters/06-safety.qmd" in readers and "chapters/04-ck.qmd" not in readers
    edit_first_row(root / "data" / "adverse_events.csv", "note", lambda note: note + " Edited.")
    assert build(root, log=lambda m: None).executed == sorted(readers, key=order.index)

    safety = root / "analysis" / "audit" / "safety.py"
    safety.write_text(safety.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    rerun = build(root, log=lambda m: None).executed
    assert "chapters/06-safety.qmd" in rerun and "chapters/02-skin.qmd" not in rerun

    chapter = root / "chapters" / "04-ck.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    cached = build(root, log=lambda m: None)
    assert cached.executed == ["chapters/04-ck.qmd"]

    fresh = build(root, output_dir="_site_fresh", use_cache=False, log=lambda m: None)
    assert fresh.executed == order
    assert hashes(cached.output_dir) == hashes(fresh.output_dir)
