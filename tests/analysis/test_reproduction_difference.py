"""Appendix A's difference column (issue #12): a result whose verdict is "differs" never shows a
difference that reads as zero; the difference is given at one decimal more than the paper prints."""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from analysis.chapters import reproduction
from analysis.data import load
from analysis.domain.verdicts import DIFFERS, REPRODUCED, compare

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _numbers(text: str) -> list[float]:
    return [float(n) for n in NUMBER.findall(text)]


@pytest.fixture(scope="module")
def page():
    return reproduction.page(load())


def test_no_row_shows_a_zero_difference_beside_differs(page):
    shown = page.all.shown
    differs = shown[shown["verdict"] == DIFFERS]
    assert len(differs), "the book has a result that differs (the rux upper bound printed as 5.1): expected a row"
    for text in differs["difference_shown"]:
        assert isinstance(text, str) and any(n != 0 for n in _numbers(text)), (
            f"a 'differs' row shows the difference {text!r}, which reads as zero")


def test_every_compared_row_shows_a_difference_and_the_rest_none(page):
    shown = page.all.shown
    compared = shown["verdict"].isin([REPRODUCED, DIFFERS])
    assert shown.loc[compared, "difference_shown"].map(lambda t: isinstance(t, str) and bool(_numbers(t))).all()
    assert shown.loc[~compared, "difference_shown"].isna().all()


@pytest.mark.parametrize("published, decimals, regenerated", [
    ((0.48, 0.27, 0.86), (3, 2, 2), (0.4806, 0.27, 0.86)),  # beyond the rounding by 0.0001: "0.00" at 2 decimals
    ((-20.0, -34.9, 5.1), (2, 1, 1), (-20.0, -34.9, -5.1)),  # the bound's sign misprinted
    ((10.31, -2.83, 23.46), (2, 2, 2), (10.31, -2.83, 23.47)),  # 0.01 off on one bound
])
def test_a_difference_beyond_the_rounding_reads_as_a_number_other_than_zero(published, decimals, regenerated):
    comparison = compare(published, decimals, regenerated)
    assert comparison.verdict == DIFFERS
    row = pd.Series({"verdict": comparison.verdict, "difference": comparison.difference,
                     "difference_ci_low": comparison.difference_ci_low,
                     "difference_ci_high": comparison.difference_ci_high,
                     **{f"published_{n}": p for n, p in zip(("estimate", "ci_low", "ci_high"), published)},
                     **{f"regenerated_{n}": r for n, r in zip(("estimate", "ci_low", "ci_high"), regenerated)}})
    text = reproduction.difference_text(row, pd.Series({f"{n}_decimals": d for n, d in
                                                        zip(("estimate", "ci_low", "ci_high"), decimals)}))
    numbers = _numbers(text)
    assert numbers and all(n != 0 for n in numbers), text
    # each shown difference is regenerated - published of a number outside the rounding, to its shown digits
    true = [r - p for p, r in zip(published, regenerated)]
    for n in numbers:
        assert any(math.isclose(n, t, abs_tol=0.5 * 10 ** -(max(decimals) + 1) + 1e-12) for t in true), (n, true)
