"""The renderer's error types: every failure names where it happened and what to do."""
from __future__ import annotations

import errno as _errno

__all__ = ["CellError", "CellLimitError", "RenderError", "SourceError", "ToolMissingError", "filesystem_error"]


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


class CellLimitError(RenderError):
    """A cell went past a limit or ended its kernel: names the document, the cell and the limit."""

    def __init__(self, path: str, line: int | None, where: str, problem: str, fix: str):
        self._args = (path, line, where, problem, fix)
        place = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{place}: {where} {problem} {fix} The build stopped here; the previous site was left "
                         f"untouched.")

    def __reduce__(self):  # picklable across the worker processes
        return (CellLimitError, self._args)


_FIXES = {
    _errno.ENOSPC: "the disk is full: free some space there (or set --output-dir to a folder on another disk) "
                   "and render again.",
    _errno.EDQUOT: "the disk quota is used up: free some space there and render again.",
    _errno.EROFS: "the folder is on a read-only file system: render from a writable copy of the project, or set "
                  "--output-dir to a writable folder.",
    _errno.EACCES: "permission denied: make the folder writable for this user (chmod u+w), or set --output-dir "
                   "to a folder you can write.",
    _errno.EPERM: "operation not permitted: make the folder writable for this user, or set --output-dir to a "
                  "folder you can write.",
}


def filesystem_error(exc: OSError, doing: str, where=None) -> RenderError:
    """One sentence for a file system fault: the path (the file's, else ``where``, the folder being
    written), what was being done, and the fix."""
    path = exc.filename or where or "(unknown path)"
    fix = _FIXES.get(exc.errno, f"{exc.strerror or exc}: check that the folder exists and is writable, then "
                                f"render again.")
    return RenderError(f"{path}: could not {doing}; {fix}")
