"""Limitations the reproduction finds, each as a computed check on the data.

* :func:`patient_overlap`: reports of the same patients counted as separate studies
  (``studies.same_patients_as``): Table 1 total - re-reported patients, against the stated total.
* :func:`re_report`: a report of the same patients as another, and that other report (the prose's
  "extension study" and "parent trial"), by the data's ``same_patients_as`` link.
* :func:`results_with_overlap`: the paper's pooled results that hold both reports of the same patients.
* :func:`eligibility_table`: study sizes against the paper's two size rules (Methods 2.1 admits
  letters and case series above a size; Results 3.1 excludes reports below it; both sizes are
  rows of ``paper_statements``), age group and population.
* :func:`population_mix` and :func:`scale_mix`: which pooled results mix populations (children,
  anti-MDA5 ILD cohorts) or measurement scales (MMT-8, MMT, CMAS; CK in "U" and "UI").
* :func:`small_study_check`: Egger and Begg tests on the public effects, and the number of
  studies behind every pooled result against the 10 the Cochrane Handbook (v6.5, chapter 13)
  asks for before testing funnel asymmetry.
* :func:`inputs_availability`: how many study-arm inputs of the pooled results are public.
* :func:`design_table`: which studies have a comparison group at all.

The paper's verbal statements these checks use (the size rules, which results hold a single
study) are read from the ``paper_statements`` table; :func:`size_rule_patients` and
:func:`single_study_results` return them.
"""
from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd
from scipy import stats

from analysis.audit.consistency.eligibility import CASE_SERIES_TOOL, LETTER_TYPES
from analysis.audit.consistency.heterogeneity import studies_in_result
from analysis.audit.consistency.statements import single_study_results, statement
from analysis.data import Evidence
from analysis.format import fmt_int, fmt_num, is_missing
from analysis.domain.settings import PAPER_SETTINGS, AnalysisSettings
from analysis.stats import BeggResult, EggerResult, begg_test, egger_test
from analysis.stats.small_study import MIN_STUDIES_FOR_ASYMMETRY_TESTS
from analysis.domain.outcomes import outcome_registry
from analysis.domain.study_effects import study_effects

__all__ = [
    "InputsAvailability",
    "PatientOverlap",
    "ReReport",
    "SmallStudyCheck",
    "design_table",
    "eligibility_table",
    "inputs_availability",
    "patient_overlap",
    "population_mix",
    "re_report",
    "results_with_overlap",
    "scale_mix",
    "single_study_results",
    "size_rule_patients",
    "small_study_check",
]

#: paper_statements rows of the two size rules: admission above a size (Methods 2.1) and
#: exclusion below a size (Results 3.1).
SIZE_RULE_ADMITS_ABOVE = "letters_min_size"
SIZE_RULE_EXCLUDES_BELOW = "small_sample_excluded"
#: muscle scales named in Table 1 endpoints, most specific first.
MUSCLE_SCALES = ("MMT-8", "CMAS", "MMT")


def _short_label(registry: dict, outcome: str) -> str:
    return registry[outcome].short_label if outcome in registry else outcome


def size_rule_patients(statements: pd.DataFrame) -> int:
    """The patient count of the paper's admission rule for letters and case series ("more than
    N patients", Methods 2.1), from the ``paper_statements`` row ``letters_min_size``."""
    return int(statement(statements, SIZE_RULE_ADMITS_ABOVE).value)


@dataclass(frozen=True)
class PatientOverlap:
    """Patients in Table 1 against the stated total.

    ``table1_total`` = sum of Table 1's patient column; ``re_reported`` = patients of reports
    that re-report another included report's patients; ``distinct`` = table1_total - re_reported.
    ``stated`` is the paper's total (screening step ``patients_included``); ``explains_stated``
    is True when ``distinct == stated``. ``pairs``: study, same_patients_as, n, basis.
    """

    table1_total: int
    re_reported: int
    distinct: int
    stated: int | None
    explains_stated: bool
    pairs: pd.DataFrame


