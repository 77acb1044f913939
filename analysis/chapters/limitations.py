"""The limitations chapter (``chapters/07-limitations.qmd``): the same patients counted twice,
studies against the stated criteria, scales pooled as one, small-study tests with too few
studies, inputs that are not public, and before-after changes without a control group.

The prose names studies only through the page, each found by its role in the data: the extension study
and its parent trial by their ``same_patients_as`` link, the anti-MDA5 cohort whose control group was
treated by its comparator arm's drug."""
from __future__ import annotations

from analysis.chapters.page import Page
from analysis.audit.consistency.statements import statement
from analysis.domain.outcomes import outcome_registry
from analysis.domain.sensitivity_grid import public_outcomes
from analysis.data import Evidence, load
from analysis.format import fmt_int, fmt_num, fmt_p, fmt_yes_no
from analysis.audit.limitations import (design_table, eligibility_table, inputs_availability, patient_overlap,
                                  population_mix, re_report, results_with_overlap, scale_mix, size_rule_patients,
                                  small_study_check)
from analysis.report.reader_names import reader_names
from analysis.report.tables import TableView

__all__ = ["page"]


def _overlap(evidence: Evidence) -> dict[str, object]:
    overlap = patient_overlap(evidence.studies, evidence.screening)
    twice = results_with_overlap(evidence)
    extension = re_report(evidence.studies)
    return {
        "extension_study": extension.report,
        "parent_trial": extension.original,
        "table1_total": fmt_int(overlap.table1_total),
        "re_reported": fmt_int(overlap.re_reported),
        "distinct": fmt_int(overlap.distinct),
        "stated_total": fmt_int(overlap.stated),
        "overlap_word": "equals" if overlap.explains_stated else "does not equal",
        "n_twice": fmt_int(len(twice)),
        "n_twice_implied": fmt_int(int((twice["basis"] == "implied").sum())),
        "overlap": TableView(overlap.pairs, column_labels={"study": "Report", "same_patients_as": "Same patients as",
                                                           "patients": "Patients", "basis": "Basis"}),
        "twice": TableView(twice, column_labels={"result_key": "Result", "outcome": "Outcome", "analysis": "Analysis",
                                                 "estimate": "Estimate (printed)", "basis": "Basis",
                                                 "reports": "Reports"}),
    }


def _eligibility(evidence: Evidence) -> dict[str, object]:
    eligible = eligibility_table(evidence.studies, evidence.paper_statements)
    juvenile = eligible[eligible["age_group"] == "juvenile"].iloc[0]
    mix = population_mix(evidence).set_index("result_key")
    skin_muscle = mix.loc[[k for k in mix.index if k.startswith(("cdasi.", "mmt."))]]
    n_skin_muscle_ild = int(skin_muscle["has_anti_mda5_ild"].sum())
    populations = mix.reset_index().assign(has_juvenile=lambda f: f["has_juvenile"].map(fmt_yes_no),
                                           has_anti_mda5_ild=lambda f: f["has_anti_mda5_ild"].map(fmt_yes_no))
    return {
        "size_rule": fmt_int(size_rule_patients(evidence.paper_statements)),
        "exclusion_size": fmt_int(statement(evidence.paper_statements, "small_sample_excluded").value),
        "n_fail_strict": fmt_int(int((eligible["more_than_10"] == "no").sum())),
        "n_rule_covers": fmt_int(int((eligible["admission_rule_applies"] == "yes").sum())),
        "n_fail_lenient": fmt_int(int((eligible["not_fewer_than_10"] == "no").sum())),
        "n_studies": fmt_int(len(eligible)),
        "juvenile_label": juvenile["study"],
        "juvenile_age": fmt_num(juvenile["mean_age_years"], 1),
        "n_ild_cohorts": fmt_int(int(eligible["population"].str.contains("MDA5").sum())),
        "skin_muscle_ild": "none" if n_skin_muscle_ild == 0 else fmt_int(n_skin_muscle_ild),
        "ck_ild_word": "may include" if mix.loc["ck.unit.u", "has_anti_mda5_ild"] else "do not include",
        "mmt_juvenile_word": "includes" if mix.loc["mmt.overall", "has_juvenile"] else "does not include",
        "eligibility": TableView(eligible, digits={"mean_age_years": 1}, column_labels={
            "study": "Study", "design": "Design", "patients": "Patients",
            "admission_rule_applies": "Letter or case series (rule applies)", "more_than_10": "More than the size rule",
            "not_fewer_than_10": "Not fewer than the size rule", "age_group": "Age group",
            "mean_age_years": "Mean age (years)", "population": "Population"}),
        "populations": TableView(populations, column_labels={
            "result_key": "Result", "studies": "Studies", "populations": "Populations", "has_juvenile": "Children",
            "has_anti_mda5_ild": "Anti-MDA5 ILD", "basis": "Basis"}),
    }


