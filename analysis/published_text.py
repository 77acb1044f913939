"""The paper's pooled results as printed: how many decimals each published number carries.

The loaded tables hold numbers as floats, which forget trailing zeros (-20.00 arrives as -20.0),
so the verdict rules read the printed text of ``published_results.csv`` to know the paper's
rounding (half a unit of the last printed decimal).
"""
from __future__ import annotations

import pandas as pd

from analysis.data import Evidence
from analysis.data.csv_source import read_raw
from analysis.data.derive import printed_decimals
from analysis.data.descriptor import display_path, read_package

__all__ = ["PRINTED_COLUMNS", "printed_decimals_frame"]

PRINTED_COLUMNS = ("estimate", "ci_low", "ci_high")


def printed_decimals_frame(evidence: Evidence) -> pd.DataFrame:
    """One row per ``published_results`` row (same ``line`` index): ``<column>_text`` as printed and
    ``<column>_decimals`` (Int64, missing where nothing is printed) for estimate, ci_low, ci_high."""
    spec = read_package(evidence.data_dir).tables["published_results"]
    path = evidence.data_dir / spec.path
    raw = read_raw(path, display_path(path))
    rows = []
    for line, record in zip(raw.lines, raw.records):
        cells = dict(zip(raw.header, record))
        row = {"line": line}
        for column in PRINTED_COLUMNS:
            text = cells.get(column, "").strip()
            row[f"{column}_text"] = text
            row[f"{column}_decimals"] = printed_decimals(text) if text else pd.NA
        rows.append(row)
    frame = pd.DataFrame(rows).set_index("line")
    for column in PRINTED_COLUMNS:
        frame[f"{column}_decimals"] = frame[f"{column}_decimals"].astype("Int64")
    published = evidence.table("published_results")
    if not frame.index.equals(published.index):
        raise ValueError(f"{display_path(path)}: the printed rows (lines {list(frame.index)}) do not match the "
                         f"loaded published_results rows (lines {list(published.index)}); reload the evidence")
    return frame
