"""Write the HTML book: pages in a shared layout, local assets, and the search index."""
from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import jinja2

from bookrender import __version__

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "assets"


@dataclass(frozen=True)
class PageInfo:
    path: str  # e.g. chapters/01-methods.html
    title: str  # plain text
    number: str | None


@dataclass(frozen=True)
class BookInfo:
    title: str
    version: str
    build_date: str
    pdf_name: str
    citation: str


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                              autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def relative(target: str, from_page: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(from_page) or ".")


def render_page(book: BookInfo, pages: list[PageInfo], index: int, title_text: str, toc: str, body: str,
                has_charts: bool) -> str:
    page = pages[index]
    depth = page.path.count("/")
    offset = "../" * depth
    nav = [{"href": relative(p.path, page.path), "title": p.title, "number": p.number, "current": i == index}
           for i, p in enumerate(pages)]
    prev = nav[index - 1] if index > 0 else None
    nxt = nav[index + 1] if index + 1 < len(nav) else None
    return _environment().get_template("page.html.j2").render(
        book=book, pages=nav, page={"title_text": title_text, "toc": toc, "body": body, "has_charts": has_charts},
        prev=prev, next=nxt, offset=offset, is_index=index == 0, renderer_version=__version__,
    )


class _SectionText(HTMLParser):
    """Collects the visible text of a page, split at headings that carry an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[dict] = [{"id": "", "heading": "", "text": []}]
        self._skip = 0
        self._heading: list[str] | None = None
        self._heading_id = ""
        self._section_id = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "section":
            self._section_id = attrs.get("id", "")
        elif tag in ("h1", "h2", "h3"):
            self._heading = []
            self._heading_id = attrs.get("id") or self._section_id

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            text = " ".join("".join(self._heading).split())
            self.sections.append({"id": self._heading_id, "heading": text, "text": []})
            self._heading = None

    def handle_data(self, data):
        if self._skip:
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
    (out_dir / "search.json").write_text(json.dumps(entries, ensure_ascii=False, sort_keys=True, indent=0) + "\n",
                                         encoding="utf-8")


def copy_assets(out_dir: Path, vega_bundle: str) -> None:
    target = out_dir / "site_libs" / "bookrender"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("book.css", "search.js", "charts.js"):
        (target / name).write_bytes((ASSETS / name).read_bytes())
    vega = out_dir / "site_libs" / "vega"
    vega.mkdir(parents=True, exist_ok=True)
    (vega / "vega-bundle.js").write_text(vega_bundle, encoding="utf-8")
