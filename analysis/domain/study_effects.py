"""Study- and arm-level effects of the outcomes the paper pooled, built from the public inputs.

One row per arm the paper pooled for an outcome (``published_result_studies``), or per study for
the two-arm risk ratio of death. How each effect is obtained (column ``method``):

* before/after means and SDs (Paik 2021 CDASI): change = after - before, variance
  (sd_before² + sd_after² - 2 r sd_before sd_after) / n with an **assumed** r
  (:func:`analysis.stats.mean_change_from_pre_post`; Cochrane Handbook v6.5, 6.5.2.8). The
  effect's tier is ``derived`` (from ``primary`` inputs plus an ``assumed`` r);
* a single-arm subgroup result of the paper (the Landon-Cardinal 2023 arms): estimate and SE were
  ``recovered`` by the data layer from the published 95% CI (SE = (high - low) / (2 x 1.959964));
* death: log risk ratio of the intervention against the comparator arm from 2x2 counts at
  :data:`DEATH_TIME_POINT` (:func:`analysis.stats.risk_ratio`);
* anything else the paper pooled but no public source gives stays as a row with empty ``yi`` and
  tier ``missing``, and ``missing`` names what is absent.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.domain.contracts import STUDY_EFFECTS, validate
from analysis.data import Evidence
from analysis.domain.settings import PAPER_SETTINGS, AnalysisSettings
from analysis.domain.outcomes import OutcomeSpec, outcome_spec
from analysis.stats import Z95, mean_change_from_change_sd, mean_change_from_pre_post, risk_ratio

__all__ = ["EFFECT_COLUMNS", "DEATH_TIME_POINT", "study_effects", "public_effects"]

#: Fan 2022's death counts are taken at 6 months, the median follow-up Table 1 of the paper gives
#: for that study; the 1-year counts are the alternative (the paper names no time point).
DEATH_TIME_POINT = "6 months"


EFFECT_COLUMNS = ("outcome", "study_id", "arm_id", "label", "drug", "follow_up_months", "n", "yi", "vi", "se",
                  "ci_low", "ci_high", "scale", "tier", "input_tier", "r", "method", "source", "missing",
                  "result_keys", "recovered_from", "unit", "note")


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA else str(value)


def _pooled_arms(evidence: Evidence, outcome: str) -> pd.DataFrame:
    """Arms the paper pooled for ``outcome``, in first-appearance order, with their result keys."""
    results = evidence.table("published_results")
    keys = results.loc[results["outcome"] == outcome, "result_key"].drop_duplicates()
    links = evidence.table("published_result_studies")
    links = links[links["result_key"].isin(set(keys))]
    grouped = links.groupby("arm_id", sort=False).agg(study_id=("study_id", "first"),
                                                       result_keys=("result_key", lambda s: "; ".join(dict.fromkeys(s))))
    return grouped.reset_index()


@dataclass(frozen=True)
class _Lookups:
    """What every row reads, indexed once per call so the work per arm stays constant:
    arms by id, study labels and follow-up by study, the outcome's definition."""

    arms: pd.DataFrame  # indexed by arm_id
    labels: dict[str, str]
    follow_up: dict[str, float]
    spec: OutcomeSpec

    @classmethod
    def of(cls, evidence: Evidence, outcome: str) -> "_Lookups":
        studies = evidence.table("studies")
        return cls(evidence.table("arms").set_index("arm_id"), evidence.study_labels(),
                   dict(zip(studies["study_id"], studies["follow_up_median_months"])), outcome_spec(evidence, outcome))


def _arm_label(lookups: _Lookups, arm_id: str) -> tuple[str, str, object]:
    arm = lookups.arms.loc[arm_id]
    label = lookups.labels[arm["study_id"]]
    if _text(arm["subset_of"]):
        label = f"{label}, {_text(arm['drug']) or _text(arm['label']).lower()}"
    return label, _text(arm["drug"]), arm["n"]


