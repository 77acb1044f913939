"""Run pandoc (from the PyPI package `pypandoc_binary`) to make HTML fragments and Typst."""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from bookrender.errors import RenderError, ToolMissingError

__all__ = ["HtmlFragment", "pandoc_path", "to_html", "to_typst"]

HERE = Path(__file__).resolve().parent
LUA_FILTER = HERE / "filters" / "book.lua"
FRAGMENT_TEMPLATE = HERE / "templates" / "fragment.html"
TYPST_TEMPLATE = HERE / "templates" / "book.typ"
READER = "markdown-implicit_figures"
BODY_MARK = "<!--BOOKRENDER-BODY-->"


def pandoc_path() -> str:
    """The pandoc binary shipped by pypandoc_binary; a clear error if it is missing."""
    try:
        import pypandoc
    except ImportError as exc:
        raise ToolMissingError("pandoc is missing: install the PyPI package `pypandoc_binary` "
                               "(`make install` does it).") from exc
    try:
        path = pypandoc.get_pandoc_path()
    except OSError as exc:
        raise ToolMissingError("pandoc is missing: `pip install pypandoc_binary` provides it.") from exc
    return str(path)


def _run(args: list[str], text: str, what: str, cwd: Path | None = None) -> str:
    try:
        proc = subprocess.run([pandoc_path(), *args], input=text.encode("utf-8"), capture_output=True,
                              cwd=cwd, check=False)
    except FileNotFoundError as exc:
        raise ToolMissingError(f"pandoc could not be started ({exc}); reinstall `pypandoc_binary`.") from exc
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RenderError(f"pandoc failed while making {what}:\n{stderr}")
    warnings = [line for line in stderr.splitlines() if line.strip()]
    if warnings:
        raise RenderError(f"pandoc warned while making {what} (a warning is treated as an error):\n" + "\n".join(warnings))
    return proc.stdout.decode("utf-8")


def _citation_args(bibliography: Path | None, csl: Path | None) -> list[str]:
    args: list[str] = []
    if bibliography:
        args += ["--citeproc", f"--bibliography={bibliography}", "--metadata=link-citations:true"]
        if csl:
            args.append(f"--csl={csl}")
    return args


@dataclass(frozen=True)
class HtmlFragment:
    toc: str
    body: str


def _strip_title_from_toc(toc: str) -> str:
    """Pandoc's TOC nests everything under the page's one h1; keep the nested list only."""
    inner = re.search(r"<ul>\s*<li>\s*<a[^>]*>.*?</a>\s*(<ul>.*</ul>)\s*</li>\s*</ul>\s*$", toc.strip(), re.S)
    return inner.group(1) if inner else ""


def to_html(markdown: str, *, what: str, title: str, bibliography: Path | None, csl: Path | None,
            toc_depth: int) -> HtmlFragment:
    args = ["-f", READER, "-t", "html5", "-s", f"--template={FRAGMENT_TEMPLATE}", "--toc",
            f"--toc-depth={toc_depth}", "--section-divs", f"--lua-filter={LUA_FILTER}",
            f"--metadata=pagetitle:{title}", "--wrap=none", *_citation_args(bibliography, csl)]
    out = _run(args, markdown, what)
    toc, _, body = out.partition(BODY_MARK)
    return HtmlFragment(_strip_title_from_toc(toc), body.strip() + "\n")


def to_typst(markdown: str, *, metadata: dict, variables: dict, bibliography: Path | None, csl: Path | None,
             workdir: Path) -> str:
    meta_file = workdir / "metadata.yaml"
    meta_file.write_text(yaml.safe_dump(metadata, sort_keys=True, allow_unicode=True), encoding="utf-8")
    args = ["-f", READER, "-t", "typst", "-s", f"--template={TYPST_TEMPLATE}", f"--lua-filter={LUA_FILTER}",
            f"--metadata-file={meta_file}", "--wrap=none", *_citation_args(bibliography, csl)]
    args += [f"--variable={key}:{value}" for key, value in sorted(variables.items())]
    return _run(args, markdown, "the PDF's Typst source", cwd=workdir)
