"""Replace the output folder by a freshly built one in a single atomic step.

On Linux, `renameat2(RENAME_EXCHANGE)` swaps the two folders atomically, so a reader (or
a build killed part-way) sees either the complete old site or the complete new one, never
a mixture. Elsewhere the fallback is two renames, with the old folder kept until the new
one is in place.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from pathlib import Path

__all__ = ["replace_directory"]

AT_FDCWD = -100
RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return result == 0


def replace_directory(new: Path, target: Path) -> None:
    """Put `new` in place of `target` (which may not exist yet) and delete the old content."""
    os.chmod(new, 0o755)
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)  # `new` now holds the old site
        return
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old)
