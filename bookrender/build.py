"""Build the whole book: execute documents (cached, in parallel), then write the HTML site
and the PDF into a temporary folder that replaces the output folder only when all succeeded."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bookrender import __version__
from bookrender.assemble import assemble, page_title
from bookrender.edition import build_epoch, cite
from bookrender.cache import CACHE_DIR, ExecutionCache, sha256_file, static_key
from bookrender.execute import ExecutedDocument, execute_document
from bookrender.guard import SITE_MARKER, check_output_dir, site_marker
from bookrender.lock import OWNER_FILE, build_lock, mark_staging, remove_dead_staging
from bookrender.pandoc import to_html, to_typst
from bookrender.pdf import compile_pdf
from bookrender.project import BookProject, load_project
from bookrender.qmd import Document, parse_qmd
from bookrender.site import BookInfo, PageInfo, copy_assets, render_page, search_entries, write_search_index
from bookrender.swap import replace_directory
from bookrender.xref import LabelIndex


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


def _execute_one(root: str, doc: Document, env: dict) -> ExecutedDocument:
    return execute_document(Path(root), doc, env)


def execute_all(project: BookProject, docs: dict[str, Document], epoch: int, use_cache: bool, jobs: int,
                report: BuildReport, log) -> dict[str, ExecutedDocument]:
    cache = ExecutionCache(project.root)
    env = {"SOURCE_DATE_EPOCH": str(epoch)}
    results: dict[str, ExecutedDocument] = {}
    pending: list[tuple[str, str]] = []
    for chapter in project.chapters:
        rel = str(chapter.source)
        key = static_key((project.root / rel).read_bytes(), project.execute)
        hit = cache.lookup(chapter.stem, key, env) if use_cache else None
        if hit is not None:
            results[rel] = hit
            report.cached.append(rel)
        else:
            pending.append((rel, key))
    if pending:
        log(f"executing {len(pending)} document(s) on {jobs} worker(s): {', '.join(r for r, _ in pending)}")
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(pending)))) as pool:
            futures = {pool.submit(_execute_one, str(project.root), docs[rel], env): (rel, key) for rel, key in pending}
            done, not_done = wait(futures, return_when=FIRST_EXCEPTION)
            failed = [f for f in done if f.exception() is not None]
            if failed:
                for f in not_done:
                    f.cancel()
                order = [str(c.source) for c in project.chapters]
                first = min(failed, key=lambda f: order.index(futures[f][0]))
                raise first.exception()
            for future, (rel, key) in futures.items():
                executed = future.result()
                results[rel] = executed
                report.executed.append(rel)
                stem = next(c.stem for c in project.chapters if str(c.source) == rel)
                cache.store(stem, key, executed)
    report.executed.sort(key=lambda r: [str(c.source) for c in project.chapters].index(r))
    return results


def _vega_bundle(root: Path) -> str:
    import vl_convert

    version = getattr(vl_convert, "__version__", "unknown")
    cached = root / CACHE_DIR / f"vega-bundle-{version}.js"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    bundle = vl_convert.javascript_bundle()
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(bundle, encoding="utf-8")
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
               index: LabelIndex, epoch: int, staging: Path) -> Path:
    date = datetime.fromtimestamp(epoch, tz=timezone.utc)
    book = BookInfo(project.title, project.version, date.strftime("%Y-%m-%d"), project.pdf_name,
                    citation_text(project, date))
    pages = [PageInfo(c.html_path.as_posix(), page_title(docs[str(c.source)]), c.number) for c in project.chapters]
    entries: list[dict] = []
    any_charts = False
    typst_parts: list[str] = []
    typst_dir = staging / ".typst"
    typst_dir.mkdir(parents=True)
    for i, chapter in enumerate(project.chapters):
        rel = str(chapter.source)
        doc = docs[rel]
        page = pages[i]
        html_md = assemble(doc, executed[rel], "html", index, project.execute, page.path)
        for name, payload in html_md.files.items():
            target = staging / Path(page.path).parent / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(payload)
        fragment = to_html(html_md.markdown, what=f"the HTML page of {rel}", title=page.title,
                           bibliography=project.bibliography, csl=project.csl, toc_depth=project.toc_depth)
        any_charts = any_charts or html_md.has_charts
        html = render_page(book, pages, i, page.title, fragment.toc, fragment.body, html_md.has_charts)
        out = staging / page.path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
        entries.extend(search_entries(page, fragment.body))
        typ_md = assemble(doc, executed[rel], "typst", index, project.execute, None)
        for name, payload in typ_md.files.items():
            (typst_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (typst_dir / name).write_bytes(payload)
        typst_parts.append(typ_md.markdown)
    write_search_index(staging, entries)
    (staging / SITE_MARKER).write_text(site_marker(project.identity), encoding="utf-8")
    copy_assets(staging, _vega_bundle(project.root) if any_charts else "")
    if project.bibliography:
        typst_parts.append("# References {.unnumbered}\n\n::: {#refs}\n:::\n")
    metadata = {"title": project.title, "author": list(project.authors), "citation": book.citation}
    if project.subtitle:
        metadata["subtitle"] = project.subtitle
    variables = {"version": project.version, "build-date": book.build_date, "build-year": date.year,
                 "build-month": date.month, "build-day": date.day}
    typ = to_typst("\n\n".join(typst_parts), metadata=metadata, variables=variables,
                   bibliography=project.bibliography, csl=project.csl, workdir=typst_dir)
    typ_file = typst_dir / "book.typ"
    typ_file.write_text(typ, encoding="utf-8")
    pdf = staging / project.pdf_name
    compile_pdf(typ_file, pdf, root=typst_dir, timestamp=epoch)
    shutil.rmtree(typst_dir)
    return pdf


def build(root: Path, *, output_dir: str | None = None, use_cache: bool = True, jobs: int | None = None,
          log=print) -> BuildReport:
    """Render the book at `root`. The output folder is replaced only when everything succeeded;
    one build at a time per project (see `bookrender.lock`)."""
    project = load_project(root)
    out_dir = (project.root / (output_dir or project.output_dir)).resolve()
    check_output_dir(project.root, out_dir, project.identity)
    with build_lock(project.root / CACHE_DIR):
        return _build_locked(project, out_dir, use_cache, jobs, log)


def _build_locked(project: BookProject, out_dir: Path, use_cache: bool, jobs: int | None, log) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport(out_dir, out_dir / project.pdf_name)
    docs = {str(c.source): parse_qmd(project.root, c.source) for c in project.chapters}
    index = LabelIndex(project, docs)
    epoch = source_date_epoch(project.root)
    jobs = jobs or os.cpu_count() or 1
    executed = execute_all(project, docs, epoch, use_cache, jobs, report, log)

    key = _site_key(project, executed, epoch)
    state_file = project.root / CACHE_DIR / "site.json"
    if use_cache and out_dir.exists() and state_file.exists():
        state = json.loads(state_file.read_text(encoding="utf-8"))
        if state.get("key") == key and state.get("output_dir") == str(out_dir) and state.get("manifest") == _manifest(out_dir):
            report.site_reused = True
            report.seconds = time.perf_counter() - started
            return report

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_dead_staging(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=f"{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        mark_staging(staging)
        write_book(project, docs, executed, index, epoch, staging)
        (staging / OWNER_FILE).unlink()
        manifest = _manifest(staging)
        replace_directory(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps({"key": key, "output_dir": str(out_dir), "manifest": manifest}, sort_keys=True),
                          encoding="utf-8")
    report.seconds = time.perf_counter() - started
    return report
