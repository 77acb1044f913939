"""The renderer's error types: every failure names where it happened and what to do."""
from __future__ import annotations


class RenderError(Exception):
    """A build failed; the message says what, where, and how to fix it."""


class SourceError(RenderError):
    """A construct in a source file that the renderer cannot handle."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # picklable across the worker processes
        return (SourceError, (self.path, self.line, self.message))


class CellError(RenderError):
    """A code cell raised: names the document, the cell's label or line, and the traceback."""

    def __init__(self, path: str, line: int, label: str | None, ename: str, evalue: str, traceback: str):
        self.path = path
        self.line = line
        self.label = label
        self._args = (path, line, label, ename, evalue, traceback)
        cell = f"cell '{label}'" if label else "unlabelled cell"
        super().__init__(
            f"{path}:{line}: {cell} raised {ename}: {evalue}\n\n{traceback}\n\n"
            f"The build stopped here; the previous site was left untouched. "
            f"Fix the cell (or the data it reads) and render again."
        )

    def __reduce__(self):  # picklable across the worker processes
        return (CellError, self._args)


class ToolMissingError(RenderError):
    """A required external tool (pandoc, typst, a Jupyter kernel) is not installed."""
