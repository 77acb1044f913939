"""One build at a time per project, and the clean-up of what killed builds left behind.

The lock is an advisory `flock` on `.bookcache/build.lock`: the kernel releases it when the
holding process ends, however it ends, so a killed build never leaves a stale lock. A staging
folder records the process id of the build that made it; only folders whose build is no longer
running are removed.
"""
from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from bookrender.errors import RenderError

__all__ = ["LOCK_NAME", "OWNER_FILE", "build_lock", "mark_staging", "remove_dead_staging"]

LOCK_NAME = "build.lock"
OWNER_FILE = ".bookrender-owner"


@contextmanager
def build_lock(cache_dir: Path):
    """Hold the project's build lock for the duration of the ``with`` block."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / LOCK_NAME
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RenderError(f"another render of this book is running (process {holder}, lock {path}). Wait for it "
                              f"to finish, then render again; two renders at once would overwrite each other's "
                              f"output.") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_staging(staging: Path) -> None:
    """Record in ``staging`` which process builds it."""
    (staging / OWNER_FILE).write_text(str(os.getpid()), encoding="utf-8")


def remove_dead_staging(out_dir: Path) -> list[Path]:
    """Delete the staging folders next to ``out_dir`` whose build process no longer runs."""
    removed: list[Path] = []
    for folder in sorted(out_dir.parent.glob(f"{out_dir.name}.tmp-*")):
        if not folder.is_dir():
            continue
        try:
            pid = int((folder / OWNER_FILE).read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            pid = None
        if pid is not None and pid != os.getpid() and _running(pid):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed
