"""Text from the data is shown as text, never run as markup, wherever it appears.

A copy of the project gets a hostile suffix appended to every non-empty value of every free-text
field of every table (string fields with no pattern or allowed values that are not keys): HTML with
scripts and event handlers, Markdown (emphasis, math, citations, a `javascript:` link, an external
image and an autolink), Typst and pandoc raw-attribute syntax, and a second part mixing Hebrew,
Arabic, an emoji with a joiner and bidi controls. The loader must either accept a field or reject
it with a message naming its file and column (a field the code parses, such as a DOI); the book is
then rendered with every accepted field changed at once, and every page is read in Chromium:
nothing runs, nothing is requested off-site, no element is made from the payload, and each time
the payload's start marker appears on a page or in the PDF, the whole payload follows literally.
"""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from analysis.data import load
from analysis.data.problems import DataValidationError
from analysis.report.reader_names import reader_names
from bookrender.build import build
from bookrender.project import load_project
from tests.browser.chromium import browser_context, chromium_browser, open_page, serve  # noqa: F401 - fixtures
from tests.browser.site_pages import reading_text
from tests.faults.breakage import copy_built_project
from tests.pdf.pdf_text import pdf_text

pytestmark = [pytest.mark.render, pytest.mark.browser]

START, END = "HOSTILE{", "}END"
MARKUP = ("<script>alert('s')</script> <img src=x onerror=alert('i')> **strong** _em_ $x^2$ [@ma2024] @ma2024 "
          "[link](javascript:alert('l')) ![pic](https://example.org/p.png) <https://example.org/a> "
          "`#text(red)[typst]`{=typst} #strong[t] `<u>raw</u>`{=html} &amp;\\ |")
# (no "; " or ": " inside the payload: a table states a part of a cell that repeats down its column once, as a
# note, and splits cells there; the payload must stay one piece to be compared whole)
SCRIPTS = "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \U0001F469\u200d\U0001F52C \u202eRLO\u202c \u2067iso\u2069"
PAYLOAD = f"{START} {MARKUP} {SCRIPTS} {END}"
# Elements the payload would create if any of it were read as markup (a chart's data travels in a
# JSON script element, which never runs, so only script elements that run are counted).
INJECTED = """() => ({
  scripts: Array.from(document.scripts).filter(s => ["", "text/javascript", "module", "application/javascript"]
    .includes((s.getAttribute("type") || "").toLowerCase()) && s.textContent.includes("alert(")).length,
  handlers: document.querySelectorAll("[onerror], [onload], [onclick]").length,
  images: Array.from(document.images).filter(i => /(^|\\/)x$|example\\.org/.test(i.getAttribute("src") || "")).length,
  links: Array.from(document.querySelectorAll("a[href]")).filter(a => /^javascript:|example\\.org/i.test(a.getAttribute("href"))).length,
  strong: Array.from(document.querySelectorAll("strong, b, em, u")).filter(e => ["strong", "em", "raw", "t"].includes(e.textContent)).length,
  math: document.querySelectorAll(".math, math").length,
})"""


def free_text_columns(root):
    """(file, column) of every string field with no pattern or allowed values that is not a key."""
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


