"""A cache of each document's executed output, keyed on everything the document depends on.

The key has two parts:
- a static part: the `.qmd` source, the book's execute defaults, the renderer's execution
  code, and the name and version of every installed Python distribution;
- what the document actually read while it ran, recorded by the kernel: the project files it
  opened or imported (data files, the modules of the project's own packages), each with the
  hash of its content at the moment the kernel read it, and the renderer-set environment
  variables it read (`SOURCE_DATE_EPOCH`, the build date, which changes with every commit),
  each with its value.
A document is re-executed when either part changes. A file edited while the build ran no longer
matches what the kernel read, so that execution is not stored.

Every entry carries a format version and the SHA-256 of its own content: an entry that is
truncated, malformed, of another format or edited by hand is a miss (the document runs again),
never an error. The cache is a plain folder (`.bookcache/`), safe to delete, never committed.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from bookrender.execute import ExecutedDocument

__all__ = ["CACHE_DIR", "FORMAT", "ExecutionCache", "environment_fingerprint", "entry_digest", "read_json",
           "replace_file", "sha256_file", "static_key"]

CACHE_DIR = ".bookcache"
FORMAT = 2  # the entries' format version; entries of another version are misses
HERE = Path(__file__).resolve().parent
ENGINE_FILES = ("execute.py", "kernel_side.py", "kernel.py")


def sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


@lru_cache(maxsize=1)
def environment_fingerprint() -> str:
    """Python's version, the renderer's execution code, and every installed distribution's version."""
    names = sorted({f"{d.metadata['Name']}=={d.version}".lower() for d in metadata.distributions()
                    if d.metadata and d.metadata["Name"]})
    engine = [hashlib.sha256((HERE / name).read_bytes()).hexdigest() for name in ENGINE_FILES]
    return hashlib.sha256("\n".join([sys.version, *engine, *names]).encode()).hexdigest()


def static_key(source: bytes, execute_defaults: dict) -> str:
    parts = [hashlib.sha256(source).hexdigest(), json.dumps(execute_defaults, sort_keys=True),
             environment_fingerprint()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def read_json(path: Path):
    """The JSON value in ``path``, or None when it is missing, unreadable or not JSON (a miss)."""
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None


def replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, replacing whatever is there (even a folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def entry_digest(entry: dict) -> str:
    """The SHA-256 of an entry's content (everything but the digest itself), canonically encoded."""
    body = {k: v for k, v in entry.items() if k != "sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


def _folder(path: Path) -> Path:
    """``path`` as a folder: a file in its place (a corrupt cache) is removed."""
    if path.exists() and not path.is_dir():
        path.unlink()
    path.mkdir(parents=True, exist_ok=True)
    return path


class ExecutionCache:
    """Cached executions, one verified JSON entry per document in `.bookcache/exec/`."""

    def __init__(self, root: Path):
        self.root = root
        self.folder = root / CACHE_DIR / "exec"
        self.notes: list[str] = []  # why entries were not used or not stored, for the build's log

    def _entry(self, stem: str) -> Path:
        return self.folder / f"{stem}.json"

    def _verified(self, stem: str) -> dict | None:
        """The entry of ``stem`` if it is well-formed, of this format, and unaltered."""
        path = self._entry(stem)
        if not path.exists():
            return None
        entry = read_json(path)
        problem = None
        if not isinstance(entry, dict):
            problem = "is not a JSON object"
        elif entry.get("format") != FORMAT:
            problem = f"has format {entry.get('format')!r}, not {FORMAT}"
        elif entry.get("sha256") != entry_digest(entry):
            problem = "does not match its own checksum (truncated or edited)"
        elif not isinstance(entry.get("key"), str) or not isinstance(entry.get("deps"), dict):
            problem = "lacks its key or dependencies"
        if problem:
            self.notes.append(f"cache entry {path} {problem}; the document runs again")
            return None
        return entry

    def lookup(self, stem: str, key: str, env: dict[str, str]) -> ExecutedDocument | None:
        """The cached execution of ``stem`` if its key, its files and the environment variables it
        read (compared with ``env``, the values this build would give it) are all unchanged."""
        entry = self._verified(stem)
        if entry is None or entry["key"] != key:
            return None
        for rel, digest in entry["deps"].items():
            if not isinstance(rel, str) or sha256_file(self.root / rel) != digest:
                return None
        try:
            executed = ExecutedDocument.from_json(entry.get("executed"))
        except (ValueError, TypeError, KeyError) as exc:
            self.notes.append(f"cache entry {self._entry(stem)}: {exc}; the document runs again")
            return None
        if any(env.get(name) != value for name, value in executed.env.items()):
            return None
        return executed

    def store(self, stem: str, key: str, executed: ExecutedDocument) -> bool:
        """Store an execution unless a file it read has changed since the kernel read it."""
        deps = {rel: executed.hashes.get(rel) or sha256_file(self.root / rel) for rel in executed.deps}
        changed = [rel for rel, digest in deps.items() if sha256_file(self.root / rel) != digest]
        if changed:
            self.notes.append(f"{executed.path}: not cached, because {', '.join(changed)} changed while the build "
                              f"ran; the next build runs it again")
            return False
        entry = {"format": FORMAT, "key": key, "deps": deps, "executed": executed.to_json()}
        entry["sha256"] = entry_digest(entry)
        _folder(self.folder)
        replace_file(self._entry(stem), json.dumps(entry, sort_keys=True))
        return True
