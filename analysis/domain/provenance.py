"""The provenance tiers every study-level number carries, in words, for a table legend.

The tiers and their meanings follow the project's extraction sheet (the tier table of the
primary-source notes), with ``missing`` added for values no public source gives. This module is
the one place the tiers are named and explained: the marker of each tier in charts
(:data:`analysis.report.figures.TIER_STYLES`) and the chart legend's short meanings are built from
:data:`TIERS` and :data:`LEGEND_MEANINGS`, and a test checks that the data package's ``tier``
fields allow exactly these names.
"""
from __future__ import annotations

import pandas as pd

__all__ = ["LEGEND_MEANINGS", "TIERS", "TIER_DEFINITIONS", "tier_table"]

#: every provenance tier, from the most to the least direct evidence (the charts' legend order).
TIERS: tuple[str, ...] = ("primary", "secondary", "derived", "recovered", "paper", "assumed", "missing")
#: each tier in a few words, for chart legends.
LEGEND_MEANINGS = {
    "primary": "stated in the primary study",
    "secondary": "stated in a faithful secondary report",
    "derived": "computed by the book's code from stated numbers",
    "recovered": "back-calculated from a published one-study subgroup",
    "paper": "as stated in the paper (Ma et al. 2024)",
    "assumed": "an analysis assumption, varied in sensitivity analyses",
    "missing": "not found in any public source",
}

_MEANINGS = {
    "primary": "Reported in the included study's own abstract or full text.",
    "secondary": "Reported by a faithful secondary account of the same study (a news summary or a "
                 "thesis abstract on the same cohort).",
    "derived": "Calculated by the book's code from primary or secondary numbers with a stated formula "
               "(for example a count from a percentage and n, or a change from before and after means).",
    "recovered": "Back-calculated by the book's code from a result the paper publishes for a subgroup "
                 "holding a single study: its estimate and 95% CI give that study's effect and standard error.",
    "paper": "Printed in the paper itself (Ma et al. 2024): its tables, text or pooled results.",
    "assumed": "An analysis assumption, not data (for example the pre-post correlation r); always varied "
               "in a sensitivity analysis.",
    "missing": "Needed for the analysis but found in no public source; shown as not available, never guessed.",
}

#: One row per tier, in the charts' legend order: columns ``tier`` and ``meaning``.
TIER_DEFINITIONS = pd.DataFrame({"tier": list(TIERS), "meaning": [_MEANINGS[t] for t in TIERS]})


def tier_table(tiers: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """The rows of :data:`TIER_DEFINITIONS` for ``tiers`` (all when None), in legend order.

    Raises ValueError naming the valid tiers when one is unknown.
    """
    if tiers is None:
        return TIER_DEFINITIONS.copy()
    unknown = sorted(set(tiers) - set(TIERS))
    if unknown:
        raise ValueError(f"unknown provenance tier(s) {unknown}; valid tiers: {list(TIERS)}")
    return TIER_DEFINITIONS[TIER_DEFINITIONS["tier"].isin(set(tiers))].reset_index(drop=True)
