"""A cell that prints too much, runs too long, ends its kernel, or displays an object with no text
form stops the build with a message naming the document, the cell and the limit; the previous
site stays byte for byte, and no staging folder, kernel or connection file is left behind."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.paths import ROOT
from bookrender.build import build
from bookrender.errors import CellLimitError, RenderError, SourceError
from bookrender.limits import Limits
from tests.conftest import FIXED_EPOCH
from tests.faults.breakage import copy_built_project, site_manifest

pytestmark = pytest.mark.render


def quiet(msg):
    return None


@pytest.fixture
def mini(built_mini, tmp_path, fixed_epoch):
    return copy_built_project(built_mini, tmp_path / "mini")


def add_cell(root: Path, label: str, code: str) -> int:
    """Append a labelled cell to chapters/one.qmd; the line of its opening fence."""
    chapter = root / "chapters" / "one.qmd"
    text = chapter.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    line = text.count("\n") + 1
    chapter.write_text(text + f"```{{python}}\n#| label: {label}\n{code}\n```\n", encoding="utf-8")
    return line


def kernels_of_this_process() -> list[int]:
    """Live ipykernel processes below this test process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
            state_and_parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if b"ipykernel" in cmd and state_and_parent[0] != "Z" and _descends_from(int(entry.name), os.getpid()):
            found.append(int(entry.name))
    return found


def _descends_from(pid: int, ancestor: int) -> bool:
    while pid > 1:
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError):
            return False
        if pid == ancestor:
            return True
    return False


def assert_nothing_left(root: Path, before: dict) -> None:
    assert site_manifest(root / "_site") == before, "the previous site changed"
    assert not list(root.glob("_site.tmp-*")), "a staging folder was left behind"
    assert not list((root / ".bookcache").rglob("kernel-*.json")), "a connection file was left behind"
    assert not [p for p in (root / ".bookcache" / "kernels").glob("*")], "a private kernel folder was left behind"
    deadline = time.monotonic() + 5
    while kernels_of_this_process() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not kernels_of_this_process(), "a kernel outlived the build"


def failing_build(root: Path, limits: Limits | None = None, error=CellLimitError) -> str:
    before = site_manifest(root / "_site")
    with pytest.raises(error) as info:
        build(root, log=quiet, limits=limits)
    assert_nothing_left(root, before)
    return str(info.value)


def test_a_cell_printing_100_mb_fails_at_the_default_limit_naming_the_cell(mini):
    line = add_cell(mini, "noisy", "import sys\nfor _ in range(100):\n    sys.stdout.write('x' * 1_000_000 + '\\n')")
    started = time.monotonic()
    message = failing_build(mini, Limits.resolve(environ={}))
    assert message.startswith(f"chapters/one.qmd:{line}: cell 'noisy' produced more output than the document may "
                              f"(the limit is 20 MB of printed or displayed output per document)"), message
    assert "--max-output-mb" in message and "BOOKRENDER_MAX_OUTPUT_MB" in message
    assert time.monotonic() - started < 120


def test_the_output_limit_is_configurable(mini, monkeypatch):
    line = add_cell(mini, "chatty", "print('y' * 2_000_000)")
    monkeypatch.setenv("BOOKRENDER_MAX_OUTPUT_MB", "1")
    message = failing_build(mini, Limits.resolve())
    assert message.startswith(f"chapters/one.qmd:{line}: cell 'chatty' produced more output") and "is 1 MB" in message
    monkeypatch.setenv("BOOKRENDER_MAX_OUTPUT_MB", "3")
    assert build(mini, log=quiet, limits=Limits.resolve()).executed == ["chapters/one.qmd"]


