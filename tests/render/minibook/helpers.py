"""A tiny display object for the mini book: an HTML chart placeholder plus an SVG for the PDF."""


class Chart:
    def __init__(self, label):
        self.label = label

    def _repr_mimebundle_(self, include=None, exclude=None):
        svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
               f'<rect width="120" height="40" fill="#0072B2"/><text x="5" y="25">{self.label}</text></svg>')
        html = ('<div class="vega-chart" role="img" aria-label="bar"><script type="application/vnd.vegalite+json">'
                '{"mark": "bar", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a", "type": "quantitative"}}}'
                '</script></div>')
        return {"text/html": html, "image/svg+xml": svg, "text/plain": self.label}


class Table:
    def _repr_markdown_(self):
        return "| name | value |\n|:--|--:|\n| alpha | 1.5 |\n| beta | 2.5 |\n"
