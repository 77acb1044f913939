"""Subgroup analyses of the public inputs: the paper's subgroup factors (drug, follow-up)
applied to the study arms whose effects are public, with a diamond per subgroup and the
test for subgroup differences (Cochran's Q between subgroups, df = subgroups - 1).

Arms whose inputs are missing stay in ``effects`` (and so in the forest frame that
:func:`analysis.report.forest_frames.subgroup_frame` draws) as "not available" rows under their subgroup,
so the reader sees which subgroups cannot be pooled at all.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.domain.settings import PAPER_SETTINGS, AnalysisSettings
from analysis.stats import PooledResult, pool, subgroup_analysis

__all__ = ["PublicSubgroups", "public_subgroups", "FACTOR_COLUMNS"]

#: The paper's subgroup factors that the effects frame can express, by effects column.
FACTOR_COLUMNS = {"drug": "drug", "follow-up": "follow_up_months"}


@dataclass(frozen=True)
class PublicSubgroups:
    """The arms with their subgroup (column ``subgroup``, missing arms included), each subgroup's
    pooled result, and the test for subgroup differences (None when fewer than two subgroups have
    a public arm)."""

    factor: str
    effects: pd.DataFrame
    groups: tuple[str, ...]  # subgroups with at least one public arm, in order
    results: tuple[PooledResult, ...]
    overall: PooledResult
    q_between: float | None
    df_between: int | None
    p_between: float | None
    empty_groups: tuple[str, ...]  # subgroups of the paper with no public arm at all

    def result(self, group: str) -> PooledResult:
        if group not in self.groups:
            raise ValueError(f"no public arm in subgroup {group!r}; subgroups with one: {', '.join(self.groups)}")
        return self.results[self.groups.index(group)]


def _group_names(effects: pd.DataFrame, column: str) -> pd.Series:
    values = effects[column]
    if column == "follow_up_months":
        return values.map(lambda m: f"{m:g} months")
    return values.astype(str)


def public_subgroups(effects: pd.DataFrame, factor: str,
                     settings: AnalysisSettings = PAPER_SETTINGS) -> PublicSubgroups:
    """Pool the public arms of ``effects`` within each level of ``factor`` ("drug" or "follow-up")
    under ``settings`` and test the differences between the subgroups."""
    if factor not in FACTOR_COLUMNS:
        raise ValueError(f"unknown subgroup factor {factor!r}; valid factors: {', '.join(FACTOR_COLUMNS)}")
    column = FACTOR_COLUMNS[factor]
    if column == "follow_up_months":  # in order of follow-up, not of first appearance
        effects = effects.sort_values(column, kind="stable")
    effects = effects.assign(subgroup=_group_names(effects, column))
    public = effects[effects["tier"] != "missing"]
    if public.empty:
        raise ValueError("no public arm to pool: every input of this outcome is missing")
    options = settings.pool_options()
    yi, vi, groups = public["yi"].to_numpy(float), public["vi"].to_numpy(float), list(public["subgroup"])
    labels = list(public["label"])
    if len(set(groups)) >= 2:
        found = subgroup_analysis(yi, vi, groups, labels=labels, tau2_ci=None, **options)
        names, results, overall = found.groups, found.results, found.overall
        test = (found.q_between, found.df_between, found.p_between)
    else:
        overall = pool(yi, vi, labels=labels, tau2_ci=None, **options)
        names, results, test = (groups[0],), (overall,), (None, None, None)
    empty = tuple(g for g in dict.fromkeys(effects["subgroup"]) if g not in names)
    return PublicSubgroups(factor, effects, tuple(names), tuple(results), overall, *test, empty)
