"""The outcomes the paper pools: how each is named, measured, scaled and drawn.

The registry is data (``data/outcome_definitions.csv``, loaded with ``published_results``): one
row per outcome with its label and short label, effect measure, unit, analysis scale
(``identity`` for differences, ``log`` for ratios), the effect that means no change, the
direction of improvement, the heading of its chart panel and its headline results. Every module that needs to know an outcome asks :func:`outcome_registry` or
:func:`outcome_spec`; none writes an outcome's name or unit itself.
"""
from __future__ import annotations

from dataclasses import dataclass

from analysis.data import Evidence
from analysis.format import is_missing

__all__ = ["OutcomeSpec", "headline_keys", "outcome_registry", "outcome_spec"]


@dataclass(frozen=True)
class OutcomeSpec:
    """How an outcome is named, measured and drawn (one row of ``outcome_definitions``)."""

    outcome: str
    label: str
    short_label: str
    measure: str
    unit: str
    scale: str  # "identity" or "log" (ratios)
    null_value: float
    better: str  # "lower" or "higher": the direction of improvement
    chart_panel: str
    headline_results: tuple[str, ...]  # result keys the front page shows
    description: str

    @property
    def panel(self) -> str:
        """The heading of the outcome's panel in summary charts."""
        if self.chart_panel:
            return self.chart_panel
        if self.scale == "log":
            return f"{self.label}: {self.measure}"
        return f"{self.label}: {self.measure}, {self.unit}"


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def outcome_registry(evidence: Evidence) -> dict[str, OutcomeSpec]:
    """outcome -> :class:`OutcomeSpec`, in the order of ``outcome_definitions``."""
    table = evidence.table("outcome_definitions")
    return {row.outcome: OutcomeSpec(
                outcome=row.outcome, label=row.label, short_label=row.short_label, measure=row.measure,
                unit=_text(row.unit), scale=row.scale, null_value=float(row.null_value), better=row.better,
                chart_panel=_text(row.chart_panel),
                headline_results=tuple(k.strip() for k in _text(row.headline_results).split(";") if k.strip()),
                description=row.description)
            for row in table.itertuples(index=False)}


def headline_keys(evidence: Evidence) -> tuple[str, ...]:
    """The result keys of every outcome's ``headline_results``, in the order of ``published_results``;
    ValueError naming a key that ``published_results`` does not hold."""
    wanted = {key for spec in outcome_registry(evidence).values() for key in spec.headline_results}
    keys = tuple(dict.fromkeys(evidence.table("published_results")["result_key"]))
    unknown = sorted(wanted - set(keys))
    if unknown:
        raise ValueError(f"outcome_definitions.headline_results names result keys that published_results lacks: "
                         f"{unknown}")
    return tuple(k for k in keys if k in wanted)


def outcome_spec(evidence: Evidence, outcome: str) -> OutcomeSpec:
    """The :class:`OutcomeSpec` of ``outcome``; ValueError listing the valid names otherwise."""
    registry = outcome_registry(evidence)
    if outcome not in registry:
        raise ValueError(f"unknown outcome {outcome!r}; valid outcomes: {', '.join(registry)}")
    return registry[outcome]
