"""Numbering and cross-references across the pages of a book."""
import pytest

from bookrender.errors import SourceError
from bookrender.project import load_project
from bookrender.qmd import parse_qmd
from bookrender.xref import LabelIndex, resolve_references
from tests.conftest import copy_minibook


@pytest.fixture
def minibook(tmp_path):
    root = copy_minibook(tmp_path / "mini")
    project = load_project(root)
    docs = {str(c.source): parse_qmd(root, c.source) for c in project.chapters}
    return project, docs, LabelIndex(project, docs)


def test_numbers_follow_quarto_books(minibook):
    project, _, index = minibook
    assert [c.number for c in project.chapters] == [None, "1", "A"]
    assert index.targets["fig-bar"].text == "Figure 1.1"
    assert index.targets["tbl-values"].text == "Table 1.1"
    assert index.targets["sec-one"].text == "Chapter 1"
    assert index.targets["sec-first-section"].text == "Section 1.1"
    assert index.targets["sec-extra"].text == "Appendix A"


def test_links_are_relative_between_pages_and_local_in_the_pdf(minibook):
    _, _, index = minibook
    assert resolve_references("see @fig-bar.", index, "index.qmd", 1, "index.html") == \
        "see [Figure 1.1](chapters/one.html#fig-bar)."
    assert resolve_references("see @sec-one", index, "x.qmd", 1, "chapters/extra.html") == \
        "see [Chapter 1](one.html#sec-one)"
    assert resolve_references("see @fig-bar", index, "x.qmd", 1, None) == "see [Figure 1.1](#fig-bar)"


def test_references_in_code_and_emails_are_left_alone(minibook):
    _, _, index = minibook
    text = "mail a@fig-bar.org and `@fig-bar` stay; [@doe2020] is a citation"
    assert resolve_references(text, index, "x.qmd", 1, None) == text


def test_unknown_reference_names_file_and_line(minibook):
    _, _, index = minibook
    with pytest.raises(SourceError, match=r"^chapters/one.qmd:12: cross-reference '@fig-missing'"):
        resolve_references("line 10\nline 11\nsee @fig-missing", index, "chapters/one.qmd", 10, None)


def test_a_figure_without_alt_text_is_refused(tmp_path):
    root = copy_minibook(tmp_path / "mini")
    path = root / "chapters" / "one.qmd"
    path.write_text(path.read_text().replace('#| fig-alt: "A single blue bar."\n', ""))
    project = load_project(root)
    docs = {str(c.source): parse_qmd(root, c.source) for c in project.chapters}
    with pytest.raises(SourceError, match="needs `#| fig-alt:`"):
        LabelIndex(project, docs)
