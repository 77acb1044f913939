"""Build the whole book: execute documents (cached, in parallel), then write the HTML site
and the PDF into a temporary folder that replaces the output folder only when all succeeded."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bookrender import __version__
from bookrender.assemble import assemble, page_title
from bookrender.cache import CACHE_DIR, read_json, replace_file, sha256_file
from bookrender.edition import build_epoch, cite
from bookrender.errors import RenderError
from bookrender.execute import ExecutedDocument
from bookrender.files import check_writable, filesystem_faults, publish_modes
from bookrender.guard import SITE_MARKER, check_output_dir, site_marker
from bookrender.limits import Limits
from bookrender.parallel import execute_all
from bookrender.lock import OWNER_FILE, build_lock, mark_staging, remove_dead_staging
from bookrender.pandoc import to_html, to_typst
from bookrender.fonts import FAMILY
from bookrender.glyphs import svg_text
from bookrender.pdf import compile_pdf, warn_missing_glyphs
from bookrender.project import BookProject, load_project
from bookrender.qmd import Document, parse_qmd
from bookrender.site import (BookInfo, PageInfo, citation_order, copy_assets, finish_site, render_page, search_entries,
                             site_links, with_book_citations, write_search_index)
from bookrender.swap import replace_directory
from bookrender.xref import LabelIndex

__all__ = ["BuildReport", "Interrupted", "build", "citation_text", "source_date_epoch", "write_book"]


@dataclass
class BuildReport:
    output_dir: Path
    pdf: Path
    executed: list[str] = field(default_factory=list)  # documents whose cells ran
    cached: list[str] = field(default_factory=list)  # documents served from the cache
    site_reused: bool = False  # nothing changed: the previous site was kept as it is
    seconds: float = 0.0


def source_date_epoch(root: Path) -> int:
    """SOURCE_DATE_EPOCH if set, else the time of the last commit, so a rebuild gives the same bytes
    (one rule for both engines: `bookrender.edition`)."""
    return build_epoch(root)


def citation_text(project: BookProject, date: datetime) -> str:
    return cite(project.authors, date.year, project.title, project.version)


def _vega_bundle(root: Path, use_cache: bool) -> str:
    """vl_convert's chart JavaScript, cached in `.bookcache/` beside its SHA-256: a cached copy that
    does not match (truncated, edited) is made again, and `--no-cache` always makes it again."""
    import vl_convert

    version = getattr(vl_convert, "__version__", "unknown")
    cached = root / CACHE_DIR / f"vega-bundle-{version}.js"
    digest_file = cached.with_suffix(".sha256")
    if use_cache:
        try:
            data = cached.read_bytes()
            if hashlib.sha256(data).hexdigest() == digest_file.read_text(encoding="ascii").strip():
                return data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            pass
    bundle = vl_convert.javascript_bundle()
    replace_file(cached, bundle)
    replace_file(digest_file, hashlib.sha256(bundle.encode("utf-8")).hexdigest() + "\n")
    return bundle


def _site_key(project: BookProject, executed: dict[str, ExecutedDocument], epoch: int) -> str:
    h = hashlib.sha256()
    for chapter in project.chapters:
        rel = str(chapter.source)
        h.update(rel.encode() + b"\0" + (project.root / rel).read_bytes() + b"\0")
        h.update(json.dumps(executed[rel].to_json(), sort_keys=True).encode())
    for extra in [project.root / "_quarto.yml", project.root / "pyproject.toml", project.bibliography, project.csl]:
        if extra:
            h.update((sha256_file(extra) or "").encode())
    here = Path(__file__).resolve().parent
    for path in sorted(here.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(here).as_posix().encode() + (sha256_file(path) or "").encode())
    h.update(f"{epoch}|{__version__}".encode())
    return h.hexdigest()


def _manifest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def write_book(project: BookProject, docs: dict[str, Document], executed: dict[str, ExecutedDocument],
               index: LabelIndex, epoch: int, staging: Path, use_cache: bool = True, log=print) -> Path:
    date = datetime.fromtimestamp(epoch, tz=timezone.utc)
    book = BookInfo(project.title, project.version, date.strftime("%Y-%m-%d"), project.pdf_name,
                    citation_text(project, date), site_links(project), project.html_header)
    pages = [PageInfo(c.html_path.as_posix(), page_title(docs[str(c.source)]), c.number) for c in project.chapters]
    entries: list[dict] = []
    any_charts = False
    typst_parts: list[str] = []
    chart_texts: list[str] = []  # the text of the PDF's charts (their SVG), checked for missing glyphs too
    typst_dir = staging / ".typst"
    typst_dir.mkdir(parents=True)
    # The PDF's citation numbers (order of first citation in the whole book), used by every page.
    cite_order = citation_order([assemble(docs[str(c.source)], executed[str(c.source)], "typst", index,
                                          project.execute, None).markdown for c in project.chapters])
    sources: set[str] = set()
    for i, chapter in enumerate(project.chapters):
        rel = str(chapter.source)
        doc = docs[rel]
        page = pages[i]
        html_md = assemble(doc, executed[rel], "html", index, project.execute, page.path)
        for name, payload in html_md.files.items():
            target = staging / Path(page.path).parent / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(payload)
        fragment = to_html(with_book_citations(html_md.markdown, cite_order), what=f"the HTML page of {rel}", title=page.title,
                           bibliography=project.bibliography, csl=project.csl, toc_depth=project.toc_depth)
        any_charts = any_charts or html_md.has_charts
        html = render_page(book, pages, i, page.title, fragment.toc, fragment.body, html_md.has_charts,
                           source=rel, deps=executed[rel].deps, cells=doc.cells)
        sources.update([rel, *executed[rel].deps])
        out = staging / page.path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
        entries.extend(search_entries(page, fragment.body))
        typ_md = assemble(doc, executed[rel], "typst", index, project.execute, None)
        for name, payload in typ_md.files.items():
            (typst_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (typst_dir / name).write_bytes(payload)
            if name.endswith(".svg"):
                chart_texts.append(svg_text(payload))
        typst_parts.append(typ_md.markdown)
    write_search_index(staging, entries)
    (staging / SITE_MARKER).write_text(site_marker(project.identity), encoding="utf-8")
    copy_assets(staging, _vega_bundle(project.root, use_cache) if any_charts else "")
    finish_site(staging, project.root, sources)  # the source copy and the Pagefind index
    if project.bibliography:
        typst_parts.append("# References {.unnumbered}\n\n::: {#refs}\n:::\n")
    metadata = {"title": project.title, "author": list(project.authors), "citation": book.citation}
    if project.subtitle:
        metadata["subtitle"] = project.subtitle
    variables = {"version": project.version, "build-date": book.build_date, "build-year": date.year,
                 "build-month": date.month, "build-day": date.day, "mainfont": FAMILY}
    typ = to_typst("\n\n".join(typst_parts), metadata=metadata, variables=variables,
                   bibliography=project.bibliography, csl=project.csl, workdir=typst_dir)
    typ_file = typst_dir / "book.typ"
    typ_file.write_text(typ, encoding="utf-8")
    warn_missing_glyphs(project, docs, executed, typ + "\n".join(chart_texts), log)
    pdf = staging / project.pdf_name
    compile_pdf(typ_file, pdf, root=typst_dir, timestamp=epoch)
    shutil.rmtree(typst_dir)
    return pdf


class Interrupted(RenderError):
    """The build received SIGTERM or SIGINT and stopped, leaving the previous site as it was."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}; the build stopped its workers and kernels, "
                         f"and the previous site was left untouched.")


