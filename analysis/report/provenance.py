"""What made a chart or table the book shows: the code that built it and the data files it read.

A :class:`MadeBy` is derived when a chapter module creates a ``ChartView`` or ``TableView`` (their
``made_by`` field's default), never typed per figure:

* **code**: the chapter module the view is made for (``analysis/chapters/<page>.py``, among the callers),
  the module whose code creates the view (when another, such as a table helper of the report layer),
  and the module of the project function that drew or built what the view shows, read from the
  call itself: in ``ChartView(forest_plot(frame, ...), ...)`` the first argument calls ``forest_plot``,
  defined in ``analysis/report/figures/forest.py``. A view of a frame made earlier (``TableView(tests)``)
  names the chapter module only.
* **data**: the data package's files of the tables loaded into the ``Evidence`` the view was made
  from (the nearest ``Evidence`` among the local variables of the calling functions): the data the page
  read. Which of those tables one figure used is not tracked, so the list is the page's, never
  narrower than the truth; a view made without an ``Evidence`` (a fixed key, a test) names no data.

Paths are relative to the repository root (``analysis/report/figures/forest.py``,
``data/outcomes.csv``), the form the site links to the repository (``bookrender.site``).
"""
from __future__ import annotations

import ast
import html
import inspect
import linecache
import sys
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from analysis.data import Evidence
from analysis.data.descriptor import read_package
from analysis.paths import ROOT
from analysis.report.html_classes import MADE_BY

__all__ = ["MadeBy", "REPO_PATH_ATTRIBUTE", "made_by_caller", "made_by_html"]

#: the attribute that marks a repository path in the HTML (the site turns it into a link when it
#: knows the repository: Quarto's ``book.repo-url``)
REPO_PATH_ATTRIBUTE = "data-repo-path"
#: this module and the modules that define the views (their frames are not where a view is made)
_SKIPPED = {Path(__file__).resolve(), *(Path(__file__).resolve().parent / m for m in ("figures/display.py",
                                                                                    "tables/display.py"))}


@dataclass(frozen=True)
class MadeBy:
    """The repository files behind one chart or table: the code that made it and the data it read."""

    code: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    #: the data package's descriptor when ``data`` is every table of the package (shown as such, not as a list)
    package: str = ""


def _project_path(filename: str | None) -> str | None:
    """``filename`` relative to the repository root, if it is a project module (not a test, not a library)."""
    if not filename:
        return None
    try:
        rel = Path(filename).resolve().relative_to(ROOT)
    except ValueError:
        return None
    return rel.as_posix() if rel.parts[0] == "analysis" and rel.suffix == ".py" else None


def _call_expression(frame: FrameType) -> ast.Call | None:
    """The call the frame is executing (e.g. ``ChartView(forest_plot(...), ...)``), parsed from its source."""
    positions = inspect.getframeinfo(frame).positions
    if positions is None or positions.lineno is None or positions.end_lineno is None:
        return None
    lines = linecache.getlines(frame.f_code.co_filename)[positions.lineno - 1:positions.end_lineno]
    if not lines or positions.col_offset is None or positions.end_col_offset is None:
        return None
    lines[-1] = lines[-1].encode("utf-8")[:positions.end_col_offset].decode("utf-8", "replace")
    lines[0] = lines[0].encode("utf-8")[positions.col_offset:].decode("utf-8", "replace")
    try:
        node = ast.parse("".join(lines).strip(), mode="eval").body
    except SyntaxError:
        return None
    return node if isinstance(node, ast.Call) else None


def _resolve(node: ast.expr, frame: FrameType) -> object | None:
    """The object a name or dotted name (``forest_plot``, ``living.new_studies_table``) means in the frame."""
    if isinstance(node, ast.Name):
        for scope in (frame.f_locals, frame.f_globals, frame.f_builtins):
            if node.id in scope:
                return scope[node.id]
        return None
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, frame)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def _drawing_module(frame: FrameType) -> str | None:
    """The project module of the function called as the view's first argument, if any."""
    call = _call_expression(frame)
    if call is None:
        return None
    first = call.args[0] if call.args else (call.keywords[0].value if call.keywords else None)
    if not isinstance(first, ast.Call):
        return None
    function = _resolve(first.func, frame)
    if function is None:
        return None
    try:
        return _project_path(inspect.getsourcefile(inspect.unwrap(function)))
    except TypeError:  # a builtin or a class without source
        return None


def _repo_path(path: Path) -> str:
    path = path.resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def _data_files(evidence: Evidence) -> tuple[tuple[str, ...], str]:
    """The files of the data package's tables loaded into ``evidence``, in the package's order, and the
    package's descriptor if they are all of its tables (else '')."""
    package = read_package(evidence.data_dir)
    paths = tuple(_repo_path(Path(evidence.data_dir) / spec.path) for name, spec in package.tables.items()
                  if name in evidence.tables)
    whole = len(paths) == len(package.tables)
    return paths, _repo_path(package.path) if whole else ""


def _chapter_module(frame: FrameType | None) -> str | None:
    """The chapter module (``analysis/chapters/…``) among the frame and its callers: the page the view is for,
    also when a helper of the report layer creates the view."""
    while frame is not None:
        path = _project_path(frame.f_code.co_filename)
        if path and path.startswith("analysis/chapters/"):
            return path
        frame = frame.f_back
    return None


def _evidence_in(frame: FrameType | None) -> Evidence | None:
    """The nearest ``Evidence`` among the local variables of ``frame`` and its callers."""
    while frame is not None:
        found = next((v for v in frame.f_locals.values() if isinstance(v, Evidence)), None)
        if found is not None:
            return found
        frame = frame.f_back
    return None


def made_by_caller() -> MadeBy:
    """The :class:`MadeBy` of a view being created: called as its dataclass field's default, so the frame
    that creates the view is the first one outside this module, the views' modules and dataclass code."""
    frame = sys._getframe(1)
    while frame is not None and (frame.f_code.co_filename.startswith("<")
                                 or Path(frame.f_code.co_filename).resolve() in _SKIPPED):
        frame = frame.f_back
    if frame is None:
        return MadeBy()
    code = [p for p in (_chapter_module(frame), _project_path(frame.f_code.co_filename), _drawing_module(frame)) if p]
    evidence = _evidence_in(frame)
    data, package = _data_files(evidence) if evidence is not None else ((), "")
    return MadeBy(code=tuple(dict.fromkeys(code)), data=data, package=package)


def made_by_html(made_by: MadeBy | None) -> str:
    """``Code: … · Data: …`` with each path as ``<code data-repo-path="…">`` (empty without a MadeBy); data that
    are the whole package are named by its descriptor, ``data/datapackage.json``."""
    if made_by is None or not (made_by.code or made_by.data):
        return ""

    def paths(items: tuple[str, ...]) -> str:
        return ", ".join(f'<code {REPO_PATH_ATTRIBUTE}="{html.escape(p, quote=True)}">{html.escape(p)}</code>'
                         for p in items)

    parts = [f"Code: {paths(made_by.code)}"] if made_by.code else []
    if made_by.package:
        parts.append(f"Data: every table of the data package {paths((made_by.package,))}")
    elif made_by.data:
        parts.append(f"Data: {paths(made_by.data)}")
    # not searched (data-pagefind-ignore): a file name is not what a reader searches the book for
    return f'<span class="{MADE_BY}" data-pagefind-ignore>' + " · ".join(parts) + "</span>"
