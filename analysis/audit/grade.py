"""GRADE certainty of a body of evidence: the starting level and the five domains, rated by rules.

Certainty follows the GRADE handbook (section 5) and the Cochrane Handbook (chapter 14): a body of
evidence with no randomised study starts at **low**, one with a randomised study at **high**; each
of five domains takes it down one level (serious) or two (very serious), never below very low.
Four domains are computed from the data by the rules below, so a change in the data changes them;
publication bias is a judgement, read from ``data/certainty_ratings.csv`` with its reason (a
judgement stored there for a computed domain is an error: the rule decides).

* **risk of bias** (:func:`rate_risk_of_bias`): a contributing study with no comparator arm (a
  before-after series) -> very serious; every study compared, none randomised, and a retrospective
  design or a control group of unknown size -> serious; otherwise not serious.
* **inconsistency** (:func:`rate_inconsistency`): one independent study -> not assessable (no
  downgrade: consistency needs two); no I-squared -> not assessable; I-squared >= 75% -> very
  serious, >= 50% -> serious, below -> not serious.
* **indirectness** (:func:`rate_indirectness`): one flag or more -> serious. Flags: the question
  includes polymyositis but no contributing study does; children pooled with adults; a surrogate
  outcome (``sof_outcomes.surrogate``, a judgement with its reason).
* **imprecision** (:func:`rate_imprecision`): three checks, the interval includes no effect; it
  crosses the minimal important difference (the smallest published value); fewer patients than
  the optimal information size rule of thumb (400 for a continuous outcome, 300 events for a
  dichotomous one; GRADE handbook 5.2.2). None failed -> not serious, one -> serious, two or
  more -> very serious. No interval at all (counted harms) -> very serious.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.format import fmt_int, fmt_list, fmt_num, is_missing

__all__ = [
    "DOMAINS", "DOMAIN_LABELS", "DomainRating", "LEVELS", "NOT_ASSESSABLE", "NOT_SERIOUS", "SERIOUS", "VERY_SERIOUS",
    "indirectness_flags", "is_randomised", "mid_threshold", "overall_certainty", "rate_imprecision", "rate_inconsistency",
    "rate_indirectness", "rate_publication_bias", "rate_risk_of_bias", "starting_level",
]

LEVELS = ("very low", "low", "moderate", "high")
DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
DOMAIN_LABELS = {"risk_of_bias": "Risk of bias", "inconsistency": "Inconsistency", "indirectness": "Indirectness",
                 "imprecision": "Imprecision", "publication_bias": "Publication bias"}
NOT_SERIOUS, SERIOUS, VERY_SERIOUS, NOT_ASSESSABLE = "not serious", "serious", "very serious", "not assessable"
_DOWNGRADE = {NOT_SERIOUS: 0, SERIOUS: 1, VERY_SERIOUS: 2, NOT_ASSESSABLE: 0}
OIS_PARTICIPANTS = 400  # continuous outcome: GRADE handbook 5.2.2, rule of thumb
OIS_EVENTS = 300  # dichotomous outcome: GRADE handbook 5.2.2, rule of thumb
I2_SERIOUS, I2_VERY_SERIOUS = 50.0, 75.0  # Cochrane Handbook 10.10.2 ("may represent substantial" / "considerable")
_RANDOMISED = re.compile(r"(?<!non-)(?<!non )\brandomi[sz]ed\b", re.IGNORECASE)


@dataclass(frozen=True)
class DomainRating:
    """One GRADE domain of one outcome: the rating, whether a rule computed it or a person judged
    it, a one-line reason and the inputs it rests on."""

    domain: str
    rating: str
    basis: str  # "computed" or "judgement"
    reason: str
    inputs: str

    @property
    def downgrade(self) -> int:
        return _DOWNGRADE[self.rating]


# --- the rules, each a pure function of its inputs -------------------------------------------------

def is_randomised(design: str) -> bool:
    """Whether a design text names a randomised study ("non-randomised" does not count)."""
    return bool(_RANDOMISED.search(design or ""))


def starting_level(designs: Sequence[str]) -> str:
    """High when a contributing study is randomised, low otherwise (GRADE: non-randomised start low)."""
    return "high" if any(is_randomised(d) for d in designs) else "low"


def rate_risk_of_bias(designs: Sequence[str], has_comparator: Sequence[bool],
                      control_size_known: Sequence[bool] | None = None) -> DomainRating:
    """Risk of bias from the designs of the contributing studies (one entry per study)."""
    if not designs:
        raise ValueError("risk of bias needs at least one contributing study")
    control_size_known = list(control_size_known) if control_size_known is not None else [True] * len(designs)
    inputs = "; ".join(f"{d} ({'with' if c else 'no'} comparator)" for d, c in zip(designs, has_comparator))
    n_single = sum(not c for c in has_comparator)
    if n_single:
        return DomainRating("risk_of_bias", VERY_SERIOUS, "computed",
                            f"{n_single} of {len(designs)} contributing studies compare patients only with their own "
                            "baseline: regression to the mean, co-treatments and the natural course are not separated "
                            "from the drug.", inputs)
    if all(is_randomised(d) for d in designs):
        return DomainRating("risk_of_bias", NOT_SERIOUS, "computed",
                            "Randomised comparisons; their conduct is not assessed here.", inputs)
    weak = [d for d, known in zip(designs, control_size_known) if "retrospective" in d.lower() or not known]
    if weak:
        return DomainRating("risk_of_bias", SERIOUS, "computed",
                            "Non-randomised comparisons, retrospective or with a control group of unknown size: "
                            "confounding by who received the drug.", inputs)
    return DomainRating("risk_of_bias", NOT_SERIOUS, "computed",
                        "Prospective controlled comparisons; confounding is covered by starting at low certainty.",
                        inputs)


def rate_inconsistency(k_independent: int | None, i2_pct: float | None, *, pooled: bool = True) -> DomainRating:
    """Inconsistency from the number of independent studies and the I-squared of the pooled result."""
    k_text = "not stated" if k_independent is None else fmt_int(k_independent)
    i2_text = "not published" if i2_pct is None or is_missing(i2_pct) else f"{fmt_num(i2_pct, 0)}%"
    inputs = f"k = {k_text}; I\u00b2 = {i2_text}"
    if not pooled:
        return DomainRating("inconsistency", NOT_ASSESSABLE, "computed",
                            "No pooled estimate: consistency of effects cannot be judged.", inputs)
    if k_independent is not None and k_independent < 2:
        return DomainRating("inconsistency", NOT_ASSESSABLE, "computed",
                            "A single independent study: consistency cannot be judged (not downgraded).", inputs)
    if i2_pct is None or is_missing(i2_pct):
        return DomainRating("inconsistency", NOT_ASSESSABLE, "computed",
                            "No I\u00b2 published and the inputs are not public (not downgraded).", inputs)
    few = "" if k_independent is not None and k_independent >= 5 else " I\u00b2 from so few studies is itself very uncertain."
    if i2_pct >= I2_VERY_SERIOUS:
        return DomainRating("inconsistency", VERY_SERIOUS, "computed", f"Considerable heterogeneity.{few}", inputs)
    if i2_pct >= I2_SERIOUS:
        return DomainRating("inconsistency", SERIOUS, "computed", f"Substantial heterogeneity.{few}", inputs)
    return DomainRating("inconsistency", NOT_SERIOUS, "computed", f"No important heterogeneity shown.{few}", inputs)


def indirectness_flags(question_population: str, populations: Sequence[str], age_groups: Sequence[str],
                       surrogate: bool, surrogate_reason: str = "") -> list[str]:
    """The reasons the contributing studies answer a different question than the one asked."""
    flags = []
    if "polymyositis" in question_population.lower() and not any("polymyositis" in p.lower() or p.lower() == "pm"
                                                                 for p in populations):
        flags.append("no contributing study includes polymyositis")
    if "adult" in age_groups and "juvenile" in age_groups:
        flags.append("children pooled with adults")
    if surrogate:
        flags.append("surrogate outcome" + (f" ({surrogate_reason.rstrip('.')})" if surrogate_reason else ""))
    return flags


def rate_indirectness(flags: Sequence[str], populations: Sequence[str] = ()) -> DomainRating:
    """Serious when any indirectness flag is raised (see :func:`indirectness_flags`)."""
    inputs = "populations: " + (fmt_list(sorted(set(populations))) or "none")
    if flags:
        return DomainRating("indirectness", SERIOUS, "computed", "; ".join(flags).capitalize() + ".", inputs)
    return DomainRating("indirectness", NOT_SERIOUS, "computed",
                        "The studies' patients and outcome match the question.", inputs)


def mid_threshold(null: float, mid: float | None, better: str, scale: str = "identity") -> float | None:
    """The effect that is just important, in the direction of improvement (None without a MID)."""
    if mid is None or is_missing(mid):
        return None
    if scale == "log":
        raise ValueError("a minimal important difference is defined here for differences only")
    return null - mid if better == "lower" else null + mid


def rate_imprecision(ci_low: float | None, ci_high: float | None, *, null: float, mid: float | None, better: str,
                     participants: int | None, events_at_most: int | None = None,
                     continuous: bool = True, unit: str = "") -> DomainRating:
    """Imprecision from the interval against no effect and the MID, and the number of patients
    (or events) against the optimal information size rule of thumb."""
    size = (f"{fmt_int(participants)} patients" if participants is not None else "patients not known")
    if ci_low is None or ci_high is None or is_missing(ci_low) or is_missing(ci_high):
        return DomainRating("imprecision", VERY_SERIOUS, "computed",
                            f"No effect estimate with an interval, and few events among {size}.", size)
    problems, facts = [], [f"interval {fmt_num(ci_low)} to {fmt_num(ci_high)}"]
    if ci_low <= null <= ci_high:
        problems.append("the interval includes no effect")
    threshold = mid_threshold(null, mid, better) if continuous else None
    if threshold is not None:
        facts.append(f"MID {fmt_num(mid, 1)} {unit}".rstrip())
        if min(ci_low, ci_high) < threshold < max(ci_low, ci_high):
            problems.append("it crosses the minimal important difference")
    elif continuous:
        facts.append("no MID")
    if continuous:
        facts.append(size)
        if participants is None or participants < OIS_PARTICIPANTS:
            problems.append(f"fewer than {OIS_PARTICIPANTS} patients")
    else:
        bound = events_at_most if events_at_most is not None else participants
        facts.append(f"at most {fmt_int(bound)} events" if bound is not None else "events not known")
        if bound is None or bound < OIS_EVENTS:
            problems.append(f"fewer than {OIS_EVENTS} events")
    inputs = "; ".join(facts)
    if not problems:
        return DomainRating("imprecision", NOT_SERIOUS, "computed",
                            "The interval excludes no effect and unimportant effects, with enough patients.", inputs)
    rating = SERIOUS if len(problems) == 1 else VERY_SERIOUS
    no_mid = " No minimal important difference to judge importance by." if continuous and threshold is None else ""
    return DomainRating("imprecision", rating, "computed", (fmt_list(problems) + ".").capitalize() + no_mid, inputs)


def rate_publication_bias(k_independent: int | None, judgement: pd.Series | None) -> DomainRating:
    """Publication bias: a judgement (``certainty_ratings``) beside what k allows to be tested."""
    k_text = "not stated" if k_independent is None else fmt_int(k_independent)
    inputs = f"k = {k_text}: " + ("too few for a funnel plot or Egger's test (10 or more needed)"
                                  if k_independent is None or k_independent < 10 else "enough studies to test")
    if judgement is None:
        return DomainRating("publication_bias", NOT_ASSESSABLE, "judgement",
                            "No judgement recorded in certainty_ratings.csv.", inputs)
    return DomainRating("publication_bias", str(judgement["rating"]), "judgement", str(judgement["reason"]),
                        f"{inputs}; {judgement['evidence']}")


def overall_certainty(start: str, ratings: Sequence[DomainRating]) -> str:
    """The start level taken down by the domains' downgrades, never below very low."""
    level = LEVELS.index(start) - sum(r.downgrade for r in ratings)
    return LEVELS[max(level, 0)]
