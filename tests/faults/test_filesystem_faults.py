"""File system faults are one sentence with the path and a fix, never a traceback: a read-only
project or output folder is found before any document executes, a full disk stops the build with
the previous site intact and no staging folder left, and the site's files are world-readable
whatever the umask.

The read-only folder and the full disk are real: the render runs in a private mount namespace
(`unshare -m`) in which a folder is remounted read-only or is a tiny tmpfs. Those tests need root
and util-linux's `unshare`; they are skipped elsewhere.
"""
from __future__ import annotations

import errno
import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from analysis.paths import ROOT
from bookrender.build import build
from bookrender.errors import RenderError
from bookrender.files import check_writable
from tests.conftest import FIXED_EPOCH, copy_minibook
from tests.faults.breakage import copy_built_project, site_manifest

pytestmark = pytest.mark.render


def _can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


needs_mounts = pytest.mark.skipif(not _can_mount(), reason="needs root and unshare -m (mount namespaces)")
MANIFEST = textwrap.dedent("""
    import hashlib, json, pathlib, sys
    folder = pathlib.Path(sys.argv[1])
    print(json.dumps({p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                      for p in sorted(folder.rglob("*")) if p.is_file()}))
""")


@pytest.fixture
def mini(built_mini, tmp_path, fixed_epoch):
    root = copy_built_project(built_mini, tmp_path / "mini")
    chapter = root / "chapters" / "one.qmd"  # an edit, so that a render would execute a document
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    return root


def render_in_namespace(root: Path, setup: str, *args: str) -> subprocess.CompletedProcess:
    """`python -m bookrender render` in a private mount namespace after the shell commands ``setup``."""
    render = shlex.join([sys.executable, "-m", "bookrender", "render", "--engine", "own", *args])
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "PYTHONPATH": str(ROOT)}
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", f"{setup}\n{render}"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=600)


def read_only(folder: Path) -> str:
    q = shlex.quote(str(folder))
    return f"mount --bind {q} {q} && mount -o remount,bind,ro {q} || exit 99"


def one_sentence(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.strip().splitlines() if line.startswith("bookrender: error:")]
    assert len(lines) == 1, proc.stderr
    return lines[0]


@needs_mounts
def test_a_read_only_project_stops_before_any_document_executes(mini):
    before = site_manifest(mini / "_site")
    proc = render_in_namespace(mini, read_only(mini))
    message = one_sentence(proc)
    assert message == (f"bookrender: error: {mini / '.bookcache'}: could not write the execution cache (.bookcache/) "
                       f"there; the folder is on a read-only file system: render from a writable copy of the "
                       f"project, or set --output-dir to a writable folder.")
    assert "executing" not in proc.stderr
    assert site_manifest(mini / "_site") == before


@needs_mounts
def test_a_read_only_output_folder_stops_before_any_document_executes(mini, tmp_path):
    out = tmp_path / "published"
    out.mkdir()
    first = build(mini, output_dir=str(out / "site"), log=lambda m: None)  # a previous site to keep
    before = site_manifest(first.output_dir)
    chapter = mini / "chapters" / "one.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nAnd another.\n", encoding="utf-8")
    proc = render_in_namespace(mini, read_only(out), "--output-dir", str(out / "site"))
    message = one_sentence(proc)
    assert message.startswith(f"bookrender: error: {out}: could not write the new site (built beside site/, then "
                              f"swapped in) there; the folder is on a read-only file system"), message
    assert "executing" not in proc.stderr
    assert site_manifest(out / "site") == before


@needs_mounts
def test_a_full_disk_stops_the_build_and_keeps_the_previous_site(mini, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    site_bytes = sum(p.stat().st_size for p in (mini / "_site").rglob("*") if p.is_file())
    size_kb = int(site_bytes * 1.4 / 1024) + 64  # room for the old site, not for a second copy
    q, site = shlex.quote(str(disk)), shlex.quote(str(disk / "site"))
    manifest = f"{shlex.quote(sys.executable)} -c {shlex.quote(MANIFEST)} {site}"
    setup = (f"mount -t tmpfs -o size={size_kb}k tmpfs {q} || exit 99\n"
             f"cp -a {shlex.quote(str(mini / '_site'))} {site}\n"
             f"{manifest} > {shlex.quote(str(tmp_path / 'before.json'))}\n")
    after = (f"\n{manifest} > {shlex.quote(str(tmp_path / 'after.json'))}; "
             f"ls -A {q} > {shlex.quote(str(tmp_path / 'listing.txt'))}")
    render = shlex.join([sys.executable, "-m", "bookrender", "render", "--engine", "own", "--output-dir",
                         str(disk / "site")])
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                           f"{setup}{render} 2> {shlex.quote(str(tmp_path / 'stderr.txt'))}; status=$?{after}; "
                           f"exit $status"], cwd=mini, env=env, capture_output=True, text=True, timeout=600)
    stderr = (tmp_path / "stderr.txt").read_text()
    message = one_sentence(subprocess.CompletedProcess(proc.args, proc.returncode, "", stderr))
    assert message.startswith(f"bookrender: error: {disk}"), message
    assert f"could not write the new site next to {disk / 'site'}; the disk is full: free some space there" in message
    assert json.loads((tmp_path / "after.json").read_text()) == json.loads((tmp_path / "before.json").read_text())
    assert (tmp_path / "listing.txt").read_text().split() == ["site"], "a staging folder was left on the full disk"


def test_a_folder_without_write_permission_is_one_sentence(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".bookrender-write-test-x"))

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    with pytest.raises(RenderError) as info:
        check_writable(tmp_path / "_site", "the new site")
    assert str(info.value) == (f"{tmp_path}: could not write the new site there; permission denied: make the folder "
                               f"writable for this user (chmod u+w), or set --output-dir to a folder you can write.")


def test_site_files_are_world_readable_whatever_the_umask(tmp_path, fixed_epoch):
    root = copy_minibook(tmp_path / "mini")
    old = os.umask(0o077)
    try:
        site = build(root, use_cache=False, log=lambda m: None).output_dir
    finally:
        os.umask(old)
    modes = {p.relative_to(site).as_posix() or ".": stat.S_IMODE(p.stat().st_mode)
             for p in [site, *site.rglob("*")]}
    wrong = {path: oct(mode) for path, mode in modes.items()
             if mode != (0o755 if (site / path).is_dir() else 0o644)}
    assert not wrong, wrong
    assert len(modes) > 10
