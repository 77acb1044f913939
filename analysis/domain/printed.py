"""The paper's pooled results as printed: how many decimals each published number carries.

The loaded tables hold numbers as floats, which forget trailing zeros (-20.00 arrives as -20.0),
so the verdict rules read the printed text that the loader keeps next to each published number
(``published_results`` columns ``<column>_text``, see :mod:`analysis.data.printed_text`) to know
the paper's rounding (half a unit of the last printed decimal).
"""
from __future__ import annotations

import pandas as pd

from analysis.data import Evidence
from analysis.domain.contracts import require_columns
from analysis.format import is_missing
from analysis.stats import printed_decimals

__all__ = ["PRINTED_COLUMNS", "printed_decimals_frame"]

PRINTED_COLUMNS = ("estimate", "ci_low", "ci_high")


def printed_decimals_frame(evidence: Evidence) -> pd.DataFrame:
    """One row per ``published_results`` row (same ``line`` index): ``<column>_text`` as printed
    ('' where nothing is printed) and ``<column>_decimals`` (Int64, missing where nothing is
    printed) for estimate, ci_low, ci_high."""
    published = evidence.table("published_results")
    require_columns(published, [f"{c}_text" for c in PRINTED_COLUMNS], "published_results",
                    fix="the printed-text columns are added by load(); pass the table as load() returns it")
    frame = pd.DataFrame(index=published.index)
    for column in PRINTED_COLUMNS:
        texts = ["" if is_missing(text) else str(text) for text in published[f"{column}_text"]]
        frame[f"{column}_text"] = pd.Series(texts, index=published.index, dtype="str")
        frame[f"{column}_decimals"] = pd.array([printed_decimals(t) if t else pd.NA for t in texts], dtype="Int64")
    return frame
