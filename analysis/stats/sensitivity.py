"""Sensitivity analyses as tidy frames: leave-one-out, the estimator x interval grid, a sweep of
the assumed pre-post correlation, and named exclusion sets.

These functions pool many times, so by default they skip the Q-profile tau² interval
(``tau2_ci=None``); pass ``tau2_ci="exact"`` to have it in every row.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.stats._validate import as_effects, as_labels, check_choice
from analysis.stats.pooling import CI_METHODS, POOL_METHODS, PooledResult, pool

__all__ = [
    "DEFAULT_CORRELATIONS",
    "LeaveOneOutResult",
    "correlation_sweep",
    "exclusion_sets",
    "leave_one_out",
    "method_grid",
]

#: r = 0.0, 0.1, ..., 0.9: the assumed pre-post correlations of the sweep.
DEFAULT_CORRELATIONS = tuple(round(0.1 * i, 1) for i in range(10))


@dataclass(frozen=True)
class LeaveOneOutResult:
    """The pooled result with all studies and with each study left out in turn."""

    full: PooledResult
    omitted: tuple[str, ...]
    results: tuple[PooledResult, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per omitted study (column ``omitted``), with the change in the estimate
        against the full analysis (``estimate_change``)."""
        frame = pd.DataFrame(
            [{"omitted": label, **r.summary_row()} for label, r in zip(self.omitted, self.results)]
        )
        frame["estimate_change"] = frame["estimate"] - self.full.estimate
        return frame


def leave_one_out(
    yi: Iterable[float],
    vi: Iterable[float],
    labels: Sequence[object] | None = None,
    *,
    method: str = "REML",
    ci_method: str = "normal",
    pi_method: str = "t",
    level: float = 0.95,
    tau2_ci: str | None = None,
) -> LeaveOneOutResult:
    """Pool the k - 1 remaining studies once for each study left out (needs k >= 2; k >= 3 for
    Knapp-Hartung).

    Source: metafor ``leave1out``; Viechtbauer & Cheung 2010, Res Synth Methods 1:112.
    """
    y, v = as_effects(yi, vi)
    names = as_labels(labels, y.size)
    smallest = 3 if ci_method != "normal" else 2
    if y.size < smallest:
        raise ValueError(
            f"leave-one-out with ci_method={ci_method!r} needs k >= {smallest}, but got k = {y.size}"
        )
    options = dict(method=method, ci_method=ci_method, pi_method=pi_method, level=level, tau2_ci=tau2_ci)
    full = pool(y, v, labels=names, **options)
    keep = ~np.eye(y.size, dtype=bool)
    results = tuple(
        pool(y[row], v[row], labels=[n for n, m in zip(names, row) if m], **options) for row in keep
    )
    return LeaveOneOutResult(full=full, omitted=names, results=results)


def method_grid(
    yi: Iterable[float],
    vi: Iterable[float],
    labels: Sequence[object] | None = None,
    *,
    methods: Sequence[str] = ("DL", "REML", "PM"),
    ci_methods: Sequence[str] = CI_METHODS,
    pi_method: str = "t",
    level: float = 0.95,
    tau2_ci: str | None = None,
) -> pd.DataFrame:
    """One row per (tau² estimator, interval method) pair, estimators varying slowest.

    Shows how much the conclusion rests on the choice of DerSimonian-Laird, REML or
    Paule-Mandel and of the normal, Knapp-Hartung or modified (ad hoc) Knapp-Hartung interval.
    Source: Veroniki et al. 2016, Res Synth Methods 7:55 (tau² estimators); IntHout et al.
    2014, BMC Med Res Methodol 14:25 (Knapp-Hartung versus normal intervals).
    """
    for name in methods:
        check_choice(name, POOL_METHODS, "pooling method")
    for name in ci_methods:
        check_choice(name, CI_METHODS, "ci_method")
    y, v = as_effects(yi, vi)
    return pd.DataFrame(
        [
            pool(y, v, method=m, ci_method=c, pi_method=pi_method, labels=labels, level=level,
                 tau2_ci=tau2_ci).summary_row()
            for m in methods
            for c in ci_methods
        ]
    )


def correlation_sweep(
    build: Callable[[float], tuple[Iterable[float], Iterable[float]]],
    rs: Sequence[float] = DEFAULT_CORRELATIONS,
    *,
    method: str = "REML",
    ci_method: str = "normal",
    pi_method: str = "t",
    level: float = 0.95,
    tau2_ci: str | None = None,
) -> pd.DataFrame:
    """Pool the effects ``build(r)`` returns for each assumed pre-post correlation r in ``rs``.

    ``build`` maps r to (yi, vi), typically through
    :func:`analysis.stats.effects.mean_change_from_pre_post`, whose change SD depends on r
    (Cochrane Handbook v6.5, section 6.5.2.8 recommends such a sensitivity analysis when r
    is imputed). One row per r, column ``r`` first.
    Source: Cochrane Handbook v6.5, section 6.5.2.8 (imputed correlations and sensitivity).
    """
    rows = []
    for r in rs:
        if not -1 <= float(r) <= 1:
            raise ValueError(f"each r must be a correlation between -1 and 1, but got {r!r}")
        y, v = build(float(r))
        result = pool(y, v, method=method, ci_method=ci_method, pi_method=pi_method, level=level,
                      tau2_ci=tau2_ci)
        rows.append({"r": float(r), **result.summary_row()})
    return pd.DataFrame(rows)


def exclusion_sets(
    yi: Iterable[float],
    vi: Iterable[float],
    labels: Sequence[object],
    sets: Mapping[str, Iterable[object]],
    *,
    method: str = "REML",
    ci_method: str = "normal",
    pi_method: str = "t",
    level: float = 0.95,
    tau2_ci: str | None = None,
) -> pd.DataFrame:
    """Pool all studies, then again without each named set of study labels.

    ``sets`` maps a name (e.g. "one report per cohort", "adults only") to the labels to drop.
    One row per set, the first named "all studies"; columns ``set``, ``dropped`` (labels
    joined by "; ") and the pooled result. Unknown labels raise a ValueError.
    Source: Cochrane Handbook v6.5, section 10.14 (sensitivity analyses by excluding studies).
    """
    y, v = as_effects(yi, vi)
    names = as_labels(labels, y.size)
    options = dict(method=method, ci_method=ci_method, pi_method=pi_method, level=level, tau2_ci=tau2_ci)
    rows = [{"set": "all studies", "dropped": "", **pool(y, v, labels=names, **options).summary_row()}]
    for set_name, dropped in sets.items():
        drop = [str(label) for label in dropped]
        unknown = sorted(set(drop) - set(names))
        if unknown:
            raise ValueError(
                f"exclusion set {set_name!r} names unknown studies {unknown!r}; known labels: {list(names)!r}"
            )
        keep = np.array([n not in drop for n in names])
        if not keep.any():
            raise ValueError(f"exclusion set {set_name!r} drops every study; at least one must remain")
        result = pool(y[keep], v[keep], labels=[n for n, m in zip(names, keep) if m], **options)
        rows.append({"set": set_name, "dropped": "; ".join(drop), **result.summary_row()})
    return pd.DataFrame(rows)