def _treated_control(evidence: Evidence) -> dict[str, object]:
    """The first anti-MDA5 cohort (population naming MDA5, as ``n_ild_cohorts`` counts them) whose control
    group received a drug: a whole-study comparator arm of data/arms.csv with a ``drug``; and that drug."""
    studies = evidence.studies
    cohorts = studies.loc[studies["population"].str.contains("MDA5"), "study_id"]
    arms = evidence.arms
    treated = arms[arms["study_id"].isin(cohorts) & (arms["role"] == "comparator") & arms["subset_of"].isna()
                   & arms["drug"].notna()]
    if treated.empty:
        raise ValueError("the limitations chapter names the anti-MDA5 cohort whose control group received a drug, but "
                         "data/arms.csv has no comparator arm with a drug in such a cohort")
    first = treated.iloc[0]
    return {"treated_control_study": evidence.study_labels()[first["study_id"]], "treated_control_drug": first["drug"]}


def _scales(evidence: Evidence) -> dict[str, object]:
    scales = scale_mix(evidence)
    mmt_scales = scales[scales["result_key"] == "mmt.overall"]
    return {
        "n_mmt_scales": fmt_int(mmt_scales["measure_named"].nunique()),
        "scales": TableView(scales, column_labels={"result_key": "Result", "study": "Study",
                                                   "measure_named": "Measure", "basis": "Basis"}),
    }


def _small_study(evidence: Evidence) -> dict[str, object]:
    """Egger's and Begg's tests on the outcome with the most public effects, and k per result."""
    public = public_outcomes(evidence)
    outcome = max(public, key=lambda o: len(public[o]))
    small = small_study_check(evidence, outcome)
    k_table = small.k_table.set_index("result_key")
    k_view = small.k_table.assign(k_is_upper_bound=lambda f: f["k_is_upper_bound"].map(fmt_yes_no),
                                  below_minimum=lambda f: f["below_minimum"].map(fmt_yes_no))
    return {
        "small_study_outcome": outcome_registry(evidence)[outcome].short_label,
        "k_public": fmt_int(small.k_public),
        "k_paper": fmt_int(small.k_paper),
        "tests_not_computed": small.not_computed_reason,
        "egger_df": fmt_int(small.k_public - 2),
        "egger_t_crit": fmt_num(small.egger_t_critical, 1),
        "begg_min": fmt_num(small.begg_min_p, 2),
        "k_ild": fmt_int(int(k_table.loc["death.rr", "k"])),
        "min_k": fmt_int(small.min_studies),
        "max_k": fmt_int(small.max_k),
        "n_results_tested": fmt_int(len(small.k_table)),
        "k": TableView(k_view, column_labels={"result_key": "Result", "outcome": "Outcome", "k": "Arms (k)",
                                              "k_is_upper_bound": "Upper bound", "below_minimum": "Below the minimum"}),
    }


def _inputs_and_designs(evidence: Evidence) -> dict[str, object]:
    inputs = inputs_availability(evidence)
    designs = design_table(evidence)
    return {
        "n_inputs": fmt_int(inputs.n_inputs),
        "n_public": fmt_int(inputs.n_public),
        "n_missing": fmt_int(inputs.n_missing),
        "n_no_control": fmt_int(int((designs["comparison_group"] == "none").sum())),
        "n_with_control": fmt_int(int((designs["comparison_group"] != "none").sum())),
        "inputs": TableView(inputs.table, column_labels={"outcome": "Outcome", "inputs": "Inputs", "public": "Public",
                                                         "missing": "Missing"}),
        "designs": TableView(designs, column_labels={"study": "Study", "design": "Design (Table 1)",
                                                     "comparison_group": "Comparison group",
                                                     "pooled_before_after": "Pooled as before-after change"}),
    }


def page(evidence: Evidence | None = None) -> Page:
    """Everything the limitations chapter shows, from ``evidence`` (default: all of ``data/``)."""
    evidence = load() if evidence is None else evidence
    return Page("limitations", {**_overlap(evidence), **_eligibility(evidence), **_treated_control(evidence),
                                **_scales(evidence),
                                **_small_study(evidence), **_inputs_and_designs(evidence)}, reader_names(evidence))
