"""The ADM-ILD chapter (``chapters/05-adm-ild.qmd``): deaths as 2x2 tables, risk and odds ratios,
what the paper's pooled ratio can be, the design of the two studies, and the FVC result.

The study with public counts and the study without are found by the data (whether its 2x2
table is complete), their arms by their roles (intervention, comparator), never by label; the prose
names the two studies through ``complete_counts_study`` and ``incomplete_counts_study``.
"""
from __future__ import annotations

from analysis.chapters.page import Page
from analysis.audit.consistency import check_measure_names, implied_p_range
from analysis.data import Evidence, load
from analysis.report.figures import ChartView, forest_plot
from analysis.format import est_ci, fmt_int, fmt_names, fmt_num, fmt_p, fmt_pct
from analysis.domain.provenance import tier_table
from analysis.domain.reproduction import reproduction_table
from analysis.audit.death_ratios import (COUNT_ASSUMPTION, death_tables, fvc_results, poolability, ratio_forest_frame,
                                         ratio_table, survival_comparison, two_by_two_tests)
from analysis.report.reader_names import reader_names
from analysis.report.tables import TableView

__all__ = ["TABLES", "page"]

#: the tables of the data package this page reads.
TABLES = ("outcomes", "published_results", "adverse_events", "paper_statements")
_TIMES = {"six": "6 months", "year": "1 year"}


def _counts(tables, ratios) -> dict[str, object]:
    """Deaths and ratios of the study whose 2x2 tables are public, at 6 months and 1 year."""
    complete = ratios[ratios["rr"].notna()]
    study = complete["study"].iloc[0]
    by_time = complete[complete["study"] == study].set_index("time_point")
    counts = tables[tables["study"] == study].set_index("time_point")
    values = {}
    for name, time in _TIMES.items():
        row, count = by_time.loc[time], counts.loc[time]
        values.update({
            f"{name}_t": fmt_int(count["treated_deaths"]), f"{name}_c": fmt_int(count["control_deaths"]),
            f"{name}_nt": fmt_int(count["treated_total"]), f"{name}_nc": fmt_int(count["control_total"]),
            f"{name}_rr": est_ci(row["rr"], row["rr_ci_low"], row["rr_ci_high"]),
            f"{name}_or": est_ci(row["or"], row["or_ci_low"], row["or_ci_high"]),
        })
    six = by_time.loc[_TIMES["six"]]
    values.update({
        "six_risk_t": fmt_pct(100 * six["risk_treated"], 1), "six_risk_c": fmt_pct(100 * six["risk_control"], 1),
        "six_odds_t": fmt_num(six["risk_treated"] / (1 - six["risk_treated"])),
        "six_odds_c": fmt_num(six["risk_control"] / (1 - six["risk_control"])),
    })
    return values


def _count_roles(tables, ratios) -> dict[str, str]:
    """The ids of the study whose 2x2 table is complete (the first, in the data's order) and of the
    first study whose table is not; a clear error when either role is empty."""
    complete = ratios["rr"].notna().to_numpy()
    with_counts, without = tables.loc[complete, "study_id"], tables.loc[~complete, "study_id"]
    without = without[~without.isin(with_counts)]
    if with_counts.empty or without.empty:
        raise ValueError("the ADM-ILD chapter compares a study of the paper's death analysis with a complete 2x2 "
                         "table and one without (data/outcomes.csv, outcome death), but "
                         f"{'none is complete' if with_counts.empty else 'every one is complete'}")
    return {"complete": with_counts.iloc[0], "incomplete": without.iloc[0]}


def _arm(arms, study_id: str, role: str):
    """The one whole-study arm (no ``subset_of``) of ``study_id`` with ``role`` (data/arms.csv)."""
    found = arms[(arms["study_id"] == study_id) & (arms["role"] == role) & arms["subset_of"].isna()]
    if len(found) != 1:
        raise ValueError(f"data/arms.csv: expected one {role} arm of {study_id!r} without subset_of, found {len(found)}")
    return found.iloc[0]


def _poolable_sentence(pool_status) -> str:
    """How many studies have a complete 2x2 table and which do not, in agreement with the counts
    ("1 has a complete table; Chen 2019 does not", "10 have complete tables; A and B do not")."""
    complete = pool_status["can_enter_pool"].astype(bool)
    n = int(complete.sum())
    sentence = f"{fmt_int(n)} {'has a complete table' if n == 1 else 'have complete tables'}"
    incomplete = pool_status.loc[~complete, "study"]
    if len(incomplete):
        sentence += f"; {fmt_names(incomplete)} {'does' if len(incomplete) == 1 else 'do'} not"
    return sentence


