"""Subgroup analysis: each subgroup pooled on its own, and the test for subgroup differences."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from analysis.stats._validate import as_effects, as_labels
from analysis.stats.pooling import PooledResult, pool

__all__ = ["SubgroupResult", "subgroup_analysis"]


@dataclass(frozen=True)
class SubgroupResult:
    """Per-subgroup pooled results (in order of first appearance), the overall result, and
    the between-subgroup Q test."""

    groups: tuple[str, ...]
    results: tuple[PooledResult, ...]
    overall: PooledResult
    q_between: float
    df_between: int
    p_between: float
    notes: tuple[str, ...]

    def result(self, group: str) -> PooledResult:
        """The pooled result of one subgroup by name."""
        if group not in self.groups:
            raise ValueError(f"unknown subgroup {group!r}; expected one of {list(self.groups)!r}")
        return self.results[self.groups.index(group)]

    def to_frame(self) -> pd.DataFrame:
        """One row per subgroup plus an "overall" row, with the between-subgroup test repeated
        on every row (columns ``q_between``, ``df_between``, ``p_between``)."""
        rows = [{"subgroup": g, **r.summary_row()} for g, r in zip(self.groups, self.results)]
        rows.append({"subgroup": "overall", **self.overall.summary_row()})
        frame = pd.DataFrame(rows)
        frame["q_between"] = self.q_between
        frame["df_between"] = self.df_between
        frame["p_between"] = self.p_between
        return frame


def subgroup_analysis(
    yi: Iterable[float],
    vi: Iterable[float],
    groups: Sequence[object],
    labels: Sequence[object] | None = None,
    *,
    method: str = "REML",
    ci_method: str = "normal",
    pi_method: str = "t",
    level: float = 0.95,
    tau2_ci: str | None = "exact",
) -> SubgroupResult:
    """Pool each subgroup separately (its own tau²) and test whether the subgroup estimates differ.

    Formula: Q_between = sum_g W_g (mu_g - mu_bar)², W_g = 1 / SE_g², mu_bar = sum W_g mu_g / sum W_g,
    df = G - 1, p = P(chi²_df > Q_between); SE_g is the inverse-variance SE of subgroup g
    (sqrt(1 / sum w_i)), also when the intervals use Knapp-Hartung.
    A subgroup with one study under ``ci_method="knha"`` is pooled with the normal interval
    (Knapp-Hartung needs k >= 2); ``notes`` lists such subgroups.
    Source: Borenstein et al. 2009, Introduction to Meta-Analysis, ch. 19 (separate tau² per
    subgroup); Cochrane Handbook v6.5, section 10.11; RevMan's test for subgroup differences.
    """
    y, v = as_effects(yi, vi)
    names = as_labels(labels, y.size)
    group_keys = [str(g) for g in groups]
    if len(group_keys) != y.size:
        raise ValueError(f"expected {y.size} subgroup names (one per study), but got {len(group_keys)}")
    order = tuple(dict.fromkeys(group_keys))
    if len(order) < 2:
        raise ValueError(f"a subgroup analysis needs at least 2 subgroups, but got {list(order)!r}")
    keys = np.asarray(group_keys, dtype=object)
    results, notes = [], []
    for group in order:
        mask = keys == group
        group_ci = ci_method
        if ci_method != "normal" and mask.sum() == 1:
            group_ci = "normal"
            notes.append(f"subgroup {group!r} has one study: normal interval instead of Knapp-Hartung")
        results.append(
            pool(y[mask], v[mask], method=method, ci_method=group_ci, pi_method=pi_method,
                 labels=[n for n, m in zip(names, mask) if m], level=level, tau2_ci=tau2_ci)
        )
    estimates = np.array([r.estimate for r in results])
    weights = np.array([float(np.sum(1.0 / (np.asarray(r.vi) + r.tau2))) for r in results])
    mu_bar = float(np.dot(weights, estimates) / weights.sum())
    q_between = float(np.dot(weights, (estimates - mu_bar) ** 2))
    df = len(order) - 1
    overall = pool(y, v, method=method, ci_method=ci_method, pi_method=pi_method, labels=names,
                   level=level, tau2_ci=tau2_ci)
    return SubgroupResult(
        groups=order, results=tuple(results), overall=overall, q_between=q_between,
        df_between=df, p_between=float(special.chdtrc(df, q_between)), notes=tuple(notes),
    )