def test_a_cell_that_ignores_the_interrupt_after_too_much_output_is_stopped_as_an_overflow(mini):
    """The interrupt sent at the overflow can go unanswered (here the cell ignores SIGINT, as a kernel busy
    flushing its output may): its kernel is killed after the grace period, long before the time limit."""
    code = ("import signal, sys, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
            "sys.stdout.write('z' * 2_000_000)\nsys.stdout.flush()\ntime.sleep(300)")
    line = add_cell(mini, "deaf", code)
    started = time.monotonic()
    message = failing_build(mini, Limits(max_output_mb=1, cell_timeout=240))
    assert message.startswith(f"chapters/one.qmd:{line}: cell 'deaf' produced more output"), message
    assert time.monotonic() - started < 120


def test_a_cell_past_the_time_limit_is_stopped_and_named(mini):
    line = add_cell(mini, "slow", "import time\ntime.sleep(120)")
    started = time.monotonic()
    message = failing_build(mini, Limits(cell_timeout=3))
    assert time.monotonic() - started < 60
    assert message.startswith(f"chapters/one.qmd:{line}: cell 'slow' did not finish within the cell time limit of "
                              f"3 seconds"), message
    assert "--cell-timeout" in message and "ipykernel" not in message


def test_the_time_limit_comes_from_the_command_line_as_one_message(mini):
    line = add_cell(mini, "slow", "import time\ntime.sleep(120)")
    before = site_manifest(mini / "_site")
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "PYTHONPATH": str(ROOT), "BOOKRENDER_CELL_TIMEOUT": "100"}
    proc = subprocess.run([sys.executable, "-m", "bookrender", "render", "--engine", "own", "--cell-timeout", "2"],
                          cwd=mini, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(f"bookrender: error: chapters/one.qmd:{line}: cell 'slow' did not finish within the cell "
                           f"time limit of 2 seconds"), proc.stderr
    assert "Traceback" not in proc.stderr
    assert_nothing_left(mini, before)


def test_a_cell_that_ends_its_kernel_is_named(mini):
    line = add_cell(mini, "fatal", "import os\nos._exit(3)")
    message = failing_build(mini)
    assert message.startswith(f"chapters/one.qmd:{line}: cell 'fatal' ended the Jupyter kernel: the kernel died "
                              f"while running this cell (exit status 3)."), message
    assert "ipykernel is installed" not in message


def test_an_object_without_a_text_form_fails_the_pdf_naming_the_cell(mini):
    line = add_cell(mini, "styled", "import pandas as pd\npd.DataFrame({'a': [1, 2]}).style")
    message = failing_build(mini, error=SourceError)
    assert message.startswith(f"chapters/one.qmd:{line}: cell 'styled' displays a pandas.io.formats.style.Styler "
                              f"object with no text or image form that the PDF can show"), message
    assert "0x" not in message


def test_an_object_shown_only_by_its_default_repr_fails_naming_the_cell(mini):
    line = add_cell(mini, "opaque", "class Opaque:\n    pass\nOpaque()")
    message = failing_build(mini, error=SourceError)
    assert message.startswith(f"chapters/one.qmd:{line}: cell 'opaque' displays a __main__.Opaque object with no text "
                              f"or image form that the "), message  # the HTML page or the PDF, whichever comes first
    assert "(its forms: none; its text is only the default object repr)" in message and "0x" not in message


@pytest.mark.parametrize("value", ["0", "-1", "ten"])
def test_a_limit_that_is_not_a_positive_number_is_refused(value):
    with pytest.raises(RenderError, match="BOOKRENDER_CELL_TIMEOUT: expected a positive number"):
        Limits.resolve(environ={"BOOKRENDER_CELL_TIMEOUT": value})


def test_a_kernel_that_cannot_start_shows_what_it_wrote(mini):
    chapter = mini / "chapters" / "one.qmd"  # a change, so that the document runs
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    (mini / "sitecustomize.py").write_text("import sys\nsys.stderr.write('this kernel cannot start\\n')\n"
                                           "raise SystemExit(3)\n", encoding="utf-8")
    message = failing_build(mini, error=RenderError)
    assert message.startswith("chapters/one.qmd: the Jupyter kernel failed to start"), message
    assert "It wrote:\nthis kernel cannot start" in message
    assert not list((mini / ".bookcache").rglob("kernel-*")), "a connection file or start-up log was left behind"
