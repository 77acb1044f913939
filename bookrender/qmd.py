"""Parse a `.qmd` file into markdown blocks and executable `{python}` cells.

Supported Quarto constructs (anything else is a `SourceError` naming file and line):
- YAML front matter (`title`, `subtitle`);
- ```` ```{python} ```` cells with `#|` options: label, echo, output, include, warning,
  fig-cap, fig-alt, tbl-cap;
- inline expressions `` `{python} expr` ``;
- cross-references `@fig-…`, `@tbl-…`, `@sec-…`; citations `[@key]`;
- callouts `::: {.callout-note}` (note, tip, warning, important, caution);
- headings with `{#sec-…}` and `{.unnumbered}`; pandoc raw blocks (```` ```{=html} ````).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bookrender.errors import SourceError

__all__ = ["HEADING", "INLINE_EXPR", "Cell", "Document", "Heading", "Markdown", "parse_qmd"]

CELL_OPTIONS = {"label", "echo", "output", "include", "warning", "fig-cap", "fig-alt", "tbl-cap"}
CALLOUTS = {"callout-note", "callout-tip", "callout-warning", "callout-important", "callout-caution"}
FRONT_MATTER_KEYS = {"title", "subtitle"}

FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<info>.*?)\s*$")
EXEC_INFO = re.compile(r"^\{\s*(?P<lang>[A-Za-z][\w+-]*)(?P<rest>[^}]*)\}$")
INLINE_EXPR = re.compile(r"`\{(?P<lang>[A-Za-z]\w*)\}\s+(?P<expr>[^`]+?)`")
DIV_OPEN = re.compile(r"^(?P<colons>:{3,})\s*(?P<attrs>\{[^}]*\}|[\w-]+)?\s*$")
SHORTCODE = re.compile(r"\{\{[<%]")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*(?:\{(?P<attrs>[^}]*)\})?\s*$")
XREF_PREFIXES = ("fig", "tbl", "sec")
UNSUPPORTED_XREF = re.compile(r"(?<![\w@])@(?P<kind>eq|lst|thm|lem|cor|prp|cnj|def|exm|exr|sol|rem)-[\w-]+")


@dataclass(frozen=True)
class Markdown:
    """A run of markdown lines; `line` is the 1-based line number of its first line."""

    text: str
    line: int


@dataclass(frozen=True)
class Cell:
    """An executable `{python}` cell."""

    source: str
    options: dict
    line: int  # line of the opening fence

    @property
    def label(self) -> str | None:
        return self.options.get("label")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    ident: str | None
    unnumbered: bool
    line: int


@dataclass(frozen=True)
class Document:
    path: Path  # relative to the project root
    front_matter: dict
    blocks: tuple  # Markdown | Cell
    headings: tuple[Heading, ...] = field(default=())

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Cell))

    @property
    def inline_expressions(self) -> tuple[str, ...]:
        exprs: list[str] = []
        for block in self.blocks:
            if isinstance(block, Markdown):
                exprs.extend(m.group("expr").strip() for m in INLINE_EXPR.finditer(block.text))
        return tuple(exprs)


def _parse_front_matter(lines: list[str], path: str) -> tuple[dict, int]:
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            try:
                meta = yaml.safe_load("\n".join(lines[1:end])) or {}
            except yaml.YAMLError as exc:
                raise SourceError(path, 1, f"invalid YAML front matter: {exc}") from exc
            for key in meta:
                if key not in FRONT_MATTER_KEYS:
                    raise SourceError(path, 1, f"front-matter key '{key}' is not supported "
                                      f"(supported: {', '.join(sorted(FRONT_MATTER_KEYS))}); "
                                      f"put book-wide settings in _quarto.yml.")
            return meta, end + 1
    raise SourceError(path, 1, "front matter opened with '---' is never closed.")


def _parse_cell_options(body: list[str], path: str, first_line: int) -> tuple[dict, str]:
    option_lines: list[str] = []
    i = 0
    while i < len(body) and body[i].startswith("#|"):
        option_lines.append(body[i][2:].strip())
        i += 1
    try:
        options = yaml.safe_load("\n".join(option_lines)) or {} if option_lines else {}
    except yaml.YAMLError as exc:
        raise SourceError(path, first_line + 1, f"cell options are not valid YAML: {exc}") from exc
    if not isinstance(options, dict):
        raise SourceError(path, first_line + 1, "cell options must be `#| key: value` lines.")
    for offset, key in enumerate(options):
        if key not in CELL_OPTIONS:
            raise SourceError(path, first_line + 1 + offset,
                              f"cell option '{key}' is not supported (supported: {', '.join(sorted(CELL_OPTIONS))}).")
    label = options.get("label")
    if label is not None and not re.fullmatch(r"[A-Za-z][\w-]*", str(label)):
        raise SourceError(path, first_line + 1, f"cell label {label!r} is not a valid identifier.")
    if "output" in options and options["output"] not in (True, False, "asis"):
        raise SourceError(path, first_line + 1, f"cell option output must be true, false or asis, got {options['output']!r}.")
    return options, "\n".join(body[i:])


def _check_markdown_line(line: str, path: str, lineno: int, div_stack: list[str]) -> None:
    if SHORTCODE.search(line):
        raise SourceError(path, lineno, "Quarto shortcodes ({{< … >}}) are not supported.")
    for match in INLINE_EXPR.finditer(line):
        if match.group("lang") != "python":
            raise SourceError(path, lineno, f"inline `{{{match.group('lang')}}}` expressions are not supported; use `{{python}} …`.")
    bad_xref = UNSUPPORTED_XREF.search(line)
    if bad_xref:
        raise SourceError(path, lineno, f"cross-reference type '@{bad_xref.group('kind')}-' is not supported "
                          f"(supported: @fig-, @tbl-, @sec-).")
    div = DIV_OPEN.match(line)
    if div:
        attrs = div.group("attrs")
        if attrs is None:  # a closing fence
            if not div_stack:
                raise SourceError(path, lineno, "':::' closes a div that was never opened.")
            div_stack.pop()
            return
        classes = re.findall(r"\.([\w-]+)", attrs) if attrs.startswith("{") else [attrs]
        others = re.sub(r"\.[\w-]+|#[\w-]+|[\w-]+=(\"[^\"]*\"|\S+)", "", attrs.strip("{}")).strip()
        callouts = [c for c in classes if c in CALLOUTS]
        if len(callouts) != 1 or len(classes) != 1 or others or "#" in attrs:
            raise SourceError(path, lineno, f"div '{line.strip()}' is not supported; the only supported divs are "
                              f"callouts: {', '.join('{.' + c + '}' for c in sorted(CALLOUTS))}. Figures and tables "
                              f"come from labelled code cells.")
        div_stack.append(line)
        return
    heading = HEADING.match(line)
    if heading and heading.group("attrs") is not None:
        for token in heading.group("attrs").split():
            if not (token.startswith("#sec-") or token in (".unnumbered", "-", ".appendix")):
                raise SourceError(path, lineno, f"heading attribute '{token}' is not supported "
                                  f"(use {{#sec-name}} and/or {{.unnumbered}}).")


def parse_qmd(root: Path, rel: Path) -> Document:
    """Read `root/rel` and split it into markdown and cells, rejecting unsupported constructs."""
    path = str(rel)
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    meta, start = _parse_front_matter(lines, path)
    blocks: list = []
    headings: list[Heading] = []
    md: list[str] = []
    md_start = start + 1
    div_stack: list[str] = []
    i = start
    if meta.get("title"):
        headings.append(Heading(1, str(meta["title"]), None, False, 1))

    def flush(next_line: int) -> None:
        nonlocal md, md_start
        if md and any(x.strip() for x in md):
            blocks.append(Markdown("\n".join(md), md_start))
        md = []
        md_start = next_line

    while i < len(lines):
        line = lines[i]
        lineno = i + 1
        fence = FENCE.match(line)
        if fence:
            marker = fence.group("fence")
            info = fence.group("info")
            end = i + 1
            while end < len(lines) and not lines[end].strip().startswith(marker[0] * len(marker)):
                end += 1
            if end >= len(lines):
                raise SourceError(path, lineno, "code block is never closed.")
            exec_info = EXEC_INFO.match(info)
            if exec_info and not info.startswith("{="):
                lang = exec_info.group("lang")
                if lang != "python":
                    raise SourceError(path, lineno, f"executable '{{{lang}}}' cells are not supported; only {{python}}.")
                if exec_info.group("rest").strip():
                    raise SourceError(path, lineno, "cell options go in `#|` lines, not in the fence; "
                                      f"got '{info}'.")
                flush(end + 2)
                options, source = _parse_cell_options(lines[i + 1:end], path, lineno)
                blocks.append(Cell(source, options, lineno))
            else:
                md.extend(lines[i:end + 1])
            i = end + 1
            continue
        _check_markdown_line(line, path, lineno, div_stack)
        heading = HEADING.match(line) if not div_stack else None  # a heading in a callout is its title
        if heading:
            attrs = (heading.group("attrs") or "").split()
            ident = next((a[1:] for a in attrs if a.startswith("#")), None)
            headings.append(Heading(len(heading.group("hashes")), heading.group("text"), ident,
                                    ".unnumbered" in attrs or "-" in attrs, lineno))
        md.append(line)
        i += 1
    if div_stack:
        raise SourceError(path, None, f"a div opened with '{div_stack[-1].strip()}' is never closed with ':::'.")
    flush(len(lines) + 1)
    return Document(Path(rel), meta, tuple(blocks), tuple(headings))
