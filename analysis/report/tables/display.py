"""``show_table``: what a chapter cell returns as its last expression for a table.

The cell's output is markdown (a pandoc pipe table) followed by a raw HTML block with the
CSV download link. Because the link sits in a ```` ```{=html} ```` block, it appears on
the web page and not in the PDF. The object offers ``text/markdown`` and ``text/plain``
only -- never ``text/html`` -- so Quarto and the book's renderer both use the markdown.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.report.html_classes import TABLE_DOWNLOAD
from analysis.report.provenance import MadeBy, made_by_caller
from analysis.report.tables.download import check_csv_name, csv_bytes, csv_download_html
from analysis.report.tables.markdown import DEFAULT_MISSING_MARKER, pipe_table

__all__ = ["TableDisplay", "TableView", "filter_mimebundle", "show_table"]

TABLE_LINK_TEXT = "Download the data behind this table (CSV)"


def filter_mimebundle(bundle: dict[str, str], include=None, exclude=None) -> dict[str, str]:
    """Keep the MIME types IPython asked for (``include``) and drop those it refused (``exclude``)."""
    return {k: v for k, v in bundle.items() if (include is None or k in include) and (exclude is None or k not in exclude)}


@dataclass(frozen=True)
class TableDisplay:
    """A rendered table: its markdown, the CSV bytes offered for download, and their name."""

    markdown_table: str
    download_html: str
    csv_name: str
    csv: bytes
    n_rows: int
    n_columns: int

    def _repr_markdown_(self) -> str:
        return f"{self.markdown_table}\n```{{=html}}\n{self.download_html}\n```\n"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return filter_mimebundle({"text/markdown": self._repr_markdown_(), "text/plain": repr(self)}, include, exclude)

    def __repr__(self) -> str:
        return f"<Table: {self.n_rows} rows x {self.n_columns} columns; data in {self.csv_name}>"


@dataclass(frozen=True)
class TableView:
    """A table as a chapter module prepares it: the frame (which is also the CSV) and how its
    columns are headed and rounded on the page; ``show_table(view, csv_name=...)`` shows it.

    ``hidden`` columns are in the CSV only (the identifiers a reader of the page does not need:
    the page shows their names); ``notes`` names the columns whose repeated sentences are stated
    once under the table (:mod:`analysis.report.tables.notes`)."""

    frame: pd.DataFrame
    column_labels: Mapping[str, str] | None = None
    digits: int | Mapping[str, int] | None = None
    hidden: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: the code that made the table and the data it read, derived where the view is created
    made_by: MadeBy | None = field(default_factory=made_by_caller, compare=False)

    def __post_init__(self) -> None:
        columns = [str(c) for c in self.frame.columns]
        for name in ("hidden", "notes"):
            unknown = sorted(set(getattr(self, name)) - set(columns))
            if unknown:
                raise ValueError(f"TableView {name} names columns {unknown} that are not in the frame; columns are {columns}.")
        if not set(columns) - set(self.hidden):
            raise ValueError(f"TableView hides every column of the frame ({columns}); show at least one.")

    @property
    def shown(self) -> pd.DataFrame:
        """The columns the page shows (the frame without its hidden columns)."""
        return self.frame.drop(columns=list(self.hidden))

    @property
    def shown_labels(self) -> dict[str, str]:
        """The header of each shown column: its label, or its name when it has none."""
        labels = dict(self.column_labels or {})
        return {str(c): labels.get(str(c), str(c)) for c in self.shown.columns}


def show_table(
    df: pd.DataFrame | TableView,
    *,
    csv_name: str,
    column_labels: Mapping[str, str] | None = None,
    align: Mapping[str, str] | Sequence[str] | None = None,
    digits: int | Mapping[str, int] | None = None,
    missing: str = DEFAULT_MISSING_MARKER,
) -> TableDisplay:
    """Build the display object for ``df`` (see ``pipe_table`` for the options).

    The CSV holds ``df`` itself -- raw values and original column names -- so a reader
    gets the numbers at full precision, not the rounded text of the table. A :class:`TableView`
    brings its own column labels and digits (an argument given here takes precedence), and shows
    its columns but the hidden ones, with its notes under the table.
    """
    made_by = df.made_by if isinstance(df, TableView) else None
    shown, notes = df, ()
    if isinstance(df, TableView):
        column_labels = df.column_labels if column_labels is None else column_labels
        digits = df.digits if digits is None else digits
        notes = tuple(c for c in df.notes if c in df.shown.columns)  # a note column the view hid is not shown
        shown, df = df.shown, df.frame
        column_labels = {c: v for c, v in (column_labels or {}).items() if c in shown.columns}
    check_csv_name(csv_name)
    markdown_table = pipe_table(shown, column_labels=column_labels, align=align, digits=digits, missing=missing,
                                notes=notes)
    return TableDisplay(
        markdown_table=markdown_table,
        download_html=csv_download_html(df, csv_name, link_text=TABLE_LINK_TEXT, css_class=TABLE_DOWNLOAD,
                                         made_by=made_by),
        csv_name=csv_name,
        csv=csv_bytes(df),
        n_rows=len(df),
        n_columns=df.shape[1],
    )
