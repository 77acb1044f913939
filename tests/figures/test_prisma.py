import pandas as pd
import pytest

from analysis.report.figures.prisma import BOX_WIDTH_PX, prisma_flow, prisma_layout
from tests.figures.spec_tools import rows, views_of


def stages() -> pd.DataFrame:
    frame = pd.DataFrame([
        dict(stage_id="identified", label="Records identified", count=296, column=0, row=0, arrow_to="screened",
             phase="Identification"),
        dict(stage_id="removed", label="Duplicates removed", count=None, column=1, row=0, arrow_to=None,
             phase="Identification"),
        dict(stage_id="screened", label="Full texts assessed", count=45, column=0, row=1, arrow_to="excluded",
             phase="Screening"),
        dict(stage_id="excluded", label="Full texts excluded", count=38, column=1, row=1, arrow_to=None,
             reasons="Insufficient data\nSample under 10", phase="Screening"),
        dict(stage_id="included", label="Studies included", count=0, column=0, row=2, arrow_to=None, phase="Included"),
    ])
    frame["count"] = frame["count"].astype("Int64")
    frame.loc[0, "arrow_to"] = "screened"
    return frame


def stages_with_side_arrows() -> pd.DataFrame:
    """The same boxes, each main-flow box pointing down and right as in the PRISMA 2020 template."""
    frame = stages()
    frame.loc[0, "arrow_to"] = "screened; removed"
    frame.loc[2, "arrow_to"] = "included;excluded"  # spaces around the separator are optional
    return frame


def test_unreported_count_says_so_and_zero_stays_zero():
    boxes, _ = prisma_layout(stages())
    text = dict(zip(boxes["stage_id"], boxes["text"]))
    assert text["removed"] == "Duplicates removed\nn = not reported"
    assert text["included"].endswith("n = 0")
    assert text["excluded"] == "Full texts excluded\nn = 38\nInsufficient data\nSample under 10"


def test_boxes_text_and_arrows_in_the_spec():
    frame = stages()
    frame.loc[2, "arrow_to"] = "excluded"
    spec = prisma_flow(frame, title="Study selection").to_dict()
    (rect,) = views_of(spec, "rect")
    assert len(rows(spec, rect)) == 5
    assert all(r["x2"] - r["x"] == BOX_WIDTH_PX for r in rows(spec, rect))
    (arrow_rule,) = views_of(spec, "rule")
    arrows = {(a["from"], a["to"]): a for a in rows(spec, arrow_rule)}
    boxes = {b["stage_id"]: b for b in rows(spec, rect)}
    down = arrows[("identified", "screened")]
    assert (down["x"], down["y"], down["y2"]) == ((boxes["identified"]["x"] + boxes["identified"]["x2"]) / 2,
                                                  boxes["identified"]["y2"], boxes["screened"]["y"])
    right = arrows[("screened", "excluded")]
    assert (right["x"], right["x2"]) == (boxes["screened"]["x2"], boxes["excluded"]["x"])
    texts = [v for v in views_of(spec, "text") if v["encoding"]["text"]["field"] == "text"]
    assert texts and texts[0]["encoding"]["tooltip"]
    assert spec["title"] == "Study selection"


def test_one_box_points_down_and_right():
    spec = prisma_flow(stages_with_side_arrows()).to_dict()
    (rect,) = views_of(spec, "rect")
    boxes = {b["stage_id"]: b for b in rows(spec, rect)}
    (arrow_rule,) = views_of(spec, "rule")
    arrows = rows(spec, arrow_rule)
    assert len(arrows) == 4
    assert [(a["from"], a["to"], a["direction"]) for a in arrows] == [
        ("identified", "screened", "down"), ("identified", "removed", "right"),
        ("screened", "included", "down"), ("screened", "excluded", "right")]
    for a in arrows:
        source, target = boxes[a["from"]], boxes[a["to"]]
        if a["direction"] == "right":
            assert (a["x"], a["x2"]) == (source["x2"], target["x"])
            assert a["y"] == a["y2"]
            # level with the middle of the shorter box, inside both boxes
            shorter = min(source, target, key=lambda b: b["y2"] - b["y"])
            assert a["y"] == (shorter["y"] + shorter["y2"]) / 2
            assert source["y"] < a["y"] < source["y2"] and target["y"] < a["y"] < target["y2"]
        else:
            assert a["x"] == a["x2"] == (source["x"] + source["x2"]) / 2
            assert (a["y"], a["y2"]) == (source["y2"], target["y"])
    (heads,) = views_of(spec, "point")
    assert [(h["x2"], h["y2"]) for h in rows(spec, heads)] == [(a["x2"], a["y2"]) for a in arrows]


def test_bad_targets_in_a_list_are_named_one_by_one():
    frame = stages()
    frame.loc[0, "arrow_to"] = "screened; nowhere; screened"
    frame.loc[2, "arrow_to"] = "excluded;;removed"
    with pytest.raises(ValueError) as error:
        prisma_flow(frame)
    message = str(error.value)
    assert "4 problem(s)" in message
    assert "value 'screened; nowhere; screened': target 'nowhere': no stage has this stage_id" in message
    assert "target 'screened' is listed more than once" in message
    assert "value 'excluded;;removed': an empty stage_id" in message
    assert "value 'excluded;;removed': target 'removed': an arrow must go down its column or right along its row" in message


def test_bad_stages_are_reported_together():
    frame = stages()
    frame.loc[4, "arrow_to"] = "identified"  # upwards
    frame.loc[1, "arrow_to"] = "nowhere"
    frame.loc[3, "count"] = -1
    with pytest.raises(ValueError) as error:
        prisma_flow(frame)
    message = str(error.value)
    assert "3 problem(s)" in message
    assert "must go down its column or right along its row" in message
    assert "no stage has this stage_id" in message
    assert "expected a value >= 0" in message
