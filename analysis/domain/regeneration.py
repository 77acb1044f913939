"""Regenerate the paper's pooled results from public inputs: pool exactly the arms the paper pooled.

For a published result (``result_key``) the arms come from ``published_result_studies``. The
result is regenerated only when every one of them has a public effect
(:func:`analysis.domain.study_effects.study_effects`) and the paper says which arms they are; otherwise
``missing_inputs`` names what is absent and there is no regeneration.

:func:`public_inputs_pool` is a different thing, kept apart on purpose: the pool of whatever
public effects an outcome has (for CDASI, Paik 2021 and the two Landon-Cardinal 2023 arms). It is a
partial analysis of the public inputs, never a regeneration of the paper's result.
"""
from __future__ import annotations

from dataclasses import dataclass


import pandas as pd

from analysis.data import Evidence
from analysis.domain.settings import PAPER_SETTINGS, AnalysisSettings
from analysis.stats import PooledResult, pool
from analysis.domain.outcomes import outcome_registry, outcome_spec
from analysis.domain.study_effects import study_effects

__all__ = ["Regeneration", "PublicPool", "regenerate", "regenerations", "regenerated_results",
           "public_inputs_pool", "pool_effects"]


@dataclass(frozen=True)
class Regeneration:
    """One published result key and what public inputs give for it.

    ``result`` is on the analysis scale ``scale`` (log for ratios) and None when not regenerable;
    ``recovered_from`` lists the published result ids an input was back-calculated from (a match
    with those is agreement by construction, not independent confirmation).
    """

    result_key: str
    outcome: str
    scale: str
    arm_ids: tuple[str, ...]
    labels: tuple[str, ...]
    tiers: tuple[str, ...]
    result: PooledResult | None
    missing_inputs: str
    recovered_from: tuple[str, ...]
    note: str

    @property
    def regenerated(self) -> bool:
        return self.result is not None

    def on_published_scale(self) -> tuple[float, float, float] | None:
        """(estimate, ci_low, ci_high) as the paper prints them (ratios exponentiated)."""
        if self.result is None:
            return None
        r = self.result
        if self.scale == "log":
            return r.ratio_ci()
        return r.estimate, r.ci_low, r.ci_high


@dataclass(frozen=True)
class PublicPool:
    """A pool of the public effects of one outcome: a partial analysis, not the paper's result."""

    outcome: str
    title: str
    effects: pd.DataFrame
    missing: pd.DataFrame
    result: PooledResult
    settings: AnalysisSettings


def pool_effects(effects: pd.DataFrame, settings: AnalysisSettings = PAPER_SETTINGS) -> PooledResult:
    """Pool the rows of a :func:`study_effects` frame that have effects, labelled by ``label``."""
    rows = effects[effects["tier"] != "missing"]
    if rows.empty:
        raise ValueError("no public effects to pool: every row is missing")
    return pool(rows["yi"].to_numpy(float), rows["vi"].to_numpy(float), labels=list(rows["label"]),
                tau2_ci=None, **settings.pool_options())


def _outcome_effects(evidence: Evidence, settings: AnalysisSettings) -> dict[str, pd.DataFrame]:
    return {o: study_effects(evidence, o, settings) for o in outcome_registry(evidence)}


def _regenerate(evidence: Evidence, result_key: str, settings: AnalysisSettings,
                effects: dict[str, pd.DataFrame]) -> Regeneration:
    results = evidence.table("published_results")
    rows = results[results["result_key"] == result_key]
    if rows.empty:
        raise ValueError(f"unknown result_key {result_key!r}; valid keys: "
                         f"{', '.join(results['result_key'].drop_duplicates())}")
    outcome = rows["outcome"].iloc[0]
    links = evidence.table("published_result_studies")
    links = links[links["result_key"] == result_key]
    registry = outcome_registry(evidence)
    scale = registry[outcome].scale if outcome in registry else "identity"
    base = dict(result_key=result_key, outcome=outcome, scale=scale, arm_ids=tuple(links["arm_id"]))
    if outcome not in registry:
        return Regeneration(**base, labels=(), tiers=(), result=None, recovered_from=(),
                            missing_inputs="", note="Not a pooled result of an outcome: nothing to regenerate.")
    frame = effects[outcome]
    if links.empty:
        return Regeneration(**base, labels=(), tiers=(), result=None, recovered_from=(),
                            missing_inputs="which studies form this result (the paper does not say)",
                            note="The paper does not name the studies of this result.")
    if outcome == "death":
        chosen = frame[frame["study_id"].isin(set(links["study_id"]))]
    else:
        chosen = frame.set_index("arm_id").loc[list(links["arm_id"])].reset_index()
    missing = [m for m in chosen["missing"] if m]
    if (links["basis"] == "candidate").any():
        labels = ", ".join(chosen["label"])
        missing.insert(0, f"which of the candidate studies ({labels}) form this result (the paper does not say)")
    recovered = tuple(x for x in chosen["recovered_from"] if x)
    common = dict(labels=tuple(chosen["label"]), tiers=tuple(chosen["tier"]), recovered_from=recovered)
    if missing:
        return Regeneration(**base, **common, result=None, missing_inputs="; ".join(missing),
                            note="At least one input the paper pooled is not public.")
    result = pool_effects(chosen, settings)
    return Regeneration(**base, **common, result=result, missing_inputs="",
                        note=f"Pooled from {len(chosen)} public input(s).")


def regenerate(evidence: Evidence, result_key: str, settings: AnalysisSettings = PAPER_SETTINGS) -> Regeneration:
    """What the public inputs give for one published ``result_key``."""
    return _regenerate(evidence, result_key, settings, _outcome_effects(evidence, settings))


def regenerations(evidence: Evidence, settings: AnalysisSettings = PAPER_SETTINGS) -> dict[str, Regeneration]:
    """:func:`regenerate` for every result key of ``published_results``, in file order."""
    effects = _outcome_effects(evidence, settings)
    keys = evidence.table("published_results")["result_key"].drop_duplicates()
    return {k: _regenerate(evidence, k, settings, effects) for k in keys}


def regenerated_results(evidence: Evidence, settings: AnalysisSettings = PAPER_SETTINGS) -> dict[str, PooledResult]:
    """The regenerated pooled results (analysis scale) of the result keys public inputs allow."""
    return {k: r.result for k, r in regenerations(evidence, settings).items() if r.result is not None}


def public_inputs_pool(evidence: Evidence, outcome: str,
                       settings: AnalysisSettings = PAPER_SETTINGS) -> PublicPool:
    """Pool every public effect of ``outcome``: a clearly partial analysis of public inputs only.

    For CDASI this pools Paik 2021 (change from means and SDs with the assumed r) and the two
    Landon-Cardinal 2023 arms (recovered); Min 2022 and Paik 2022, which the paper also pooled,
    are not public, so this is **not** the paper's overall result.
    """
    spec = outcome_spec(evidence, outcome)
    effects = study_effects(evidence, outcome, settings)
    public = effects[effects["tier"] != "missing"].reset_index(drop=True)
    result = pool_effects(public, settings)
    title = (f"{spec.label}: public inputs only ({len(public)} of {len(effects)} pooled arms) "
             f"\u2014 a partial analysis, not the paper's result")
    return PublicPool(outcome=outcome, title=title, effects=public,
                      missing=effects[effects["tier"] == "missing"].reset_index(drop=True), result=result,
                      settings=settings)


