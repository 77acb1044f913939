"""The book's edition: version, build date and citation, computed in one place for both engines.

- the version has one home, `pyproject.toml` ([project].version);
- the build date is `SOURCE_DATE_EPOCH` when it is set, else the time of the last commit
  (`git log -1`), never the wall clock, so rendering the same commit gives the same date with
  bookrender and with Quarto (which sets no such variable);
- the title, authors and PDF name come from `_quarto.yml` (`book:`).

Everything that shows them reads them from here: the front page (index.qmd calls `edition()` in
its kernel), bookrender's PDF title page (`bookrender.build`), and under Quarto the PDF's title
page, whose metadata the pre-render step writes from `edition()` (`bookrender.quarto`).
"""
from __future__ import annotations

import os
import subprocess
import tomllib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import yaml

from bookrender.errors import RenderError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def build_epoch(root: Path | None = None) -> int:
    """`SOURCE_DATE_EPOCH` if set, else the time of the last commit of the repository at `root`."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value:
        try:
            return int(value)
        except ValueError:
            raise RenderError(f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds since 1970.") from None
    root = Path(root or PROJECT_ROOT)
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True,
                             check=True).stdout.strip()
        if out:
            return int(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        pass
    raise RenderError("cannot date the build: set SOURCE_DATE_EPOCH (seconds since 1970) or render inside "
                      "the git repository, whose last commit dates the build.")


def cite(authors: tuple[str, ...] | list[str], year: int | str, title: str, version: str) -> str:
    """The citation text of one version (the same words on the front page and the PDF's title page)."""
    return f"{', '.join(authors) or 'Anonymous'} ({year}). {title}. Version {version}."


@dataclass(frozen=True)
class Edition:
    version: str
    epoch: int  # the build time, seconds since 1970 (UTC)
    title: str
    authors: tuple[str, ...]
    pdf_name: str

    @property
    def date(self) -> datetime:
        return datetime.fromtimestamp(self.epoch, tz=timezone.utc)

    @property
    def build_date(self) -> str:
        """ISO date, e.g. 2026-11-21."""
        return self.date.strftime("%Y-%m-%d")

    @property
    def citation(self) -> str:
        return cite(self.authors, self.date.year, self.title, self.version)


def edition(root: Path | None = None) -> Edition:
    """Read the version (pyproject.toml), the title, authors and PDF name (_quarto.yml), and date the build."""
    root = Path(root or PROJECT_ROOT)
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    book = (yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8")) or {}).get("book") or {}
    authors = book.get("author") or []
    authors = (authors,) if isinstance(authors, str) else tuple(str(a) for a in authors)
    version = str(project["version"])
    return Edition(version, build_epoch(root), str(book.get("title", "")), authors,
                   f"{book.get('output-file', 'book')}-v{version}.pdf")


__all__ = ["Edition", "build_epoch", "cite", "edition"]
