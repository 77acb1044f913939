"""Read `_quarto.yml` (a Quarto book project) into a `BookProject`.

Every setting is in one of two documented lists: `IMPLEMENTED` (read and honoured; those in
`FIXED` only with the one value bookrender applies) and `QUARTO_ONLY` (accepted so that the same
file renders with real Quarto, not read by bookrender's own build, which names the ones a project
sets in its log). Anything else, or a fixed setting with another value, is an error that names the
setting, so a setting is never silently ignored.
"""
from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bookrender.errors import RenderError, SourceError
from bookrender.fonts import FAMILY
from bookrender.guard import inside_project

__all__ = ["CONFIG_NAME", "FIXED", "IMPLEMENTED", "NOT_SOURCES", "QUARTO_ONLY", "SUPPORTED", "BookProject",
           "Chapter", "copy_sources", "load_project"]

CONFIG_NAME = "_quarto.yml"
# What a copy of the book's sources leaves out: build output, caches, environments, history.
NOT_SOURCES = (".venv", ".git", "_site", "_site.*", ".bookcache", "__pycache__", ".pytest_cache", ".hypothesis",
               "test-artifacts", "*.egg-info")

# Settings bookrender reads and honours, per section (`format.html` / `format.typst` are the
# options of each format).
IMPLEMENTED = {
    "": {"project", "book", "bibliography", "csl", "format", "execute", "license", "copyright", "jupyter"},
    "project": {"type", "output-dir", "execute-dir"},
    "book": {"title", "subtitle", "author", "chapters", "appendices", "output-file", "search", "downloads",
             "repo-url", "repo-branch", "repo-subdir", "repo-actions", "site-url", "description", "page-footer"},
    "execute": {"echo", "warning", "output", "include"},
    "format.html": {"toc", "toc-depth", "number-sections", "link-citations", "mainfont", "include-in-header"},
    "format.typst": {"toc", "mainfont"},
}
# Settings bookrender's own build always applies in one way: accepted with that value only.
FIXED = {
    ("", "jupyter"): "python3",
    ("book", "search"): True,
    ("book", "downloads"): ["pdf"],
    ("format.html", "toc"): True,
    ("format.html", "number-sections"): True,
    ("format.html", "link-citations"): True,
    ("format.typst", "toc"): True,
    # the book's one font family, which bookrender's pages, PDF and charts use (bookrender/fonts.py)
    ("format.html", "mainfont"): FAMILY,
    ("format.typst", "mainfont"): FAMILY,
}
# Settings accepted only so that the same _quarto.yml renders with real Quarto: bookrender's own
# build does not read them (its pages and PDF have a fixed layout; it dates the book from
# SOURCE_DATE_EPOCH; it caches by its own dependency record; it versions the PDF and serves the
# chart JavaScript itself). Each build lists the ones a project sets (BookProject.quarto_only).
QUARTO_ONLY = {
    "": {"lang", "number-sections"},
    "project": {"pre-render", "post-render", "resources"},
    "book": {"date"},
    "execute": {"freeze"},
    "format.html": {"css", "theme", "embed-resources"},
    "format.typst": {"toc-depth", "number-sections", "papersize", "fontsize", "font-paths", "section-numbering",
                     "keep-typ", "template-partials"},
}
SUPPORTED = {section: IMPLEMENTED[section] | QUARTO_ONLY[section] for section in IMPLEMENTED}


@dataclass(frozen=True)
class Chapter:
    """One document of the book, in reading order."""

    source: Path  # relative to the project root, e.g. chapters/01-methods.qmd
    number: str | None  # "1", "2", ..., "A", "B" for appendices; None when unnumbered
    appendix: bool = False

    @property
    def html_path(self) -> Path:
        return self.source.with_suffix(".html")

    @property
    def stem(self) -> str:
        return self.source.with_suffix("").as_posix().replace("/", "__")


@dataclass(frozen=True)
class BookProject:
    root: Path
    title: str
    subtitle: str | None
    authors: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    output_dir: str
    output_file: str
    bibliography: Path | None
    csl: Path | None
    execute: dict = field(default_factory=dict)
    version: str = "0.0.0"
    name: str = ""
    toc_depth: int = 3
    description: str = ""
    # The site's links (Quarto's book.repo-url, repo-branch, repo-subdir, repo-actions, site-url,
    # page-footer, and the top-level license and copyright), as plain text.
    repo_url: str = ""
    repo_branch: str = "main"
    repo_subdir: str = ""
    repo_actions: tuple[str, ...] = ()
    site_url: str = ""
    license: str = ""
    copyright: str = ""
    page_footer: str = ""
    # The text of the `format.html.include-in-header` files, in order: inserted as it is into every page's
    # <head>, as Quarto inserts it (the book's own styles and scripts for what its cells write).
    html_header: str = ""
    quarto_only: tuple[str, ...] = ()  # settings present that only real Quarto reads (see QUARTO_ONLY)

    @property
    def identity(self) -> str:
        """What marks this book's site folders as its own: the package name, else the title."""
        return self.name or self.title

    @property
    def pdf_name(self) -> str:
        """The versioned PDF file name, e.g. `jak-myositis-reanalysis-v0.1.0.pdf`."""
        return f"{self.output_file}-v{self.version}.pdf"


