"""The dependency-aware cache on the real book: a one-row data edit re-runs only the documents
that read that table, and a cached build equals a fresh one byte for byte."""
from __future__ import annotations

import hashlib

import pytest

from bookrender.build import build
from tests.conftest import copy_project

pytestmark = pytest.mark.render

# Which documents read which tables, from each chapter's load() call (the front page, the
# limitations chapter and the reproduction report run every consistency check, so they read all).
READ_EVERYTHING = ["index.qmd", "chapters/07-limitations.qmd", "chapters/appendix-reproduction.qmd"]
ORDER = ["index.qmd", "chapters/01-methods.qmd", "chapters/02-skin.qmd", "chapters/03-muscle.qmd",
         "chapters/04-ck.qmd", "chapters/05-adm-ild.qmd", "chapters/06-safety.qmd", "chapters/07-limitations.qmd",
         "chapters/appendix-reproduction.qmd"]


def in_book_order(docs):
    return sorted(docs, key=ORDER.index)


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
    root = copy_project(tmp_path / "project")
    assert build(root, log=lambda m: None).executed == ORDER
    assert build(root, log=lambda m: None).executed == []

    edit_first_row(root / "data" / "risk_of_bias.csv", "jbi_q9", lambda score: "1" if score != "1" else "2")
    assert build(root, log=lambda m: None).executed == in_book_order(READ_EVERYTHING + ["chapters/01-methods.qmd"])

    edit_first_row(root / "data" / "adverse_events.csv", "note", lambda note: note + " Edited.")
    assert build(root, log=lambda m: None).executed == in_book_order(READ_EVERYTHING + ["chapters/06-safety.qmd"])

    safety = root / "analysis" / "safety.py"
    safety.write_text(safety.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    rerun = build(root, log=lambda m: None).executed
    assert "chapters/06-safety.qmd" in rerun and "chapters/02-skin.qmd" not in rerun

    chapter = root / "chapters" / "04-ck.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    cached = build(root, log=lambda m: None)
    assert cached.executed == ["chapters/04-ck.qmd"]

    fresh = build(root, output_dir="_site_fresh", use_cache=False, log=lambda m: None)
    assert fresh.executed == ORDER
    assert hashes(cached.output_dir) == hashes(fresh.output_dir)
