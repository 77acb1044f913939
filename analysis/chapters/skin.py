"""The skin chapter (``chapters/02-skin.qmd``): the CDASI activity results the paper prints beside
what public inputs regenerate, a partial pool of the public arms, its subgroups and its
sensitivity to the choices of the analysis.

Studies are found by their role in the data, never by label: an arm whose change is computed
from before/after means (and so depends on the assumed correlation r) is one with an ``r``. The
page works through the first such arm (in the data's order) as its example, and speaks of one or
many such arms as the data has them. The prose names studies only through the page: the studies of
the recovered and of the missing arms by their tier, and the extension study by its
``same_patients_as`` link to the example arm's study (its parent trial).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from analysis.chapters.page import Page
from analysis.data import Evidence, load
from analysis.report.efficacy_tables import GRID_LABELS, comparison_table, effects_table, grid_table, missing_table
from analysis.report.figures import ChartView, forest_plot, leave_one_out_plot, line_chart_sweep, summary_plot
from analysis.format import est_ci, fmt_int, fmt_list, fmt_names, fmt_num, fmt_p, fmt_pct
from analysis.report.forest_frames import forest_frame, leave_one_out_frame, published_summary_frame, subgroup_frame
from analysis.domain.outcomes import outcome_spec
from analysis.domain.provenance import tier_table
from analysis.domain.public_subgroups import public_subgroups
from analysis.audit.limitations import re_report
from analysis.audit.subgroup_tests import published_subgroup_test
from analysis.domain.regeneration import public_inputs_pool
from analysis.domain.reproduction import published_text, regenerated_text, reproduction_table, result_row
from analysis.domain.sensitivity_grid import (GRID_METHODS, POOL_SERIES, full_grid, public_leave_one_out, r_sweep,
                                              sweep_series)
from analysis.domain.settings import ESTIMATOR_SHORT_NAMES, MIN_PREDICTION_DF, PAPER_SETTINGS, describe
from analysis.stats import Z95, correlation_from_paired_p, printed_decimals
from analysis.domain.study_effects import study_effects
from analysis.report.reader_names import reader_names
from analysis.report.tables import TableView
from analysis.domain.verdicts import DIFFERS, NO_NUMBER, NOT_REPRODUCIBLE, REPRODUCED

__all__ = ["OUTCOME", "TABLES", "page"]

OUTCOME = "cdasi_activity"
#: the tables of the data package this page reads.
TABLES = ("outcomes", "published_results", "study_facts", "paper_statements")


def _axis_title(evidence: Evidence) -> str:
    spec = outcome_spec(evidence, OUTCOME)
    return f"Change in {spec.label} ({spec.unit})"


def _reproduction(evidence: Evidence, table: pd.DataFrame) -> dict[str, object]:
    rows = table[table["outcome"] == OUTCOME]
    published = evidence.published_results.set_index("result_id")
    overall = result_row(table, "cdasi.overall.results")
    rux_s2 = result_row(table, "cdasi.drug.rux.results_s2")
    follow_3 = result_row(table, "cdasi.follow_up.3.results")
    reproduced = rows["verdict"] == REPRODUCED
    return {
        "settings_sentence": describe(PAPER_SETTINGS),
        "n_cdasi_rows": fmt_int(len(rows)),
        "n_not_reproducible": fmt_int((rows["verdict"] == NOT_REPRODUCIBLE).sum()),
        "n_reproduced": fmt_int(reproduced.sum()),
        "n_reproduced_by_construction": fmt_int((reproduced & rows["by_construction"]).sum()),
        "n_differs": fmt_int((rows["verdict"] == DIFFERS).sum()),
        "n_no_number": fmt_int((rows["verdict"] == NO_NUMBER).sum()),
        "overall_text": published_text(overall),
        "overall_i2": fmt_pct(published.at["cdasi.overall.results", "i2_pct"]),
        "overall_q_p": fmt_p(published.at["cdasi.overall.results", "p_heterogeneity"]),
        "rux": published_text(result_row(table, "cdasi.drug.rux.abstract")),
        "rux_s2_text": published_text(rux_s2),
        "rux_s2_diff": fmt_num(rux_s2["difference_ci_high"]),
        "rux_high_misprint": fmt_num(rux_s2["published_ci_high"], 1),
        "rux_high_printed": fmt_num(result_row(table, "cdasi.drug.rux.results_s3")["published_ci_high"], 1),
        "tof": published_text(result_row(table, "cdasi.drug.tof.abstract")),
        "bar": published_text(result_row(table, "cdasi.drug.bar.abstract")),
        "alone": published_text(result_row(table, "cdasi.regimen.alone.results")),
        "combination": published_text(result_row(table, "cdasi.regimen.combination.results")),
        "follow_3_regenerated": regenerated_text(follow_3),
        "follow_3_months": fmt_int(int(follow_3["subgroup_level"])),
        "reproduction": comparison_table(table, OUTCOME, reader_names(evidence)),
    }


def _r_dependent(effects: pd.DataFrame) -> pd.DataFrame:
    """The arms whose change needs an assumed r (those with an ``r``), in the data's order; at least one."""
    arms = effects[effects["r"].notna()]
    if arms.empty:
        raise ValueError(f"the skin chapter works through a {OUTCOME} arm whose change needs an assumed r "
                         "(before/after means in data/outcomes.csv), but there is none")
    return arms


