"""A loaded table: its spec, the file it came from, and its text and typed frames."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data.descriptor import TableSpec

__all__ = ["LoadedTable", "Row"]


class Row(dict):
    """One record as column -> value, read like a pandas row (``row["n"]``, ``row.get("n")``,
    ``"n" in row.index``) without building a Series per row, so a rule's pass is linear and cheap."""

    @property
    def index(self):
        return self.keys()


@dataclass(frozen=True)
class LoadedTable:
    """``text`` holds the cells as written ('' when empty); ``typed`` the same cells in their
    schema types. Both are indexed by file line."""

    spec: TableSpec
    file: str
    text: pd.DataFrame
    typed: pd.DataFrame

    def rows(self):
        """(line, typed row, text row) for every record, the rows as :class:`Row`."""
        typed_columns, text_columns = list(self.typed.columns), list(self.text.columns)
        for line, typed, text in zip(self.typed.index, self.typed.itertuples(index=False, name=None),
                                     self.text.itertuples(index=False, name=None)):
            yield int(line), Row(zip(typed_columns, typed)), Row(zip(text_columns, text))
