"""A copy of the built book (sources, `_site/`, execution cache) that the fault tests break."""
from __future__ import annotations

import pytest

from tests.faults.breakage import copy_built_project


@pytest.fixture(scope="session")
def faults_book(built_book, tmp_path_factory):
    """Shared by the data-fault tests; each restores what it broke (tests.faults.breakage.edited)."""
    return copy_built_project(built_book.output_dir.parent, tmp_path_factory.mktemp("faults") / "project")