def _basis(row) -> str:
    """What a row of counts rests on: an assumption (counts from survival percentages), the paper's
    Table 4, or nothing public."""
    if row["tier"] == "derived":
        return "assumption: " + COUNT_ASSUMPTION
    if row["treated_deaths_source"]:
        return "treated deaths: " + row["treated_deaths_source"] + "; control arm: in no public source"
    return "in no public source"


def _tables(tables, ratios) -> dict[str, object]:
    counts = tables.assign(basis=[_basis(r) for _, r in tables.iterrows()])[
        ["study", "time_point", "treated_arm", "treated_deaths", "treated_total", "control_arm",
         "control_deaths", "control_total", "tier", "input_tier", "basis"]]
    shown = ratios[["study", "time_point", "counts", "risk_treated", "risk_control", "rr", "rr_ci_low", "rr_ci_high",
                    "or", "or_ci_low", "or_ci_high", "tier"]]
    return {
        "counts": TableView(counts, column_labels={
            "study": "Study", "time_point": "Time point", "treated_arm": "Treated arm", "treated_deaths": "Deaths",
            "treated_total": "Patients", "control_arm": "Control arm", "control_deaths": "Deaths ",
            "control_total": "Patients ", "tier": "Tier", "input_tier": "Tier of the inputs",
            "basis": "What the counts rest on"}, notes=("basis",)),
        "ratios": TableView(shown, digits=3, column_labels={
            "study": "Study", "time_point": "Time point", "counts": "Deaths/patients (treated vs control)",
            "risk_treated": "Risk, treated", "risk_control": "Risk, control", "rr": "RR", "rr_ci_low": "RR low",
            "rr_ci_high": "RR high", "or": "OR", "or_ci_low": "OR low", "or_ci_high": "OR high", "tier": "Tier"}),
    }


def published_p_text(evidence: Evidence, result_id: str) -> str:
    """The unlabelled p of a published result exactly as the paper prints it (0.19, not 0.190)."""
    published = evidence.published_results.set_index("result_id")
    return str(published.at[result_id, "p_unlabelled_text"])


def _fvc(evidence: Evidence) -> dict[str, object]:
    fvc = fvc_results(evidence)
    indexed = fvc.set_index("result_id")
    res, dis = indexed.loc["fvc.overall.results"], indexed.loc["fvc.overall.discussion"]
    shown = fvc[["location", "estimate", "ci_low", "ci_high", "estimate_minus_lower", "upper_minus_estimate",
                 "symmetric", "p_printed", "tier", "missing_inputs"]]
    return {
        "fvc_results_text": est_ci(res["estimate"], res["ci_low"], res["ci_high"]),
        "fvc_discussion_text": est_ci(dis["estimate"], dis["ci_low"], dis["ci_high"]),
        "fvc_res_up": fmt_num(res["upper_minus_estimate"]), "fvc_res_down": fmt_num(res["estimate_minus_lower"]),
        "fvc_dis_up": fmt_num(dis["upper_minus_estimate"]), "fvc_dis_down": fmt_num(dis["estimate_minus_lower"]),
        "fvc_p": published_p_text(evidence, "fvc.overall.results"),
        "fvc_i2": fmt_pct(res["i2_pct"]),
        "fvc_p_implied": fmt_p(implied_p_range(res["estimate"], res["ci_low"], res["ci_high"], scale="identity")[0]),
        "fvc_missing": res["missing_inputs"],
        "fvc": TableView(shown, column_labels={
            "location": "Where printed", "estimate": "Change (% predicted)", "ci_low": "CI low", "ci_high": "CI high",
            "estimate_minus_lower": "Estimate - low", "upper_minus_estimate": "High - estimate",
            "symmetric": "Symmetric", "p_printed": "p printed", "tier": "Tier", "missing_inputs": "Inputs not public"}),
    }


