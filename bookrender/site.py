"""Write the HTML book: pages in a shared layout, local assets, the search index (Pagefind), the
book-wide citation numbering of the PDF, and the links from every page to the code and data behind
it (each figure and table names its own, in its cell's output: `link_repo_paths`)."""
from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode

import jinja2

from bookrender import __version__
from bookrender.errors import RenderError, ToolMissingError
from bookrender.fonts import write_web_fonts

__all__ = ["ASSETS", "BookInfo", "PageInfo", "SiteLinks", "add_heading_anchors",
           "citation_order", "copy_assets", "finish_site", "link_repo_paths", "page_references", "provenance", "relative",
           "render_page",
           "search_entries", "site_links", "with_book_citations", "write_search_index"]

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "assets"
ASSET_FILES = ("book.css", "site.js", "search.js")
SOURCE_DIR = "source"  # the site's copy of the files each page was made from
CITATION_ORDER_CLASS = "book-citation-order"


@dataclass(frozen=True)
class PageInfo:
    path: str  # e.g. chapters/01-methods.html
    title: str  # plain text
    number: str | None


@dataclass(frozen=True)
class SiteLinks:
    """Quarto's site options (book.repo-url, repo-actions, site-url, license, page-footer, ...)."""

    repo_url: str = ""
    repo_branch: str = "main"
    repo_subdir: str = ""
    repo_actions: tuple[str, ...] = ()
    site_url: str = ""
    description: str = ""
    license: str = ""
    copyright: str = ""
    page_footer: str = ""

    def repo_file(self, path: str) -> str:
        """The repository's web page of a project file, or '' without a repository."""
        if not self.repo_url:
            return ""
        subdir = self.repo_subdir.strip("/")
        full = f"{subdir}/{path}" if subdir else path
        return f"{self.repo_url.rstrip('/')}/blob/{quote(self.repo_branch)}/{quote(full)}"

    def issue_url(self, title: str) -> str:
        if not self.repo_url:
            return ""
        return f"{self.repo_url.rstrip('/')}/issues/new?" + urlencode({"title": title})


@dataclass(frozen=True)
class BookInfo:
    title: str
    version: str
    build_date: str
    pdf_name: str
    citation: str
    links: SiteLinks = field(default_factory=SiteLinks)
    header: str = ""  # the project's format.html.include-in-header text, placed as it is in every page's <head>


def site_links(project) -> SiteLinks:
    """The site options of a `BookProject` (missing ones are empty)."""
    return SiteLinks(**{name: getattr(project, name) for name in SiteLinks.__dataclass_fields__
                        if hasattr(project, name)})


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                              autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def relative(target: str, from_page: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(from_page) or ".")


# --- references: one list per page, numbered as in the PDF -------------------------------------

