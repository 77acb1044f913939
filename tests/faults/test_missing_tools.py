"""A render on a machine without pandoc or Typst stops with a message that names the tool and says
what to install, through the command line a reader uses, and leaves the site alone.

The tool is made missing for the render's process only: a module of the same name placed first
on PYTHONPATH fails to import (the PyPI package is not installed) or, for pandoc, imports but
finds no binary (the package is there, the binary is gone).
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import FIXED_EPOCH
from tests.faults.breakage import site_manifest

pytestmark = pytest.mark.render

NOT_INSTALLED = "raise ImportError(\"No module named '{module}'\", name='{module}')\n"
PANDOC_BINARY_GONE = ("def get_pandoc_path():\n"
                      "    raise OSError('No pandoc was found: either install pandoc and add it to your PATH or "
                      "call pypandoc.download_pandoc(...)')\n")

CASES = [
    ("pypandoc", NOT_INSTALLED, ["pandoc is missing", "pypandoc_binary", "install"]),
    ("pypandoc", PANDOC_BINARY_GONE, ["pandoc is missing", "pip install pypandoc_binary"]),
    ("typst", NOT_INSTALLED, ["Typst compiler is missing", "`typst`", "install"]),
]


@pytest.mark.parametrize("module, shadow_source, expected", CASES,
                         ids=["pandoc not installed", "pandoc binary gone", "typst not installed"])
def test_a_missing_tool_stops_the_render_and_says_what_to_install(faults_book, tmp_path, module, shadow_source,
                                                                  expected):
    root = faults_book
    shadow = tmp_path / "shadow" / module
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text(shadow_source.format(module=module), encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH,
           "PYTHONPATH": os.pathsep.join([str(shadow.parent), str(root)])}
    before = site_manifest(root / "_site")
    # A separate output folder: with nothing changed, a render into _site/ would keep the site and need no tool.
    proc = subprocess.run([sys.executable, "-m", "bookrender", "render", "--engine", "own", "--output-dir", "_site_tools"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 1, proc.stderr
    error = proc.stderr.strip().splitlines()[-1]
    assert error.startswith("bookrender: error:"), proc.stderr
    for words in expected:
        assert words in error, f"{words!r} not in {error!r}"
    assert "Traceback" not in proc.stderr, "a missing tool is a message, not a crash"
    assert not (root / "_site_tools").exists() and not list(root.glob("_site_tools.tmp-*"))
    assert site_manifest(root / "_site") == before
