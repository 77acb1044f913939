"""Where the words of the PDF's tables lie against their cell rules (pdfminer.six: each glyph's box
and each drawn line). The book's tables draw every cell border (``#set table(stroke: 0.4pt +
luma(180))``, bookrender's template and Quarto's partial): a vertical rule is a cell boundary for
the text lines beside it, so a word that crosses one, or lies outside a table's outer rules on a line
the table spans, has overrun its cell."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTComponent, LTContainer, LTCurve

__all__ = ["Overrun", "Rule", "Word", "page_layout", "table_overruns"]

#: the cell rules' width (pt) and grey (luma 180 of 255) as the templates set them.
RULE_WIDTH = 0.4
RULE_GREY = 180 / 255
#: how far (pt) a glyph's box may reach over a rule: side bearings and rounding, far below a letter.
TOLERANCE = 0.6


@dataclass(frozen=True)
class Rule:
    """A vertical cell rule: its x and its extent from ``y0`` up to ``y1`` (PDF points)."""

    x: float
    y0: float
    y1: float


@dataclass(frozen=True)
class Word:
    """Glyphs set next to each other on one baseline: the text and its box."""

    text: str
    x0: float
    x1: float
    y0: float
    y1: float


@dataclass(frozen=True)
class Overrun:
    page: int
    word: str
    x0: float
    x1: float
    rule_x: float

    def __str__(self) -> str:
        return f"page {self.page}: {self.word!r} ({self.x0:.1f}-{self.x1:.1f} pt) crosses the rule at {self.rule_x:.1f} pt"


def _walk(item: LTComponent):
    yield item
    if isinstance(item, LTContainer):
        for child in item:
            yield from _walk(child)


def _is_rule_colour(colour) -> bool:
    values = colour if isinstance(colour, (list, tuple)) else [colour]
    values = [float(v) for v in values if v is not None]
    return bool(values) and all(abs(v - RULE_GREY) < 0.02 for v in values)


def _rules(items) -> list[Rule]:
    rules = []
    for item in items:
        if not isinstance(item, LTCurve) or abs((item.linewidth or 0) - RULE_WIDTH) > 0.05:
            continue
        if not item.stroke or not _is_rule_colour(item.stroking_color):
            continue
        if item.x1 - item.x0 < 0.5 and item.y1 - item.y0 > 1:
            rules.append(Rule((item.x0 + item.x1) / 2, item.y0, item.y1))
    return rules


def _words(chars: list[LTChar]) -> list[Word]:
    """Glyphs in the order the page sets them (a cell's text is set as one run, so text that overflows
    into the next cell is not mixed with that cell's), grouped into words: the next glyph on the same
    baseline with a gap under a fifth of the font size (a space is wider)."""
    words: list[Word] = []
    for char in chars:
        last = words[-1] if words else None
        if (last and abs(last.y0 - char.y0) < 0.5 and -0.5 < char.x0 - last.x1 < char.size * 0.2
                and char.get_text().strip()):
            words[-1] = Word(last.text + char.get_text(), last.x0, max(last.x1, char.x1), last.y0, max(last.y1, char.y1))
        elif char.get_text().strip():
            words.append(Word(char.get_text(), char.x0, char.x1, char.y0, char.y1))
    return words


@dataclass(frozen=True)
class PageLayout:
    number: int
    rules: list[Rule]
    words: list[Word]


def page_layout(pdf: Path) -> list[PageLayout]:
    """Each page's vertical cell rules and words."""
    pages = []
    for number, page in enumerate(extract_pages(pdf, laparams=None), start=1):
        items = list(_walk(page))
        chars = [i for i in items if isinstance(i, LTChar)]
        pages.append(PageLayout(number, _rules(items), _words(chars)))
    return pages


def table_overruns(pages: list[PageLayout]) -> list[Overrun]:
    """Every word that crosses a vertical cell rule spanning its line, or lies wholly beyond the rightmost
    rule on a line a table spans."""
    found = []
    for page in pages:
        for word in page.words:
            middle = (word.y0 + word.y1) / 2
            beside = [r for r in page.rules if r.y0 - 0.5 <= middle <= r.y1 + 0.5]
            if not beside:
                continue
            for rule in beside:
                if word.x0 < rule.x - TOLERANCE and word.x1 > rule.x + TOLERANCE:
                    found.append(Overrun(page.number, word.text, word.x0, word.x1, rule.x))
            right = max(r.x for r in beside)
            if len(beside) > 1 and word.x0 > right + TOLERANCE:
                found.append(Overrun(page.number, word.text, word.x0, word.x1, right))
    return list(dict.fromkeys(found))
