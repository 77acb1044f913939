"""Run one document's `{python}` cells in a fresh Jupyter kernel.

The kernel starts with the project root as working directory (as Quarto does for a
project). It records which project files the document read or imported, so the cache
can re-run exactly the documents whose inputs changed.
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import string
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bookrender import kernel_side
from bookrender.errors import CellError, CellLimitError, RenderError, ToolMissingError
from bookrender.limits import Limits
from bookrender.qmd import INLINE_EXPR, Document, Markdown

__all__ = ["FINISH", "KERNEL_SIDE", "PAYLOAD_MIME", "TRACKED_ENVIRONMENT", "ExecutedDocument", "escape_text",
           "execute_document", "inline_expressions_with_lines", "inline_markdown", "kernel_environment",
           "kernel_setup_source"]

KERNEL_SIDE = Path(kernel_side.__file__).resolve()

PAYLOAD_MIME = "application/x-bookrender+json"
# Variables the renderer sets for the kernel that may change between builds: a document that
# reads one of them depends on its value (recorded with the document's other dependencies).
TRACKED_ENVIRONMENT = ("SOURCE_DATE_EPOCH",)
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class ExecutedDocument:
    """A document's cell outputs (nbformat output dicts, per cell), inline values and dependencies."""

    path: str
    outputs: tuple  # tuple[tuple[dict, ...], ...], one entry per cell
    inline_values: dict  # expression source -> markdown text
    deps: tuple[str, ...]  # project files read or imported, relative to the root
    env: dict  # tracked environment variables the document read -> their values
    hashes: dict = field(default_factory=dict)  # dependency -> SHA-256 of its content when the kernel read it

    def to_json(self) -> dict:
        return {"path": self.path, "outputs": [list(o) for o in self.outputs],
                "inline_values": self.inline_values, "deps": list(self.deps), "env": dict(self.env),
                "hashes": dict(self.hashes)}

    @classmethod
    def from_json(cls, data: dict) -> "ExecutedDocument":
        """Rebuild from `to_json`'s form; ValueError when the data does not have that form."""
        _expect(isinstance(data, dict) and isinstance(data.get("path"), str), "path")
        outputs = data.get("outputs")
        _expect(isinstance(outputs, list) and all(isinstance(cell, list) and all(isinstance(o, dict) for o in cell)
                                                  for cell in outputs), "outputs")
        for name in ("inline_values", "env", "hashes"):
            value = data.get(name)
            _expect(isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, (str, type(None)))
                                                    for k, v in value.items()), name)
        deps = data.get("deps")
        _expect(isinstance(deps, list) and all(isinstance(d, str) for d in deps), "deps")
        return cls(data["path"], tuple(tuple(o) for o in outputs), dict(data["inline_values"]), tuple(deps),
                   dict(data["env"]), dict(data["hashes"]))


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise ValueError(f"an executed document's '{what}' is missing or malformed")


def inline_expressions_with_lines(doc: Document) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for block in doc.blocks:
        if isinstance(block, Markdown):
            for offset, line in enumerate(block.text.split("\n")):
                found.extend((m.group("expr").strip(), block.line + offset) for m in INLINE_EXPR.finditer(line))
    return found


def _clean_traceback(output: dict) -> str:
    return ANSI.sub("", "\n".join(output.get("traceback", [])))


def kernel_environment(root: Path, extra_env: dict | None = None, runtime_dir: Path | None = None) -> dict:
    """The kernel's environment: the project on PYTHONPATH, fixed hash seed, the renderer's variables."""
    env = dict(os.environ)
    if runtime_dir is not None:
        env["JUPYTER_RUNTIME_DIR"] = str(runtime_dir)
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONPATH"] = os.pathsep.join([str(root)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["BOOKRENDER"] = "1"
    env.setdefault("MPLBACKEND", "agg")
    env.update(extra_env or {})
    return env


