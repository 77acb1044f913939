"""The living update (analysis.domain.living) and the version changes (analysis.audit.changes)."""
from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from analysis.audit import changes
from analysis.domain import living
from analysis.data import load
from analysis.paths import ROOT


@pytest.fixture(scope="module")
def evidence():
    return load("studies", "arms", "outcomes", "sources", "update_searches", "update_records", "new_studies",
                "new_study_results")


def _package(folder, rows, fields=("id", "value")):
    folder.mkdir(parents=True)
    (folder / "datapackage.json").write_text(json.dumps({"resources": [{
        "name": "things", "path": "things.csv",
        "schema": {"fields": [{"name": f, "type": "string"} for f in fields], "primaryKey": ["id"]}}]}))
    (folder / "things.csv").write_text(",".join(fields) + "\n" + "".join(",".join(r) + "\n" for r in rows))
    return folder


def test_change_listing_on_hand_made_packages(tmp_path):
    old = _package(tmp_path / "old", [("a", "1"), ("b", "2"), ("c", "3")])
    new = _package(tmp_path / "new", [("a", "1"), ("b", "20"), ("d", "4")])
    listing = changes.data_changes(old, new)
    got = {(r.key, r.change, r.columns) for r in listing.itertuples()}
    assert got == {("d", "added", ""), ("c", "removed", ""), ("b", "changed", "value")}
    counts = changes.change_counts(listing).set_index("table")
    assert counts.loc["things", ["added", "changed", "removed"]].tolist() == [1, 1, 1]


def test_change_listing_counts_a_new_table_as_added_rows(tmp_path):
    old = _package(tmp_path / "old", [("a", "1")])
    new = _package(tmp_path / "new", [("a", "1")])
    package = json.loads((new / "datapackage.json").read_text())
    package["resources"].append({"name": "extra", "path": "extra.csv",
                                 "schema": {"fields": [{"name": "id", "type": "string"}], "primaryKey": ["id"]}})
    (new / "datapackage.json").write_text(json.dumps(package))
    (new / "extra.csv").write_text("id\nx\ny\n")
    listing = changes.data_changes(old, new)
    assert listing[listing["table"] == "extra"]["change"].tolist() == ["added", "added"]
    assert listing[listing["table"] == "things"].empty


def test_every_new_study_row_has_a_source_and_a_tier(evidence):
    sources = set(evidence.sources["source_id"])
    assert evidence.new_studies["source_id"].isin(sources).all()
    assert evidence.new_studies["tier"].isin(["primary", "secondary"]).all()
    results = evidence.new_study_results
    assert results["tier"].notna().all()
    known = results[results["tier"] != "missing"]
    assert known["source_id"].isin(sources).all()
    assert results.loc[results["tier"] == "missing", "source_id"].isna().all()
    assert living.provenance_problems(evidence) == []


def test_every_result_names_a_summary_of_findings_row_or_says_it_has_none():
    evidence = load("new_study_results", "sof_outcomes")
    allowed = set(evidence.sof_outcomes["sof_row"]) | {"composite", "other", "none"}
    assert set(evidence.new_study_results["paper_outcome"]) <= allowed
    additions = living.outcome_additions(load())
    assert additions["outcome"].tolist()[:len(evidence.sof_outcomes)] == \
        evidence.sof_outcomes.sort_values("position")["label"].tolist()


def test_provenance_check_finds_a_number_without_source(evidence):
    results = evidence.new_study_results.copy()
    first = results.index[results["tier"] == "primary"][0]
    results.loc[first, "source_id"] = None
    problems = living.provenance_problems(replace(evidence, new_study_results=results))
    assert len(problems) == 1 and "without a source" in problems[0]


def test_update_prisma_counts_add_up_from_the_rows(evidence):
    flow = living.update_flow(evidence)
    records, searches = evidence.update_records, evidence.update_searches
    assert flow.problems() == []
    assert flow.identified == searches["records_shown"].sum() == flow.appearances
    assert flow.screened == len(records)
    assert flow.duplicates == flow.identified - flow.screened
    assert flow.n_excluded_screening + flow.assessed == flow.screened
    assert flow.assessed == (flow.n_excluded_full_text + flow.reports_included + flow.reports_ongoing
                             + flow.reports_awaiting)
    assert flow.new_studies_included == evidence.new_studies["status"].eq("included").sum()
    assert flow.total_studies == len(evidence.studies) + flow.new_studies_included
    frame = living.update_prisma_frame(flow).set_index("stage_id")
    assert frame.at["screened", "count"] == flow.screened
    assert frame.at["included", "count"] == flow.new_studies_included


