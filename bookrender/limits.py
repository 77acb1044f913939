"""Limits on what one document's execution may take: time per cell, output per document.

Each comes from the command line (`--cell-timeout`, `--max-output-mb`), else from the
environment (`BOOKRENDER_CELL_TIMEOUT`, `BOOKRENDER_MAX_OUTPUT_MB`), else the defaults below.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from bookrender.errors import RenderError

__all__ = ["DEFAULT_CELL_TIMEOUT", "DEFAULT_MAX_OUTPUT_MB", "OUTPUT_VARIABLE", "TIMEOUT_VARIABLE", "Limits"]

DEFAULT_CELL_TIMEOUT = 600  # seconds
DEFAULT_MAX_OUTPUT_MB = 20  # per document
TIMEOUT_VARIABLE = "BOOKRENDER_CELL_TIMEOUT"
OUTPUT_VARIABLE = "BOOKRENDER_MAX_OUTPUT_MB"


@dataclass(frozen=True)
class Limits:
    """How long one cell may run (seconds) and how much output one document may produce (MB)."""

    cell_timeout: float = DEFAULT_CELL_TIMEOUT
    max_output_mb: float = DEFAULT_MAX_OUTPUT_MB

    @property
    def max_output_bytes(self) -> int:
        return int(self.max_output_mb * 1024 * 1024)

    @classmethod
    def resolve(cls, cell_timeout: float | None = None, max_output_mb: float | None = None,
                environ: dict | None = None) -> "Limits":
        """The limits given, else those of the environment variables, else the defaults."""
        environ = os.environ if environ is None else environ
        timeout = _positive(cell_timeout, environ.get(TIMEOUT_VARIABLE), DEFAULT_CELL_TIMEOUT,
                            f"--cell-timeout / {TIMEOUT_VARIABLE}")
        output = _positive(max_output_mb, environ.get(OUTPUT_VARIABLE), DEFAULT_MAX_OUTPUT_MB,
                           f"--max-output-mb / {OUTPUT_VARIABLE}")
        return cls(timeout, output)


def _positive(given, from_env, default, name: str) -> float:
    value = given if given is not None else from_env
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if not number > 0:
        raise RenderError(f"{name}: expected a positive number, got {value!r}.")
    return number


