import pandas as pd
import pytest

from analysis.report.figures.risk_of_bias import JUDGEMENTS, judgement, traffic_light
from tests.figures.spec_tools import rows, views_of


def test_judgement_mapping():
    assert [judgement("JBI", s) for s in (2, 1, 0, None)] == ["yes", "unclear", "no", "not reported"]
    assert [judgement("NOS", s) for s in (2, 1, 0)] == ["yes", "yes", "no"]
    with pytest.raises(ValueError, match="0 \\(no\\), 1 \\(unclear\\) or 2 \\(yes\\)"):
        judgement("JBI", 3)
    with pytest.raises(ValueError, match="valid tools"):
        judgement("ROB2", 1)


def scores() -> pd.DataFrame:
    # two rows of the paper's Table 2 (JBI) and one of Table 3 (NOS), items cut for brevity
    records = [dict(study="Landon-Cardinal 2023", tool="JBI", item=f"Q{i}", item_text=f"JBI question {i}", score=s,
                    max_score=2) for i, s in zip((8, 9, 10), (2, 0, 2))]
    records += [dict(study="Min 2022", tool="JBI", item=f"Q{i}", item_text=f"JBI question {i}", score=s, max_score=2)
                for i, s in zip((8, 9, 10), (2, 1, None))]
    records += [dict(study="Le Voyer 2021", tool="NOS", item=item, item_text=f"NOS item {item}", score=s, max_score=1)
                for item, s in (("IV", 0), ("V", 0), ("VI", 1))]
    frame = pd.DataFrame(records)
    frame["score"] = frame["score"].astype("Int64")
    return frame


def test_one_grid_per_tool_with_colour_and_symbol():
    spec = traffic_light(scores()).to_dict()
    jbi, nos = spec["hconcat"]
    assert jbi["title"]["text"].startswith("JBI") and nos["title"]["text"].startswith("Newcastle")
    (circles,) = views_of(jbi, "circle")
    (symbols,) = views_of(jbi, "text")
    assert symbols["encoding"]["text"]["field"] == "symbol"
    cells = {(r["study"], r["item"]): (r["judgement"], r["symbol"]) for r in rows(spec, circles)}
    assert cells[("Landon-Cardinal 2023", "Q9")] == ("no", "-")
    assert cells[("Min 2022", "Q9")] == ("unclear", "?")
    assert cells[("Min 2022", "Q10")] == ("not reported", "NR")
    assert circles["encoding"]["x"]["sort"] == ["Q8", "Q9", "Q10"]
    scale = circles["encoding"]["color"]["scale"]
    assert scale["range"] == [JUDGEMENTS[n].color for n in scale["domain"]]
    assert circles["encoding"]["tooltip"][2]["title"] == "Question"


def test_scores_above_the_maximum_are_rejected():
    frame = scores()
    frame.loc[6, "score"] = 2  # NOS item with max 1
    with pytest.raises(ValueError, match="above max_score 1"):
        traffic_light(frame)