def test_update_flow_reports_a_record_missing_from_the_searches(evidence):
    records = evidence.update_records.copy()
    records = records[records["found_by"].str.count(";") == 0].iloc[1:]  # drop rows: the counts no longer agree
    flow = living.update_flow(replace(evidence, update_records=records))
    assert flow.problems()


def test_overlapping_studies_are_not_pooled(evidence):
    death = living.updated_death(evidence)
    pooled = set(death.effects["study_id"])
    for _, study in evidence.new_studies.iterrows():
        if study["overlap_decision"] == "probable_overlap" and study["study_id"] in pooled:
            assert not ({s.strip() for s in study["overlap_with"].split(";")} & pooled)


def test_overlap_ids_are_read_and_an_unknown_one_is_named_with_its_row(evidence):
    overlaps = living.overlap_ids(evidence)
    studies = evidence.new_studies
    assert set(overlaps) == set(studies["study_id"])
    for row, study in studies.iterrows():  # each id listed once, and every listed id a known study
        text = study["overlap_with"]
        assert overlaps[study["study_id"]] == (() if not isinstance(text, str) else tuple(text.split("; ")))
    changed = studies.copy()
    changed.loc[changed.index[1], "overlap_with"] = "chen2019; nosuchstudy"
    with pytest.raises(ValueError, match=r"new_studies.csv, row 3, column overlap_with: \['nosuchstudy'\]"):
        living.overlap_ids(replace(evidence, new_studies=changed))


def test_the_chapter_names_a_new_study_the_overlap_lists():
    """overlap_with may name a new study as well as one of the paper; the chapter names both by label."""
    from analysis.chapters import new_evidence

    evidence = load()
    studies = evidence.new_studies.copy()
    pooled = living.updated_death(evidence).effects["study_id"]
    overlapping = studies[studies["study_id"].isin(pooled) & (studies["overlap_decision"] == "probable_overlap")]
    other = studies[~studies["study_id"].isin(pooled)].iloc[0]
    row = overlapping.index[0]
    studies.loc[row, "overlap_with"] = f"{studies.at[row, 'overlap_with']}; {other['study_id']}"
    sentence = new_evidence.page(replace(evidence, new_studies=studies)).death_overlap_paper_study
    assert sentence.endswith(f" and {other['label']}")


def test_citation_cff_carries_the_version():
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r'^version: "?([0-9.]+)"?$', cff, re.M).group(1) == changes.book_version()


def test_previous_release_is_recorded():
    version = changes.book_version()
    previous = changes.previous_release(version)
    assert previous is not None and previous in changes.release_versions()


def test_changelog_is_computed_from_the_recorded_releases():
    """CHANGELOG.md is the output of the release code on releases/ (make release), not typed."""
    import subprocess
    import sys

    computed = subprocess.run([sys.executable, "-m", "analysis.audit.changes"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout
    assert (ROOT / "CHANGELOG.md").read_text(encoding="utf-8") == computed


def test_headline_changes_compare_the_same_code_on_two_packages(tmp_path):
    """The previous release's headline numbers equal this version's where no input changed."""
    version = changes.book_version()
    previous = changes.previous_release(version)
    old_dir = changes.RELEASES_DIR / previous / "data"
    moved = changes.headline_changes(old_dir, ROOT / "data").set_index("key")
    listing = changes.data_changes(old_dir, ROOT / "data")
    if listing["table"].isin(["studies", "arms", "outcomes", "published_results", "published_result_studies"]).any():
        pytest.skip("the inputs of the regenerations changed since the previous release")
    regenerated = moved[moved.index.str.startswith("regenerated.")]
    unchanged = regenerated["before_estimate"].notna()
    assert (regenerated.loc[unchanged, "before_estimate"] == regenerated.loc[unchanged, "after_estimate"]).all()


def test_counts_derived_from_percentages_are_labelled_as_an_assumption(evidence):
    from analysis.data.derive import COUNT_ASSUMPTION

    inputs = living.death_inputs(evidence)
    outcomes = evidence.table("outcomes")
    derived = set(outcomes.loc[(outcomes["outcome"] == "death") & (outcomes["time_point"] == "1 year")
                               & outcomes["formula"].fillna("").str.contains("from_percent"), "study_id"])
    paper = inputs[inputs["source"] == "paper's study"]
    assert derived and set(paper["study_id"]) >= derived
    for row in paper.itertuples():
        assert (COUNT_ASSUMPTION in row.note) == (row.study_id in derived), row
