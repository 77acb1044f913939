"""The PDF numbers its headings, tables and figures with Typst, and its cross-references are Typst references
(`#ref(<label>)`), which must print what bookrender's own numbering (`LabelIndex`, which the HTML prints) says:
a mini book with a chapter, an appendix with a section and two tables, and references in both directions, is set
in Typst with the book's template and compiled; its printed text is compared with the index's wording."""
from __future__ import annotations

import re

import pypdf
import pytest

from bookrender.assemble import assemble
from bookrender.execute import ExecutedDocument
from bookrender.fonts import FAMILY
from bookrender.pandoc import to_typst
from bookrender.pdf import compile_pdf
from bookrender.project import load_project
from bookrender.qmd import INLINE_EXPR, Markdown, parse_qmd
from bookrender.xref import LabelIndex
from tests.conftest import copy_minibook

LABELS = ("fig-bar", "tbl-values", "sec-one", "sec-first-section", "sec-extra", "sec-more", "tbl-more", "tbl-most",
          "sec-notes")
#: one sentence naming every target, written in the chapter and in the appendix (references back and forth)
SENTENCE = "Every target: " + ", ".join(f"@{label}" for label in LABELS) + "; the number alone: -@tbl-more."
APPENDIX_ADDITION = f"""
## More material {{#sec-more}}

```{{python}}
#| label: tbl-more
#| tbl-cap: "More values."
1
```

```{{python}}
#| label: tbl-most
#| tbl-cap: "Most values."
1
```

## Notes {{#sec-notes .unnumbered}}

{SENTENCE}
"""


MARKDOWN_TABLE = {"output_type": "display_data", "data": {"text/markdown": "| a | b |\n|---|---|\n| 1 | 2 |"}}


def _executed_as_tables(doc) -> ExecutedDocument:
    """A document as if run, each table cell showing a markdown table (which pandoc sets in a figure of its own)
    and other cells nothing, each inline expression `0`: the numbering is the point."""
    values = {m.group("expr").strip(): "0" for block in doc.blocks if isinstance(block, Markdown)
              for m in INLINE_EXPR.finditer(block.text)}
    outputs = tuple((MARKDOWN_TABLE,) if (cell.label or "").startswith("tbl-") else () for cell in doc.cells)
    return ExecutedDocument(str(doc.path), outputs, values, (), {})


@pytest.fixture(scope="module")
def typst_book(tmp_path_factory):
    """(LabelIndex, the Typst source, the PDF's text with white space collapsed) of the extended mini book."""
    pytest.importorskip("typst")
    root = copy_minibook(tmp_path_factory.mktemp("typst-refs") / "mini")
    one, extra = root / "chapters" / "one.qmd", root / "chapters" / "extra.qmd"
    one.write_text(one.read_text(encoding="utf-8") + f"\n{SENTENCE}\n", encoding="utf-8")
    extra.write_text(extra.read_text(encoding="utf-8") + APPENDIX_ADDITION, encoding="utf-8")
    project = load_project(root)
    docs = {str(c.source): parse_qmd(root, c.source) for c in project.chapters}
    index = LabelIndex(project, docs)
    markdown = "\n\n".join(assemble(docs[str(c.source)], _executed_as_tables(docs[str(c.source)]), "typst",
                                    index, project.execute, None).markdown for c in project.chapters)
    workdir = root / ".typst"
    workdir.mkdir()
    typ = to_typst(markdown, metadata={"title": project.title, "author": list(project.authors), "citation": "c"},
                   variables={"version": "1", "build-date": "2026-01-02", "build-year": 2026, "build-month": 1,
                              "build-day": 2, "mainfont": FAMILY},
                   bibliography=project.bibliography, csl=project.csl, workdir=workdir)
    (workdir / "book.typ").write_text(typ, encoding="utf-8")
    compile_pdf(workdir / "book.typ", root / "book.pdf", root=workdir, timestamp=0)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(root / "book.pdf").pages)
    return index, typ, " ".join(text.split())


def test_every_reference_prints_as_the_index_names_it(typst_book):
    index, _, text = typst_book
    names = ", ".join(index.reference(label, None).text for label in LABELS)
    expected = f"Every target: {names}; the number alone: {index.targets['tbl-more'].number}."
    assert [index.targets[label].text for label in ("sec-more", "tbl-more", "tbl-most",
          "sec-notes")] == \
        ["Section A.1", "Table A.1", "Table A.2", "Notes"]
    assert text.count(expected) == 2, f"expected twice: {expected!r}"


def test_headings_and_captions_carry_the_index_numbers(typst_book):
    index, _, text = typst_book
    for label in ("sec-one", "sec-first-section", "sec-extra", "sec-more"):
        target = index.targets[label]
        assert f"{target.number} {target.title}" in text, target
    for label in ("fig-bar", "tbl-values", "tbl-more", "tbl-most"):
        target = index.targets[label]
        assert f"{target.text}: {target.title}" in text, target
    assert "Notes" in text and not re.search(r"[\dA-Z]\.\d+ Notes", text), "an unnumbered heading got a number"
    assert "Welcome" in text and "Welcome" not in re.findall(r"\d+ Welcome", text)


def test_the_typst_source_refers_with_typst_references(typst_book):
    """A numbered target is referred to with `#ref`; an unnumbered section, which Typst cannot name, by a link
    with its title."""
    index, typ, _ = typst_book
    body = typ[typ.index("#outline("):]
    for label in LABELS:
        assert re.search(rf"^(\] )?<{re.escape(label)}>$", body, re.M), f"no Typst heading or figure labelled {label}"
        if index.targets[label].number is None:
            assert f"#link(<{label}>)[{index.targets[label].title}]" in body
        else:
            assert body.count(f"#ref(<{label}>);") >= 2, label
    assert len(re.findall(r"#link\(<(fig|tbl|sec)-", body)) == 2, "a numbered target's reference written as a link"
    assert "header-section-number" not in body and not re.search(r"^=+ \d", body, re.M)
