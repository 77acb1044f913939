"""The loaded, validated evidence: one pandas DataFrame per table of the data package."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["Evidence", "TABLE_NAMES"]

#: the package's tables, in datapackage.json order (a test checks the two agree).
TABLE_NAMES = (
    "sources", "studies", "arms", "study_facts", "outcomes", "published_results", "published_result_studies",
    "risk_of_bias", "adverse_events", "screening", "excluded_reports", "excluded_report_facts", "paper_statements",
    "outcome_definitions", "update_searches", "update_records", "new_studies", "new_study_results",
    "minimal_important_differences", "sof_outcomes", "certainty_ratings",
)


@dataclass(frozen=True)
class Evidence:
    """Validated tables, each indexed by the file line of its row (index name ``line``).

    A table that was not asked for (nor needed by one that was) is ``None``; ``tables`` names the
    loaded ones. ``outcomes`` has its derived and recovered values filled in; ``derivations``
    logs each of those computations (method, inputs, outputs, rounding or symmetry check).
    Columns: string -> str (NaN when empty), integer -> Int64, number -> float64, boolean -> boolean.

    Derived by the loader, not stored in the CSV: ``published_results`` also has
    ``estimate_text``, ``ci_low_text``, ``ci_high_text``, ``i2_pct_text``,
    ``p_heterogeneity_text`` and ``p_unlabelled_text`` (str, NaN when empty): each number exactly
    as printed in the CSV ("-20.00", not the float -20.0), so that the paper's rounding can be
    read from it (:mod:`analysis.data.printed_text`).
    """

    data_dir: Path
    tables: tuple[str, ...]
    sources: pd.DataFrame | None = None
    studies: pd.DataFrame | None = None
    arms: pd.DataFrame | None = None
    study_facts: pd.DataFrame | None = None
    outcomes: pd.DataFrame | None = None
    published_results: pd.DataFrame | None = None
    published_result_studies: pd.DataFrame | None = None
    risk_of_bias: pd.DataFrame | None = None
    adverse_events: pd.DataFrame | None = None
    screening: pd.DataFrame | None = None
    excluded_reports: pd.DataFrame | None = None
    excluded_report_facts: pd.DataFrame | None = None
    paper_statements: pd.DataFrame | None = None
    outcome_definitions: pd.DataFrame | None = None
    update_searches: pd.DataFrame | None = None
    update_records: pd.DataFrame | None = None
    new_studies: pd.DataFrame | None = None
    new_study_results: pd.DataFrame | None = None
    minimal_important_differences: pd.DataFrame | None = None
    sof_outcomes: pd.DataFrame | None = None
    certainty_ratings: pd.DataFrame | None = None
    derivations: pd.DataFrame | None = None

    def table(self, name: str) -> pd.DataFrame:
        """The table called ``name``; a clear error if it is unknown or was not loaded."""
        if name not in TABLE_NAMES:
            raise ValueError(f"unknown table {name!r}; valid names: {', '.join(TABLE_NAMES)}")
        frame = getattr(self, name)
        if frame is None:
            raise ValueError(f"table {name!r} was not loaded; call load({name!r}, ...) to get it "
                             f"(loaded: {', '.join(self.tables)})")
        return frame

    def study_labels(self) -> dict[str, str]:
        """study_id -> display label ("Paik 2021"), in Table 1 order."""
        studies = self.table("studies").sort_values("table1_row")
        return dict(zip(studies["study_id"], studies["label"]))
