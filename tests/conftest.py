"""Shared fixtures: copies of the project or of the mini test book in temporary folders, and one
built copy of the real book that the render, PDF and browser tests share."""
from __future__ import annotations

from pathlib import Path

import pytest

from analysis.paths import ROOT
from bookrender.project import copy_sources

FIXED_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: a fixed build date for test builds
MINIBOOK = Path(__file__).parent / "render" / "minibook"


def copy_project(dest: Path) -> Path:
    """A copy of the whole project (sources, data, chapters) without build output or caches."""
    return copy_sources(ROOT, dest)


def copy_minibook(dest: Path) -> Path:
    return copy_sources(MINIBOOK, dest)


@pytest.fixture
def fixed_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    return int(FIXED_EPOCH)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """The real book, built once with bookrender's own engine into a temporary copy of the project."""
    from bookrender.build import build

    root = copy_project(tmp_path_factory.mktemp("book") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        report = build(root, use_cache=False, log=lambda msg: None)
    return report


@pytest.fixture(scope="session")
def built_mini(tmp_path_factory):
    """The mini test book, built once (site and execution cache) with the own engine. Tests never change it:
    each works on its own copy (``tests.faults.breakage.copy_built_project``)."""
    from bookrender.build import build

    root = copy_minibook(tmp_path_factory.mktemp("built-mini") / "mini")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        build(root, log=lambda msg: None)
    return root
