"""Run one document's `{python}` cells in a fresh Jupyter kernel.

The kernel starts with the project root as working directory (as Quarto does for a
project). It records which project files the document read or imported, so the cache
can re-run exactly the documents whose inputs changed.
"""
from __future__ import annotations

import json
import os
import re
import string
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bookrender.errors import CellError, RenderError, ToolMissingError
from bookrender.qmd import INLINE_EXPR, Document, Markdown

PAYLOAD_MIME = "application/x-bookrender+json"
# Variables the renderer sets for the kernel that may change between builds: a document that
# reads one of them depends on its value (recorded with the document's other dependencies).
TRACKED_ENVIRONMENT = ("SOURCE_DATE_EPOCH",)
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# Runs first in every kernel: records every project file the document opens for reading.
BOOTSTRAP = r"""
def __bookrender_start_tracking():
    import os, sys
    root = os.path.realpath(os.getcwd()) + os.sep
    seen = set()
    def hook(event, args):
        if event != "open" or not args:
            return
        target, mode = args[0], (args[1] if len(args) > 1 else "r")
        if isinstance(mode, str) and any(flag in mode for flag in "wax+"):
            return
        if isinstance(target, int):
            return
        try:
            full = os.path.realpath(os.fsdecode(target))
        except (TypeError, ValueError):
            return
        if full.startswith(root):
            seen.add(full)
    sys.addaudithook(hook)
    return seen
__bookrender_seen = __bookrender_start_tracking()
del __bookrender_start_tracking

def __bookrender_track_environment():
    # Records the environment variables that the document's cells or the project's own modules
    # read, not those read by the standard library or installed packages (they scan the whole
    # environment for proxies, or read SOURCE_DATE_EPOCH at import, which does not change what
    # the document shows).
    import os, sys
    installed = {os.path.realpath(p) + os.sep for p in {sys.prefix, sys.base_prefix, sys.exec_prefix}}
    names = set()
    def by_project_code():
        frame = sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if not (name.startswith("<frozen") or name.endswith(("/os.py", "_collections_abc.py"))):
                # the first real caller: the standard library or an installed package is not the
                # document; the project's modules and the document's own cells are
                full = os.path.realpath(name)
                return not any(full.startswith(p) for p in installed) and "site-packages" not in full
            frame = frame.f_back
        return False
    class TrackedEnviron(type(os.environ)):
        def __getitem__(self, key):
            if by_project_code():
                names.add(key)
            return super().__getitem__(key)
    os.environ.__class__ = TrackedEnviron
    return names
__bookrender_env_read = __bookrender_track_environment()
del __bookrender_track_environment
"""

# An inline value becomes ("markdown", text) when it offers text/markdown (inserted as it is, as
# Quarto does), else ("text", text), which the renderer escapes: values are text unless an author
# opts in to markup (IPython.display.Markdown).
INLINE_CALL = r"""
def __bookrender_format_inline(value):
    formatted = get_ipython().display_formatter.format(value)[0]
    if "text/markdown" in formatted:
        return ("markdown", formatted["text/markdown"])
    if isinstance(value, str):
        return ("text", value)
    return ("text", formatted.get("text/plain", str(value)))
"""

FINISH = r"""
def __bookrender_finish():
    import os, sys, json
    from IPython.display import display
    root = os.path.realpath(os.getcwd()) + os.sep
    # Installed packages (a virtualenv may live inside the project) are covered by the cache
    # key's list of installed versions, not by file hashes.
    installed = {os.path.realpath(p) + os.sep for p in {sys.prefix, sys.base_prefix, sys.exec_prefix}}
    files = set(__bookrender_seen)
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path:
            full = os.path.realpath(path)
            if full.startswith(root):
                files.add(full)
    def own(path):
        return (os.path.isfile(path) and not any(path.startswith(p) for p in installed)
                and "site-packages" not in path.split(os.sep) and "__pycache__" not in path.split(os.sep))
    deps = sorted(os.path.relpath(f, root) for f in files if own(f))
    env = {name: os.environ.get(name) for name in %r if name in __bookrender_env_read}
    display({"%s": {"deps": deps, "env": env}}, raw=True)
__bookrender_finish()
""" % (TRACKED_ENVIRONMENT, PAYLOAD_MIME)


@dataclass(frozen=True)
class ExecutedDocument:
    """A document's cell outputs (nbformat output dicts, per cell), inline values and dependencies."""

    path: str
    outputs: tuple  # tuple[tuple[dict, ...], ...], one entry per cell
    inline_values: dict  # expression source -> markdown text
    deps: tuple[str, ...]  # project files read or imported, relative to the root
    env: dict  # tracked environment variables the document read -> their values

    def to_json(self) -> dict:
        return {"path": self.path, "outputs": [list(o) for o in self.outputs],
                "inline_values": self.inline_values, "deps": list(self.deps), "env": dict(self.env)}

    @classmethod
    def from_json(cls, data: dict) -> "ExecutedDocument":
        return cls(data["path"], tuple(tuple(o) for o in data["outputs"]), dict(data["inline_values"]),
                   tuple(data["deps"]), dict(data["env"]))


def inline_expressions_with_lines(doc: Document) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for block in doc.blocks:
        if isinstance(block, Markdown):
            for offset, line in enumerate(block.text.split("\n")):
                found.extend((m.group("expr").strip(), block.line + offset) for m in INLINE_EXPR.finditer(line))
    return found


def _clean_traceback(output: dict) -> str:
    return ANSI.sub("", "\n".join(output.get("traceback", [])))


def kernel_environment(root: Path, extra_env: dict | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONPATH"] = os.pathsep.join([str(root)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["BOOKRENDER"] = "1"
    env.setdefault("MPLBACKEND", "agg")
    env.update(extra_env or {})
    return env


def execute_document(root: Path, doc: Document, extra_env: dict | None = None, timeout: int = 600) -> ExecutedDocument:
    """Execute `doc`'s cells in order; raise `CellError` at the first cell that fails."""
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ToolMissingError(f"the Jupyter kernel tools are missing ({exc}); run `make install` "
                               f"(pip install nbclient ipykernel).") from exc

    path = str(doc.path)
    exprs = inline_expressions_with_lines(doc)
    setup_sources = [BOOTSTRAP, INLINE_CALL]
    cells = [nbformat.v4.new_code_cell(src) for src in setup_sources]
    cells += [nbformat.v4.new_code_cell(c.source) for c in doc.cells]
    cells += [nbformat.v4.new_code_cell(f"__bookrender_format_inline(({expr}))") for expr, _ in exprs]
    cells.append(nbformat.v4.new_code_cell(FINISH))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(root)}})
    n_setup, n_cells = len(setup_sources), len(doc.cells)
    try:
        with client.setup_kernel(cwd=str(root), env=kernel_environment(root, extra_env), stderr=subprocess.DEVNULL):
            for index, cell in enumerate(nb.cells):
                try:
                    client.execute_cell(cell, index)
                except CellExecutionError:
                    error = next((o for o in cell.outputs if o.get("output_type") == "error"), {})
                    ename, evalue = error.get("ename", "Error"), error.get("evalue", "")
                    if index < n_setup:
                        raise RenderError(f"{path}: the kernel set-up failed: {ename}: {evalue}") from None
                    if index < n_setup + n_cells:
                        source_cell = doc.cells[index - n_setup]
                        raise CellError(path, source_cell.line, source_cell.label, ename, evalue,
                                        _clean_traceback(error)) from None
                    if index < n_setup + n_cells + len(exprs):
                        expr, line = exprs[index - n_setup - n_cells]
                        raise CellError(path, line, f"inline `{{python}} {expr}`", ename, evalue,
                                        _clean_traceback(error)) from None
                    raise RenderError(f"{path}: could not collect the document's dependencies: {ename}: {evalue}") from None
    except (CellError, RenderError):
        raise
    except Exception as exc:  # kernel failed to start or died
        raise RenderError(f"{path}: the Jupyter kernel failed ({type(exc).__name__}: {exc}). "
                          f"Check that ipykernel is installed in {sys.executable}'s environment.") from exc

    outputs = tuple(tuple(_plain(o) for o in cell.outputs) for cell in nb.cells[n_setup:n_setup + n_cells])
    inline_values: dict[str, str] = {}
    for (expr, _), cell in zip(exprs, nb.cells[n_setup + n_cells:-1]):
        result = next((o for o in cell.outputs if o.get("output_type") == "execute_result"), None)
        text = result["data"].get("text/plain", "") if result else ""
        # The formatter returns a (kind, text) tuple, whose text/plain repr is quoted: undo it exactly.
        inline_values[expr] = inline_markdown(*_unrepr(text))
    payload = next(o for o in nb.cells[-1].outputs if PAYLOAD_MIME in o.get("data", {}))
    found = payload["data"][PAYLOAD_MIME]
    return ExecutedDocument(path, outputs, inline_values, tuple(found["deps"]), dict(found["env"]))


def escape_text(text: str) -> str:
    """Plain text as pandoc markdown that reads literally: line breaks become spaces and every
    ASCII punctuation character gets a backslash (pandoc's all_symbols_escapable)."""
    flat = " ".join(text.splitlines())
    return "".join("\\" + ch if ch in string.punctuation else ch for ch in flat)


def inline_markdown(kind: str, text: str) -> str:
    """The markdown an inline value puts into the page: markdown as it is, text escaped."""
    return text if kind == "markdown" else escape_text(text)


def _unrepr(text: str) -> tuple[str, str]:
    import ast

    value = ast.literal_eval(text)
    if not (isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise RenderError(f"an inline value came back in an unexpected form: {text[:200]!r}")
    return value


def _plain(output) -> dict:
    """An nbformat output node as plain JSON-able data (no execution counts)."""
    data = json.loads(json.dumps(output))
    data.pop("execution_count", None)
    return data
