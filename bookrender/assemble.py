"""Turn an executed document into pandoc markdown for one output format (html or typst).

Cell outputs are chosen by MIME type the way Quarto chooses them: HTML takes
`text/html`, then markdown, then images; Typst (the PDF) takes markdown, then SVG/PNG
images. A figure cell is wrapped with its numbered caption below; a table cell with
its numbered caption above. In the PDF Typst numbers the captions and headings itself
(the Lua filter and `templates/book.typ`): its markdown marks which headings are numbered
and where the appendices start, and its captions carry no number.
"""
from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from bookrender.errors import SourceError
from bookrender.execute import ExecutedDocument
from bookrender.kernel_side import is_default_repr
from bookrender.qmd import INLINE_EXPR, HEADING, Cell, Document, Markdown
from bookrender.xref import LabelIndex, check_references, references_block

__all__ = ["APPENDICES", "MIME_ORDER", "NUMBERED_CLASS", "VEGA_LITE_SCRIPT", "Assembled", "assemble", "page_title",
           "usable_data"]

MIME_ORDER = {
    "html": ("text/html", "text/markdown", "image/svg+xml", "image/png", "text/plain"),
    "typst": ("text/markdown", "image/svg+xml", "image/png", "text/plain"),
}
#: the class of a heading Typst numbers in the PDF (read by filters/book.lua)
NUMBERED_CLASS = "book-numbered"
#: written before the first appendix in the PDF: from there Typst numbers chapters A, B, ... (templates/book.typ)
APPENDICES = "```{=typst}\n#show: appendices\n```"


@dataclass
class Assembled:
    """The markdown of one page for one format, plus files (images) it refers to."""

    markdown: str
    files: dict[str, bytes] = field(default_factory=dict)  # relative path -> bytes
    has_charts: bool = False


def _fence(content: str, info: str, char: str = "`") -> str:
    longest = max((len(m) for m in re.findall(char + "+", content)), default=0)
    fence = char * max(3, longest + 1)
    return f"{fence}{info}\n{content.rstrip()}\n{fence}"


def _option(cell: Cell, defaults: dict, name: str, fallback):
    return cell.options.get(name, defaults.get(name, fallback))


def _image_name(doc: Document, cell: Cell, index: int, ext: str) -> str:
    stem = doc.path.with_suffix("").as_posix().replace("/", "-")
    label = cell.label or f"cell-{cell.line}"
    return f"figures/{stem}-{label}-{index}.{ext}"


#: How an HTML output carries a Vega-Lite chart: its spec in a script of Vega-Lite's registered media type. A page
#: holding one gets the Vega bundle (site_libs/vega); drawing it is the book's own script's job
#: (its `format.html.include-in-header`), as under Quarto.
VEGA_LITE_SCRIPT = 'type="application/vnd.vegalite+json"'


def _static_fallback(data: dict, doc: Document, cell: Cell, index: int, alt: str, result: Assembled) -> str:
    """With JavaScript off, a chart shows its static SVG (the one the PDF prints) instead of a gap."""
    svg = data.get("image/svg+xml")
    if not svg:
        return ""
    svg = "".join(svg) if isinstance(svg, list) else svg
    name = _image_name(doc, cell, index, "svg")
    result.files[name] = svg.encode("utf-8")
    return (f'\n<noscript><img class="chart-fallback" src="{html.escape(name, quote=True)}" '
            f'alt="{html.escape(alt, quote=True)}"></noscript>')


def _render_output(output: dict, fmt: str, doc: Document, cell: Cell, index: int, alt: str,
                   result: Assembled, show_warnings: bool) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        if output.get("name") == "stderr" and not show_warnings:
            return ""
        return _fence(output.get("text", ""), " {.cell-output}")
    if kind not in ("display_data", "execute_result"):
        return ""
    data = usable_data(output.get("data", {}))
    mime = next((m for m in MIME_ORDER[fmt] if m in data), None)
    if mime is None:
        _no_form(output.get("data", {}), fmt, doc, cell)
        return ""
    value = data[mime]
    if isinstance(value, list):
        value = "".join(value)
    if mime == "text/html":
        if VEGA_LITE_SCRIPT in value:
            result.has_charts = True
            value += _static_fallback(data, doc, cell, index, alt, result)
        return _fence(value, "{=html}")
    if mime == "text/markdown":
        return value
    if mime == "text/plain":
        return _fence(value, " {.cell-output}")
    ext = "svg" if mime == "image/svg+xml" else "png"
    name = _image_name(doc, cell, index, ext)
    payload = value.encode("utf-8") if ext == "svg" else base64.b64decode(value)
    result.files[name] = payload
    alt_text = alt.replace("]", "\\]").replace("[", "\\[")
    return f"![{alt_text}]({name}){{width=100%}}"


def usable_data(data: dict) -> dict:
    """An output's MIME bundle without a text/plain that is only Python's default object repr
    (``<pandas.io.formats.style.Styler at 0x7f…>``): a memory address is not a text form."""
    plain = data.get("text/plain")
    if isinstance(plain, list):
        plain = "".join(plain)
    if isinstance(plain, str) and is_default_repr(plain):
        return {k: v for k, v in data.items() if k != "text/plain"}
    return data


