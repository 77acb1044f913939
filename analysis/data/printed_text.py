"""The printed text of published numbers, kept next to their float values.

A float forgets how a number was printed (-20.00 and -20.0 are the same float), but the paper's
rounding -- half a unit of the last printed decimal -- depends on it. For the tables and columns
listed in :data:`PRINTED_TEXT_COLUMNS`, the loader adds ``<column>_text``: the cell exactly as
written in the CSV, stripped of surrounding spaces, as a string (missing, NaN, where the cell is
empty). These columns are derived by the loader; they are not stored in the CSV and not in
``datapackage.json``.
"""
from __future__ import annotations

import pandas as pd

__all__ = ["PRINTED_TEXT_COLUMNS", "TEXT_SUFFIX", "with_printed_text"]

#: table -> numeric columns whose printed text the loaded frame keeps as ``<column>_text``.
PRINTED_TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "published_results": ("estimate", "ci_low", "ci_high", "i2_pct", "p_heterogeneity", "p_unlabelled"),
}
TEXT_SUFFIX = "_text"


def with_printed_text(name: str, typed: pd.DataFrame, text: pd.DataFrame) -> pd.DataFrame:
    """``typed`` with a ``<column>_text`` string column for each column of ``PRINTED_TEXT_COLUMNS[name]``,
    taken from ``text`` (the cells as written, same line index); ``typed`` itself when ``name`` has none.

    Raises ValueError if a listed column is absent from either frame, if the added name already
    exists, or if the two frames do not have the same rows.
    """
    columns = PRINTED_TEXT_COLUMNS.get(name, ())
    if not columns:
        return typed
    if not typed.index.equals(text.index):
        raise ValueError(f"{name}: the typed and text frames have different rows "
                         f"(lines {list(typed.index)} against {list(text.index)}); expected the same lines")
    out = typed.copy()
    for column in columns:
        added = f"{column}{TEXT_SUFFIX}"
        if column not in typed.columns or column not in text.columns:
            raise ValueError(f"{name}: expected a column {column!r} to keep its printed text, but the table has "
                             f"columns {list(typed.columns)}; update PRINTED_TEXT_COLUMNS in analysis/data/printed_text.py")
        if added in typed.columns:
            raise ValueError(f"{name}: the schema already has a field {added!r}, which the loader would overwrite "
                             f"with the printed text of {column!r}; rename the field")
        cells = text[column].astype(object).map(lambda cell: cell.strip() if isinstance(cell, str) else cell)
        out[added] = cells.where(cells != "").astype("str")
    return out