@contextmanager
def _stop_on_signals():
    """SIGTERM and SIGINT raise `Interrupted` in the build (which then cleans up) while it runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def build(root: Path, *, output_dir: str | None = None, use_cache: bool = True, jobs: int | None = None,
          log=print, limits: Limits | None = None) -> BuildReport:
    """Render the book at `root`. The output folder is replaced only when everything succeeded;
    one build at a time per project (see `bookrender.lock`). File system faults, including a
    read-only output or cache folder (checked before any document runs), are one-sentence errors."""
    project = load_project(root)
    out_dir = (project.root / (output_dir or project.output_dir)).resolve()
    check_output_dir(project.root, out_dir, project.identity)
    check_writable(project.root / CACHE_DIR, "the execution cache (.bookcache/)")
    check_writable(out_dir.parent, f"the new site (built beside {out_dir.name}/, then swapped in)")
    if out_dir.is_dir():
        check_writable(out_dir, "the old site's files (replaced by the new site)")
    cache_dir = project.root / CACHE_DIR
    with _stop_on_signals(), filesystem_faults("take the build lock", cache_dir), build_lock(cache_dir):
        return _build_locked(project, out_dir, use_cache, jobs, log, limits or Limits.resolve())


def _reusable_site(state_file: Path, key: str, out_dir: Path) -> bool:
    """True when the last build wrote this very site (same key) and nobody changed its files."""
    state = read_json(state_file)
    return (isinstance(state, dict) and state.get("key") == key and state.get("output_dir") == str(out_dir)
            and out_dir.is_dir() and state.get("manifest") == _manifest(out_dir))


def _build_locked(project: BookProject, out_dir: Path, use_cache: bool, jobs: int | None, log,
                  limits: Limits) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport(out_dir, out_dir / project.pdf_name)
    if project.quarto_only:
        log(f"settings for real Quarto only, not used by this build: {', '.join(project.quarto_only)}")
    docs = {str(c.source): parse_qmd(project.root, c.source) for c in project.chapters}
    index = LabelIndex(project, docs)
    epoch = source_date_epoch(project.root)
    jobs = jobs or os.cpu_count() or 1
    with filesystem_faults("write the execution cache", project.root / CACHE_DIR):
        executed = execute_all(project, docs, epoch, use_cache, jobs, report, log, limits)

    key = _site_key(project, executed, epoch)
    state_file = project.root / CACHE_DIR / "site.json"
    if use_cache and _reusable_site(state_file, key, out_dir):
        report.site_reused = True
        report.seconds = time.perf_counter() - started
        return report

    with filesystem_faults(f"write the new site next to {out_dir}", out_dir.parent):
        manifest = _write_and_swap(project, docs, executed, index, epoch, out_dir, use_cache, log)
    with filesystem_faults("record the build in the cache", state_file):
        replace_file(state_file, json.dumps({"key": key, "output_dir": str(out_dir), "manifest": manifest},
                                            sort_keys=True))
    report.seconds = time.perf_counter() - started
    return report


def _write_and_swap(project: BookProject, docs, executed, index, epoch: int, out_dir: Path, use_cache: bool,
                    log=print) -> dict:
    """Write the book into a staging folder beside ``out_dir`` and swap it in; the manifest written."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_dead_staging(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=f"{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        mark_staging(staging)
        write_book(project, docs, executed, index, epoch, staging, use_cache, log)
        (staging / OWNER_FILE).unlink()
        publish_modes(staging)
        manifest = _manifest(staging)
        replace_directory(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest
