"""A cache of each document's executed output, keyed on everything the document depends on.

The key has two parts:
- a static part: the `.qmd` source, the book's execute defaults, the renderer's execution
  code, and the name and version of every installed Python distribution;
- what the document actually read while it ran, recorded by the kernel: the project files it
  opened or imported (data files, the modules of the project's own packages), each with its
  content hash, and the renderer-set environment variables it read (`SOURCE_DATE_EPOCH`, the
  build date, which changes with every commit), each with its value.
A document is re-executed when either part changes. The cache is a plain folder
(`.bookcache/`), safe to delete, never committed.
"""
from __future__ import annotations

import hashlib
import json
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from bookrender.execute import ExecutedDocument

CACHE_DIR = ".bookcache"
HERE = Path(__file__).resolve().parent


def sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


@lru_cache(maxsize=1)
def environment_fingerprint() -> str:
    """Python's version and every installed distribution's name and version."""
    names = sorted({f"{d.metadata['Name']}=={d.version}".lower() for d in metadata.distributions()
                    if d.metadata and d.metadata["Name"]})
    engine = hashlib.sha256((HERE / "execute.py").read_bytes()).hexdigest()
    return hashlib.sha256("\n".join([sys.version, engine, *names]).encode()).hexdigest()


def static_key(source: bytes, execute_defaults: dict) -> str:
    parts = [hashlib.sha256(source).hexdigest(), json.dumps(execute_defaults, sort_keys=True),
             environment_fingerprint()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class ExecutionCache:
    def __init__(self, root: Path):
        self.root = root
        self.folder = root / CACHE_DIR / "exec"

    def _entry(self, stem: str) -> Path:
        return self.folder / f"{stem}.json"

    def lookup(self, stem: str, key: str, env: dict[str, str]) -> ExecutedDocument | None:
        """The cached execution of ``stem`` if its key, its files and the environment variables it
        read (compared with ``env``, the values this build would give it) are all unchanged."""
        path = self._entry(stem)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        if entry.get("key") != key:
            return None
        for rel, digest in entry["deps"].items():
            if sha256_file(self.root / rel) != digest:
                return None
        executed = ExecutedDocument.from_json(entry["executed"])
        if any(env.get(name) != value for name, value in executed.env.items()):
            return None
        return executed

    def store(self, stem: str, key: str, executed: ExecutedDocument) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        deps = {rel: sha256_file(self.root / rel) for rel in executed.deps}
        entry = {"key": key, "deps": deps, "executed": executed.to_json()}
        tmp = self._entry(stem).with_suffix(".tmp")
        tmp.write_text(json.dumps(entry, sort_keys=True), encoding="utf-8")
        tmp.replace(self._entry(stem))
