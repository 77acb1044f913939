"""The book's one Altair theme and the one mapping of provenance tier -> marker.

``use_book_theme()`` registers and enables the theme ``"jak_book"``; ``analysis.setup()``
calls it in every chapter, and ``show_chart`` applies it while exporting a chart, so the
exported spec does not depend on which theme happens to be active.

Colours are the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), which
stays distinguishable under the common colour-vision deficiencies and in greyscale
print when paired with a second cue (marker shape, text symbol). Background white,
text near-black, sizes chosen for a 6.5-inch printed column.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import altair as alt
import fontpkg_fira_sans
import pandas as pd

from analysis.domain.provenance import LEGEND_MEANINGS, TIERS

__all__ = [
    "BOOK_THEME_NAME",
    "CHART_WIDTH_PX",
    "FONT",
    "FONT_FAMILY",
    "OKABE_ITO",
    "TIERS",
    "TIER_STYLES",
    "TierStyle",
    "book_theme",
    "chart_font_dir",
    "tier_color_scale",
    "tier_legend",
    "tier_shape_scale",
    "use_book_theme",
]

BOOK_THEME_NAME = "jak_book"
CHART_WIDTH_PX = 560
CHART_HEIGHT_PX = 320
#: the book's one font family (Fira Sans), from the PyPI package fontpkg-fira-sans: the site serves it as
#: WOFF2 and the PDF embeds it (bookrender/fonts.py), and vl-convert measures and draws the charts' SVG with
#: its files (:func:`chart_font_dir`), so chart text has the same font on the web and on paper.
FONT_FAMILY = fontpkg_fira_sans.FAMILY
FONT = f"{FONT_FAMILY}, sans-serif"
TEXT_COLOR = "#1a1a1a"
GRID_COLOR = "#dddddd"

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
NEUTRAL_GREY = "#8C8C8C"


@dataclass(frozen=True)
class TierStyle:
    """How one provenance tier is drawn: Vega shape name, colour, and the legend's words."""

    tier: str
    shape: str
    color: str
    meaning: str


#: marker shape and colour of each tier; the tiers, their order and meanings are those of
#: :mod:`analysis.domain.provenance`.
_TIER_MARKS = {
    "primary": ("square", OKABE_ITO["blue"]),
    "secondary": ("circle", OKABE_ITO["sky_blue"]),
    "derived": ("triangle-up", OKABE_ITO["bluish_green"]),
    "recovered": ("diamond", OKABE_ITO["orange"]),
    "paper": ("cross", OKABE_ITO["reddish_purple"]),
    "assumed": ("triangle-down", OKABE_ITO["vermillion"]),
    "missing": ("triangle-right", NEUTRAL_GREY),
}
# Order = the legend's order, from the most to the least direct evidence.
TIER_STYLES: dict[str, TierStyle] = {t: TierStyle(t, *_TIER_MARKS[t], LEGEND_MEANINGS[t]) for t in TIERS}


def book_theme() -> alt.theme.ThemeConfig:
    """The theme's configuration (a plain dict, also usable in tests)."""
    axis = {
        "labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 13,
        "labelColor": TEXT_COLOR, "titleColor": TEXT_COLOR, "titleFontWeight": "normal",
        "gridColor": GRID_COLOR, "domainColor": "#555555", "tickColor": "#555555",
    }
    return {
        "background": "white",
        "width": CHART_WIDTH_PX,
        "height": CHART_HEIGHT_PX,
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": CHART_WIDTH_PX, "continuousHeight": CHART_HEIGHT_PX},
            "axis": axis,
            "legend": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 12,
                       "labelColor": TEXT_COLOR, "titleColor": TEXT_COLOR, "labelLimit": 400},
            "title": {"font": FONT, "fontSize": 15, "subtitleFontSize": 12, "color": TEXT_COLOR,
                      "subtitleColor": "#333333", "anchor": "start", "fontWeight": "bold"},
            "header": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 12, "titleFontSize": 13},
            "text": {"font": FONT, "fontSize": 12, "color": TEXT_COLOR},
            "range": {"category": list(OKABE_ITO.values())[1:] + [OKABE_ITO["black"]]},
            "concat": {"spacing": 8},
            # d3-format writes U+2212 for negative axis labels by default; the book's text uses
            # the ASCII hyphen-minus (analysis.format), so axes do too.
            "locale": {"number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""],
                                  "minus": "-"}},
        },
    }


def chart_font_dir() -> Path:
    """The folder of the chart font's TTF files (what vl-convert registers before it draws a chart)."""
    return Path(fontpkg_fira_sans.ROOT) / "files"


def use_book_theme() -> str:
    """Register the book theme and make it the active Altair theme; return its name."""
    alt.theme.register(BOOK_THEME_NAME, enable=True)(book_theme)
    return BOOK_THEME_NAME


def _present_tiers(tiers: pd.Series | list[str] | None) -> list[str]:
    if tiers is None:
        return list(TIERS)
    present = set(pd.Series(tiers).dropna().astype(str))
    unknown = sorted(present - set(TIERS))
    if unknown:
        raise ValueError(f"Unknown provenance tier(s) {unknown}; valid tiers are {list(TIERS)}.")
    return [t for t in TIERS if t in present]


def tier_color_scale(tiers: pd.Series | list[str] | None = None) -> alt.Scale:
    """Colour scale with the fixed tier -> colour pairs (domain: the tiers present, in legend order)."""
    domain = _present_tiers(tiers)
    return alt.Scale(domain=domain, range=[TIER_STYLES[t].color for t in domain])


def tier_shape_scale(tiers: pd.Series | list[str] | None = None) -> alt.Scale:
    """Shape scale with the fixed tier -> shape pairs (domain: the tiers present, in legend order)."""
    domain = _present_tiers(tiers)
    return alt.Scale(domain=domain, range=[TIER_STYLES[t].shape for t in domain])


def tier_legend(tiers: pd.Series | list[str] | None = None) -> alt.LayerChart:
    """A stand-alone key: one row per tier with its marker, its name and what it means."""
    rows = pd.DataFrame(
        [{"order": i, "tier": t, "meaning": f"{t}: {TIER_STYLES[t].meaning}"} for i, t in enumerate(_present_tiers(tiers))]
    )
    base = alt.Chart(rows).encode(
        y=alt.Y("order:O", axis=None)
    )
    markers = base.mark_point(filled=True, size=110, opacity=1).encode(
        x=alt.value(8),
        shape=alt.Shape("tier:N", scale=tier_shape_scale(rows["tier"]), legend=None),
        color=alt.Color("tier:N", scale=tier_color_scale(rows["tier"]), legend=None),
    )
    labels = base.mark_text(align="left", baseline="middle", dx=0).encode(x=alt.value(22), text="meaning:N")
    return alt.layer(markers, labels).properties(
        width=CHART_WIDTH_PX, height=22 * len(rows), title=alt.Title("Where each number comes from"))
