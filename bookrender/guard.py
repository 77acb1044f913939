"""Where a build may read and write: paths stay inside the project, and the output folder is
only ever a folder this renderer made for this book.

A build replaces its output folder wholesale, so pointing it at the wrong folder would delete
that folder. The output folder therefore must not be the project itself, one of its parents,
one of the project's own source folders, or an existing folder that lacks the marker file a
previous build of this book wrote into it.
"""
from __future__ import annotations

import json
from pathlib import Path

from bookrender.errors import RenderError

__all__ = ["PROTECTED_NAMES", "SITE_MARKER", "check_output_dir", "inside_project", "site_marker"]

SITE_MARKER = ".bookrender-site.json"
# Folders of the project that hold sources, history or environments: never an output folder.
PROTECTED_NAMES = (".git", ".venv", "data", "analysis", "bookrender", "chapters", "tests", "benchmarks")


def inside_project(root: Path, rel: str, setting: str) -> Path:
    """``rel`` resolved against ``root``; a RenderError naming ``setting`` when it leaves the project."""
    root = root.resolve()
    target = (root / rel).resolve()
    if target != root and root not in target.parents:
        raise RenderError(f"{root / '_quarto.yml'}: {setting} '{rel}' resolves to {target}, outside the project "
                          f"folder {root}. Book files must live inside the project; move the file into it.")
    return target


def site_marker(project_name: str) -> str:
    """The marker file's content: which book's site a folder holds."""
    return json.dumps({"generator": "bookrender", "book": project_name}, sort_keys=True) + "\n"


def check_output_dir(root: Path, out_dir: Path, project_name: str) -> None:
    """Refuse an output folder that a build must not replace (see the module's docstring)."""
    root, out_dir = root.resolve(), out_dir.resolve()
    fix = "Set project.output-dir in _quarto.yml (or --output-dir) to a folder of its own, such as _site."
    if out_dir == root or out_dir in root.parents:
        raise RenderError(f"output folder {out_dir} is the project folder or one of its parents; a build replaces "
                          f"its output folder, which would delete the project. {fix}")
    if root in out_dir.parents:
        first = out_dir.relative_to(root).parts[0]
        if first in PROTECTED_NAMES or first.startswith("."):
            raise RenderError(f"output folder {out_dir} lies in the project's own folder '{first}', which holds "
                              f"sources, history or an environment; a build would replace it. {fix}")
    if not out_dir.exists() or (out_dir.is_dir() and not any(out_dir.iterdir())):
        return
    marker = out_dir / SITE_MARKER
    if not out_dir.is_dir():
        raise RenderError(f"output folder {out_dir} exists and is not a folder. {fix}")
    try:
        found = json.loads(marker.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RenderError(f"output folder {out_dir} exists but holds no {SITE_MARKER}, so it is not a site an earlier "
                          f"build of this book wrote; it is left untouched. If it is an old site of this book, "
                          f"delete it yourself and render again; otherwise {fix[0].lower() + fix[1:]}") from None
    except (OSError, ValueError) as exc:
        raise RenderError(f"{marker}: unreadable ({exc}); delete the folder {out_dir} if it is an old site of this "
                          f"book, or choose another output folder.") from None
    if not isinstance(found, dict) or found.get("book") != project_name:
        raise RenderError(f"output folder {out_dir} holds the site of another book ({found!r} in {SITE_MARKER}); "
                          f"it is left untouched. {fix}")
