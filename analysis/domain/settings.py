"""The analysis choices of a regeneration, as one frozen object, and the paper's own choices.

The paper (Ma et al. 2024, Methods 2.4) pooled with Stata 16 ``metan`` "random" (inverse-variance
weights with the DerSimonian-Laird tau², Wald interval mu +/- z SE). For a single-arm change built
from before/after means and SDs it needs a pre-post correlation r that no source reports; the book
assumes r = 0.5 and always varies it from 0 to 0.9 (Cochrane Handbook v6.5, section 6.5.2.8).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from analysis.stats import CI_METHODS, DEFAULT_CORRELATIONS, PI_METHODS, POOL_METHODS

__all__ = ["MIN_PREDICTION_DF", "AnalysisSettings", "PAPER_SETTINGS", "PAPER_POSSIBLE_ESTIMATORS", "possible_settings_sentence", "ESTIMATOR_NAMES", "INTERVAL_NAMES", "ESTIMATOR_SHORT_NAMES",
           "INTERVAL_SHORT_NAMES", "describe"]

#: A prediction interval uses t on k - 2 degrees of freedom; with 1 (k = 3) the 97.5% quantile is 12.7,
#: so the interval reflects the quantile rather than the data, and tau² from three studies is itself
#: barely estimable. The book shows prediction intervals only from this many degrees of freedom on
#: (Higgins, Thompson & Spiegelhalter 2009; IntHout et al. 2016, BMJ Open 6:e010247).
MIN_PREDICTION_DF = 2

#: how each tau² estimator is named in prose.
ESTIMATOR_NAMES = {
    "FE": "a fixed-effect (common-effect) inverse-variance model",
    "DL": "a random-effects model with the DerSimonian-Laird estimator of tau²",
    "REML": "a random-effects model with the restricted maximum-likelihood (REML) estimator of tau²",
    "PM": "a random-effects model with the Paule-Mandel estimator of tau²",
}
#: how each confidence-interval method is named in prose.
INTERVAL_NAMES = {
    "normal": "a normal (Wald) 95% confidence interval",
    "knha": "a Hartung-Knapp (t-based) 95% confidence interval",
    "knha_adhoc": "a modified Hartung-Knapp 95% confidence interval (scale factor not below 1)",
}

#: each tau² estimator's short name, for table cells, chart labels and lists in prose.
ESTIMATOR_SHORT_NAMES = {"FE": "fixed-effect", "DL": "DerSimonian-Laird", "REML": "REML", "PM": "Paule-Mandel"}
#: each confidence-interval method's short name, for table cells and chart labels.
INTERVAL_SHORT_NAMES = {"normal": "normal (Wald)", "knha": "Hartung-Knapp", "knha_adhoc": "modified Hartung-Knapp"}


@dataclass(frozen=True)
class AnalysisSettings:
    """One set of analysis choices.

    ``method``: tau² estimator (one of ``analysis.stats.POOL_METHODS``); ``ci_method``: "normal"
    or "knha"; ``pi_method``: prediction interval with t on k - 2 df ("t") or z ("normal");
    ``r``: assumed pre-post correlation for a change from before/after SDs; ``rs``: the r values
    of the sensitivity sweep; ``leave_one_out_max_k``: the largest number of studies for which the
    sensitivity grid lists a leave-one-out row per study (leave-one-out looks for single influential
    studies, which matters with few studies; above this k the grid keeps the all-study rows and says
    so, so that the grid's work per study stays constant as a living review grows).
    """

    method: str = "DL"
    ci_method: str = "normal"
    pi_method: str = "t"
    r: float = 0.5
    rs: tuple[float, ...] = field(default=DEFAULT_CORRELATIONS)
    leave_one_out_max_k: int = 50

    def __post_init__(self) -> None:
        for name, value, valid in (("method", self.method, POOL_METHODS), ("ci_method", self.ci_method, CI_METHODS),
                                   ("pi_method", self.pi_method, PI_METHODS)):
            if value not in valid:
                raise ValueError(f"AnalysisSettings.{name} must be one of {list(valid)}, but got {value!r}")
        for value in (self.r, *self.rs):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not -1 <= value < 1:
                raise ValueError(f"a pre-post correlation must be a number in [-1, 1), but got {value!r}")
        if not self.rs:
            raise ValueError("AnalysisSettings.rs must hold at least one correlation for the sweep, but got ()")

    def with_(self, **changes: object) -> "AnalysisSettings":
        """A copy with some choices changed (``PAPER_SETTINGS.with_(method="REML")``)."""
        return replace(self, **changes)

    def pool_options(self) -> dict[str, str]:
        """The keyword arguments of :func:`analysis.stats.pool` these settings fix."""
        return {"method": self.method, "ci_method": self.ci_method, "pi_method": self.pi_method}


#: The paper's model as the book assumes it: DerSimonian-Laird random effects with a Wald interval
#: (Stata's user-written ``metan``, option "random"). The paper names Stata 16 and a random-effects
#: model but not the estimator, so this is an assumption; see :data:`PAPER_POSSIBLE_ESTIMATORS`.
PAPER_SETTINGS = AnalysisSettings()

#: The estimators the paper's stated tools could have used, each with the Stata command that defaults
#: to it: Stata 16's official ``meta`` suite defaults to REML (``meta set``/``meta summarize``, random
#: effects), the user-written ``metan`` with ``random`` to DerSimonian-Laird. The book regenerates under
#: both and reports each.
PAPER_POSSIBLE_ESTIMATORS = {
    "DL": "the default of Stata's user-written metan with the random option",
    "REML": "the random-effects default of Stata 16's official meta command",
}


def describe(settings: AnalysisSettings = PAPER_SETTINGS) -> str:
    """One sentence naming the estimator, the interval and the assumed r, for a chapter."""
    pi = "t on k - 2 degrees of freedom" if settings.pi_method == "t" else "the normal quantile"
    return (f"Results are pooled with {ESTIMATOR_NAMES[settings.method]}, with {INTERVAL_NAMES[settings.ci_method]} "
            f"and a prediction interval using {pi}; a change computed from before and after means assumes a "
            f"pre-post correlation of r = {settings.r:g}.")


def possible_settings_sentence() -> str:
    """One sentence saying that the paper's estimator is an assumption and naming both candidates."""
    parts = [f"{ESTIMATOR_SHORT_NAMES[m]} ({cmd})" for m, cmd in PAPER_POSSIBLE_ESTIMATORS.items()]
    return ("The paper names Stata 16 and a random-effects model but not the estimator of tau², so its settings "
            f"are an assumption: either {parts[0]} or {parts[1]}. Results are regenerated under "
            f"{ESTIMATOR_SHORT_NAMES[PAPER_SETTINGS.method]} and shown beside the "
            + " and ".join(ESTIMATOR_SHORT_NAMES[m] for m in PAPER_POSSIBLE_ESTIMATORS if m != PAPER_SETTINGS.method)
            + " regeneration.")
