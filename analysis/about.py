"""The book's version, build date and citation, for the front page.

The version has one home, `pyproject.toml` ([project].version); the build date comes
from `SOURCE_DATE_EPOCH` (set by the renderer from the last commit), never the wall
clock, so rebuilding a version gives the same bytes.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import datetime, timezone

import yaml

from analysis.paths import PYPROJECT, ROOT

REGISTRATION = "PROSPERO CRD42023416493"


@dataclass(frozen=True)
class Edition:
    version: str
    build_date: str  # ISO date, e.g. 2026-11-21
    title: str
    authors: tuple[str, ...]
    pdf_name: str

    @property
    def citation(self) -> str:
        """The same citation text the renderer prints on the PDF's title page."""
        year = self.build_date[:4]
        return f"{', '.join(self.authors)} ({year}). {self.title}. Version {self.version}."


def edition() -> Edition:
    """Read version (pyproject.toml), title, authors and PDF name (_quarto.yml) and the build date."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    book = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        raise RuntimeError("SOURCE_DATE_EPOCH is not set: render the book with `make render`, "
                           "which dates the build from the last commit.")
    date = datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%d")
    authors = book.get("author") or []
    authors = (authors,) if isinstance(authors, str) else tuple(authors)
    return Edition(project["version"], date, book["title"], authors,
                   f"{book['output-file']}-v{project['version']}.pdf")


__all__ = ["Edition", "edition", "REGISTRATION"]