def _implied_r(evidence: Evidence, prepost_label: str) -> dict[str, object]:
    """A labelled scenario beside the assumed r: the r that the paired-test p of the example before/after arm
    implies, and its change and the public pool at that r (every r-dependent arm at that r)."""
    effects = study_effects(evidence, OUTCOME)
    arm = _r_dependent(effects).iloc[0]
    outcomes = evidence.outcomes
    row = outcomes[(outcomes["arm_id"] == arm["arm_id"]) & (outcomes["outcome"] == OUTCOME)
                   & (outcomes["statistic"] == "mean_sd_before_after")].iloc[0]
    implied = correlation_from_paired_p(row["mean_before"], row["sd_before"], row["mean_after"], row["sd_after"],
                                        int(row["n"]), float(row["p_value"]))
    at_r = r_sweep(evidence, OUTCOME, PAPER_SETTINGS.with_(rs=(round(implied.r, 2),)))
    change = at_r[at_r["series"] == sweep_series(prepost_label)].iloc[0]
    pooled = at_r[at_r["series"] == POOL_SERIES].iloc[0]
    n_r_dependent = int(effects["r"].notna().sum())
    return {
        "implied_p": fmt_num(row["p_value"], printed_decimals(float(row["p_value"]))),
        "implied_r": fmt_num(implied.r, 2),
        "implied_r_range": f"{fmt_num(implied.r_low, 2)} to {fmt_num(implied.r_high, 2)}",
        "implied_change": est_ci(change["estimate"], change["ci_low"], change["ci_high"]),
        "implied_pool": est_ci(pooled["estimate"], pooled["ci_low"], pooled["ci_high"]),
        "n_r_dependent": fmt_int(n_r_dependent),
        "n_r_independent": fmt_int(int(effects["yi"].notna().sum()) - n_r_dependent),
        "r_independent_arms": _r_independent_arms(int(effects["yi"].notna().sum()) - n_r_dependent),
    }


def _ranking_statements(evidence: Evidence) -> dict[str, object]:
    """Where the paper calls tofacitinib no different from ruxolitinib, and where it calls baricitinib
    inferior (the statement register), so the page criticises only the untested claim."""
    statements = evidence.paper_statements.set_index("statement_id")
    return {"tof_rux_locations": " and ".join(statements.loc[["r33_tof_not_different", "d_tof_not_significant"], "location"]),
            "bar_inferior_location": statements.at["r33_bar_inferior", "location"]}


def _r_dependent_arms(prepost: pd.DataFrame) -> str:
    """The arms the r sweep varies, as the prose names them: "the Paik 2021 arm, the 1 public arm built from
    before and after means", or for several "the 10 public arms built from before and after means (A and B ...)"."""
    if len(prepost) == 1:
        return f"the {prepost['label'].iloc[0]} arm, the {fmt_int(len(prepost))} public arm built from before and after means"
    return f"the {fmt_int(len(prepost))} public arms built from before and after means ({fmt_names(prepost['label'])})"