def citation_order(markdowns: list[str]) -> list[str]:
    """The citation keys in the order of their first citation in the combined book (the PDF's order).

    Pandoc reads the markdown (so only real citations count: not e-mail addresses, not code, not
    cross-references such as `@tbl-x`, which pandoc also reads as citations)."""
    from bookrender.pandoc import READER, pandoc_path
    from bookrender.xref import is_cross_reference

    proc = subprocess.run([pandoc_path(), "-f", READER, "-t", "json"], input="\n\n".join(markdowns).encode("utf-8"),
                          capture_output=True, check=False)
    if proc.returncode != 0:
        raise RenderError("pandoc could not read the book to number its citations:\n"
                          + proc.stderr.decode("utf-8", "replace"))
    order: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Cite":
                for citation in node["c"][0]:
                    if citation["citationId"] not in order and not is_cross_reference(citation["citationId"]):
                        order.append(citation["citationId"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(proc.stdout))
    return order


def with_book_citations(markdown: str, order: list[str]) -> str:
    """A page's markdown that cites the book's keys first, in book order (so that citeproc numbers
    every citation as the PDF does), with a "References" section at its end when it cites anything.
    `page_references` removes the leading citations and the entries the page does not cite."""
    if not order or "@" not in markdown or not citation_order([markdown]):
        return markdown  # the page cites nothing: no list, no heading
    lead = " ".join(f"[@{key}]" for key in order)
    return (f"::: {{.{CITATION_ORDER_CLASS}}}\n{lead}\n:::\n\n{markdown.rstrip()}\n\n"
            f"## References {{#references .unnumbered}}\n\n::: {{#refs}}\n:::\n")


_ORDER_DIV = re.compile(rf'<div class="{CITATION_ORDER_CLASS}">.*?</div>\n?', re.S)
_CITES = re.compile(r'data-cites="([^"]*)"')
_ENTRY = re.compile(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>\n.*?\n</div>\n', re.S)
_REFERENCES_SECTION = re.compile(r'<section id="references"[^>]*>.*?</section>\n?', re.S)


def page_references(body: str) -> str:
    """Drop the leading book-order citations and keep the reference entries the page cites."""
    if CITATION_ORDER_CLASS not in body:
        return body
    body = _ORDER_DIV.sub("", body, count=1)
    cited = {key for group in _CITES.findall(body) for key in group.split()}
    if not cited:
        return _REFERENCES_SECTION.sub("", body)
    return _ENTRY.sub(lambda m: m.group(0) if html.unescape(m.group(1)) in cited else "", body)


# --- provenance: the code and data behind each page, figure and table --------------------------

def _is_data(path: str) -> bool:
    return path.startswith("data/")


def _is_code(path: str) -> bool:
    return path.endswith(".py") and not path.endswith("__init__.py")


_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(?P<base>[\w.]+)[ \t]+import[ \t]+(?P<names>\(?[\w \t,*]+\)?)"
                     r"|import[ \t]+(?P<modules>[\w., \t]+))", re.M)


def direct_imports(cells, deps: tuple[str, ...]) -> list[str]:
    """The project modules the document's cells import by name (in the order they are imported)."""
    def module_file(module: str) -> str | None:
        path = module.replace(".", "/")
        return next((c for c in (f"{path}.py", f"{path}/__init__.py") if c in deps), None)

    found: list[str] = []
    for cell in cells:
        for m in _IMPORT.finditer(cell.source):
            if m.group("base"):
                names = [n.split(" as ")[0].strip() for n in m.group("names").strip("()").split(",")]
                files = [module_file(f"{m.group('base')}.{n}") for n in names if n and n != "*"]
                files = [f for f in files if f] or [module_file(m.group("base"))]
            else:
                files = [module_file(n.split(" as ")[0].strip()) for n in m.group("modules").split(",")]
            found.extend(f for f in files if f and f not in found)
    return found


def provenance(book: BookInfo, source: str, deps: tuple[str, ...], offset: str, cells=()) -> dict:
    """Links to the page's source (and each labelled cell's line), to the modules its cells import,
    and to the data and code it read, in the repository or else in the site's own copy (`source/`)."""
    def link(path: str, line: int | None = None) -> dict:
        href = book.links.repo_file(path)
        if href and line:
            href += f"#L{line}"
        return {"path": path, "href": href or f"{offset}{SOURCE_DIR}/{path}", "line": line}

    imports = direct_imports(cells, deps)
    return {"source": link(source), "data": [link(p) for p in deps if _is_data(p)],
            "imports": [link(p) for p in imports],
            "code": [link(p) for p in deps if _is_code(p) and p not in imports],
            "cells": {c.label: link(source, c.line) for c in cells if c.label}}


_REPO_PATH = re.compile(r'<code data-repo-path="(?P<path>[^"]*)">(?P<text>[^<]*)</code>')


def link_repo_paths(body: str, links: SiteLinks) -> str:
    """Each repository path a figure or table names (``<code data-repo-path="…">``, written by the book's
    cells under both engines) becomes a link to the file in the repository when ``book.repo-url`` is set;
    without a repository it stays plain text (no link that could not work)."""
    if not links.repo_url:
        return body

    def link(m: re.Match) -> str:
        href = links.repo_file(html.unescape(m.group("path")))
        return f'<a href="{html.escape(href)}">{m.group(0)}</a>'
    return _REPO_PATH.sub(link, body)


# --- headings ------------------------------------------------------------------------------------

_SECTION_HEADING = re.compile(r'<section id="(?P<id>[^"]+)" class="(?P<cls>[^"]*level(?P<level>[1-6])[^"]*)"(?P<rest>[^>]*)>\n'
                              r'<h(?P=level)(?P<hattrs>[^>]*)>(?P<text>.*?)</h(?P=level)>', re.S)


def add_heading_anchors(body: str) -> str:
    """Each section's id moves to its heading (so that search results and the table of contents
    point at the heading itself), and every heading below the title gets a "#" link to itself
    (shown on hover and focus)."""
    def anchor(m: re.Match) -> str:
        ident, level = m.group("id"), m.group("level")
        # No text of its own (the "#" is drawn by the stylesheet): the heading's text stays its text.
        link = "" if level == "1" else (f'<a class="anchor-link" href="#{ident}" aria-label="Link to this section" '
                                        f'data-pagefind-ignore></a>')
        return (f'<section class="{m.group("cls")}"{m.group("rest")} aria-labelledby="{ident}">\n'
                f'<h{level} id="{ident}"{m.group("hattrs")}>{m.group("text")}{link}</h{level}>')
    return _SECTION_HEADING.sub(anchor, body)


def _description(body: str, fallback: str) -> str:
    """The page's first paragraph as plain text (for the description and sharing meta tags)."""
    text = ""
    for m in re.finditer(r"<p>(.*?)</p>", body, re.S):
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).split())
        if len(text) > 40:
            break
    text = text or fallback
    return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"


