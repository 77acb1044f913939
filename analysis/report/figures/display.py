"""``show_chart``: what a chapter cell returns as its last expression for a chart.

The display object offers three views of one chart (``_repr_mimebundle_``):

* ``text/html`` -- ``<div class="vega-chart" role="img" aria-label="...">`` holding a
  ``<script type="application/vnd.vegalite+json">`` with the Vega-Lite spec, then a
  CSV download link. A chart laid out per width (:class:`ResponsiveChart`) has one such
  script per layout, each with ``data-width`` (the widest first). No ``<script src>`` and no CDN:
  the book's own chart script (``_includes/figures-and-tables.html``, in every page's head under
  either engine; :mod:`analysis.report.html_classes`) finds every such div and draws the widest
  spec that fits its box with vegaEmbed, which the renderer serves from the site. The spec's only
  URL is its ``$schema`` identifier, which nothing fetches (vega-embed reads it to pick the mode).
* ``image/svg+xml`` -- the same chart drawn by vl-convert (what the PDF shows); a responsive
  chart is drawn for the page (``PRINT_WIDTH``).
* ``text/plain`` -- the alt text.

Determinism: the spec is exported under the book theme with sorted keys, the SVG is a
pure function of the spec, and the CSV uses a fixed float format, so the same input
gives identical bytes.
"""
from __future__ import annotations

import functools
import html
import json
from dataclasses import dataclass, field
from functools import cached_property

import altair as alt
import pandas as pd
import vl_convert

from analysis.report.html_classes import CHART, CHART_DOWNLOAD
from analysis.report.figures.responsive import PRINT_WIDTH, WEB_WIDTHS, ResponsiveChart
from analysis.report.provenance import MadeBy, made_by_caller
from analysis.report.figures.theme import BOOK_THEME_NAME, chart_font_dir, use_book_theme
from analysis.report.tables.display import filter_mimebundle
from analysis.report.tables.download import check_csv_name, csv_bytes, csv_download_html

__all__ = ["ChartDisplay", "ChartView", "chart_spec", "register_chart_font", "script_safe_json", "show_chart",
           "vega_lite_version"]

CHART_LINK_TEXT = "Download the data behind this figure (CSV)"
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def vega_lite_version() -> str:
    """The ``major.minor`` Vega-Lite version of Altair's schema, checked against vl-convert.

    Altair 6.3 writes ``v6.4.1`` specs, which vl-convert 1.9 renders as ``"6.4"``.
    """
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    supported = list(vl_convert.get_vegalite_versions())
    if major_minor not in supported:
        raise RuntimeError(
            f"Altair writes Vega-Lite {alt.SCHEMA_VERSION} but vl-convert supports only {supported}; "
            "install the vl-convert-python version pinned in pyproject.toml."
        )
    return major_minor


@functools.cache
def register_chart_font() -> str:
    """Give vl-convert the charts' font files (once per process), so the SVG measures and names the font the
    site serves and the PDF embeds; returns the folder."""
    folder = str(chart_font_dir())
    vl_convert.register_font_directory(folder)
    return folder


def script_safe_json(spec: dict) -> str:
    """JSON for a ``<script>`` element: sorted keys, no NaN, and ``< > &`` as ``\\u`` escapes.

    Those characters can only occur inside JSON strings, where ``\\u003c`` is a valid
    escape, so ``json.loads`` returns the original data while the HTML parser never
    sees ``</script>`` or ``<!--``.
    """
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return "".join(_SCRIPT_ESCAPES.get(ch, ch) for ch in text)


def chart_spec(chart: alt.TopLevelMixin, *, alt_text: str) -> dict:
    """The chart's Vega-Lite spec under the book theme, with ``description`` = ``alt_text``."""
    if isinstance(chart, ResponsiveChart):
        chart = chart.chart
    if not isinstance(chart, alt.TopLevelMixin):
        raise TypeError(f"Expected an Altair chart, but got {type(chart).__name__}.")
    if not isinstance(alt_text, str) or not alt_text.strip():
        raise ValueError(f"alt_text must be a non-empty description of the chart, but got {alt_text!r}.")
    use_book_theme()
    with alt.theme.enable(BOOK_THEME_NAME):
        spec = chart.properties(description=alt_text).to_dict(validate=True)
    _reject_urls(spec, "spec")
    for name, values in spec.get("datasets", {}).items():
        if not isinstance(values, list):
            raise ValueError(f"Dataset {name!r} is not inline values; charts must embed their data.")
    return spec


