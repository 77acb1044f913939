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