def _check_keys(mapping: dict, section: str, path: Path) -> list[str]:
    """Refuse unknown settings and fixed settings with another value; the Quarto-only ones found."""
    allowed = SUPPORTED[section]
    quarto_only: list[str] = []
    for key in mapping:
        where = f"{section}.{key}" if section else key
        if key not in allowed:
            raise SourceError(
                str(path), None,
                f"setting '{where}' is not supported by bookrender (supported under "
                f"'{section or 'top level'}': {', '.join(sorted(allowed))}). Remove it, or render with "
                f"real Quarto (`bookrender render --engine quarto`).",
            )
        fixed = FIXED.get((section, key), mapping[key])
        if mapping[key] != fixed:
            raise SourceError(str(path), None, f"setting '{where}': bookrender's own build always uses {fixed!r}, "
                              f"got {mapping[key]!r}. Set it to {fixed!r}, or render with real Quarto "
                              f"(`bookrender render --engine quarto`).")
        if key in QUARTO_ONLY[section] and key not in IMPLEMENTED[section]:
            quarto_only.append(where)
    return quarto_only


def _read_version(root: Path) -> tuple[str, str]:
    pyproject = root / "pyproject.toml"
    if not pyproject.exists():
        raise RenderError(f"{pyproject}: missing; the book's version is read from [project].version there.")
    meta = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    if "version" not in meta:
        raise RenderError(f"{pyproject}: no [project].version; add one (the PDF's name and title page use it).")
    return meta["version"], meta.get("name", "")


def _chapter_list(entries: list, path: Path, key: str) -> list[str]:
    """Flatten Quarto's chapter list (plain paths or `part:` groups) into paths."""
    out: list[str] = []
    for entry in entries or []:
        if isinstance(entry, str):
            out.append(entry)
        elif isinstance(entry, dict) and "part" in entry:
            raise SourceError(str(path), None, f"book.{key}: 'part' groups are not supported; list files directly.")
        else:
            raise SourceError(str(path), None, f"book.{key}: expected a file path, got {entry!r}.")
    return out


def _is_unnumbered(source: Path) -> bool:
    """A chapter whose first heading carries `{.unnumbered}` (or `-`) is not numbered."""
    text = source.read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("# "):
            return ".unnumbered" in line or "{-}" in line or " -}" in line
    return False


def _book_file(root: Path, rel: str, setting: str, config: Path) -> Path:
    """A chapter or appendix path: a `.qmd` file inside the project, given relative to it."""
    if Path(rel).is_absolute() or Path(rel).suffix != ".qmd":
        raise SourceError(str(config), None, f"{setting} lists '{rel}': chapters are .qmd files given relative to "
                          f"the project folder.")
    return inside_project(root, rel, setting)


def _text(value, setting: str, path: Path) -> str:
    """A setting given as text (or absent)."""
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)):
        raise SourceError(str(path), None, f"{setting}: expected text, got {value!r}.")
    return str(value).strip()


REPO_ACTIONS = ("edit", "source", "issue")


def _repo_actions(value, path: Path) -> tuple[str, ...]:
    """Quarto's `book.repo-actions`: a list of edit, source, issue (or one of them, or none)."""
    if value is None or value is False:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or any(item not in REPO_ACTIONS for item in items):
        raise SourceError(str(path), None, f"book.repo-actions: expected a list of {', '.join(REPO_ACTIONS)}; "
                          f"got {value!r}.")
    return tuple(items)


def _footer_text(value, path: Path) -> str:
    """Quarto's `book.page-footer`: text, or left/center/right texts (joined with ' · ')."""
    if isinstance(value, dict):
        unknown = set(value) - {"left", "center", "right"}
        if unknown:
            raise SourceError(str(path), None, f"book.page-footer: unknown part(s) {sorted(unknown)} "
                              f"(use left, center, right).")
        return " · ".join(_text(value[k], f"book.page-footer.{k}", path) for k in ("left", "center", "right")
                          if value.get(k))
    return _text(value, "book.page-footer", path)


