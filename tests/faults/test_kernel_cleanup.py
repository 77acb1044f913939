"""Nothing a render starts outlives it: killing `python -m bookrender render` (SIGKILL to the main
process only, or SIGTERM) while a cell sleeps leaves no worker process, no Jupyter kernel and no
kernel connection file (they hold the key to the kernel) behind, and the previous site as it was."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from analysis.paths import ROOT
from bookrender.build import build
from tests.conftest import FIXED_EPOCH
from tests.faults.breakage import copy_built_project, site_manifest

pytestmark = pytest.mark.render

SLEEPING_CELL = """
```{python}
#| label: slow
import os, time
open("sleeping.txt", "w").write(str(os.getpid()))
time.sleep(120)
```
"""


@pytest.fixture
def sleepy(built_mini, tmp_path):
    root = copy_built_project(built_mini, tmp_path / "mini")
    chapter = root / "chapters" / "one.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + SLEEPING_CELL, encoding="utf-8")
    return root


def _start(root: Path) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "bookrender", "render", "--engine", "own", "--jobs", "2"],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (FileNotFoundError, IndexError, ValueError, ProcessLookupError):
        return None


def _descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its command line."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _parent(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            try:
                found[child] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except FileNotFoundError:
                continue
            todo.append(child)
    return found


def _wait_until_sleeping(proc: subprocess.Popen, root: Path) -> dict[int, str]:
    deadline = time.monotonic() + 120
    while not (root / "sleeping.txt").exists():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the sleeping cell never started"
        time.sleep(0.05)
    time.sleep(0.3)
    processes = _descendants(proc.pid)
    kernels = [pid for pid, cmd in processes.items() if "ipykernel" in cmd]
    assert kernels and int((root / "sleeping.txt").read_text()) in kernels, processes
    return processes


def _connection_files(root: Path, since: float) -> list[Path]:
    """Kernel connection files in the project's cache, and those written since ``since`` in Jupyter's
    runtime folder or the temporary folder (where Jupyter would put them by default)."""
    from jupyter_core.paths import jupyter_runtime_dir

    found = list((root / ".bookcache").rglob("kernel-*.json"))
    for place in (Path(jupyter_runtime_dir()), Path(tempfile.gettempdir())):
        if place.is_dir():
            found += [p for p in place.glob("kernel-*.json") if p.stat().st_mtime >= since]
            found += [p for p in place.glob("bookrender-kernel-*") if p.stat().st_mtime >= since]
    return found


def _all_ended(pids, seconds: float = 5.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


def test_sigkill_of_the_render_ends_its_workers_and_kernels_and_leaves_no_connection_file(sleepy):
    before = site_manifest(sleepy / "_site")
    since = time.time() - 1
    proc = _start(sleepy)
    processes = _wait_until_sleeping(proc, sleepy)
    assert not _connection_files(sleepy, since), "a connection file stays on disk while the kernel runs"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    survivors = _all_ended(processes)
    assert not survivors, {p: processes[p] for p in survivors}
    assert not _connection_files(sleepy, since)
    assert site_manifest(sleepy / "_site") == before
    dead_folder = sleepy / ".bookcache" / "kernels" / str(proc.pid)
    chapter = sleepy / "chapters" / "one.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("time.sleep(120)", "pass"), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        build(sleepy, log=lambda msg: None)
    assert not dead_folder.exists(), "the next build removes the killed build's private folder"
    assert not list(sleepy.glob("_site.tmp-*"))


def test_sigterm_stops_the_render_cleanly_and_keeps_the_previous_site(sleepy):
    before = site_manifest(sleepy / "_site")
    since = time.time() - 1
    proc = _start(sleepy)
    processes = _wait_until_sleeping(proc, sleepy)
    started = time.monotonic()
    os.kill(proc.pid, signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert time.monotonic() - started < 10, "the render waited for the sleeping cell"
    assert proc.returncode == 128 + signal.SIGTERM, stderr.decode()
    message = stderr.decode().strip().splitlines()[-1]
    assert message.startswith("bookrender: error: interrupted by SIGTERM") and "previous site" in message
    assert "Traceback" not in stderr.decode()
    survivors = _all_ended(processes)
    assert not survivors, {p: processes[p] for p in survivors}
    assert not (sleepy / ".bookcache" / "kernels" / str(proc.pid)).exists()
    assert not _connection_files(sleepy, since)
    assert not list(sleepy.glob("_site.tmp-*"))
    assert site_manifest(sleepy / "_site") == before