def page(evidence: Evidence | None = None) -> Page:
    """Everything the ADM-ILD chapter shows, from ``evidence`` (default: the :data:`TABLES` of ``data/``)."""
    evidence = load(*TABLES) if evidence is None else evidence
    arms = evidence.arms
    tables = death_tables(evidence)
    ratios = ratio_table(tables)
    roles = _count_roles(tables, ratios)
    labels = evidence.study_labels()
    pool_status = poolability(evidence)
    comparison = survival_comparison(evidence)
    published = evidence.published_results.set_index("result_id")
    paper = comparison.iloc[0]
    paper_rr = est_ci(paper["estimate"], paper["ci_low"], paper["ci_high"])
    hr = comparison[comparison["measure"] == "hazard ratio (adjusted)"].iloc[0]
    hr_text = est_ci(hr["estimate"], hr["ci_low"], hr["ci_high"], digits=3)
    outcomes = evidence.outcomes
    death = published.loc["death.rr.results"]
    reproduction = reproduction_table(evidence)
    chen_row = tables[tables["study_id"] == roles["incomplete"]].iloc[0]
    tests = two_by_two_tests(evidence)
    six_test = tests[tests["time_point"] == _TIMES["six"]].iloc[0]
    statements = evidence.paper_statements.set_index("statement_id")
    values = {
        "complete_counts_study": labels[roles["complete"]],
        "incomplete_counts_study": labels[roles["incomplete"]],
        "chen_t_deaths": fmt_int(chen_row["treated_deaths"]),
        "chen_t_total": fmt_int(chen_row["treated_total"]),
        "chen_t_deaths_source": chen_row["treated_deaths_source"],
        "count_assumption": COUNT_ASSUMPTION,
        "six_p_published": fmt_p(six_test["p_published"]),
        "six_p_chi2": fmt_p(six_test["p_chi2"]),
        "six_p_fisher": fmt_p(six_test["p_fisher"]),
        "pooled_from_location": statements.at["death_pooled_from_2x2", "location"],
        "tests": TableView(tests[["study", "time_point", "counts", "p_published", "p_chi2", "p_fisher"]], digits=3,
                           column_labels={"study": "Study", "time_point": "Time point",
                                          "counts": "Deaths/patients (tofacitinib vs tacrolimus), assumed",
                                          "p_published": "p published (log-rank)", "p_chi2": "p, chi² on the counts",
                                          "p_fisher": "p, Fisher exact on the counts"}),
        "n_studies": fmt_int(tables["study_id"].nunique()),
        "n_poolable": fmt_int(int(pool_status["can_enter_pool"].sum())),
        "not_poolable": fmt_names(pool_status.loc[~pool_status["can_enter_pool"], "study"]),
        "poolable_sentence": _poolable_sentence(pool_status),
        "paper_rr": paper_rr,
        "paper_p": published_p_text(evidence, "death.rr.results"),
        "hr_text": hr_text,
        "hr_p": fmt_p(outcomes[outcomes["statistic"] == "hazard_ratio_ci"].iloc[0]["p_value"]),
        "n_fan_t": fmt_int(_arm(arms, roles["complete"], "intervention")["n"]),
        "n_fan_c": fmt_int(_arm(arms, roles["complete"], "comparator")["n"]),
        "n_chen_t": fmt_int(_arm(arms, roles["incomplete"], "intervention")["n"]),
        "rr_p_implied": fmt_p(implied_p_range(death["estimate"], death["ci_low"], death["ci_high"], scale="log")[0]),
        "measure_status": check_measure_names(evidence).status,
        "death_verdicts": ", ".join(sorted(set(reproduction.loc[reproduction["outcome"] == "death", "verdict"]))),
        "fvc_verdicts": ", ".join(sorted(set(reproduction.loc[reproduction["outcome"] == "fvc_pct_predicted",
                                                              "verdict"]))),
        **_counts(tables, ratios),
        **_tables(tables, ratios),
        **_fvc(evidence),
    }
    forest = ratio_forest_frame(comparison)
    chen, fan = values["incomplete_counts_study"], values["complete_counts_study"]
    values["forest"] = ChartView(
        forest_plot(forest, null_value=1, log_scale=True, better="lower",
                    direction_words=("favours JAK inhibitor", "favours control"),
                    measure_label="Ratio of death, tofacitinib against control (log scale)",
                    title="Death in anti-MDA5 ADM-ILD: tofacitinib against control"),
        alt_text=(f"Forest plot of death ratios on a log axis. Paper, pooled risk ratio {paper_rr}. "
                  f"{chen}: counts not public. {fan} risk ratio {values['six_rr']} at 6 months and {values['year_rr']} "
                  f"at 1 year; odds ratio {values['six_or']} at 6 months and {values['year_or']} at 1 year; "
                  f"adjusted hazard ratio {hr_text}."),
        data=comparison)
    used = sorted(set(tables["tier"]) | set(comparison["tier"]) | {"paper"})
    values["tiers"] = TableView(tier_table(used), column_labels={"tier": "Tier", "meaning": "Meaning"})
    return Page("adm_ild", values, reader_names(evidence))
