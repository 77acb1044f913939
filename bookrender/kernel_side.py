"""The code that runs inside each document's Jupyter kernel, next to the document's cells.

`bookrender.execute` sends this module's source to the kernel (the kernel's `sys.path` need not
contain bookrender) and calls its functions from small set-up and finish cells:

- `die_with_parent(pid)`: the kernel ends when the worker process that started it ends, however
  it ends (Linux `prctl(PR_SET_PDEATHSIG)`), so a killed build leaves no kernel behind;
- `ReadTracker`: records every project file the document opens or imports, with the SHA-256 of
  its content at the moment it was first read (so that an edit made while the build runs is not
  cached beside the old output), and the tracked environment variables that the document's cells
  or the project's own modules read;
- `format_inline(value)`: the (kind, text) pair of an inline `{python}` value;
- `ReadTracker.finish(...)`: the document's dependencies, which the finish cell displays under a
  private MIME type.

It uses the standard library only (IPython is looked up at call time), and its functions are
plain Python, unit-tested on their own (tests/render/test_kernel_side.py).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import re
import signal
import sys
import threading

__all__ = ["SOURCE_NAME", "ReadTracker", "die_with_parent", "format_inline", "is_default_repr",
           "set_parent_death_signal"]

# The file name the kernel compiles this source under: frames of this code are never "the document".
SOURCE_NAME = "<bookrender-kernel-side>"
PR_SET_PDEATHSIG = 1
# Frames that only pass an environment read on (os.getenv, Mapping.get / __contains__).
PASS_THROUGH = ("<frozen os>", "<frozen _collections_abc>")


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent ends; False where unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(parent_pid: int, sig: int = signal.SIGKILL) -> bool:
    """End with the process ``parent_pid`` that started this one. If that parent has already gone
    (this process was handed to another parent before the request took effect), exit now."""
    armed = set_parent_death_signal(sig)
    if os.getppid() != parent_pid:
        os._exit(1)
    return armed


def is_default_repr(text: str) -> bool:
    """True for Python's default object repr, such as ``<module.Class object at 0x7f…>`` or
    ``<pandas.io.formats.style.Styler at 0x7f…>``: it names a memory address, not a value."""
    return bool(re.fullmatch(r"<[^<>\n]+ at 0x[0-9a-fA-F]+>", text.strip()))


def format_inline(value, formatter=None) -> tuple[str, str]:
    """An inline value as ("markdown", text) when it offers text/markdown (inserted as it is, as
    Quarto does), else ("text", text), which the renderer escapes."""
    if formatter is None:
        from IPython import get_ipython

        formatter = get_ipython().display_formatter
    formatted = formatter.format(value)[0]
    if "text/markdown" in formatted:
        return ("markdown", formatted["text/markdown"])
    if isinstance(value, str):
        return ("text", value)
    return ("text", formatted.get("text/plain", str(value)))


def _sha256(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


class ReadTracker:
    """What a document reads: project files (hashed when first read) and environment variables."""

    def __init__(self, root: str, tracked_env: tuple[str, ...] = ()):
        self.root = os.path.realpath(root) + os.sep
        self.installed = {os.path.realpath(p) + os.sep for p in {sys.prefix, sys.base_prefix, sys.exec_prefix}}
        self.tracked_env = tuple(tracked_env)
        self.hashes: dict[str, str | None] = {}  # real path -> SHA-256 when first read
        self.env_read: set[str] = set()
        self._busy = threading.local()

    # -- files -----------------------------------------------------------------------------
    def own(self, path: str) -> bool:
        """A project file: under the root, not in an installed environment or a bytecode cache."""
        parts = path.split(os.sep)
        return (path.startswith(self.root) and not any(path.startswith(p) for p in self.installed)
                and "site-packages" not in parts and "__pycache__" not in parts)

    def _source_of(self, path: str) -> str:
        """The source file of a bytecode file (imports open the .pyc, not the .py), else ``path``."""
        if path.endswith(".pyc") and "__pycache__" in path.split(os.sep):
            import importlib.util

            try:
                return importlib.util.source_from_cache(path)
            except (ValueError, NotImplementedError):
                return path
        return path

    def saw(self, path: str) -> None:
        """Record that ``path`` is being read, hashing it the first time."""
        full = self._source_of(os.path.realpath(path))
        if full in self.hashes or not self.own(full):
            return
        self._busy.on = True
        try:
            self.hashes[full] = _sha256(full) if os.path.isfile(full) else None
        finally:
            self._busy.on = False

    def audit(self, event: str, args: tuple) -> None:
        """An audit hook: every `open` for reading of a project file."""
        if event != "open" or not args or getattr(self._busy, "on", False):
            return
        target, mode = args[0], (args[1] if len(args) > 1 else "r")
        if isinstance(target, int) or (isinstance(mode, str) and any(flag in mode for flag in "wax+")):
            return
        try:
            self.saw(os.fsdecode(target))
        except (TypeError, ValueError):
            return

    # -- environment -------------------------------------------------------------------------
    def read_by_project_code(self, depth: int = 2) -> bool:
        """True when the first real caller ``depth`` frames up is a cell or a project module, not the
        standard library, an installed package or this module."""
        frame = sys._getframe(depth)
        while frame is not None:
            name = frame.f_code.co_filename
            if name in PASS_THROUGH or name.endswith(("/os.py", "/_collections_abc.py")):
                frame = frame.f_back  # os.getenv, Mapping.get: the reader is their caller
                continue
            if name == SOURCE_NAME or name.startswith("<frozen"):
                return False  # this module, or a frozen standard library module (posixpath, site, ...)
            full = os.path.realpath(name)
            return not any(full.startswith(p) for p in self.installed) and "site-packages" not in full
        return False

    def track_environment(self) -> None:
        """Record the names of environment variables that the document's code reads."""
        tracker = self

        class TrackedEnviron(type(os.environ)):
            def __getitem__(self, key):
                if tracker.read_by_project_code(2):
                    tracker.env_read.add(key)
                return super().__getitem__(key)

        os.environ.__class__ = TrackedEnviron

    def start(self) -> "ReadTracker":
        """Install the audit hook (for the rest of the kernel's life) and the environment tracking."""
        sys.addaudithook(self.audit)
        self.track_environment()
        return self

    # -- result ------------------------------------------------------------------------------
    def finish(self) -> dict:
        """The project files read or imported (relative path -> SHA-256 as first read) and the
        tracked environment variables the document read (name -> value)."""
        for module in list(sys.modules.values()):
            path = getattr(module, "__file__", None)
            if isinstance(path, str):
                self.saw(path)
        deps = {os.path.relpath(path, self.root): digest for path, digest in sorted(self.hashes.items())
                if digest is not None}
        env = {name: os.environ.get(name) for name in self.tracked_env if name in self.env_read}
        return {"deps": deps, "env": env}