def _reject_urls(node: object, where: str) -> None:
    """Raise if any view's ``data`` loads from a URL instead of inline values."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "data" and isinstance(value, dict) and "url" in value:
                raise ValueError(f"The chart loads data from a URL at {where}.data; embed the data inline instead.")
            _reject_urls(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _reject_urls(value, f"{where}[{i}]")


def _default_data(chart: alt.TopLevelMixin, spec: dict) -> pd.DataFrame:
    data = getattr(chart, "data", alt.Undefined)
    if isinstance(data, pd.DataFrame):
        return data
    datasets = spec.get("datasets", {})
    if len(datasets) == 1:
        return pd.DataFrame(next(iter(datasets.values())))
    raise ValueError(
        f"The chart holds {len(datasets)} datasets, so the CSV behind it is ambiguous; "
        "pass the tidy frame it was drawn from as show_chart(..., data=frame)."
    )


@dataclass(frozen=True)
class ChartDisplay:
    """One chart ready for the page: spec, alt text, and the CSV offered for download."""

    spec: dict
    alt_text: str
    csv_name: str
    csv: bytes
    download_html: str
    #: (drawing width, spec) of each further layout for narrower boxes, widest first
    narrower: tuple[tuple[int, dict], ...] = ()
    #: the spec drawn for the printed page (default: ``spec``)
    print_spec: dict | None = None
    width: int | None = None

    @cached_property
    def spec_json(self) -> str:
        return script_safe_json(self.spec)

    @cached_property
    def svg(self) -> str:
        spec = self.print_spec if self.print_spec is not None else self.spec
        register_chart_font()
        return vl_convert.vegalite_to_svg(spec, vl_version=vega_lite_version())

    @cached_property
    def html(self) -> str:
        width = f' data-width="{self.width}"' if self.width else ""
        scripts = [f'<script type="application/vnd.vegalite+json"{width}>{self.spec_json}</script>']
        scripts += [f'<script type="application/vnd.vegalite+json" data-width="{w}">{script_safe_json(spec)}</script>'
                    for w, spec in self.narrower]
        return (
            f'<div class="{CHART}" role="img" aria-label="{html.escape(self.alt_text, quote=True)}">'
            f'{"".join(scripts)}</div>\n'
            f"{self.download_html}"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        bundle = {"text/html": self.html, "image/svg+xml": self.svg, "text/plain": self.alt_text}
        return filter_mimebundle(bundle, include, exclude)

    def __repr__(self) -> str:
        return f"<Chart: {self.alt_text}>"


@dataclass(frozen=True)
class ChartView:
    """A chart as a chapter module prepares it: the chart, its alt text and the tidy frame behind
    it; ``show_chart(view, csv_name=...)`` shows it."""

    chart: alt.TopLevelMixin | ResponsiveChart
    alt_text: str
    data: pd.DataFrame | None = None
    #: the code that made the chart and the data it read, derived where the view is created
    made_by: MadeBy | None = field(default_factory=made_by_caller, compare=False)


def show_chart(chart: alt.TopLevelMixin | ResponsiveChart | ChartView, *, alt_text: str | None = None, csv_name: str,
               data: pd.DataFrame | None = None) -> ChartDisplay:
    """Wrap ``chart`` for display; ``data`` is the tidy frame behind it (default: the chart's own data).

    A :class:`ChartView` brings its own alt text and data (an argument given here takes precedence).
    """
    made_by = None
    if isinstance(chart, ChartView):
        alt_text = chart.alt_text if alt_text is None else alt_text
        data = chart.data if data is None else data
        made_by = chart.made_by
        chart = chart.chart
    if alt_text is None:
        raise TypeError("show_chart() needs alt_text: a sentence saying what the chart shows, for screen readers")
    check_csv_name(csv_name)
    if isinstance(alt_text, str):
        alt_text = " ".join(alt_text.split())  # one line: it is an attribute and the text/plain view
    layouts: dict = {}
    print_spec = None
    if isinstance(chart, ResponsiveChart):
        widths = sorted(WEB_WIDTHS, reverse=True)
        layouts = {w: chart_spec(chart.layout(w), alt_text=alt_text) for w in widths}
        print_spec = chart_spec(chart.layout(PRINT_WIDTH), alt_text=alt_text)
        chart = chart.layout(widths[0])
        spec = layouts.pop(widths[0])
    else:
        spec = chart_spec(chart, alt_text=alt_text)
        widths = [None]
    frame = _default_data(chart, spec) if data is None else data
    return ChartDisplay(
        spec=spec,
        alt_text=alt_text,
        csv_name=csv_name,
        csv=csv_bytes(frame),
        download_html=csv_download_html(frame, csv_name, link_text=CHART_LINK_TEXT, css_class=CHART_DOWNLOAD,
                                        made_by=made_by),
        narrower=tuple(layouts.items()),
        print_spec=print_spec,
        width=widths[0],
    )