def _r_independent_arms(n: int) -> str:
    """The public arms the r sweep leaves alone, with the verb in agreement."""
    if n == 1:
        return "the other public arm comes from a published interval and does not depend on r"
    if n == 0:
        return "no other public arm enters the pool"
    return f"the other {fmt_int(n)} public arms come from published intervals and do not depend on r"


def _arms_by_study(arms: pd.DataFrame, labels: dict[str, str]) -> str:
    """Arms named by their study, in the data's order: an arm alone in its study by its own label,
    "both X arms" for two arms of study X, "the 3 X arms" for more ("both Landon-Cardinal 2023 arms and
    Paik 2021")."""
    parts = []
    for study_id, group in arms.groupby("study_id", sort=False):
        n = len(group)
        parts.append(group["label"].iloc[0] if n == 1 else
                     f"both {labels[study_id]} arms" if n == 2 else f"the {fmt_int(n)} {labels[study_id]} arms")
    return fmt_names(parts, separator=", ", last=" and ")


def _study_names(evidence: Evidence, effects: pd.DataFrame) -> dict[str, object]:
    """The studies the prose names, by their arms' tiers and the data's links: those whose arms were
    recovered from the paper's results, those with a missing arm (joined by "or": any one is needed),
    the public arms by study, and the report that re-reports the example arm's study."""
    labels = evidence.study_labels()
    by_tier = {tier: [labels[s] for s in dict.fromkeys(effects.loc[effects["tier"] == tier, "study_id"])]
               for tier in ("recovered", "missing")}
    extension = re_report(evidence.studies, original=_r_dependent(effects)["study_id"].iloc[0])
    return {
        "recovered_studies": fmt_names(by_tier["recovered"]),
        "missing_studies_or": fmt_names(by_tier["missing"], separator=", ", last=" or "),
        "public_arms_by_study": _arms_by_study(effects[effects["tier"] != "missing"], labels),
        "extension_study": extension.report,
        "parent_trial": extension.original,
    }


def _inputs(evidence: Evidence, effects: pd.DataFrame) -> dict[str, object]:
    missing = effects[effects["tier"] == "missing"]
    prepost = _r_dependent(effects)
    arm = prepost.iloc[0]
    outcomes = evidence.outcomes
    reported = outcomes[(outcomes["arm_id"] == arm["arm_id"]) & (outcomes["outcome"] == OUTCOME)].iloc[0]
    weeks = evidence.study_facts.set_index("fact_id").at[f"{arm['study_id']}.design", "value"]
    return {
        "n_arms": fmt_int(len(effects)),
        "n_public": fmt_int(len(effects) - len(missing)),
        "n_from_sources": fmt_int(int((~effects["tier"].isin(["missing", "recovered"])).sum())),
        "n_recovered": fmt_int(int((effects["tier"] == "recovered").sum())),
        "recovered_labels": fmt_names(effects.loc[effects["tier"] == "recovered", "label"]),
        "n_missing": fmt_int(len(missing)),
        "missing_labels": fmt_names(missing["label"]),
        "prepost_label": arm["label"],
        "r_dependent_arms": _r_dependent_arms(prepost),
        "prepost_change": fmt_num(arm["yi"], 1),
        "prepost_se": fmt_num(arm["se"]),
        "prepost_ci": est_ci(arm["yi"], arm["ci_low"], arm["ci_high"]),
        "prepost_before": fmt_num(reported["mean_before"], 0),
        "prepost_sd_before": fmt_num(reported["sd_before"], 1),
        "prepost_after": fmt_num(reported["mean_after"], 1),
        "prepost_sd_after": fmt_num(reported["sd_after"], 1),
        "prepost_n": fmt_int(reported["n"]),
        "prepost_weeks": fmt_int(weeks),
        "r_main": fmt_num(PAPER_SETTINGS.r, 1),
        "z95": fmt_num(Z95, 6),
        "effects": effects_table(effects, reader_names(evidence)),
        "tiers": TableView(tier_table(), column_labels={"tier": "Tier", "meaning": "Meaning"}),
        "missing": missing_table(effects, reader_names(evidence)),
    }