def _base_row(lookups: _Lookups, study_id: str, arm_id: str, result_keys: str) -> dict:
    label, drug, n = _arm_label(lookups, arm_id)
    return {"outcome": lookups.spec.outcome, "study_id": study_id, "arm_id": arm_id, "label": label, "drug": drug,
            "follow_up_months": lookups.follow_up.get(study_id, np.nan), "n": n, "yi": np.nan, "vi": np.nan,
            "se": np.nan, "ci_low": np.nan, "ci_high": np.nan, "scale": lookups.spec.scale,
            "tier": "missing", "input_tier": "missing", "r": np.nan, "method": "", "source": "", "missing": "",
            "result_keys": result_keys, "recovered_from": "", "unit": "", "note": ""}


def _fill(row: dict, effect, *, tier: str, input_tier: str, method: str) -> None:
    row.update(yi=effect.yi, vi=effect.vi, se=effect.se, ci_low=effect.yi - Z95 * effect.se,
               ci_high=effect.yi + Z95 * effect.se, tier=tier, input_tier=input_tier, method=method)


def _continuous_row(row: dict, o: pd.Series | None, settings: AnalysisSettings, spec: OutcomeSpec) -> dict:
    if o is None:
        row["missing"] = f"{row['label']}: no {spec.label} values in any public source"
        return row
    row.update(source=", ".join(x for x in (_text(o["source_id"]), _text(o["location"])) if x),
               unit=_text(o["unit"]), note=_text(o["note"]))
    if not pd.isna(o["n"]):
        row["n"] = o["n"]
    statistic = o["statistic"]
    if o["tier"] == "missing" or statistic == "unknown":
        row["missing"] = f"{row['label']}: {spec.label} change (or before/after means and SDs), not public"
        return row
    if statistic == "mean_sd_before_after":
        effect = mean_change_from_pre_post(o["mean_before"], o["sd_before"], o["mean_after"], o["sd_after"],
                                           int(o["n"]), settings.r)
        _fill(row, effect, tier="derived", input_tier=f"{o['tier']} (means, SDs, n) + assumed (r)",
              method=(f"after - before = {o['mean_after']:g} - {o['mean_before']:g}; change SD from the before "
                      f"and after SDs with an assumed pre-post correlation r = {settings.r:g}"))
        row["r"] = settings.r
    elif statistic == "mean_change_sd":
        _fill(row, mean_change_from_change_sd(o["estimate"], o["sd_change"], int(o["n"])), tier=o["tier"],
              input_tier=o["tier"], method="reported mean change and SD of the change")
    elif statistic == "mean_change_ci" and o["tier"] == "recovered":
        row.update(yi=o["estimate"], se=o["se"], vi=o["se"] ** 2, ci_low=o["estimate"] - Z95 * o["se"],
                   ci_high=o["estimate"] + Z95 * o["se"], tier="recovered", input_tier="paper",
                   recovered_from=_text(o["recovered_from"]),
                   method=(f"recovered from the paper's one-arm subgroup result {o['recovered_from']}: "
                           f"SE = (upper - lower) / (2 x {Z95:.6f})"))
    else:
        raise ValueError(f"outcomes row for arm {row['arm_id']!r}, outcome {row['outcome']!r}: statistic "
                         f"{statistic!r} with tier {o['tier']!r} has no effect-size rule; expected "
                         f"mean_sd_before_after, mean_change_sd, recovered mean_change_ci or a missing row")
    return row


def _first_rows_by_arm(rows: pd.DataFrame) -> dict[str, pd.Series]:
    """arm_id -> the first of ``rows`` for that arm (one pass over the table)."""
    first = rows.drop_duplicates("arm_id", keep="first")
    return {row["arm_id"]: row for _, row in first.iterrows()}


