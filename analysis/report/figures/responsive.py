"""Charts drawn for their container: one layout per width band, and one for the printed page.

A chart function that can lay itself out for a given width returns a :class:`ResponsiveChart`.
``show_chart`` then exports one Vega-Lite spec per width of ``WEB_WIDTHS`` (the page's script draws
the widest that fits the chart's box and redraws when the box changes) and one at ``PRINT_WIDTH``
for the SVG that the PDF prints. The PDF places a chart across the text width (16.6 cm on A4 with
the book's margins, 470 pt), so a chart drawn ``PRINT_WIDTH`` px wide prints its 11-12 px text at
8.3-9.1 pt. Narrow widths get a layout made for them (a forest plot puts its numbers under each
label instead of in columns of their own), not a shrunken copy of the wide one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import altair as alt

__all__ = ["PRINT_TEXT_WIDTH_PT", "PRINT_WIDTH", "WEB_WIDTHS", "ResponsiveChart"]

#: the widths (px, the chart's drawing width) of the layouts the site offers; the page's script
#: draws the widest that fits the chart's box, and scales the narrowest down below 360 px.
WEB_WIDTHS = (340, 460, 600, 760, 900)
#: the width at which the PDF's charts are drawn: 470 pt of text width / 620 px = 0.76 pt per px.
PRINT_WIDTH = 620
PRINT_TEXT_WIDTH_PT = 470.0


@dataclass(frozen=True)
class ResponsiveChart:
    """A chart that lays itself out for a width: ``layout(width)`` returns the Altair chart.

    ``to_dict``/``to_json`` and any other attribute go to the default layout
    (``default_width``), so it can be used where an Altair chart is expected."""

    build: Callable[[int], alt.TopLevelMixin]
    default_width: int = WEB_WIDTHS[-1]

    def layout(self, width: int) -> alt.TopLevelMixin:
        return self.build(int(width))

    @property
    def chart(self) -> alt.TopLevelMixin:
        return self.build(self.default_width)

    def to_dict(self, *args, **kwargs) -> dict:
        return self.chart.to_dict(*args, **kwargs)

    def to_json(self, *args, **kwargs) -> str:
        return self.chart.to_json(*args, **kwargs)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.chart, name)