def _public_pool(evidence: Evidence, effects: pd.DataFrame) -> dict[str, object]:
    pool = public_inputs_pool(evidence, OUTCOME)
    result = pool.result
    text = est_ci(result.estimate, result.ci_low, result.ci_high)
    pi_shown = result.pi_df is not None and result.pi_df >= MIN_PREDICTION_DF
    if pi_shown:
        pi = f"{fmt_num(result.pi_low)} to {fmt_num(result.pi_high)}"
    else:
        # a prediction interval on t with 1 df is the quantile's, not the data's: not drawn, not printed
        df_text = ("no degrees" if result.pi_df is None else
                   f"{fmt_int(result.pi_df)} degree{'' if result.pi_df == 1 else 's'}")
        pi = (f"not computed (with k = {fmt_int(result.k)} it would rest on t with {df_text} of freedom; "
              f"the book shows one from {fmt_int(MIN_PREDICTION_DF)} degrees of freedom on)")
        result = dataclasses.replace(result, pi_low=None, pi_high=None)
    missing_labels = fmt_names(effects.loc[effects["tier"] == "missing", "label"])
    frame = forest_frame(effects, result, pooled_text="Pool of public inputs")
    k = fmt_int(result.k)
    loo = public_leave_one_out(pool.effects)
    loo_low = fmt_num(min(r.estimate for r in loo.results))
    loo_high = fmt_num(max(r.estimate for r in loo.results))
    loo_frame = leave_one_out_frame(loo)
    every_below = all(r.ci_high < 0 for r in loo.results)
    return {
        "pool_text": text, "pool_pi": pi, "pool_i2": fmt_pct(result.i2_pct), "pool_q_p": fmt_p(result.q_p),
        "pool_k": k, "pi_df": fmt_int(result.pi_df) if result.pi_df is not None else "no",
        "forest": ChartView(
            forest_plot(frame, measure_label=_axis_title(evidence), title=pool.title,
                        better=outcome_spec(evidence, OUTCOME).better),
            alt_text=(f"Forest plot, public inputs only. Pool of {k} arms: {text}; prediction interval {pi}. "
                      f"Not available: {missing_labels}."),
            data=frame),
        "loo_low": loo_low, "loo_high": loo_high,
        "loo_zero_sentence": ("Every leave-one-out interval stays below zero." if every_below
                              else "At least one leave-one-out interval crosses zero."),
        "leave_one_out": ChartView(
            leave_one_out_plot(loo_frame, measure_label=_axis_title(evidence), title="Public inputs only: leave one arm out",
                               better=outcome_spec(evidence, OUTCOME).better),
            alt_text=(f"Leave-one-out of the public CDASI pool: estimates range from {loo_low} to {loo_high}; "
                      f"all arms {text}."),
            data=loo_frame),
    }


def _published_subgroups(evidence: Evidence, overall_text: str, printed: dict[str, str]) -> dict[str, object]:
    drug, regimen = published_subgroup_test(evidence, "drug"), published_subgroup_test(evidence, "regimen")
    values = {"n_drugs": fmt_int(len(drug.levels)), "n_regimens": fmt_int(len(regimen.levels))}
    for name, test in (("drug", drug), ("regimen", regimen)):
        values.update({f"{name}_q": fmt_num(test.q), f"{name}_df": fmt_int(test.df), f"{name}_p": fmt_p(test.p)})
    tests = pd.DataFrame({
        "factor": [drug.factor, regimen.factor],
        "subgroups": [", ".join(drug.levels), ", ".join(regimen.levels)],
        "Q": [values["drug_q"], values["regimen_q"]],
        "df": [values["drug_df"], values["regimen_df"]],
        "p": [values["drug_p"], values["regimen_p"]],
        "valid comparison": ["yes" if test.legitimate else "conditional" for test in (drug, regimen)],
        "why": [drug.caveat, regimen.caveat],
    })
    frame = published_summary_frame(evidence, (OUTCOME,))
    values["subgroup_tests"] = TableView(tests, column_labels={
        "factor": "Factor", "subgroups": "Subgroups", "valid comparison": "Valid comparison", "why": "Why"})
    values["published"] = ChartView(
        summary_plot(frame, title="CDASI results as published in Ma et al. 2024"),
        alt_text=(f"Published CDASI results, not regenerated: all studies {overall_text}; ruxolitinib {printed['rux']}; "
                  f"tofacitinib {printed['tof']}; baricitinib {printed['bar']}; tofacitinib alone {printed['alone']}; "
                  f"combination {printed['combination']}."),
        data=frame)
    return values


