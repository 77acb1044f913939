"""A loaded table: its spec, the file it came from, and its text and typed frames."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data.descriptor import TableSpec

__all__ = ["LoadedTable"]


@dataclass(frozen=True)
class LoadedTable:
    """``text`` holds the cells as written ('' when empty); ``typed`` the same cells in their
    schema types. Both are indexed by file line."""

    spec: TableSpec
    file: str
    text: pd.DataFrame
    typed: pd.DataFrame

    def rows(self):
        """(line, typed row, text row) for every record."""
        for (line, typed), (_, text) in zip(self.typed.iterrows(), self.text.iterrows()):
            yield int(line), typed, text