def render_page(book: BookInfo, pages: list[PageInfo], index: int, title_text: str, toc: str, body: str,
                has_charts: bool, *, source: str = "", deps: tuple[str, ...] = (), cells=()) -> str:
    page = pages[index]
    depth = page.path.count("/")
    offset = "../" * depth
    nav = [{"href": relative(p.path, page.path), "title": p.title, "number": p.number, "current": i == index}
           for i, p in enumerate(pages)]
    prev = nav[index - 1] if index > 0 else None
    nxt = nav[index + 1] if index + 1 < len(nav) else None
    body = page_references(body)
    prov = provenance(book, source, deps, offset, cells) if source else None
    body = add_heading_anchors(link_repo_paths(body, book.links))
    links = book.links
    canonical = f"{links.site_url.rstrip('/')}/{page.path}" if links.site_url else ""
    actions = {"source": "", "issue": ""}
    if source and links.repo_url:
        if "source" in links.repo_actions or "edit" in links.repo_actions:
            actions["source"] = links.repo_file(source)
        if "issue" in links.repo_actions:
            actions["issue"] = links.issue_url(f"{title_text} ({page.path})")
    return _environment().get_template("page.html.j2").render(
        book=book, links=links, pages=nav,
        page={"title_text": title_text, "toc": toc, "body": body, "has_charts": has_charts,
              "description": _description(body, links.description or book.title), "canonical": canonical,
              "provenance": prov, "actions": actions},
        prev=prev, next=nxt, offset=offset, is_index=index == 0, renderer_version=__version__,
    )


# --- search --------------------------------------------------------------------------------------

class _SectionText(HTMLParser):
    """Collects the visible text of a page, split at headings that carry an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[dict] = [{"id": "", "heading": "", "text": []}]
        self._skip = 0
        self._skip_tags: list[str] = []
        self._heading: list[str] | None = None
        self._heading_id = ""
        self._section_id = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._skip_tags and tag == self._skip_tags[-1]:
            self._skip_tags.append(tag)
        elif tag == "div" and CITATION_ORDER_CLASS in (attrs.get("class") or ""):
            self._skip_tags.append(tag)
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "section":
            self._section_id = attrs.get("id", "")
        elif tag in ("h1", "h2", "h3"):
            self._heading = []
            self._heading_id = attrs.get("id") or self._section_id

    def handle_endtag(self, tag):
        if self._skip_tags and tag == self._skip_tags[-1]:
            self._skip_tags.pop()
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            text = " ".join("".join(self._heading).split())
            self.sections.append({"id": self._heading_id, "heading": text, "text": []})
            self._heading = None

    def handle_data(self, data):
        if self._skip or self._skip_tags:
            return
        if self._heading is not None:
            self._heading.append(data)
        else:
            self.sections[-1]["text"].append(data)


def search_entries(page: PageInfo, body: str) -> list[dict]:
    parser = _SectionText()
    parser.feed(body)
    entries = []
    for section in parser.sections:
        text = " ".join(" ".join(section["text"]).split())
        if not text and not section["heading"]:
            continue
        href = page.path + (f"#{section['id']}" if section["id"] else "")
        entries.append({"href": href, "title": page.title, "section": section["heading"], "text": text})
    return entries


def write_search_index(out_dir: Path, entries: list[dict]) -> None:
    """search.json: every section's text (the search box's spelling suggestions read its words)."""
    (out_dir / "search.json").write_text(json.dumps(entries, ensure_ascii=False, sort_keys=True, indent=0) + "\n",
                                         encoding="utf-8")


def run_pagefind(site: Path) -> None:
    """Index the written pages with Pagefind (PyPI `pagefind[bin]`, pinned in pyproject.toml): it
    writes `pagefind/` (the index, and the search and highlight scripts) into the site."""
    try:
        import pagefind  # noqa: F401 - only to say clearly what is missing
    except ImportError as exc:
        raise ToolMissingError("Pagefind is missing: install the PyPI package `pagefind[bin]` "
                               "(`make install` does it).") from exc
    proc = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", "pagefind",
                           "--silent"], capture_output=True, check=False)
    if proc.returncode != 0 or not (site / "pagefind" / "pagefind.js").exists():
        raise RenderError("Pagefind failed to index the site:\n" + proc.stdout.decode("utf-8", "replace")
                          + proc.stderr.decode("utf-8", "replace"))
    for unused in ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                   "pagefind-component-ui.js", "pagefind-component-ui.css"):
        (site / "pagefind" / unused).unlink(missing_ok=True)


def copy_sources(site: Path, root: Path, paths: set[str]) -> None:
    """The project files the pages were made from (chapters, the code and data they read), served
    under `source/` so that every page's "Code and data" links work offline and without a repository."""
    for rel in sorted(paths):
        src = root / rel
        if src.is_file() and ".." not in Path(rel).parts:
            dest = site / SOURCE_DIR / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)


def finish_site(site: Path, root: Path, sources: set[str]) -> None:
    """Once every page is written: the source copy, then the search index over the pages."""
    copy_sources(site, root, sources)
    run_pagefind(site)


def copy_assets(out_dir: Path, vega_bundle: str) -> None:
    """The site's scripts and stylesheet, the book's font as WOFF2 (`bookrender.fonts`) and the Vega bundle."""
    write_web_fonts(out_dir)
    target = out_dir / "site_libs" / "bookrender"
    target.mkdir(parents=True, exist_ok=True)
    for name in ASSET_FILES:
        (target / name).write_bytes((ASSETS / name).read_bytes())
    vega = out_dir / "site_libs" / "vega"
    vega.mkdir(parents=True, exist_ok=True)
    (vega / "vega-bundle.js").write_text(vega_bundle, encoding="utf-8")