def _public_subgroups(evidence: Evidence, effects: pd.DataFrame) -> dict[str, object]:
    by_drug = public_subgroups(effects, "drug")
    by_follow_up = public_subgroups(effects, "follow-up")
    first = by_follow_up.results[0]
    values = {
        "drug_public_q": fmt_num(by_drug.q_between),
        "drug_public_df": fmt_int(by_drug.df_between),
        "drug_public_p": fmt_p(by_drug.p_between),
        "n_drug_groups": fmt_int(len(by_drug.groups)),
        "follow_up_pooled": by_follow_up.groups[0],
        "follow_up_pooled_text": est_ci(first.estimate, first.ci_low, first.ci_high),
        "follow_up_empty": " and ".join(by_follow_up.empty_groups),
    }
    drug_frame, follow_frame = subgroup_frame(by_drug), subgroup_frame(by_follow_up)
    values["public_by_drug"] = ChartView(
        forest_plot(drug_frame, measure_label=_axis_title(evidence), title="CDASI activity by drug: public inputs only",
                    better=outcome_spec(evidence, OUTCOME).better),
        alt_text=(f"Forest plot by drug, public inputs only. Test for subgroup differences: "
                  f"Q = {values['drug_public_q']}, df = {values['drug_public_df']}, p = {values['drug_public_p']}."),
        data=drug_frame)
    values["public_by_follow_up"] = ChartView(
        forest_plot(follow_frame, measure_label=_axis_title(evidence), title="CDASI activity by follow-up: public inputs only",
                    better=outcome_spec(evidence, OUTCOME).better),
        alt_text=(f"Forest plot by follow-up, public inputs only: {values['follow_up_pooled']} pooled as "
                  f"{values['follow_up_pooled_text']}; {values['follow_up_empty']}: not available."),
        data=follow_frame)
    return values


