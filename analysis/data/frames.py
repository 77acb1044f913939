"""Turn a table's text into pandas frames: one of the cells as written, one typed by the schema.

Both frames have one column per schema field (in schema order) and are indexed by the file
line of each record (index name ``line``), so every rule can name the line it is about.
Typing runs after frictionless and :mod:`analysis.data.numbers` have reported every cell that
does not fit its type (numbers are converted by :func:`analysis.data.numbers.to_number` only when
written plainly and finite); such a cell becomes missing here only so that the remaining rules
can still run: the load fails anyway.
"""
from __future__ import annotations

import pandas as pd

from analysis.data.csv_source import RawTable
from analysis.data.descriptor import TableSpec
from analysis.data.numbers import to_integer, to_number

__all__ = ["text_frame", "typed_frame"]

#: frictionless's defaults, for a boolean field whose schema does not list its values.
_TRUE_VALUES = ["true", "True", "TRUE", "1"]
_FALSE_VALUES = ["false", "False", "FALSE", "0"]


def text_frame(spec: TableSpec, raw: RawTable) -> pd.DataFrame:
    """Cells as written ('' when empty), columns matched to the schema by header name."""
    positions = {name: i for i, name in enumerate(raw.header) if name}
    columns = {}
    for name in spec.field_names:
        i = positions.get(name)
        columns[name] = [rec[i] if i is not None and i < len(rec) else "" for rec in raw.records]
    frame = pd.DataFrame(columns, index=pd.Index(raw.lines, name="line", dtype="int64"), dtype=object)
    keep = [any(cell != "" for cell in rec) for rec in raw.records]  # blank rows are reported, not data
    return frame.loc[keep] if not all(keep) else frame


def _typed(series: pd.Series, field: dict) -> pd.Series:
    kind = field.get("type", "string")
    empty = series == ""
    if kind == "integer":
        return pd.Series(pd.array([to_integer(v) for v in series], dtype="Int64"), index=series.index)
    if kind == "number":
        values = [to_number(v) for v in series]
        return pd.Series([float("nan") if v is None else v for v in values], index=series.index, dtype="float64")
    if kind == "boolean":
        true_values = set(field.get("trueValues", _TRUE_VALUES))
        false_values = set(field.get("falseValues", _FALSE_VALUES))
        mapped = series.map(lambda v: True if v in true_values else (False if v in false_values else pd.NA))
        return mapped.astype("boolean")
    return series.where(~empty).astype("str")


def typed_frame(spec: TableSpec, text: pd.DataFrame) -> pd.DataFrame:
    """The text frame with each column in its schema type: string -> str (NaN when empty),
    integer -> Int64, number -> float64, boolean -> boolean."""
    return pd.DataFrame({f["name"]: _typed(text[f["name"]], f) for f in spec.fields}, index=text.index)
