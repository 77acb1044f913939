"""Real Quarto (>= 1.9) as an engine for this book: delegation from `bookrender render`, and
the project scripts `_quarto.yml` runs around `quarto render` (`bookrender/quarto_hook.py`).

Quarto runs a `.py` project script with the Python it uses for the book (`QUARTO_PYTHON`, else
`python3` on PATH: quarto-cli `src/core/run/python.ts`), so the hooks run in the book's
environment, never in whatever `python` comes first on PATH.

pre-render
  - writes `_metadata.yml` (not committed): the edition (`bookrender.edition`: version, build
    date, citation), which Quarto merges into the front page's metadata and the PDF's title page
    (`_includes/typst-show.typ`);
  - keeps Quarto's freeze in step with the dependency record: `execute.freeze: auto` re-executes
    a document only when its `.qmd` changes, so the step removes the frozen results of every
    document whose recorded inputs (data tables, analysis modules, the build date) changed since
    Quarto froze it. The record is bookrender's execution cache (`.bookcache/exec/`), brought up
    to date first, which executes (with bookrender's kernel) only the documents whose inputs
    changed.
post-render
  - versions the PDF's name and the links to it (`<output-file>-v<version>.pdf`);
  - removes the require.js/jQuery `<script>`s Quarto adds from a CDN to every page with a
    `text/html` cell output (quarto-cli `src/core/jupyter/widgets.ts` treats any such output as a
    JavaScript widget; the book's charts need neither), so no page requests anything off-site;
  - serves what bookrender's page template loads itself from `site_libs/` and links it on every page
    (`link_site_libraries`: the book's font, and the Vega bundle on a page with a chart; the book's
    chart script comes with its `format.html.include-in-header`), and writes the site marker
    (`bookrender.guard`);
  - records the inputs of the documents Quarto has now frozen.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bookrender.errors import RenderError
from bookrender.guard import SITE_MARKER, check_output_dir, site_marker

__all__ = ["FREEZE_DIRS", "HOOK", "METADATA_FILE", "MIN_VERSION", "edition_metadata", "find_quarto", "freeze_folder",
           "link_site_libraries", "main", "post_render", "pre_render", "record_frozen", "render_with_quarto",
           "strip_widget_includes", "sync_freeze"]

MIN_VERSION = (1, 9)
HOOK = "bookrender/quarto_hook.py"
METADATA_FILE = "_metadata.yml"
FREEZE_DIRS = ("_freeze", ".quarto/_freeze")
RECORD = "quarto-freeze.json"  # in bookrender's cache folder: the inputs of each frozen document
PENDING = "quarto-freeze.pending.json"  # the same, for the render under way

# What quarto-cli adds to a page's <head> when a cell output has text/html (widgets.ts).
WIDGET_INCLUDES = (
    re.compile(r'<script src="https://cdn\.jsdelivr\.net/npm/(?:requirejs|jquery)@[^"]*"[^>]*></script>\n?'),
    re.compile(r"""<script type="application/javascript">define\('jquery', \[\],function\(\) """
               r"""\{return window\.jQuery;\}\)</script>\n?"""),
)
OFF_SITE = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//[^>]*>""", re.I)


def find_quarto() -> str | None:
    """The path of a `quarto` >= 1.9 on PATH, or None."""
    exe = shutil.which("quarto")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"(\d+)\.(\d+)", out.strip())
    if not match or (int(match.group(1)), int(match.group(2))) < MIN_VERSION:
        return None
    return exe


def render_with_quarto(exe: str, root: Path, output_dir: str | None) -> None:
    """`quarto render` of the book at `root`, with this interpreter as the book's Python unless
    QUARTO_PYTHON says otherwise."""
    from bookrender.project import load_project

    project = load_project(root)
    check_output_dir(project.root, project.root / (output_dir or project.output_dir), project.identity)
    env = dict(os.environ)
    env.setdefault("QUARTO_PYTHON", sys.executable)
    cmd = [exe, "render"] + (["--output-dir", output_dir] if output_dir else [])
    proc = subprocess.run(cmd, cwd=root, env=env, check=False)
    if proc.returncode != 0:
        raise RenderError(f"`quarto render` failed (exit {proc.returncode}); see its messages above.")


# ----------------------------------------------------------------------------- pre-render


def edition_metadata(root: Path) -> str:
    """`_metadata.yml`: the edition, for the front page's metadata and the PDF's title page."""
    import yaml

    from bookrender.edition import edition

    book = edition(root)
    # prefixed: `citation` and `date` mean something else to Quarto
    meta = {"edition-version": book.version, "edition-date": book.build_date, "edition-citation": book.citation,
            "edition-pdf": book.pdf_name}
    header = "# Written by the pre-render step (bookrender/quarto.py) from bookrender.edition; not committed.\n"
    return header + yaml.safe_dump(meta, sort_keys=True, allow_unicode=True)


def freeze_folder(root: Path, source: str, base: str) -> Path:
    """Where Quarto freezes the results of `source` (e.g. chapters/02-skin.qmd -> _freeze/chapters/02-skin)."""
    return root / base / Path(source).with_suffix("")


