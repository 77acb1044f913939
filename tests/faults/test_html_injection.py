"""Text from the data is shown as text, never run as markup: a data cell holding
`<script>alert(1)</script>` and `<b>bold</b>` reads literally on the page (no script runs, no bold
element appears) and in the PDF.

The test finds a free-text cell of the data package (a string column with no pattern or allowed
values, not a key) whose value the built book prints both on a page and in the PDF, appends the
markup to it in a copy of the project, renders, and reads the page in Chromium and the PDF."""
from __future__ import annotations

import csv
import io
import json

import pytest

from bookrender.build import build
from bookrender.project import load_project
from tests.browser.chromium import browser_context, chromium_browser, open_page, serve  # noqa: F401 - fixtures
from tests.browser.site_pages import reading_text
from tests.faults.breakage import copy_built_project
from tests.pdf.html_tree import read_html
from tests.pdf.pdf_text import flat, letters, pdf_text

pytestmark = [pytest.mark.render, pytest.mark.browser]

MARKUP = "<script>alert(1)</script> <b>bold</b>"
MIN_VALUE_WORDS = 4  # prose, long enough that finding it on a page is no coincidence (not an identifier)


def _free_text_columns(root):
    descriptor = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        keys = set(schema.get("primaryKey") or [])
        for fk in schema.get("foreignKeys", []):
            fields = fk["fields"]
            keys |= set([fields] if isinstance(fields, str) else fields)
        for field in schema["fields"]:
            constraints = field.get("constraints", {})
            if field["type"] == "string" and not {"pattern", "enum"} & set(constraints) and field["name"] not in keys:
                yield f"data/{resource['path']}", field["name"]


def _shown_cell(root, site, pdf):
    """(file, line, column, value, page) of a data cell whose value a page and the PDF both print."""
    pages = {c.html_path.as_posix(): flat(read_html(site / c.html_path).find("main").text())
             for c in load_project(root).chapters}
    pdf_letters = letters(pdf_text(pdf))
    for rel, column in _free_text_columns(root):
        text = (root / rel).read_text(encoding="utf-8")
        for line_number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
            value = row[column]
            if len(value.split()) < MIN_VALUE_WORDS:
                continue
            for page, page_text in pages.items():
                if flat(value) in page_text and letters(value) in pdf_letters:
                    return rel, line_number, column, value, page
    return None


def _with_cell(text: str, line_number: int, column: str, value: str) -> str:
    lines = text.split("\n")
    header = next(csv.reader([lines[0]]))
    fields = next(csv.reader([lines[line_number - 1]]))
    fields[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    lines[line_number - 1] = out.getvalue()
    return "\n".join(lines)


def test_markup_in_a_data_field_is_shown_as_text_on_the_page_and_in_the_pdf(built_book, tmp_path, fixed_epoch,
                                                                           browser_context):
    root = copy_built_project(built_book.output_dir.parent, tmp_path / "project")
    shown = _shown_cell(root, root / "_site", root / "_site" / built_book.pdf.name)
    assert shown is not None, ("no free-text value of the data (a note, description, citation, label...) appears "
                               "both on a page and in the PDF, so there is nothing to inject markup into")
    rel, line, column, value, page = shown
    path = root / rel
    path.write_text(_with_cell(path.read_text(encoding="utf-8"), line, column, f"{value} {MARKUP}"), encoding="utf-8")
    report = build(root, log=lambda msg: None)
    where = f"{rel}, line {line}, column {column} (shown on {page})"

    with serve(report.output_dir) as url:
        visit = open_page(browser_context, url + page)
        visit.page.wait_for_load_state("networkidle")
        text = reading_text(visit.page)
        bold = visit.page.evaluate("() => Array.from(document.querySelectorAll('b')).filter(b => b.textContent === 'bold').length")
        scripts = visit.page.evaluate("() => Array.from(document.scripts).filter(s => s.textContent.includes('alert(1)')).length")
    assert visit.recorder.dialogs == [], f"{where}: the injected script ran: {visit.recorder.dialogs}"
    assert MARKUP in text, f"{where}: the page does not show the markup as text"
    assert bold == 0, f"{where}: <b>bold</b> became a bold element"
    assert scripts == 0, f"{where}: <script> became a script element"
    assert visit.recorder.problems() == {}, visit.recorder.problems()

    pdf = "".join(pdf_text(report.pdf).split())
    assert "".join(MARKUP.split()) in pdf, f"{where}: the PDF does not show the markup as text"