def kernel_setup_source(worker_pid: int) -> str:
    """The first cell of every document: loads `bookrender.kernel_side` (sent as source), ties the
    kernel's life to the worker's, and starts recording what the document reads."""
    source = KERNEL_SIDE.read_text(encoding="utf-8")
    return (f"import types as _bookrender_types\n"
            f"__bookrender = _bookrender_types.ModuleType('__bookrender_kernel_side')\n"
            f"exec(compile({source!r}, {kernel_side.SOURCE_NAME!r}, 'exec'), __bookrender.__dict__)\n"
            f"del _bookrender_types\n"
            f"__bookrender.die_with_parent({worker_pid})\n"
            f"__bookrender_reads = __bookrender.ReadTracker(__import__('os').getcwd(), "
            f"{TRACKED_ENVIRONMENT!r}).start()\n")


FINISH = ("from IPython.display import display as _bookrender_display\n"
          f"_bookrender_display({{{PAYLOAD_MIME!r}: __bookrender_reads.finish()}}, raw=True)\n")


@dataclass(frozen=True)
class _Plan:
    """The notebook run for one document: set-up cell, the document's cells, inline values, finish."""

    doc: Document
    exprs: list[tuple[str, int]]
    n_setup: int = 1

    def describe(self, index: int) -> tuple[int | None, str, str | None]:
        """Where the notebook cell at ``index`` comes from: its source line, a description for
        messages, and the label a `CellError` names (None for an unlabelled cell)."""
        n_cells = len(self.doc.cells)
        if index < self.n_setup:
            return None, "the kernel set-up", None
        if index < self.n_setup + n_cells:
            cell = self.doc.cells[index - self.n_setup]
            return cell.line, f"cell '{cell.label}'" if cell.label else "unlabelled cell", cell.label
        if index < self.n_setup + n_cells + len(self.exprs):
            expr, line = self.exprs[index - self.n_setup - n_cells]
            return line, f"inline `{{python}} {expr}`", f"inline `{{python}} {expr}`"
        return None, "the collection of the document's dependencies", None


def _notebook(plan: _Plan):
    import nbformat

    sources = [kernel_setup_source(os.getpid())] + [c.source for c in plan.doc.cells]
    sources += [f"__bookrender.format_inline(({expr}))" for expr, _ in plan.exprs] + [FINISH]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _cell_failed(plan: _Plan, index: int, cell) -> RenderError:
    """The error for a cell whose code raised."""
    path = str(plan.doc.path)
    error = next((o for o in cell.outputs if o.get("output_type") == "error"), {})
    ename, evalue = error.get("ename", "Error"), error.get("evalue", "")
    line, where, label = plan.describe(index)
    if line is None:
        return RenderError(f"{path}: {where} failed: {ename}: {evalue}")
    return CellError(path, line, label, ename, evalue, _clean_traceback(error))


def _limit_error(plan: _Plan, index: int, problem: str, fix: str) -> CellLimitError:
    line, where, _ = plan.describe(index)
    return CellLimitError(str(plan.doc.path), line, where, problem, fix)


def _overflow(plan: _Plan, client, limits: Limits) -> CellLimitError:
    return _limit_error(plan, client.overflow_cell,
                        f"produced more output than the document may (the limit is {limits.max_output_mb:g} MB "
                        f"of printed or displayed output per document); the cell was interrupted.",
                        "Print less (write large results to a file, or show a summary), or raise the limit with "
                        "--max-output-mb or BOOKRENDER_MAX_OUTPUT_MB.")


def _seconds(limits: Limits) -> int:
    """The cell time limit in whole seconds (what the notebook client takes)."""
    return max(1, math.ceil(limits.cell_timeout))


