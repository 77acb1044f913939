"""PRISMA frame and selection arithmetic: the paper's stated counts, and missing steps staying missing."""
from __future__ import annotations

import re

import pandas as pd
import pytest
import vl_convert

from analysis.data import load
from analysis.report.figures import prisma_flow
from analysis.report.figures.prisma import prisma_layout
from analysis.audit.screening import (excluded_reports_table, prisma_frame, selection_arithmetic, step_count,
                                __all__ as screening_all)

# Published reference values, Ma et al. 2024, Section 3.1:
RECORDS_IDENTIFIED = 296   # sentence 1: "The initial database search yielded 296"
FULL_TEXTS_ASSESSED = 45   # sentence 2: "45 studies were retained"
FULL_TEXTS_EXCLUDED = 38   # sentence 3: "38 studies were excluded"
STUDIES_INCLUDED = 7       # sentence 4: "7 studies with 91 patients"


@pytest.fixture(scope="module")
def screening() -> pd.DataFrame:
    return load("screening").screening


def test_public_api_is_pinned():
    assert sorted(screening_all) == sorted(["EXCLUSION_REASON_STEPS", "INELIGIBLE_STATUS", "REQUIRED_STEPS", "SelectionArithmetic",
                                            "excluded_reports_table", "prisma_frame", "selection_arithmetic",
                                            "step_count"])


def test_arithmetic_matches_the_paper(screening):
    result = selection_arithmetic(screening)
    assert result.records_identified == RECORDS_IDENTIFIED
    assert result.assessed_minus_excluded == FULL_TEXTS_ASSESSED - FULL_TEXTS_EXCLUDED == STUDIES_INCLUDED
    assert result.included_stated == STUDIES_INCLUDED
    assert result.adds_up is True


def test_unstated_counts_stay_missing_not_zero(screening):
    result = selection_arithmetic(screening)
    assert result.records_screened is None  # duplicates removed is not stated
    assert "duplicates_removed" in result.unstated_steps
    assert step_count(screening, "duplicates_removed") is None
    flow = prisma_frame(screening).set_index("stage_id")
    for stage in ("duplicates", "screened", "excluded_screening"):
        assert pd.isna(flow.at[stage, "count"]), stage
    assert (flow["count"].dropna() > 0).all()  # no stated count became 0
    assert flow["reasons"].dropna().str.count("n = not reported").sum() == 4  # the four reasons of sentence 3
    boxes, _ = prisma_layout(prisma_frame(screening))
    assert boxes.set_index("stage_id").at["duplicates", "count_text"] == "not reported"


def test_flow_counts_and_arrows(screening):
    flow = prisma_frame(screening).set_index("stage_id")
    assert flow.at["identified", "count"] == RECORDS_IDENTIFIED
    assert flow.at["assessed", "count"] == FULL_TEXTS_ASSESSED
    assert flow.at["excluded_full_text", "count"] == FULL_TEXTS_EXCLUDED
    assert flow.at["included", "count"] == STUDIES_INCLUDED
    assert list(flow["arrow_to"].dropna()) == ["screened; duplicates", "assessed; excluded_screening",
                                               "included; excluded_full_text"]


def test_every_exclusion_box_receives_a_side_arrow_from_its_step(screening):
    """PRISMA 2020 template (Page et al. 2021, Figure 1): three steps down the main column, and
    one horizontal arrow from each main-flow step to the box of the records it removed."""
    boxes, arrows = prisma_layout(prisma_frame(screening))
    boxes = boxes.set_index("stage_id")
    assert len(arrows) == 6
    down = arrows[arrows["direction"] == "down"]
    right = arrows[arrows["direction"] == "right"]
    assert list(zip(down["from"], down["to"])) == [("identified", "screened"), ("screened", "assessed"),
                                                   ("assessed", "included")]
    assert list(zip(right["from"], right["to"])) == [("identified", "duplicates"), ("screened", "excluded_screening"),
                                                     ("assessed", "excluded_full_text")]
    for _, arrow in right.iterrows():
        source, target = boxes.loc[arrow["from"]], boxes.loc[arrow["to"]]
        assert (arrow["x"], arrow["x2"]) == (source["x2"], target["x"])  # edge to edge
        assert arrow["y"] == arrow["y2"]  # horizontal
        for box in (source, target):  # the arrow meets both boxes between their top and bottom
            assert box["y"] < arrow["y"] < box["y2"]


def test_screened_is_computed_when_duplicates_are_known(screening):
    known = screening.copy()
    known.loc[known["step_id"] == "duplicates_removed", "count"] = 100
    assert selection_arithmetic(known).records_screened == RECORDS_IDENTIFIED - 100


def test_arithmetic_flags_a_corrupted_count(screening):
    bad = screening.copy()
    bad.loc[bad["step_id"] == "full_texts_excluded", "count"] = 37
    assert selection_arithmetic(bad).adds_up is False


def test_missing_step_is_a_clear_error(screening):
    with pytest.raises(ValueError, match="records_identified"):
        prisma_frame(screening[screening["step_id"] != "records_identified"])
    with pytest.raises(ValueError, match="Unknown step_id"):
        step_count(screening, "no_such_step")


def test_excluded_reports_named_with_reasons():
    table = excluded_reports_table(load("excluded_reports").excluded_reports).set_index("report")
    # Campar 2022 abstract (seed 004): "a series of 8 patients"
    assert table.at["Campar 2022", "patients"] == 8
    assert "fewer than 10 patients" in table.at["Campar 2022", "reasons"]
    assert {"Shirai 2022", "Landon-Cardinal 2019"} <= set(table.index)


def test_flow_svg_is_deterministic_and_draws_six_arrows(screening):
    spec = prisma_flow(prisma_frame(screening)).to_dict()
    first, second = vl_convert.vegalite_to_svg(spec), vl_convert.vegalite_to_svg(spec)
    assert first.startswith("<svg") and first == second
    rule_group = re.search(r'<g class="mark-rule[^"]*"[^>]*>(.*?)</g>', first).group(1)
    lines = re.findall(r'aria-label="x: ([\d.]+); y: ([\d.]+); x2: ([\d.]+); y2: ([\d.]+)"', rule_group)
    assert len(lines) == 6
    horizontal = [line for line in lines if line[1] == line[3]]
    vertical = [line for line in lines if line[0] == line[2]]
    assert len(horizontal) == 3 and len(vertical) == 3