def _header_includes(root: Path, value, path: Path) -> str:
    """Quarto's `format.html.include-in-header`: a file path or a list of them (relative to the project),
    read as UTF-8 and joined in order."""
    if value is None:
        return ""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise SourceError(str(path), None, "format.html.include-in-header: expected a file path or a list of file "
                          f"paths (bookrender does not take `text:` entries); got {value!r}.")
    texts = []
    for item in items:
        file = inside_project(root, item, "format.html.include-in-header")
        if not file.is_file():
            raise SourceError(str(path), None, f"format.html.include-in-header lists '{item}', which does not exist.")
        try:
            texts.append(file.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise SourceError(str(file), None, f"format.html.include-in-header: not UTF-8 text ({exc}).") from exc
    return "\n".join(text.rstrip("\n") for text in texts)


def load_project(root: Path) -> BookProject:
    """Parse `<root>/_quarto.yml` and check that every chapter file exists."""
    root = Path(root).resolve()
    path = root / CONFIG_NAME
    if not path.exists():
        raise RenderError(f"{path}: not found. Run bookrender from the book's root folder (the one with _quarto.yml).")
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise SourceError(str(path), None if line is None else line + 1, f"invalid YAML: {exc}") from exc
    quarto_only = _check_keys(config, "", path)
    project = config.get("project", {})
    quarto_only += _check_keys(project, "project", path)
    if project.get("type") != "book":
        raise SourceError(str(path), None, f"project.type must be 'book', got {project.get('type')!r}.")
    if project.get("execute-dir", "project") != "project":
        raise SourceError(str(path), None, "project.execute-dir: bookrender runs every document with the project "
                          f"root as working directory; set it to 'project' (got {project.get('execute-dir')!r}).")
    book = config.get("book", {})
    quarto_only += _check_keys(book, "book", path)
    quarto_only += _check_keys(config.get("execute", {}), "execute", path)
    for fmt, opts in (config.get("format") or {}).items():
        if fmt not in ("html", "typst"):
            raise SourceError(str(path), None, f"format '{fmt}' is not supported (supported: html, typst).")
        quarto_only += _check_keys(opts or {}, f"format.{fmt}", path)

    chapters: list[Chapter] = []
    number = 0
    for rel in _chapter_list(book.get("chapters"), path, "chapters"):
        source = _book_file(root, rel, "book.chapters", path)
        if not source.exists():
            raise SourceError(str(path), None, f"book.chapters lists '{rel}', which does not exist.")
        if _is_unnumbered(source):
            chapters.append(Chapter(source.relative_to(root), None))
        else:
            number += 1
            chapters.append(Chapter(source.relative_to(root), str(number)))
    for i, rel in enumerate(_chapter_list(book.get("appendices"), path, "appendices")):
        source = _book_file(root, rel, "book.appendices", path)
        if not source.exists():
            raise SourceError(str(path), None, f"book.appendices lists '{rel}', which does not exist.")
        chapters.append(Chapter(source.relative_to(root), chr(ord("A") + i), appendix=True))
    if not chapters or chapters[0].source != Path("index.qmd"):
        raise SourceError(str(path), None, "book.chapters must start with index.qmd (the book's front page).")

    version, name = _read_version(root)
    authors = book.get("author") or []
    if isinstance(authors, str):
        authors = [authors]
    html_opts = (config.get("format") or {}).get("html") or {}
    bib = config.get("bibliography")
    csl = config.get("csl")
    for label, value in (("bibliography", bib), ("csl", csl)):
        if value and not inside_project(root, str(value), label).exists():
            raise SourceError(str(path), None, f"{label} file '{value}' does not exist.")
    return BookProject(
        root=root,
        title=str(book.get("title", "")),
        subtitle=book.get("subtitle"),
        authors=tuple(str(a) for a in authors),
        chapters=tuple(chapters),
        output_dir=str(project.get("output-dir", "_site")),
        output_file=str(book.get("output-file", "book")),
        bibliography=root / bib if bib else None,
        csl=root / csl if csl else None,
        execute=dict(config.get("execute") or {}),
        version=version,
        name=name,
        toc_depth=int(html_opts.get("toc-depth", 3)),
        description=str(book.get("description", "")),
        repo_url=_text(book.get("repo-url"), "book.repo-url", path),
        repo_branch=_text(book.get("repo-branch"), "book.repo-branch", path) or "main",
        repo_subdir=_text(book.get("repo-subdir"), "book.repo-subdir", path),
        repo_actions=_repo_actions(book.get("repo-actions"), path),
        site_url=_text(book.get("site-url"), "book.site-url", path),
        license=_text(config.get("license"), "license", path),
        copyright=_text(config.get("copyright"), "copyright", path),
        page_footer=_footer_text(book.get("page-footer"), path),
        html_header=_header_includes(root, html_opts.get("include-in-header"), path),
        quarto_only=tuple(quarto_only),
    )


def copy_sources(root: Path, dest: Path) -> Path:
    """Copy the book at ``root`` to ``dest`` without its build output, caches or virtualenv,
    so that the copy builds from scratch (used by tests and the benchmark)."""
    shutil.copytree(root, dest, ignore=shutil.ignore_patterns(*NOT_SOURCES))
    return Path(dest)