def _fingerprint(root: Path, source: str, executed) -> dict:
    from bookrender.cache import sha256_file

    files = sorted({source, *executed.deps})
    return {"files": {rel: sha256_file(root / rel) for rel in files}, "env": dict(executed.env)}


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def sync_freeze(root: Path, log=print) -> list[str]:
    """Remove Quarto's frozen results of every document whose inputs changed since they were frozen;
    return those documents. Brings bookrender's dependency record up to date first."""
    from bookrender.build import BuildReport, execute_all
    from bookrender.cache import CACHE_DIR
    from bookrender.edition import build_epoch
    from bookrender.lock import build_lock
    from bookrender.project import load_project
    from bookrender.qmd import parse_qmd

    project = load_project(root)
    docs = {str(c.source): parse_qmd(project.root, c.source) for c in project.chapters}
    cache_dir = project.root / CACHE_DIR
    report = BuildReport(project.root, project.root)
    with build_lock(cache_dir):
        executed = execute_all(project, docs, build_epoch(project.root), True, os.cpu_count() or 1, report,
                               lambda msg: log(f"bookrender (dependency record): {msg}"))
    record = _read_json(cache_dir / RECORD)
    current = {rel: _fingerprint(project.root, rel, executed[rel]) for rel in docs}
    stale = [rel for rel in docs if record.get(rel) != current[rel]]
    for rel in stale:
        for base in FREEZE_DIRS:
            shutil.rmtree(freeze_folder(project.root, rel, base), ignore_errors=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / PENDING).write_text(json.dumps(current, sort_keys=True, indent=1), encoding="utf-8")
    return stale


def pre_render(root: Path, log=print) -> None:
    """Called by Quarto before a render (see `_quarto.yml`)."""
    from bookrender.fonts import QUARTO_FONT_DIR, write_pdf_fonts

    (root / METADATA_FILE).write_text(edition_metadata(root), encoding="utf-8")
    write_pdf_fonts(root / QUARTO_FONT_DIR)  # the book's font for Quarto's Typst (format.typst.font-paths)
    stale = sync_freeze(root, log)
    if stale:
        log(f"bookrender: inputs changed, Quarto re-executes: {', '.join(stale)}")


# ----------------------------------------------------------------------------- post-render


def strip_widget_includes(html: str) -> str:
    """`html` without the CDN require.js/jQuery tags Quarto adds for a `text/html` output (`WIDGET_INCLUDES`)."""
    for pattern in WIDGET_INCLUDES:
        html = pattern.sub("", html)
    return html


def link_site_libraries(html: str, offset: str) -> str:
    """A Quarto page given what bookrender's page template loads itself: the book's font (@font-face rules in
    site_libs/fonts) and, on a page holding a Vega-Lite chart, the Vega bundle its chart script draws with.
    ``offset`` leads from the page to the site's root ("" or "../"). A tag the page has is not added again."""
    from bookrender.assemble import VEGA_LITE_SCRIPT

    wanted = [f'<link rel="stylesheet" href="{offset}site_libs/fonts/fonts.css">']
    if VEGA_LITE_SCRIPT in html:
        wanted.append(f'<script src="{offset}site_libs/vega/vega-bundle.js" defer></script>')
    tags = "".join(tag + "\n" for tag in wanted if tag not in html)
    if not tags or "</head>" not in html:
        return html
    return html.replace("</head>", tags + "</head>", 1)


def post_render(root: Path, output_dir: Path) -> None:
    """Called by Quarto after a render (see `_quarto.yml`)."""
    import vl_convert

    from bookrender.fonts import write_web_fonts
    from bookrender.project import load_project
    from bookrender.site import link_repo_paths, site_links

    project = load_project(root)
    base = project.output_file
    plain, versioned = output_dir / f"{base}.pdf", output_dir / project.pdf_name
    if plain.exists():
        plain.replace(versioned)
    off_site: list[str] = []
    links = site_links(project)  # each figure's and table's code and data linked as bookrender's pages do
    for page in sorted(output_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        offset = "../" * (len(page.relative_to(output_dir).parts) - 1)
        new = link_site_libraries(link_repo_paths(strip_widget_includes(text), links), offset)
        new = new.replace(f"{base}.pdf", versioned.name)
        if new != text:
            page.write_text(new, encoding="utf-8")
        off_site += [f"{page.relative_to(output_dir)}: {m.group(0)}" for m in OFF_SITE.finditer(new)]
    if off_site:
        raise RenderError("pages load from outside the site (charts and scripts must be served from "
                          "site_libs/):\n  " + "\n  ".join(off_site))
    libs = output_dir / "site_libs"
    (libs / "vega").mkdir(parents=True, exist_ok=True)
    (libs / "vega" / "vega-bundle.js").write_text(vl_convert.javascript_bundle(), encoding="utf-8")
    write_web_fonts(output_dir)  # the book's font, as bookrender's site serves it (link_site_libraries)
    (output_dir / SITE_MARKER).write_text(site_marker(project.identity), encoding="utf-8")
    record_frozen(root)


def record_frozen(root: Path) -> None:
    """After a successful render: the inputs the pre-render step saw are now those of Quarto's freeze."""
    from bookrender.cache import CACHE_DIR

    pending = root / CACHE_DIR / PENDING
    if pending.exists():
        pending.replace(root / CACHE_DIR / RECORD)


def main(argv: list[str]) -> int:
    """The project scripts' entry: `pre` or `post`, in the project folder; returns the exit status."""
    root = Path.cwd()
    try:
        if argv == ["pre"]:
            pre_render(root, log=lambda msg: print(msg, file=sys.stderr))
        elif argv == ["post"]:
            out = os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", "_site")
            post_render(root, (root / out).resolve())
        else:
            print("usage: quarto_hook.py pre|post (run by Quarto, see _quarto.yml)", file=sys.stderr)
            return 2
    except RenderError as exc:
        print(f"bookrender: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # python -m bookrender.quarto pre|post
    sys.exit(main(sys.argv[1:]))