def _no_form(data: dict, fmt: str, doc: Document, cell: Cell) -> None:
    """Fail for an output that has no form this format can show (never print an object's repr)."""
    if not data:
        return
    target = "the PDF" if fmt == "typst" else "the HTML page"
    kinds = ", ".join(sorted(k for k in data if k != "text/plain")) or "none"
    plain = data.get("text/plain")
    plain = "".join(plain) if isinstance(plain, list) else plain
    what = f"a {plain.strip()[1:].split(' ')[0]} object" if isinstance(plain, str) and plain.strip() else "an object"
    raise SourceError(str(doc.path), cell.line,
                      f"cell '{cell.label or 'unlabelled'}' displays {what} with no text or image form that "
                      f"{target} can show (its forms: {kinds}; its text is only the default object repr). Return "
                      f"markdown (e.g. DataFrame.to_markdown()), text or an image as well, or hide the output with "
                      f"`#| output: false`.")


def _render_cell(cell: Cell, outputs: tuple, fmt: str, doc: Document, defaults: dict,
                 index: LabelIndex, result: Assembled) -> str:
    if not _option(cell, defaults, "include", True):
        return ""
    parts: list[str] = []
    if _option(cell, defaults, "echo", False):
        parts.append(_fence(cell.source, "python"))
    show = _option(cell, defaults, "output", True)
    alt = str(cell.options.get("fig-alt", ""))
    if show:
        show_warnings = bool(_option(cell, defaults, "warning", True))
        for i, output in enumerate(outputs):
            rendered = _render_output(output, fmt, doc, cell, i, alt, result, show_warnings)
            if rendered:
                parts.append(rendered)
    body = "\n\n".join(parts)
    label = cell.label or ""
    if label in index.targets and index.targets[label].kind in ("fig", "tbl"):
        target = index.targets[label]
        check_references(str(target.title), index, str(doc.path), cell.line)
        # In the PDF Typst numbers the caption (the Lua filter makes the div a Typst figure).
        label_text = f"**{target.text}:** " if fmt == "html" else ""
        caption_div = f"::: {{.{target.kind}-caption}}\n{label_text}{target.title}\n:::"
        if target.kind == "fig":
            return f"::::: {{#{label} .book-figure}}\n{body}\n\n{caption_div}\n:::::"
        return f"::::: {{#{label} .book-table}}\n{caption_div}\n\n{body}\n:::::"
    return body


def _numbered_heading(hashes: str, text: str, attrs: str | None, number: str, fmt: str) -> str:
    """A numbered heading: in HTML its number written before its text (Quarto's span); in the PDF marked
    `book-numbered`, for Typst numbers it (the Lua filter leaves every other heading unnumbered)."""
    if fmt == "typst":
        return f"{hashes} {text} {{{' '.join(filter(None, [(attrs or '').strip(), '.' + NUMBERED_CLASS]))}}}"
    return f"{hashes} [{number}]{{.header-section-number}} {text}" + (f" {{{attrs}}}" if attrs else "")


def _number_headings(text: str, first_line: int, numbers: dict[int, str | None], fmt: str) -> str:
    lines = text.split("\n")
    in_fence = None
    for offset, line in enumerate(lines):
        stripped = line.strip()
        if in_fence:
            if stripped.startswith(in_fence):
                in_fence = None
            continue
        if stripped.startswith("```") or stripped.startswith("~~~"):
            in_fence = stripped[:3]
            continue
        number = numbers.get(first_line + offset)
        match = HEADING.match(line)
        if match and number:
            lines[offset] = _numbered_heading(match.group("hashes"), match.group("text"), match.group("attrs"),
                                              number, fmt)
    return "\n".join(lines)


def _substitute_inline(text: str, values: dict[str, str]) -> str:
    return INLINE_EXPR.sub(lambda m: values[m.group("expr").strip()], text)


def assemble(doc: Document, executed: ExecutedDocument, fmt: str, index: LabelIndex,
             defaults: dict, page: str | None) -> Assembled:
    """Markdown for `doc` in `fmt` ('html' or 'typst'); `page` is its html path, or None in the combined PDF."""
    result = Assembled("")
    numbers = index.section_numbers.get(str(doc.path), {})
    parts: list[str] = [references_block(index, page)]  # the Lua filter makes the links from it
    if fmt == "typst" and str(doc.path) == index.first_appendix:
        parts.append(APPENDICES)
    title = doc.front_matter.get("title")
    if title:
        number = numbers.get(1)
        parts.append(_numbered_heading("#", title, None, number, fmt) if number else f"# {title}")
    cell_index = 0
    for block in doc.blocks:
        if isinstance(block, Markdown):
            text = _number_headings(block.text, block.line, numbers, fmt)
            check_references(text, index, str(doc.path), block.line)
            parts.append(_substitute_inline(text, executed.inline_values))
        else:
            rendered = _render_cell(block, executed.outputs[cell_index], fmt, doc, defaults, index, result)
            cell_index += 1
            if rendered:
                parts.append(rendered)
    result.markdown = "\n\n".join(parts) + "\n"
    return result


def page_title(doc: Document) -> str:
    for heading in doc.headings:
        if heading.level == 1:
            return heading.text
    return Path(doc.path).stem