def with_payload(text: str, column: str) -> str:
    """The CSV ``text`` with the payload appended to every non-empty value of ``column``."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    at = rows[0].index(column)
    for row in rows[1:]:
        if row and row[at]:
            row[at] = f"{row[at]} {PAYLOAD}"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def accepted_columns(root) -> tuple[list[tuple[str, str]], list[str]]:
    """Change one free-text column at a time: the columns the loader accepts, and the messages of
    those it rejects (each must name the file and the column)."""
    accepted, rejections = [], []
    for rel, column in free_text_columns(root):
        path = root / rel
        original = path.read_text(encoding="utf-8")
        path.write_text(with_payload(original, column), encoding="utf-8")
        try:
            load(data_dir=root / "data")
            accepted.append((rel, column))
        except DataValidationError as exc:
            message = str(exc)
            assert path.name in message and column in message, f"{rel}:{column} rejected without naming it: {message}"
            rejections.append(message)
        finally:
            path.write_text(original, encoding="utf-8")
    return accepted, rejections


def payload_occurrences(text: str) -> list[str]:
    """Each payload in ``text``, from its start marker to its end marker (or, if cut, to the length of the
    payload), with its white space as one space."""
    found = []
    for m in re.finditer(re.escape(START), text):
        end = text.find(END, m.start())
        piece = text[m.start():end + len(END)] if 0 <= end <= m.start() + 2 * len(PAYLOAD) else \
            text[m.start():m.start() + len(PAYLOAD)]
        found.append(" ".join(piece.split()))
    return found


def payload_as_shown(data_dir) -> set[str]:
    """The forms a page may show the payload in: as written, or with the identifiers it holds named as the
    book's tables name them for readers (a source id such as ``ma2024`` as "Ma 2024"; that renaming is
    data text shown as text too, not markup read)."""
    named = reader_names(load(data_dir=data_dir)).text(MARKUP)
    return {" ".join(f"{START} {markup} {SCRIPTS} {END}".split()) for markup in (MARKUP, named)}


def test_hostile_text_in_every_free_text_field_is_shown_literally_and_never_runs(built_book, tmp_path, fixed_epoch,
                                                                                browser_context):
    root = copy_built_project(built_book.output_dir.parent, tmp_path / "project")
    accepted, rejections = accepted_columns(root)
    assert len(accepted) >= 20, f"too few free-text fields accepted the payload: {accepted}; rejections: {rejections}"
    for rel, column in accepted:
        path = root / rel
        path.write_text(with_payload(path.read_text(encoding="utf-8"), column), encoding="utf-8")
    report = build(root, log=lambda msg: None)
    allowed = payload_as_shown(root / "data")

    pages = [c.html_path.as_posix() for c in load_project(root).chapters]
    shown = 0
    with serve(report.output_dir) as url:
        for page in pages:
            visit = open_page(browser_context, url + page)
            visit.page.wait_for_load_state("networkidle")
            found = visit.page.evaluate(INJECTED)
            text = reading_text(visit.page)
            assert visit.recorder.problems() == {}, f"{page}: {visit.recorder.problems()}"
            assert not any(found.values()), f"{page}: the payload made elements: {found}"
            for occurrence in payload_occurrences(text):
                assert occurrence in allowed, f"{page}: the payload was changed: {occurrence!r}"
                shown += 1
            visit.page.close()
    assert shown >= len(pages), f"the payload appears only {shown} times on the site's pages"

    search = json.loads((report.output_dir / "search.json").read_text(encoding="utf-8"))
    assert any(PAYLOAD in " ".join(e["text"].split()) or START in e["text"] for e in search)

    # A word broken across lines keeps the hyphen Typst adds at the break: join it again. In the PDF a
    # payload may also be cut: by a page break (the running head comes in between), by a chart's label
    # limit ("HOSTILE{<…") or by the text extraction reading a table row across its cells. So every
    # occurrence must at least start literally (the "<" that markup would have removed), and most must
    # read whole.
    pdf = "".join(re.sub(r"[-\u00ad]\n", "", pdf_text(report.pdf)).split())
    markups = {"".join(form.split())[:len("".join(f"{START} {MARKUP}".split()))] for form in allowed}
    longest = max(map(len, markups))
    html_part = f"{START}<"
    occurrences = [pdf[m.start():m.start() + longest] for m in re.finditer(re.escape(START), pdf)]
    assert occurrences, "the PDF shows none of the payload"

    def starts_literally(o: str) -> bool:
        """The "<" that markup would have removed follows the marker, or a chart's label limit cut the payload
        with an ellipsis right after a literal beginning of it."""
        head = o.split("\u2026", 1)[0]
        return o.startswith(html_part) or ("\u2026" in o and any(m.startswith(head) for m in markups))

    assert all(starts_literally(o) for o in occurrences), [o for o in occurrences if not starts_literally(o)][:3]
    whole = sum(any(o.startswith(markup) for markup in markups) for o in occurrences)
    assert whole >= len(occurrences) // 2, (f"only {whole} of {len(occurrences)} payloads read whole in the PDF",
                                            [o for o in occurrences if not any(o.startswith(m) for m in markups)][:3])
