import altair as alt
import pytest

import analysis
from analysis.report.figures.theme import (BOOK_THEME_NAME, FONT, OKABE_ITO, TIER_STYLES, TIERS, book_theme, tier_color_scale,
                                    tier_legend, use_book_theme)


def test_setup_enables_the_book_theme():
    with alt.theme.enable("default"):
        analysis.setup()
        assert alt.theme.active == BOOK_THEME_NAME
        config = alt.Chart().mark_point().to_dict()["config"]
    assert config["font"] == FONT


def test_theme_is_print_friendly_and_colour_blind_safe():
    theme = book_theme()
    assert theme["background"] == "white"
    assert isinstance(theme["width"], int)
    assert theme["config"]["axis"]["labelFontSize"] >= 11
    assert set(theme["config"]["range"]["category"]) <= set(OKABE_ITO.values())
    assert theme["config"]["locale"]["number"]["minus"] == "-"  # axis labels match analysis.format


def test_every_tier_has_its_own_shape_and_colour():
    assert TIERS == ("primary", "secondary", "derived", "recovered", "paper", "assumed", "missing")
    assert len({s.shape for s in TIER_STYLES.values()}) == len(TIERS)
    assert len({s.color for s in TIER_STYLES.values()}) == len(TIERS)


def test_tier_scales_keep_the_fixed_pairs_for_any_subset():
    scale = tier_color_scale(["paper", "primary", "paper"]).to_dict()
    assert scale == {"domain": ["primary", "paper"], "range": [OKABE_ITO["blue"], OKABE_ITO["reddish_purple"]]}
    with pytest.raises(ValueError, match="valid tiers"):
        tier_color_scale(["guessed"])


def test_tier_legend_lists_every_tier_with_its_meaning():
    use_book_theme()
    spec = tier_legend().to_dict()
    (dataset,) = spec["datasets"].values()
    assert [r["tier"] for r in dataset] == list(TIERS)
    assert all(r["meaning"].startswith(r["tier"] + ": ") for r in dataset)
