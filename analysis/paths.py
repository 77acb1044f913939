"""The one place that resolves the repository's folders; nothing else builds paths by hand."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DATAPACKAGE = DATA_DIR / "datapackage.json"
PYPROJECT = ROOT / "pyproject.toml"

__all__ = ["ROOT", "DATA_DIR", "DATAPACKAGE", "PYPROJECT"]
