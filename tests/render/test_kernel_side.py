"""bookrender.kernel_side on its own: the code that runs inside each document's kernel."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bookrender import kernel_side
from bookrender.kernel_side import ReadTracker, format_inline, is_default_repr


@pytest.mark.parametrize("text", [
    "<pandas.io.formats.style.Styler at 0x7f3a2b1c4d90>",
    "<__main__.Thing object at 0x7fe0>",
    "<function f at 0x10ab>",
    "  <module.Class object at 0xDEADbeef>\n",
])
def test_default_object_reprs_are_recognised(text):
    assert is_default_repr(text)


@pytest.mark.parametrize("text", [
    "42", "<b>bold</b>", "Styler at 0x7f", "<Figure size 640x480 with 1 Axes>", "[<A at 0x1>, <B at 0x2>]",
    "<a at 0x1>\n<b at 0x2>", "",
])
def test_values_and_other_reprs_are_text(text):
    assert not is_default_repr(text)


class FakeFormatter:
    def __init__(self, bundle):
        self.bundle = bundle

    def format(self, value):
        return self.bundle, {}


def test_inline_values_are_text_unless_they_offer_markdown():
    assert format_inline("a *b*", FakeFormatter({"text/plain": "'a *b*'"})) == ("text", "a *b*")
    assert format_inline(3.5, FakeFormatter({"text/plain": "3.5"})) == ("text", "3.5")
    assert format_inline(object(), FakeFormatter({"text/plain": "x", "text/markdown": "**x**"})) == ("markdown",
                                                                                                    "**x**")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_file_is_hashed_as_it_was_first_read_not_as_it_is_later(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    tracker = ReadTracker(str(tmp_path))
    tracker.saw(str(data))
    data.write_text("a,b\n1,3\n", encoding="utf-8")  # edited while the document runs
    tracker.saw(str(data))
    assert tracker.finish()["deps"] == {"data.csv": sha(b"a,b\n1,2\n")}


def test_bytecode_counts_as_its_source_and_outside_files_do_not_count(tmp_path):
    package = tmp_path / "pkg"
    (package / "__pycache__").mkdir(parents=True)
    (package / "mod.py").write_text("X = 1\n", encoding="utf-8")
    (package / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0")
    tracker = ReadTracker(str(package.parent))
    tracker.saw(str(package / "__pycache__" / "mod.cpython-311.pyc"))
    tracker.saw("/etc/hostname")
    tracker.saw(str(tmp_path / "missing.txt"))
    assert tracker.finish()["deps"] == {"pkg/mod.py": sha(b"X = 1\n")}


def test_in_a_fresh_interpreter_opens_and_imports_are_recorded_with_their_content_at_read_time(tmp_path):
    (tmp_path / "helper.py").write_text("VALUE = 7\n", encoding="utf-8")
    (tmp_path / "numbers.txt").write_text("1\n", encoding="utf-8")
    script = textwrap.dedent(f"""
        import json, os, sys, types
        source = open({kernel_side.__file__!r}, encoding="utf-8").read()
        side = types.ModuleType("side")
        exec(compile(source, side.__dict__.get("SOURCE_NAME", "<bookrender-kernel-side>"), "exec"), side.__dict__)
        tracker = side.ReadTracker(os.getcwd(), ("SOURCE_DATE_EPOCH", "HOME")).start()
        sys.path.insert(0, os.getcwd())
        import helper
        with open("numbers.txt", encoding="utf-8") as handle:
            handle.read()
        with open("numbers.txt", "w", encoding="utf-8") as handle:  # a write, after the read
            handle.write("2\\n")
        built = os.environ["SOURCE_DATE_EPOCH"]
        os.path.expanduser("~")  # the standard library reads HOME
        print(json.dumps(tracker.finish()))
    """)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "123", "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout
    found = json.loads(out)
    assert found["deps"] == {"helper.py": sha(b"VALUE = 7\n"), "numbers.txt": sha(b"1\n")}
    assert found["env"] == {"SOURCE_DATE_EPOCH": "123"}  # HOME is read by the standard library only


def test_a_process_that_asked_to_die_with_its_parent_ends_when_the_parent_is_killed(tmp_path):
    pid_file = tmp_path / "child.pid"
    child = tmp_path / "child.py"
    child.write_text(textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {str(Path(kernel_side.__file__).parent.parent)!r})
        from bookrender.kernel_side import die_with_parent
        die_with_parent(int(sys.argv[1]))
        open({str(pid_file)!r}, "w").write(str(os.getpid()))
        time.sleep(60)
    """), encoding="utf-8")
    parent = (f"import os, subprocess, sys, time; subprocess.Popen([sys.executable, {str(child)!r}, str(os.getpid())]); "
              f"time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", parent])
    deadline = time.monotonic() + 30
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    child = int(pid_file.read_text())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the child outlived its killed parent"


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")
