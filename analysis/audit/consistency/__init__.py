"""The paper's internal consistency, checked by code over ``data/``.

Each check returns a :class:`CheckResult` (what was tested, what was found with computed
numbers, a status in :data:`STATUSES`, and a details table with one row per compared item):

(a) ``ci_symmetry``: each CI symmetric about its estimate on the right scale, within rounding;
(b) ``p_vs_ci``: each unlabelled p-value against the p its CI implies;
(c) ``heterogeneity_k``: I², the heterogeneity p and the number of studies;
(d) ``subgroups_vs_overall``: the overall CDASI result against its subgroups;
(e) ``counts_vs_tables``: counts in the text against the sums of the tables;
(f) ``text_vs_tables``: verbal claims and Table 4 against the numbers and the primary reports;
(g) ``measure_names``: effect-measure names against the numbers;
(h) ``eligibility``: the eligibility criteria against the included studies.
"""
from __future__ import annotations

import pandas as pd

from analysis.audit.consistency.counts import check_counts_against_tables
from analysis.audit.consistency.display import DISPLAY_COLUMNS, details_for_display
from analysis.audit.consistency.eligibility import check_eligibility
from analysis.audit.consistency.heterogeneity import check_heterogeneity, fit_i2_p_k
from analysis.audit.consistency.intervals import check_ci_symmetry, check_p_against_ci, implied_p_range
from analysis.audit.consistency.measures import check_measure_names
from analysis.audit.consistency.result import STATUSES, CheckResult, overall_status
from analysis.audit.consistency.statements import PaperStatement, paper_statements
from analysis.audit.consistency.subgroups import check_subgroups_against_overall, combine_subgroups
from analysis.audit.consistency.text import check_text_against_tables

__all__ = [
    "CHECKS",
    "DISPLAY_COLUMNS",
    "STATUSES",
    "CheckResult",
    "PaperStatement",
    "check_ci_symmetry",
    "check_counts_against_tables",
    "check_eligibility",
    "check_heterogeneity",
    "check_measure_names",
    "check_p_against_ci",
    "check_subgroups_against_overall",
    "check_text_against_tables",
    "checks_table",
    "combine_subgroups",
    "details_for_display",
    "fit_i2_p_k",
    "implied_p_range",
    "overall_status",
    "paper_statements",
    "run_all_checks",
]

#: the checks in the order the reproduction report shows them.
CHECKS = (
    check_ci_symmetry,
    check_p_against_ci,
    check_heterogeneity,
    check_subgroups_against_overall,
    check_counts_against_tables,
    check_text_against_tables,
    check_measure_names,
    check_eligibility,
)


def run_all_checks(evidence) -> tuple[CheckResult, ...]:
    """Run every check on ``evidence`` (from :func:`analysis.data.load`), in :data:`CHECKS` order."""
    return tuple(check(evidence) for check in CHECKS)


def checks_table(results) -> pd.DataFrame:
    """One row per check: check_id, title, tested, finding, status, and how many detail rows
    are consistent, inconsistent or cannot be checked."""
    rows = []
    for r in results:
        counts = r.details["status"].value_counts() if "status" in r.details else pd.Series(dtype=int)
        rows.append({"check_id": r.check_id, "title": r.title, "tested": r.tested, "finding": r.finding,
                     "status": r.status, **{f"n_{s.replace(' ', '_')}": int(counts.get(s, 0)) for s in STATUSES}})
    return pd.DataFrame(rows)
