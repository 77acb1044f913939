"""The outcomes the paper pools: how each is named, measured, scaled and drawn.

One registry for the whole book (chapters, charts, regeneration, the sensitivity grid): an
outcome's label, effect measure, unit, analysis scale (``identity`` for differences, ``log`` for
ratios) and the effect that means no change.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OUTCOMES", "OutcomeSpec", "outcome_spec"]


@dataclass(frozen=True)
class OutcomeSpec:
    """How an outcome is named, measured and drawn."""

    outcome: str
    label: str
    measure: str
    unit: str
    scale: str  # "identity" or "log" (ratios)
    null_value: float


OUTCOMES: dict[str, OutcomeSpec] = {
    s.outcome: s for s in (
        OutcomeSpec("cdasi_activity", "CDASI activity", "mean change (after - before)", "points", "identity", 0.0),
        OutcomeSpec("mmt", "Manual muscle testing (MMT)", "mean change (after - before)", "points", "identity", 0.0),
        OutcomeSpec("ck", "Creatine kinase (CK)", "mean change (after - before)", "U/L", "identity", 0.0),
        OutcomeSpec("fvc_pct_predicted", "FVC, % of predicted", "mean change (after - before)", "% predicted",
                    "identity", 0.0),
        OutcomeSpec("death", "Death", "risk ratio (tofacitinib against control)", "", "log", 1.0),
    )
}


def outcome_spec(outcome: str) -> OutcomeSpec:
    """The :class:`OutcomeSpec` of ``outcome``; ValueError listing the valid names otherwise."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; valid outcomes: {', '.join(OUTCOMES)}")
    return OUTCOMES[outcome]
