"""A render killed part-way (SIGKILL to the whole process group: the command, its workers and
kernels) leaves the complete old `_site/` or the complete new one, never a mixture.

The new build is made to differ from the old one (a sentence added to the front page), and the
render is killed at several moments: while documents execute, as soon as its staging folder
appears, and once the PDF is in the staging folder, just before the swap.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import FIXED_EPOCH
from tests.faults.breakage import copy_built_project, first_difference, site_manifest

pytestmark = pytest.mark.render

POLL_SECONDS = 0.002
TIMEOUT_SECONDS = 900


def _start(root):
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "PYTHONPATH": str(root)}
    return subprocess.Popen([sys.executable, "-m", "bookrender", "render", "--engine", "own"], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def _wait_for(proc, condition) -> bool:
    """Poll until ``condition()`` holds (True) or the render ends first (False)."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(POLL_SECONDS)
    raise AssertionError("the render neither reached the moment nor ended")


def _kill(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=60)
    proc.stderr.close()


def test_a_killed_render_leaves_the_old_or_the_new_site_never_a_mixture(built_book, tmp_path):
    root = copy_built_project(built_book.output_dir.parent, tmp_path / "project")
    site = root / "_site"
    old = site_manifest(site)
    index = root / "index.qmd"
    index.write_text(index.read_text(encoding="utf-8") + "\nThis sentence was added after the first render.\n",
                     encoding="utf-8")
    pdf_name = built_book.pdf.name

    def new_staging(left_over):
        return [s for s in root.glob("_site.tmp-*") if s not in left_over]  # a killed render leaves its own

    moments = {
        "one second in (documents executing)": lambda left_over: time.sleep(1) or True,
        "when the staging folder appears": lambda left_over: bool(new_staging(left_over)),
        "when the PDF is in the staging folder (just before the swap)":
            lambda left_over: any((s / pdf_name).exists() for s in new_staging(left_over)),
    }
    seen = {}
    for moment, condition in moments.items():
        left_over = set(root.glob("_site.tmp-*"))
        proc = _start(root)
        reached = _wait_for(proc, lambda: condition(left_over))
        _kill(proc)
        seen[moment] = (reached, site_manifest(site))

    proc = _start(root)
    _, stderr = proc.communicate(timeout=TIMEOUT_SECONDS)
    assert proc.returncode == 0, stderr.decode("utf-8", "replace")
    new = site_manifest(site)
    assert new != old, "the new render should differ from the old one"

    for moment, (reached, manifest) in seen.items():
        assert manifest in (old, new), (f"killed {moment}: _site/ is a mixture; against the old site: "
                                        f"{first_difference(old, manifest)}; against the new: "
                                        f"{first_difference(new, manifest)}")
    reached = [m for m, (r, _) in seen.items() if r]
    assert len(reached) >= 2, f"the render was interrupted at too few moments (reached: {reached})"
