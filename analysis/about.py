"""Facts about the re-analysed review that the front page states.

The book's own edition (version, build date, citation) is not science: it is computed once for
both renderers by `bookrender.edition`, which the front page imports.
"""
from __future__ import annotations

REGISTRATION = "PROSPERO CRD42023416493"

__all__ = ["REGISTRATION"]
