"""Numbering and cross-references across the pages of a book."""
import pytest

from bookrender.errors import RenderError, SourceError
from bookrender.pandoc import to_html
from bookrender.project import load_project
from bookrender.qmd import parse_qmd
from bookrender.site import citation_order
from bookrender.xref import LabelIndex, check_references, references_block
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


def resolved(text: str, index, from_page: str | None) -> str:
    """The HTML pandoc makes of `text` on page `from_page` (None: the PDF's one document), with the
    page's table of references and the book's Lua filter, as a build does."""
    body = to_html(references_block(index, from_page) + "\n\n" + text, what="a test page", title="t",
                   bibliography=None, csl=None, toc_depth=2).body.strip()
    assert body.startswith("<p>") and body.endswith("</p>"), body
    return body[3:-4]


def test_links_are_relative_between_pages_and_local_in_the_pdf(minibook):
    _, _, index = minibook
    assert resolved("see @fig-bar.", index, "index.html") == 'see <a href="chapters/one.html#fig-bar">Figure 1.1</a>.'
    assert resolved("see @sec-one", index, "chapters/extra.html") == 'see <a href="one.html#sec-one">Chapter 1</a>'
    assert resolved("see @fig-bar", index, None) == 'see <a href="#fig-bar">Figure 1.1</a>'


def test_the_number_alone_and_a_bracketed_reference_read_as_quarto_prints_them(minibook):
    _, _, index = minibook
    assert resolved("Figure -@fig-bar and [@tbl-values]", index, None) == \
        'Figure <a href="#fig-bar">1.1</a> and <a href="#tbl-values">Table 1.1</a>'


def test_references_in_code_and_emails_are_left_alone(minibook):
    _, _, index = minibook
    text = "mail a@fig-bar.org and `@fig-bar` stay"
    assert resolved(text, index, None) == "mail a@fig-bar.org and <code>@fig-bar</code> stay"
    check_references(text, index, "x.qmd", 1)  # no error: neither is a reference
    block = to_html(references_block(index, None) + "\n\n```\n@fig-bar and @fig-nothing\n```\n", what="a test page",
                    title="t", bibliography=None, csl=None, toc_depth=2).body
    assert "<code>@fig-bar and @fig-nothing</code>" in block


def test_a_citation_stays_a_citation(minibook):
    _, _, index = minibook
    # pandoc reads a bracket after an in-text reference as part of the same citation: it stays as written
    assert resolved("see @fig-bar [@doe2020]", index, None) == \
        'see <a href="#fig-bar">Figure 1.1</a> <span class="citation" data-cites="doe2020">[@doe2020]</span>'
    assert resolved("see @fig-bar [p. 3]", index, None) == 'see <a href="#fig-bar">Figure 1.1</a> [p.\u00a03]'
    assert citation_order(["@fig-bar and @sec-one cite nothing; [@doe2020] does, @tbl-values not"]) == ["doe2020"]


def test_unknown_reference_names_file_and_line(minibook):
    _, _, index = minibook
    with pytest.raises(SourceError, match=r"^chapters/one.qmd:12: cross-reference '@fig-missing'"):
        check_references("line 10\nline 11\nsee @fig-missing", index, "chapters/one.qmd", 10)
    with pytest.raises(SourceError, match=r"^chapters/one.qmd:11: cross-reference '@tbl-values.old'"):
        check_references("`@fig-missing` in code\nsee @tbl-values.old.", index, "chapters/one.qmd", 10)


def test_the_pdf_refers_with_typst_references(minibook):
    """In Typst a reference to a numbered target is Typst's own `#ref` to the label on its target (Typst names
    it from the number it gave the target, and refuses to compile when the label is missing); a table or figure
    is a Typst figure carrying the label."""
    import subprocess

    from bookrender.pandoc import LUA_FILTER, READER, pandoc_path

    _, _, index = minibook
    text = (references_block(index, None) + "\n\n::: {#fig-bar .book-figure}\nA bar.\n\n::: {.fig-caption}\nBars.\n:::\n"
            ":::\n\nAs @fig-bar shows, see @sec-extra (-@sec-extra).\n")
    args = [pandoc_path(), "-f", READER, "-t", "typst", "--wrap=none", f"--lua-filter={LUA_FILTER}"]
    typst = subprocess.run(args, check=True, input=text.encode("utf-8"), capture_output=True).stdout.decode("utf-8")
    assert "#figure(kind: image, supplement: [Figure], numbering: chapter-numbering, caption: [\nBars.\n])[" in typst
    assert "] <fig-bar>" in typst
    assert "As #ref(<fig-bar>); shows, see #ref(<sec-extra>); (#ref(<sec-extra>, supplement: none);)." in typst
    assert "#link(" not in typst and "bookrender" not in typst and "@" not in typst


def test_an_unknown_or_grouped_reference_reaching_pandoc_fails(minibook):
    """The tree decides what a reference is; one the check above could not see still fails."""
    _, _, index = minibook
    with pytest.raises(RenderError, match="'@fig-nothing' points at no figure"):
        resolved("see @fig-nothing", index, None)
    with pytest.raises(RenderError, match="write each cross-reference on its own"):
        resolved("see [@fig-bar; @tbl-values]", index, None)


def test_a_figure_without_alt_text_is_refused(tmp_path):
    root = copy_minibook(tmp_path / "mini")
    path = root / "chapters" / "one.qmd"
    path.write_text(path.read_text().replace('#| fig-alt: "A single blue bar."\n', ""))
    project = load_project(root)
    docs = {str(c.source): parse_qmd(root, c.source) for c in project.chapters}
    with pytest.raises(SourceError, match="needs `#| fig-alt:`"):
        LabelIndex(project, docs)
