"""File system checks and conventions of a build.

- `check_writable`: before any document executes, the folders a build writes (the output
  folder's parent, the output folder, the cache) are tried with a real file, so a read-only
  project or output folder stops the build at once with the path and a fix;
- `filesystem_faults`: any other file system fault (a full disk, a folder made read-only
  while the build runs) becomes one sentence with the path and a fix, not a traceback;
- `publish_modes`: the site's files are world-readable (0644, folders 0755) whatever the umask.
"""
from __future__ import annotations

import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

from bookrender.errors import filesystem_error

__all__ = ["check_writable", "filesystem_faults", "nearest_existing", "publish_modes"]


def nearest_existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists (where a build would create the rest)."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def check_writable(folder: Path, role: str) -> None:
    """Create and delete a file in ``folder`` (or in the ancestor it would be created in)."""
    target = nearest_existing(folder)
    try:
        handle, name = tempfile.mkstemp(prefix=".bookrender-write-test-", dir=target)
        os.close(handle)
        os.unlink(name)
    except OSError as exc:
        exc.filename = str(target)  # the folder, not the name of the test file
        raise filesystem_error(exc, f"write {role} there") from None


@contextmanager
def filesystem_faults(doing: str, where: Path | None = None):
    """Turn an OSError raised inside the block into a RenderError naming the path (the file's, else
    ``where``) and a fix."""
    try:
        yield
    except OSError as exc:
        raise filesystem_error(exc, doing, where) from None


def publish_modes(folder: Path) -> None:
    """Give every file 0644 and every folder 0755 (readable by the web server, whatever the umask)."""
    for dirpath, dirnames, filenames in os.walk(folder):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not stat.S_ISLNK(os.lstat(path).st_mode):
                os.chmod(path, 0o644)
