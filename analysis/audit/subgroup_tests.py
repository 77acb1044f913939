"""Tests for subgroup differences that the paper did not report, computed from its published
subgroup estimates.

Each published subgroup result (estimate and 95% CI) gives a standard error,
SE_g = (high - low) / (2 x 1.959964) (:func:`analysis.stats.recover_from_ci`). The test for subgroup
differences is then Q = sum_g W_g (mu_g - mu_bar)², W_g = 1 / SE_g², mu_bar = sum W_g mu_g / sum W_g,
on G - 1 degrees of freedom (Borenstein et al. 2009, ch. 19; Cochrane Handbook v6.5, 10.11.3.1;
RevMan's test). It is legitimate only when the subgroups hold different patients: each result is
tagged with what the data say about that (``caveat``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data import Evidence
from analysis.domain.printed import printed_decimals_frame
from analysis.stats import pool, printed_decimals, recover_from_ci

__all__ = ["PublishedSubgroupTest", "published_subgroup_test", "SUBGROUP_CAVEATS"]

#: why a test on a factor's published subgroups is or is not a valid comparison.
SUBGROUP_CAVEATS = {
    "drug": ("The drug subgroups hold different patients (the ruxolitinib and baricitinib arms of "
             "Landon-Cardinal 2023 are separate patients; the tofacitinib studies are other cohorts), so the "
             "test is legitimate; the tofacitinib subgroup itself counts the Paik 2021 patients twice "
             "(Paik 2022 is their extension), which makes its interval too narrow."),
    "regimen": ("The paper does not say which studies form the two regimen subgroups, so it cannot be checked "
                "that they hold different patients; if Paik 2021 and Paik 2022 (the same patients) fell in "
                "different subgroups the test would not be valid. Read it as conditional."),
}


@dataclass(frozen=True)
class PublishedSubgroupTest:
    """The test for subgroup differences from published subgroup results of one factor."""

    factor: str
    levels: tuple[str, ...]
    estimates: tuple[float, ...]
    se: tuple[float, ...]
    q: float
    df: int
    p: float
    legitimate: bool
    caveat: str

    def to_frame(self) -> pd.DataFrame:
        """One row per subgroup: level, published estimate, recovered SE and weight (percent)."""
        w = 1 / np.square(self.se)
        return pd.DataFrame({"level": self.levels, "estimate": self.estimates, "se": self.se,
                             "weight_pct": 100 * w / w.sum()})


def published_subgroup_test(evidence: Evidence, factor: str) -> PublishedSubgroupTest:
    """Q test between the published subgroup results of ``factor`` ("drug" or "regimen").

    For each subgroup the statement printed most often (ties: first in the file) with an estimate
    and both bounds is used; its SE is recovered from the CI with the printed rounding.
    """
    if factor not in SUBGROUP_CAVEATS:
        raise ValueError(f"unknown subgroup factor {factor!r}; valid factors: {', '.join(SUBGROUP_CAVEATS)}")
    published = evidence.table("published_results")
    printed = printed_decimals_frame(evidence)
    rows = published[(published["subgroup_factor"] == factor) & published["estimate"].notna()
                     & published["ci_low"].notna() & published["ci_high"].notna()]
    levels, estimates, ses = [], [], []
    for level, group in rows.groupby("subgroup_level", sort=False):
        triples = list(zip(group["estimate"], group["ci_low"], group["ci_high"]))
        best = max(triples, key=lambda t: (triples.count(t), -triples.index(t)))
        line = group.index[triples.index(best)]
        decimals = min(printed_decimals(printed.at[line, f"{c}_text"]) for c in ("estimate", "ci_low", "ci_high"))
        rec = recover_from_ci(*best, decimals=decimals)
        levels.append(str(level))
        estimates.append(float(best[0]))
        ses.append(rec.se)
    if len(levels) < 2:
        raise ValueError(f"factor {factor!r} has {len(levels)} published subgroup(s) with an interval; need 2")
    # The test for subgroup differences is Cochran's Q of a fixed-effect pool of the subgroup results.
    between = pool(np.array(estimates), np.array(ses) ** 2, method="FE", tau2_ci=None)
    return PublishedSubgroupTest(factor=factor, levels=tuple(levels), estimates=tuple(estimates), se=tuple(ses),
                                 q=between.q, df=between.q_df, p=between.q_p, legitimate=factor == "drug",
                                 caveat=SUBGROUP_CAVEATS[factor])