def patient_overlap(studies: pd.DataFrame, screening: pd.DataFrame) -> PatientOverlap:
    """Compute :class:`PatientOverlap` from ``studies`` and ``screening``."""
    labels = dict(zip(studies["study_id"], studies["label"]))
    repeat = studies[studies["same_patients_as"].notna()]
    stated = screening.loc[screening["step_id"] == "patients_included", "count"]
    if len(stated) != 1:
        raise ValueError("screening: expected exactly one row with step_id 'patients_included', "
                         f"found {len(stated)} (data/screening.csv).")
    stated_value = None if is_missing(stated.iloc[0]) else int(stated.iloc[0])
    total, again = int(studies["total_n"].sum()), int(repeat["total_n"].sum())
    pairs = pd.DataFrame({"study": [labels[s] for s in repeat["study_id"]],
                          "same_patients_as": [labels[s] for s in repeat["same_patients_as"]],
                          "patients": repeat["total_n"].astype("Int64").to_numpy(),
                          "basis": repeat["same_patients_basis"].to_numpy()})
    return PatientOverlap(table1_total=total, re_reported=again, distinct=total - again, stated=stated_value,
                          explains_stated=stated_value is not None and total - again == stated_value, pairs=pairs)


@dataclass(frozen=True)
class ReReport:
    """A report of the same patients as an earlier included report (``studies.same_patients_as``):
    ``report`` and ``original`` are their display labels, ``report_id`` and ``original_id`` their ids."""

    report_id: str
    report: str
    original_id: str
    original: str


def re_report(studies: pd.DataFrame, *, among: Collection[str] | None = None,
              original: str | None = None) -> ReReport:
    """The first report, in Table 1 order, that re-reports another report's patients; with ``among``
    (study ids), one whose two reports are both among them; with ``original`` (a study id), one that
    re-reports that study's patients. Raises ``ValueError`` naming data/studies.csv when there is none."""
    labels = dict(zip(studies["study_id"], studies["label"]))
    repeats = studies[studies["same_patients_as"].notna()].sort_values("table1_row")
    if among is not None:
        repeats = repeats[repeats["study_id"].isin(among) & repeats["same_patients_as"].isin(among)]
    if original is not None:
        repeats = repeats[repeats["same_patients_as"] == original]
    if repeats.empty:
        wanted = "" if original is None else f" the patients of {original!r}"
        within = "" if among is None else f" among {', '.join(sorted(among))}"
        raise ValueError(f"data/studies.csv: no study re-reports{wanted}{within} (column same_patients_as)")
    first = repeats.iloc[0]
    return ReReport(report_id=first["study_id"], report=labels[first["study_id"]],
                    original_id=first["same_patients_as"], original=labels[first["same_patients_as"]])


def _first_statement(published_results: pd.DataFrame) -> pd.DataFrame:
    """The first stated row of each result key (the estimate as printed first)."""
    return published_results.drop_duplicates("result_key").set_index("result_key")


def results_with_overlap(evidence: Evidence) -> pd.DataFrame:
    """Pooled results whose arms include a report and the report it re-reports.

    Columns: result_key, outcome, analysis, estimate, basis (stated / implied / candidate, as
    ``published_result_studies`` gives it; "candidate" means both are among the studies the
    result may hold), reports. A result the paper says holds a single study
    (:func:`single_study_results`) cannot hold two reports and is skipped.
    """
    registry = outcome_registry(evidence)
    studies = evidence.table("studies")
    members = evidence.table("published_result_studies")
    first = _first_statement(evidence.table("published_results"))
    labels = evidence.study_labels()
    single = single_study_results(evidence.table("paper_statements"))
    rows = []
    for _, study in studies[studies["same_patients_as"].notna()].iterrows():
        pair = {study["study_id"], study["same_patients_as"]}
        for key, group in members.groupby("result_key", sort=False):
            if key in single:
                continue
            inside = group[group["study_id"].isin(pair)]
            if set(inside["study_id"]) == pair:
                rows.append({"result_key": key, "outcome": _short_label(registry, first.at[key, "outcome"]),
                             "analysis": first.at[key, "analysis"] if is_missing(first.at[key, "subgroup_level"])
                             else f"subgroup: {first.at[key, 'subgroup_level']}",
                             "estimate": first.at[key, "estimate"],
                             "basis": "; ".join(sorted(set(inside["basis"]))),
                             "reports": " and ".join(labels[s] for s in sorted(pair, key=list(labels).index))})
    return pd.DataFrame(rows, columns=["result_key", "outcome", "analysis", "estimate", "basis", "reports"])


