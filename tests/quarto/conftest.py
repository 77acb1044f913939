"""Real Quarto against the book: one fresh git copy of the project rendered with `quarto render`
(QUARTO_PYTHON the only setting, no SOURCE_DATE_EPOCH, the environment's bin/ not on PATH), and
bookrender's own engine on the same copy for the parity checks.

Every test here carries the markers `quarto` and `render` and is skipped when no Quarto >= 1.9 is
on PATH (`make test-quarto` runs them; `make test` too, when Quarto is installed).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bookrender.quarto import find_quarto
from tests.conftest import copy_project

QUARTO = find_quarto()
COMMIT_DATE = "2026-03-14T12:00:00+00:00"  # the copy's only commit dates the build
EXECUTING = re.compile(r"Executing '([^']+)\.quarto_ipynb'")


def pytest_configure(config):
    config.addinivalue_line("markers", "quarto: renders the book with the real Quarto on PATH (skipped without one)")


def quarto_marks() -> list:
    return [pytest.mark.quarto, pytest.mark.render,
            pytest.mark.skipif(QUARTO is None, reason="no Quarto >= 1.9 on PATH")]


def git(root: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_DATE=COMMIT_DATE, GIT_COMMITTER_DATE=COMMIT_DATE)
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *args], cwd=root,
                          env=env, capture_output=True, text=True, check=True).stdout


def quarto_environment() -> dict[str, str]:
    """What a new user sets: QUARTO_PYTHON. No SOURCE_DATE_EPOCH, and the book's environment is not
    on PATH, so the project scripts must run with QUARTO_PYTHON's interpreter to work at all."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH" and not k.startswith("VIRTUAL_ENV")}
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p and p != venv_bin)
    env["QUARTO_PYTHON"] = sys.executable
    return env


@dataclass
class QuartoRun:
    returncode: int
    log: str
    executed: list[str]  # the notebooks Quarto executed, once per output format, in order


def quarto_render(root: Path) -> QuartoRun:
    proc = subprocess.run([QUARTO, "render"], cwd=root, env=quarto_environment(), capture_output=True, text=True,
                          timeout=1800)
    log = proc.stdout + proc.stderr
    return QuartoRun(proc.returncode, log, EXECUTING.findall(log))


@dataclass
class QuartoBook:
    root: Path  # the project copy (git repository with one commit)
    site: Path  # Quarto's first render, kept aside from later renders
    own_site: Path  # bookrender's own build of the same commit
    first: QuartoRun
    status_after: str  # `git status --porcelain` right after Quarto's first render


@pytest.fixture(scope="session")
def quarto_book(tmp_path_factory) -> QuartoBook:
    if QUARTO is None:
        pytest.skip("no Quarto >= 1.9 on PATH")
    root = copy_project(tmp_path_factory.mktemp("quarto") / "project")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the book")
    first = quarto_render(root)
    assert first.returncode == 0, f"quarto render failed:\n{first.log[-6000:]}"
    status = git(root, "status", "--porcelain")
    site = root.parent / "quarto-site"
    shutil.copytree(root / "_site", site)

    from bookrender.build import build

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        own = build(root, output_dir="_site_own", log=lambda msg: None)
    return QuartoBook(root, site, own.output_dir, first, status)


from tests.browser.chromium import browser_context, chromium_browser  # noqa: E402,F401 - fixtures for the browser test
