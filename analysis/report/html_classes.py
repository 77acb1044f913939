"""The HTML classes the book's cells write into its pages, named once.

They belong to the book, not to a renderer: the book's own include
(``_includes/figures-and-tables.html``, which ``_quarto.yml`` gives both engines as
``format.html.include-in-header``) styles each of them and draws the charts; the renderer knows
only standard forms (a ``<script type="application/vnd.vegalite+json">`` spec, ``role="img"``).
A test checks that the include styles every class named here and that no renderer file names one.
"""
from __future__ import annotations

__all__ = ["CHART", "CHART_DOWNLOAD", "CLASSES", "ESTIMATE", "LABEL", "MADE_BY", "TABLE_DOWNLOAD", "TABLE_NOTES"]

#: a chart: a div (role="img", its alt text as aria-label) holding its Vega-Lite spec(s); the include's script
#: draws the widest layout that fits it
CHART = "vega-chart"
#: the line under a chart: its code and data, and its CSV download
CHART_DOWNLOAD = "chart-download"
#: the line under a table: its code and data, and its CSV download
TABLE_DOWNLOAD = "table-download"
#: the code-and-data part of those lines
MADE_BY = "made-by"
#: an estimate with its interval, kept on one line
ESTIMATE = "nowrap"
#: a value shown as a label (a verdict); a second class ``<LABEL>-<slug of the value>`` colours it
LABEL = "verdict"
#: the lettered notes under a table
TABLE_NOTES = "table-notes"

CLASSES = (CHART, CHART_DOWNLOAD, TABLE_DOWNLOAD, MADE_BY, ESTIMATE, LABEL, TABLE_NOTES)