def eligibility_table(studies: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """Per study: patients against both size rules of the paper, age group and population.

    ``admission_rule_applies``: the Methods 2.1 rule covers letters and case series only (a study
    appraised with the case-series checklist, or published as a letter); ``more_than_10`` = n > its
    admission size (``paper_statements`` row ``letters_min_size``), "not covered" where the rule does
    not apply; ``not_fewer_than_10`` = n >= the exclusion size of Results 3.1 (row
    ``small_sample_excluded``), which applies to every report. The column names keep the paper's 10;
    the sizes come from the statements. Values "yes"/"no".
    """
    admits_above = statement(statements, SIZE_RULE_ADMITS_ABOVE).value
    excludes_below = statement(statements, SIZE_RULE_EXCLUDES_BELOW).value
    frame = studies.sort_values("table1_row")
    n = frame["total_n"].astype(int)
    covered = ((frame["risk_of_bias_tool"] == CASE_SERIES_TOOL) | frame["publication_type"].isin(LETTER_TYPES)).to_numpy()
    return pd.DataFrame({
        "study": frame["label"].to_numpy(),
        "design": frame["design"].to_numpy(),
        "patients": n.to_numpy(),
        "admission_rule_applies": ["yes" if c else "no" for c in covered],
        "more_than_10": [("yes" if v > admits_above else "no") if c else "not covered" for v, c in zip(n, covered)],
        "not_fewer_than_10": ["yes" if v >= excludes_below else "no" for v in n],
        "age_group": frame["age_group"].to_numpy(),
        "mean_age_years": frame["mean_age_years"].to_numpy(),
        "population": frame["population"].to_numpy(),
    })


def _membership(evidence: Evidence) -> pd.DataFrame:
    members = evidence.table("published_result_studies")
    studies = evidence.table("studies").set_index("study_id")
    arms = evidence.table("arms").set_index("arm_id")
    return members.assign(population=members["study_id"].map(studies["population"]),
                          age_group=members["study_id"].map(studies["age_group"]),
                          endpoints=members["study_id"].map(studies["endpoints"]),
                          role=members["arm_id"].map(arms["role"]))


def population_mix(evidence: Evidence) -> pd.DataFrame:
    """Per pooled result: the populations and age groups of its (possible) member studies.

    Columns: result_key, studies, populations, has_juvenile, has_anti_mda5_ild, basis.
    """
    labels = evidence.study_labels()
    rows = []
    for key, group in _membership(evidence).groupby("result_key", sort=False):
        studies = list(dict.fromkeys(group["study_id"]))
        rows.append({"result_key": key, "studies": ", ".join(labels[s] for s in studies),
                     "populations": "; ".join(dict.fromkeys(group["population"])),
                     "has_juvenile": bool((group["age_group"] == "juvenile").any()),
                     "has_anti_mda5_ild": bool(group["population"].str.contains("MDA5").any()),
                     "basis": "; ".join(sorted(set(group["basis"])))})
    return pd.DataFrame(rows)


def _muscle_scale(endpoints: str) -> str:
    named = [s for s in MUSCLE_SCALES if s in endpoints.split(", ") or (s == "MMT-8" and "MMT-8" in endpoints)]
    return " and ".join(named) if named else "none named"


def scale_mix(evidence: Evidence) -> pd.DataFrame:
    """The measurement behind each pooled MMT and CK result.

    MMT: the muscle scales each member study names in Table 1's endpoints. CK: the unit the
    paper gives each CK subgroup (only the subgroup's unit is stated, never a study's).
    Columns: result_key, study, measure_named, basis.
    """
    labels = evidence.study_labels()
    first = _first_statement(evidence.table("published_results"))
    rows = []
    for _, row in _membership(evidence).iterrows():
        key = row["result_key"]
        if key.startswith("mmt."):
            measure = f"Table 1 endpoints name: {_muscle_scale(row['endpoints'])}"
        elif key.startswith("ck."):
            measure = f"subgroup unit as printed: {first.at[key, 'unit_stated']}"
        else:
            continue
        rows.append({"result_key": key, "study": labels[row["study_id"]], "measure_named": measure,
                     "basis": row["basis"]})
    return pd.DataFrame(rows, columns=["result_key", "study", "measure_named", "basis"])


@dataclass(frozen=True)
class SmallStudyCheck:
    """Egger and Begg tests on the public CDASI effects, and k behind every pooled result.

    ``begg_min_p``: the smallest two-sided p-value Begg's exact test can give with ``k_public``
    effects, 2 / k! (only the two perfectly ordered rankings of k! reach it; Kendall 1938).
    ``egger_t_critical``: the |t| the classic Egger test needs for p < 0.05, the 97.5% quantile of
    t on k - 2 degrees of freedom.
    ``k_table``: result_key, outcome, k (intervention arms the paper pooled; for candidate sets
    the number of candidates, an upper bound; 1 for the results :func:`single_study_results` names),
    k_is_upper_bound, below_minimum.
    """

    outcome: str
    k_public: int
    k_paper: int
    egger: EggerResult | None  # None: not computed, k_public < min_studies (see not_computed_reason)
    begg: BeggResult | None
    min_studies: int
    k_table: pd.DataFrame
    begg_min_p: float | None
    egger_t_critical: float | None

    @property
    def not_computed_reason(self) -> str:
        """Why Egger's and Begg's tests were not run ('' when they were)."""
        if self.egger is not None:
            return ""
        parts = [f"k = {fmt_int(self.k_public)} public effects, below the {fmt_int(self.min_studies)} the Cochrane "
                 "Handbook asks for"]
        if self.begg_min_p is not None:
            parts.append(f"Begg's exact test cannot give p below {fmt_num(self.begg_min_p, 2)} with "
                         f"{fmt_int(self.k_public)} effects")
        if self.egger_t_critical is not None:
            df = self.k_public - 2
            parts.append(f"Egger's test has {fmt_int(df)} degree{'' if df == 1 else 's'} of freedom and needs |t| above "
                         f"{fmt_num(self.egger_t_critical, 1)} for p < 0.05")
        return "; ".join(parts)

    @property
    def max_k(self) -> int:
        return int(self.k_table["k"].max())


def small_study_check(evidence: Evidence, outcome: str,
                      settings: AnalysisSettings = PAPER_SETTINGS) -> SmallStudyCheck:
    """Run :func:`analysis.stats.egger_test` (classic regression) and :func:`begg_test` on the
    public effects of ``outcome`` (at least 3 are needed; otherwise both are None), and count the
    arms behind each pooled result of the paper."""
    registry = outcome_registry(evidence)
    effects = study_effects(evidence, outcome, settings)
    public = effects[effects["yi"].notna()]
    egger = begg = None
    # below the Handbook's minimum the tests are not run: their p-values would be printed as results
    # although no value they can take (Begg's exact p >= 2 / k!, Egger's t on k - 2 df) informs
    if len(public) >= MIN_STUDIES_FOR_ASYMMETRY_TESTS:
        egger = egger_test(public["yi"].to_numpy(float), public["vi"].to_numpy(float))
        begg = begg_test(public["yi"].to_numpy(float), public["vi"].to_numpy(float))
    first = _first_statement(evidence.table("published_results"))
    single_results = single_study_results(evidence.table("paper_statements"))
    rows = []
    for key, group in _membership(evidence).groupby("result_key", sort=False):
        if first.at[key, "status"] != "stated":
            continue
        treated = group[group["role"] != "comparator"]
        single = key in single_results
        candidate = bool((treated["basis"] == "candidate").any()) and not single
        k = 1 if single else int(treated["arm_id"].nunique())
        if candidate:
            # one k for a result whose studies the paper does not name: the one the I² check uses
            inferred, _ = studies_in_result(evidence, key)
            k = inferred if inferred is not None else k
        rows.append({"result_key": key, "outcome": _short_label(registry, first.at[key, "outcome"]),
                     "k": k, "k_is_upper_bound": candidate, "below_minimum": k < MIN_STUDIES_FOR_ASYMMETRY_TESTS})
    k = len(public)
    return SmallStudyCheck(outcome=outcome, k_public=k, k_paper=len(effects), egger=egger, begg=begg,
                           min_studies=MIN_STUDIES_FOR_ASYMMETRY_TESTS, k_table=pd.DataFrame(rows),
                           begg_min_p=min(1.0, 2.0 / math.factorial(k)) if k >= 2 else None,
                           egger_t_critical=float(stats.t.ppf(0.975, k - 2)) if k >= 3 else None)


@dataclass(frozen=True)
class InputsAvailability:
    """Study-arm inputs of the pooled results (one per row of ``study_effects``), public or not.

    ``table``: outcome, inputs, public, missing. Public = an effect could be computed
    (tier primary, derived or recovered); missing = tier ``missing``.
    """

    table: pd.DataFrame
    n_inputs: int
    n_public: int
    n_missing: int


def inputs_availability(evidence: Evidence, settings: AnalysisSettings = PAPER_SETTINGS) -> InputsAvailability:
    """Count public and missing inputs per outcome of :func:`analysis.domain.outcomes.outcome_registry`."""
    rows = []
    for outcome, spec in outcome_registry(evidence).items():
        effects = study_effects(evidence, outcome, settings)
        public = int(effects["yi"].notna().sum())
        rows.append({"outcome": spec.label, "inputs": len(effects), "public": public, "missing": len(effects) - public})
    table = pd.DataFrame(rows)
    return InputsAvailability(table=table, n_inputs=int(table["inputs"].sum()), n_public=int(table["public"].sum()),
                              n_missing=int(table["missing"].sum()))


def design_table(evidence: Evidence) -> pd.DataFrame:
    """Per study: design, whether it has a comparison group (``arms.role == comparator``), and
    which pooled outcomes use it as a within-arm before-after change.

    Columns: study, design, comparison_group, pooled_before_after.
    """
    registry = outcome_registry(evidence)
    studies = evidence.table("studies").sort_values("table1_row")
    arms = evidence.table("arms")
    members = _membership(evidence)
    first = _first_statement(evidence.table("published_results"))
    rows = []
    for _, study in studies.iterrows():
        comparators = arms[(arms["study_id"] == study["study_id"]) & (arms["role"] == "comparator")
                           & arms["subset_of"].isna()]
        mine = members[(members["study_id"] == study["study_id"])]
        outcomes = [o for o in dict.fromkeys(first.loc[mine["result_key"], "outcome"]) if registry[o].scale != "log"]
        rows.append({"study": study["label"], "design": study["design"],
                     "comparison_group": "; ".join(comparators["label"]) if len(comparators) else "none",
                     "pooled_before_after": ", ".join(registry[o].short_label for o in outcomes) if outcomes else "none"})
    return pd.DataFrame(rows)
