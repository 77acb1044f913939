"""What a chapter shows, as one read-only object: named values for the prose, and the tables and
charts of its cells with their labels, alt text and the data behind them.

A chapter module (``analysis.chapters.<chapter>``) builds a :class:`Page` from the evidence; the
``.qmd`` file only reads from it: `` `{python} page.n_reports` `` in the prose,
``show_table(page.effects, csv_name=...)`` and ``show_chart(page.forest, csv_name=...)`` in cells.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping

from analysis.report.reader_names import ReaderNames

__all__ = ["Page"]


class Page(Mapping[str, object]):
    """A chapter's values by name, read as attributes (``page.overall_text``) or items.

    An unknown name raises ``AttributeError`` listing the names the page has; nothing can be set.
    Given the data's :class:`~analysis.report.reader_names.ReaderNames`, the page's tables show names
    where the data has identifiers (:meth:`ReaderNames.view`; the CSVs keep the identifiers).
    """

    __slots__ = ("_chapter", "_values")

    def __init__(self, chapter: str, values: Mapping[str, object], names: ReaderNames | None = None) -> None:
        object.__setattr__(self, "_chapter", chapter)
        object.__setattr__(self, "_values", dict(values) if names is None else names.views(values))

    def __getattr__(self, name: str) -> object:
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        chapter = object.__getattribute__(self, "_chapter")
        raise AttributeError(f"the {chapter} page has no value {name!r}; it has: {', '.join(sorted(values))}")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Page is read-only; compute {name!r} in analysis.chapters.{self._chapter}")

    def __getitem__(self, name: str) -> object:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"<Page {self._chapter}: {len(self._values)} values>"