def _sensitivity(evidence: Evidence, prepost_label: str) -> dict[str, object]:
    sweep = r_sweep(evidence, OUTCOME)
    change = sweep[sweep["series"] == sweep_series(prepost_label)]
    pooled = sweep[sweep["series"] == POOL_SERIES]
    r_first, r_last = fmt_num(PAPER_SETTINGS.rs[0], 1), fmt_num(PAPER_SETTINGS.rs[-1], 1)
    values = {
        "r_first": r_first, "r_last": r_last,
        "prepost_se_r0": fmt_num(change["se"].iloc[0]),
        "prepost_se_r9": fmt_num(change["se"].iloc[-1]),
        "pool_r0": est_ci(*pooled[["estimate", "ci_low", "ci_high"]].iloc[0]),
        "pool_r9": est_ci(*pooled[["estimate", "ci_low", "ci_high"]].iloc[-1]),
    }
    values.update(_implied_r(evidence, prepost_label))
    values["r_sweep"] = ChartView(
        line_chart_sweep(sweep, "r", "estimate", "ci_low", "ci_high", series="series", main_series=POOL_SERIES,
                         others_label=f"{fmt_int(sweep['series'].nunique() - 1)} arm changes that need r: median and range",
                         source="data/outcomes.csv",
                         x_title="Assumed pre-post correlation r", y_title=_axis_title(evidence),
                         null_value=0, reference_x=PAPER_SETTINGS.r, title="Sensitivity to the assumed correlation r"),
        alt_text=(f"Sweep of r from {r_first} to {r_last}: {prepost_label} standard error from "
                  f"{values['prepost_se_r0']} to {values['prepost_se_r9']}; public pool from {values['pool_r0']} "
                  f"to {values['pool_r9']}."),
        data=sweep)
    grid = full_grid(evidence)
    main = grid[(grid["outcome"] == OUTCOME) & (grid["omitted"] == "") & (grid["r"] == PAPER_SETTINGS.r)]
    knha = main[(main["method"] == PAPER_SETTINGS.method) & (main["ci_method"] == "knha")].iloc[0]
    normal = main[main["ci_method"] == "normal"]
    names = fmt_list(ESTIMATOR_SHORT_NAMES[m] for m in GRID_METHODS)
    if (normal["tau2"] == 0).all() and np.allclose(normal["estimate"], normal["estimate"].iloc[0], rtol=0, atol=1e-12):
        agreement = f"With no heterogeneity among the {fmt_int(knha['k'])} public arms, the {names} estimators all give the same pool"
    else:
        agreement = (f"The {names} estimators give pools from {fmt_num(normal['estimate'].min())} to "
                     f"{fmt_num(normal['estimate'].max())} among the {fmt_int(knha['k'])} public arms")
    adhoc = main[(main["method"] == PAPER_SETTINGS.method) & (main["ci_method"] == "knha_adhoc")].iloc[0]
    wald = normal[normal["method"] == PAPER_SETTINGS.method].iloc[0]
    narrowed = (knha["ci_high"] - knha["ci_low"]) < (adhoc["ci_high"] - adhoc["ci_low"]) - 1e-12
    if narrowed:
        knha_sentence = (f"the Hartung-Knapp interval, with t on {fmt_int(knha['k'] - 1)} degrees of freedom, gives "
                         f"{est_ci(knha['estimate'], knha['ci_low'], knha['ci_high'])}; Q is below its degrees of "
                         "freedom here (scale factor below 1), which makes that interval narrower than a t interval with "
                         "the usual standard error, so the book reports the modified version, whose scale factor is not "
                         "allowed below 1: "
                         f"{est_ci(adhoc['estimate'], adhoc['ci_low'], adhoc['ci_high'])}")
    else:
        knha_sentence = (f"the Hartung-Knapp interval, with t on {fmt_int(knha['k'] - 1)} degrees of freedom, gives "
                         f"{est_ci(knha['estimate'], knha['ci_low'], knha['ci_high'])} (the modified version is the same)")
    grid_rows = grid[grid["outcome"] == OUTCOME]
    values.update({
        "estimator_agreement": agreement,
        "knha_text": est_ci(knha["estimate"], knha["ci_low"], knha["ci_high"]),
        "knha_adhoc_text": est_ci(adhoc["estimate"], adhoc["ci_low"], adhoc["ci_high"]),
        "knha_sentence": knha_sentence,
        "wald_text": est_ci(wald["estimate"], wald["ci_low"], wald["ci_high"]),
        "knha_df": fmt_int(knha["k"] - 1),
        "k_public": fmt_int(knha["k"]),
        "grid_rows_shown": fmt_int(len(main)),
        "grid_rows_full": fmt_int(len(grid_rows)),
        "grid_rs": fmt_int(grid_rows["r"].nunique()),
        "grid": TableView(grid_table(grid, OUTCOME, PAPER_SETTINGS.r), column_labels=GRID_LABELS),
    })
    return values


def page(evidence: Evidence | None = None) -> Page:
    """Everything the skin chapter shows, from ``evidence`` (default: the :data:`TABLES` of ``data/``)."""
    evidence = load(*TABLES) if evidence is None else evidence
    table = reproduction_table(evidence)
    effects = study_effects(evidence, OUTCOME)
    values = {**_reproduction(evidence, table), **_inputs(evidence, effects), **_public_pool(evidence, effects),
              **_ranking_statements(evidence), **_study_names(evidence, effects)}
    values.update(_published_subgroups(evidence, values["overall_text"], values))
    values.update(_public_subgroups(evidence, effects))
    values.update(_sensitivity(evidence, values["prepost_label"]))
    return Page("skin", values, reader_names(evidence))
