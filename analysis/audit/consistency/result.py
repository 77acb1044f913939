"""The result object every consistency check returns, and how row statuses combine."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

__all__ = ["STATUSES", "CheckResult", "overall_status"]

#: "consistent": the paper agrees with itself here; "inconsistent": it does not (by more than
#: its rounding explains); "cannot check": an input needed for the comparison is not public.
STATUSES = ("consistent", "inconsistent", "cannot check")


@dataclass(frozen=True, eq=False)
class CheckResult:
    """One internal-consistency check of the paper.

    ``tested`` says what was compared (one sentence); ``finding`` what came out, with the
    computed numbers (one sentence); ``details`` has one row per compared item with its own
    ``status`` column.
    """

    check_id: str
    title: str
    tested: str
    finding: str
    status: str
    details: pd.DataFrame

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, but got {self.status!r}")
        if not isinstance(self.details, pd.DataFrame):
            raise ValueError(f"details must be a pandas DataFrame, but got {type(self.details).__name__}")


def overall_status(statuses: Iterable[str]) -> str:
    """Combine row statuses: any "inconsistent" wins; then any "consistent"; else "cannot check"."""
    seen = list(statuses)
    unknown = sorted(set(seen) - set(STATUSES))
    if unknown:
        raise ValueError(f"unknown status(es) {unknown}; valid: {', '.join(STATUSES)}")
    if "inconsistent" in seen:
        return "inconsistent"
    if "consistent" in seen:
        return "consistent"
    return "cannot check"
