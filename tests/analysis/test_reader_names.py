"""How a source is named for readers: its first author's surname (without initials) and its year."""
from __future__ import annotations

import pytest

from analysis.report.reader_names import author_year


@pytest.mark.parametrize("citation, name", [
    ("Ma C, Liu M, Cheng Y, et al. Therapeutic efficacy. Front Immunol. 2024;15:1382728.", "Ma 2024"),
    ("Le Voyer T, Gitiaux C, Authier F-J, et al. JAK inhibitors. Rheumatology. 2021;60:5801.", "Le Voyer 2021"),
    ("Landon-Cardinal O, Guillaume-Jugnot P, et al. JAK inhibitors. Ann Rheum Dis. 2023;82:e1.", "Landon-Cardinal 2023"),
    ("Authier FJ, Other A. A title. 2020.", "Authier 2020"),
    ("World Health Organization. A report. Geneva; 2019.", "World Health Organization 2019"),
])
def test_a_source_is_named_by_its_first_authors_surname_and_year(citation, name):
    assert author_year(citation) == name


def test_no_two_sources_of_the_data_share_a_name(evidence):
    """A table names each source in words; two sources with one name could not be told apart (the data's
    ``sources.label`` names a source where the built name would clash)."""
    from analysis.report.reader_names import reader_names

    names = reader_names(evidence).sources
    seen: dict[str, list[str]] = {}
    for source, name in names.items():
        seen.setdefault(name, []).append(source)
    assert {name: ids for name, ids in seen.items() if len(ids) > 1} == {}
    assert set(names) == set(evidence.table("sources")["source_id"])


def test_a_sources_own_label_names_it_and_an_empty_one_leaves_the_built_name(evidence):
    from dataclasses import replace

    from analysis.report.reader_names import reader_names

    sources = evidence.table("sources").copy()
    built = reader_names(evidence).sources
    first, second = sources["source_id"].iloc[1], sources["source_id"].iloc[2]
    sources["label"] = None
    sources.loc[sources.index[1], "label"] = "A name of its own"
    renamed = reader_names(replace(evidence, sources=sources)).sources
    assert renamed[first] == "A name of its own" and renamed[second] == built[second]
