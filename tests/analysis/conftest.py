"""Fixtures shared by the tests of analysis/: the whole data package, loaded once per test module (a module
that needs fewer tables, or a modified package, defines its own `evidence`)."""
from __future__ import annotations

import pytest

from analysis.audit.statement_register import statement_register
from analysis.data import load


@pytest.fixture(scope="module")
def evidence():
    return load()


@pytest.fixture(scope="module")
def register(evidence):
    """The statement register of the paper, with the code's verdict beside each recorded one."""
    return statement_register(evidence)
