"""Broken data, a broken cell, a missing data file: the render stops with a message that says where
and what to do, and the previous `_site/` stays exactly as it was."""
from __future__ import annotations

import pytest

from analysis.data.problems import RULES
from bookrender.build import build
from bookrender.errors import CellError
from bookrender.project import load_project
from tests.faults.breakage import (CORRUPTIONS, Corruption, _set_cell, documents_reading, edited, first_difference,
                                   site_manifest)

pytestmark = pytest.mark.render


def quiet(msg):
    return None


def _byte_order_mark(text: str) -> tuple[str, int, None]:
    return "\ufeff" + text, 1, None  # written as UTF-8: the file starts with EF BB BF, as Excel saves it


#: malformed input the loader used to accept or crash on (tests/data/test_malformed_input.py has
#: every case; these two go through a whole render: a cell-level and a file-level fault).
MALFORMED = (
    Corruption("a NaN standard deviation", "data/outcomes.csv", "non-finite-number",
               _set_cell("sd_before", lambda old, row: "NaN" if old.strip() else None)),
    Corruption("a file saved with a byte-order mark", "data/arms.csv", "byte-order-mark", _byte_order_mark),
)


def assert_site_untouched(root, before):
    after = site_manifest(root / "_site")
    assert after == before, f"the failed render changed _site/: {first_difference(before, after)}"
    assert not list(root.glob("_site.tmp-*")), "the failed render left its staging folder behind"


@pytest.mark.parametrize("corruption", CORRUPTIONS + MALFORMED, ids=[c.name for c in CORRUPTIONS + MALFORMED])
def test_corrupt_data_stops_the_render_with_the_validation_message(faults_book, fixed_epoch, corruption):
    root = faults_book
    assert documents_reading(root, corruption.file), (
        f"no document of the book reads {corruption.file}, so corrupting it cannot stop the render")
    before = site_manifest(root / "_site")
    path = root / corruption.file
    broken, line, column = corruption.apply(path.read_text(encoding="utf-8"))
    with edited(path, broken):
        with pytest.raises(CellError) as info:
            build(root, log=quiet)
    message = str(info.value)
    assert "DataValidationError" in message
    assert f"{corruption.file}, line {line}" in message, message
    if column:
        assert f"{corruption.file}, line {line}, column {column}" in message, message
    assert f"rule '{corruption.rule}'" in message, message
    problem_line = next(ln for ln in message.splitlines() if f"{corruption.file}, line {line}" in ln)
    assert problem_line.partition("; fix: ")[2].strip(), f"the message must say how to fix the data: {problem_line}"
    assert "the previous site was left untouched" in message
    assert_site_untouched(root, before)


def test_a_missing_data_file_stops_the_render_and_says_how_to_restore_it(faults_book, fixed_epoch):
    root, rel = faults_book, "data/outcomes.csv"
    assert documents_reading(root, rel), f"no document of the book reads {rel}"
    before = site_manifest(root / "_site")
    with edited(root / rel, None):
        with pytest.raises(CellError) as info:
            build(root, log=quiet)
    message = str(info.value)
    assert f"{rel}: " in message and "rule 'file-missing'" in message, message
    assert RULES["file-missing"][1] in message, "the message must say how to restore the file"
    assert_site_untouched(root, before)


def test_a_failing_cell_names_the_chapter_the_cell_and_the_line_and_says_what_to_do(faults_book, fixed_epoch):
    root = faults_book
    rel = load_project(root).chapters[-1].source.as_posix()
    chapter = root / rel
    text = chapter.read_text(encoding="utf-8").rstrip("\n")
    fence_line = text.count("\n") + 3  # after the last line and one blank line
    broken = text + '\n\n```{python}\n#| label: deliberately-broken\nraise RuntimeError("a deliberately broken cell")\n```\n'
    before = site_manifest(root / "_site")
    with edited(chapter, broken):
        with pytest.raises(CellError) as info:
            build(root, log=quiet)
    message = str(info.value)
    assert message.startswith(f"{rel}:{fence_line}: cell 'deliberately-broken' raised RuntimeError: "
                              f"a deliberately broken cell"), message
    assert "Fix the cell (or the data it reads) and render again." in message
    assert_site_untouched(root, before)