def _death_rows(evidence: Evidence, arms: pd.DataFrame, lookups: _Lookups) -> list[dict]:
    outcomes = evidence.table("outcomes")
    deaths = _first_rows_by_arm(outcomes[(outcomes["outcome"] == "death") & (outcomes["statistic"] == "events_total")
                                         & (outcomes["time_point"] == DEATH_TIME_POINT)])
    arm_table, labels = lookups.arms, lookups.labels
    rows = []
    for study_id, group in arms.groupby("study_id", sort=False):
        roles = {arm_table.loc[a, "role"]: a for a in group["arm_id"]}
        treat, ctrl = roles.get("intervention"), roles.get("comparator")
        keys = "; ".join(dict.fromkeys("; ".join(group["result_keys"]).split("; ")))
        row = _base_row(lookups, study_id, treat or group["arm_id"].iloc[0], keys)
        row["label"] = labels[study_id]
        row["arm_id"] = "; ".join(group["arm_id"])
        counts, missing = {}, []
        for role, arm_id in (("intervention", treat), ("comparator", ctrl)):
            found = deaths.get(arm_id)
            if arm_id is None or found is None or pd.isna(found["events"]):
                name = arm_table.loc[arm_id, "label"] if arm_id else role
                missing.append(f"{labels[study_id]}, {str(name).lower()} arm: deaths and patients at risk")
            else:
                counts[role] = found
        if missing:
            row["missing"] = "; ".join(missing)
            row["n"] = pd.NA
            rows.append(row)
            continue
        t, c = counts["intervention"], counts["comparator"]
        effect = risk_ratio(int(t["events"]), int(t["total"]), int(c["events"]), int(c["total"]))
        _fill(row, effect, tier="derived", input_tier=f"{t['tier']} counts ({t['input_tier']} percentages)",
              method=(f"log risk ratio of death at {DEATH_TIME_POINT}: {t['events']}/{t['total']} against "
                      f"{c['events']}/{c['total']}"))
        row.update(n=int(t["total"]) + int(c["total"]), source=", ".join(x for x in (_text(t["source_id"]),
                   _text(t["location"])) if x), note=_text(t["note"]))
        rows.append(row)
    return rows


def study_effects(evidence: Evidence, outcome: str, settings: AnalysisSettings = PAPER_SETTINGS) -> pd.DataFrame:
    """One row per arm (per study for death) the paper pooled for ``outcome``, with the effect
    where public inputs give it (columns :data:`EFFECT_COLUMNS`).

    ``yi``/``se``/``ci_low``/``ci_high`` are on the analysis scale (log for death); ``ci_*`` is the
    Wald interval yi +/- 1.959964 se. Rows without public inputs keep NaN effects, tier ``missing``
    and a ``missing`` text naming the absent values.
    """
    lookups = _Lookups.of(evidence, outcome)
    arms = _pooled_arms(evidence, outcome)
    if arms.empty:
        raise ValueError(f"the paper pooled no arms for outcome {outcome!r} (no published_result_studies rows)")
    if lookups.spec.outcome == "death":
        rows = _death_rows(evidence, arms, lookups)
    else:
        outcomes = evidence.table("outcomes")
        inputs = _first_rows_by_arm(outcomes[(outcomes["outcome"] == outcome)
                                             & (outcomes["pooled_in_paper"].fillna(False))])
        rows = [_continuous_row(_base_row(lookups, arm.study_id, arm.arm_id, arm.result_keys),
                                inputs.get(arm.arm_id), settings, lookups.spec)
                for arm in arms.itertuples(index=False)]
    frame = pd.DataFrame(rows, columns=list(EFFECT_COLUMNS))
    frame["n"] = frame["n"].astype("Int64")
    return validate(frame, STUDY_EFFECTS)


def public_effects(evidence: Evidence, outcome: str, settings: AnalysisSettings = PAPER_SETTINGS) -> pd.DataFrame:
    """The rows of :func:`study_effects` that have an effect (tier other than ``missing``)."""
    effects = study_effects(evidence, outcome, settings)
    return effects[effects["tier"] != "missing"].reset_index(drop=True)
