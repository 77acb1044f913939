"""The book's one font family, Fira Sans, for the site, the PDF and the charts.

The fonts come from a registry package, the PyPI package ``fontpkg-fira-sans`` (pinned in
pyproject.toml; the Fira Sans TTF files of the google/fonts repository, unmodified, under the SIL Open
Font Licence 1.1), so every machine with the project's environment has the same files, offline:

* the site serves them as WOFF2 (``site_libs/fonts/``, converted here by fontTools with Brotli; the same
  TTF gives the same bytes) with an ``@font-face`` stylesheet and the licence beside them;
* Typst embeds them in the PDF (``FONT_DIRS`` as its font path);
* the charts name the same family (``analysis/report/figures/theme.py``), and vl-convert draws their
  SVG with these files registered (``analysis/report/figures/display.py``).
"""
from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from bookrender.errors import ToolMissingError

__all__ = ["FAMILY", "FONT_CSS", "FONT_PACKAGE", "QUARTO_FONT_DIR", "WEB_FACES", "FontFace", "font_dir",
           "font_face_css", "write_pdf_fonts", "write_web_fonts"]

FAMILY = "Fira Sans"
FONT_PACKAGE = "fontpkg_fira_sans"  # import name of the PyPI package fontpkg-fira-sans
FONT_CSS = "fonts.css"  # the @font-face stylesheet, in site_libs/fonts/ beside the WOFF2 files
WEB_DIR = ("site_libs", "fonts")
#: where Quarto's Typst finds the font (`format.typst.font-paths` in _quarto.yml; the pre-render step fills it)
QUARTO_FONT_DIR = ".bookcache/fonts"


@dataclass(frozen=True)
class FontFace:
    """One face the site serves: the package's TTF file, and its CSS weight and style."""

    ttf: str
    weight: int
    style: str

    @property
    def woff2(self) -> str:
        return self.ttf.removesuffix(".ttf") + ".woff2"


#: the faces the pages use: text, its italic, headings and labels (600), bold and its italic
WEB_FACES = (
    FontFace("FiraSans-Regular.ttf", 400, "normal"),
    FontFace("FiraSans-Italic.ttf", 400, "italic"),
    FontFace("FiraSans-SemiBold.ttf", 600, "normal"),
    FontFace("FiraSans-Bold.ttf", 700, "normal"),
    FontFace("FiraSans-BoldItalic.ttf", 700, "italic"),
)


def font_dir() -> Path:
    """The folder of the package's TTF files (Typst's font path), or a clear error naming the package."""
    try:
        package = __import__(FONT_PACKAGE)
    except ImportError as exc:
        raise ToolMissingError(f"the book's font {FAMILY} is missing: install the PyPI package "
                               "`fontpkg-fira-sans` (`make install` does it).") from exc
    folder = Path(package.ROOT) / "files"
    missing = [face.ttf for face in WEB_FACES if not (folder / face.ttf).is_file()]
    if missing:
        raise ToolMissingError(f"the font package {FONT_PACKAGE} in {folder} lacks {', '.join(missing)}: "
                               "reinstall the version pinned in pyproject.toml.")
    return folder


def font_face_css() -> str:
    """``@font-face`` rules for ``WEB_FACES``, their URLs relative to the stylesheet itself."""
    rules = [f'@font-face {{ font-family: "{FAMILY}"; font-style: {face.style}; font-weight: {face.weight}; '
             f'font-display: swap; src: url("{face.woff2}") format("woff2"); }}' for face in WEB_FACES]
    return (f"/* {FAMILY} (SIL Open Font Licence 1.1, OFL.txt), from the PyPI package fontpkg-fira-sans. */\n"
            + "\n".join(rules) + "\n")


@functools.cache
def _woff2(ttf: Path) -> bytes:
    """The TTF as WOFF2 (fontTools with Brotli; no timestamp is recomputed, so the bytes depend on the file only;
    converted once per process: about a second a face)."""
    try:
        from fontTools.ttLib import woff2
    except ImportError as exc:
        raise ToolMissingError("fontTools is missing: install the PyPI packages `fonttools` and `brotli` "
                               "(`make install` does it).") from exc
    out = io.BytesIO()
    woff2.compress(str(ttf), out)
    return out.getvalue()


def write_web_fonts(site: Path) -> Path:
    """The WOFF2 faces, their stylesheet and the font's licence in ``site/site_libs/fonts/``; returns the folder."""
    source = font_dir()
    target = site.joinpath(*WEB_DIR)
    target.mkdir(parents=True, exist_ok=True)
    for face in WEB_FACES:
        (target / face.woff2).write_bytes(_woff2(source / face.ttf))
    (target / FONT_CSS).write_text(font_face_css(), encoding="utf-8")
    (target / "OFL.txt").write_bytes((source.parent / "LICENSE").read_bytes())
    return target


def write_pdf_fonts(folder: Path) -> Path:
    """The TTF faces and their licence in ``folder`` (for Quarto's Typst, whose font path must be a project
    folder: `QUARTO_FONT_DIR`); returns it."""
    source = font_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for face in WEB_FACES:
        (folder / face.ttf).write_bytes((source / face.ttf).read_bytes())
    (folder / "OFL.txt").write_bytes((source.parent / "LICENSE").read_bytes())
    return folder