def _run_cells(plan: _Plan, nb, client, limits: Limits) -> None:
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    client.forget_connection_file()
    for index, cell in enumerate(nb.cells):
        try:
            try:
                client.execute_cell(cell, index)
            finally:
                client.cell_ended()
        except CellExecutionError:
            if client.overflow_cell is not None:
                raise _overflow(plan, client, limits) from None
            raise _cell_failed(plan, index, cell) from None
        except CellTimeoutError:
            if client.overflow_cell is not None:
                raise _overflow(plan, client, limits) from None
            raise _limit_error(plan, index, f"did not finish within the cell time limit of {_seconds(limits)} "
                               f"seconds and was stopped.", "Make the cell faster, or raise the limit with "
                               "--cell-timeout or BOOKRENDER_CELL_TIMEOUT.") from None
        except DeadKernelError:
            if client.overflow_cell is not None:  # killed after an unanswered interrupt (bookrender.kernel)
                raise _overflow(plan, client, limits) from None
            code = client.kernel_exit_code()
            status = f" (exit status {code})" if code is not None else ""
            raise _limit_error(plan, index, f"ended the Jupyter kernel: the kernel died while running this "
                               f"cell{status}.", "Something in the cell ended the Python process (os._exit, "
                               "sys.exit from a thread, a crash in a compiled library, or running out of "
                               "memory); fix the cell and render again.") from None
        if client.overflow_cell is not None:
            raise _overflow(plan, client, limits)


def execute_document(root: Path, doc: Document, extra_env: dict | None = None, limits: Limits | None = None,
                     connection_dir: Path | None = None) -> ExecutedDocument:
    """Execute `doc`'s cells in order; raise `CellError` at the first cell that fails, and
    `CellLimitError` when a cell runs too long, prints too much or ends the kernel."""
    try:
        from bookrender.kernel import BookClient
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ToolMissingError(f"the Jupyter kernel tools are missing ({exc}); run `make install` "
                               f"(pip install nbclient ipykernel).") from exc
    limits = limits or Limits()
    plan = _Plan(doc, inline_expressions_with_lines(doc))
    nb = _notebook(plan)
    own_dir = connection_dir is None
    connection_dir = Path(tempfile.mkdtemp(prefix="bookrender-kernel-")) if own_dir else connection_dir
    client = BookClient(nb, timeout=_seconds(limits), kernel_name="python3", allow_errors=False,
                        resources={"metadata": {"path": str(root)}}).configure(connection_dir,
                                                                               limits.max_output_bytes)
    env = kernel_environment(root, extra_env, connection_dir)
    try:
        with open(client.startup_log, "wb") as startup_log, \
                client.setup_kernel(cwd=str(root), env=env, stderr=startup_log):
            _run_cells(plan, nb, client, limits)
    except RenderError:
        raise
    except Exception as exc:  # the kernel failed to start
        said = _tail(client.startup_log)
        raise RenderError(f"{doc.path}: the Jupyter kernel failed to start ({type(exc).__name__}: {exc}). "
                          + (f"It wrote:\n{said}\n" if said else "")
                          + f"Check that ipykernel is installed in {sys.executable}'s environment.") from exc
    finally:
        client.forget_connection_file()
        if own_dir:
            shutil.rmtree(connection_dir, ignore_errors=True)
    return _collect(plan, nb)


def _tail(path: Path, lines: int = 20) -> str:
    """The last lines a kernel wrote to its standard error while starting, if any."""
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


def _collect(plan: _Plan, nb) -> ExecutedDocument:
    """The document's outputs, inline values and dependencies from the executed notebook."""
    n_setup, n_cells = plan.n_setup, len(plan.doc.cells)
    outputs = tuple(tuple(_plain(o) for o in cell.outputs) for cell in nb.cells[n_setup:n_setup + n_cells])
    inline_values: dict[str, str] = {}
    for (expr, _), cell in zip(plan.exprs, nb.cells[n_setup + n_cells:-1]):
        result = next((o for o in cell.outputs if o.get("output_type") == "execute_result"), None)
        text = result["data"].get("text/plain", "") if result else ""
        # The formatter returns a (kind, text) tuple, whose text/plain repr is quoted: undo it exactly.
        inline_values[expr] = inline_markdown(*_unrepr(text))
    payload = next(o for o in nb.cells[-1].outputs if PAYLOAD_MIME in o.get("data", {}))
    found = payload["data"][PAYLOAD_MIME]
    deps = dict(found["deps"])
    return ExecutedDocument(str(plan.doc.path), outputs, inline_values, tuple(sorted(deps)), dict(found["env"]),
                            deps)


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
