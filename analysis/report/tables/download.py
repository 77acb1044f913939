"""The CSV behind a table or figure, as deterministic bytes and as a data-URI download link.

Used by both ``analysis.report.tables`` and ``analysis.report.figures`` so that every download on the
site is written the same way:

* UTF-8, ``\\n`` line endings, no index column, header = the frame's column names;
* floats written with ``CSV_FLOAT_FORMAT`` (12 significant digits): the same frame gives
  the same bytes on every machine, and float noise such as ``0.30000000000000004`` does
  not leak into the file (12 digits keep every value the book reports exactly);
* missing values written as an empty field (what ``pandas.read_csv`` reads back as NaN).

The link embeds the file as ``data:text/csv;charset=utf-8;base64,...``: no server, no
network, and it works from a PDF-free static site opened from disk.
"""
from __future__ import annotations

import base64
import html
import re

import pandas as pd

from analysis.report.provenance import MadeBy, made_by_html

__all__ = ["CSV_FLOAT_FORMAT", "check_csv_name", "csv_bytes", "csv_data_uri", "csv_download_html"]

CSV_FLOAT_FORMAT = "%.12g"
_CSV_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.csv")


def check_csv_name(csv_name: str) -> str:
    """Return ``csv_name`` if it is a safe file name ending in ``.csv``, else raise ``ValueError``."""
    if not isinstance(csv_name, str) or not _CSV_NAME.fullmatch(csv_name):
        raise ValueError(
            "Argument 'csv_name' must be a file name of letters, digits, '.', '_' or '-' "
            f"ending in '.csv' (e.g. 'cdasi-forest.csv'), but got {csv_name!r}."
        )
    return csv_name


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV bytes (see the module docstring for the fixed conventions)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"Expected a pandas DataFrame, but got {type(frame).__name__}.")
    text = frame.to_csv(index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n", na_rep="")
    return text.encode("utf-8")


def csv_data_uri(frame: pd.DataFrame) -> str:
    """``data:text/csv;charset=utf-8;base64,<...>`` holding ``csv_bytes(frame)``."""
    encoded = base64.b64encode(csv_bytes(frame)).decode("ascii")
    return f"data:text/csv;charset=utf-8;base64,{encoded}"


def csv_download_html(frame: pd.DataFrame, csv_name: str, *, link_text: str, css_class: str,
                      made_by: MadeBy | None = None) -> str:
    """One ``<p class="{css_class}">`` with the code and data behind the table or figure (``made_by``:
    ``Code: … · Data: …``, see :mod:`analysis.report.provenance`) and the
    ``<a download="{csv_name}" href="data:...">{link_text}</a>`` link."""
    check_csv_name(csv_name)
    line = made_by_html(made_by)
    return (
        f'<p class="{html.escape(css_class)}">{line + " · " if line else ""}<a download="{html.escape(csv_name)}" '
        f'href="{csv_data_uri(frame)}">{html.escape(link_text)}</a></p>'
    )
