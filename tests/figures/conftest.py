import pandas as pd
import pytest


@pytest.fixture
def forest_frame() -> pd.DataFrame:
    """A hand-made forest: a heading, two studies (one not available), a subgroup, overall, prediction."""
    return pd.DataFrame(
        [
            dict(row_order=0, label="Tofacitinib", row_type="heading"),
            dict(row_order=1, label="Study A", row_type="study", n=10, estimate=-18.5, ci_low=-26.0, ci_high=-11.0,
                 weight_pct=40.0, tier="primary", source="abstract"),
            dict(row_order=2, label="Study B", row_type="study", n=11, tier="missing"),
            dict(row_order=3, label="Study C", row_type="study", n=16, estimate=-11.2, ci_low=-21.5, ci_high=-0.9,
                 weight_pct=20.0, tier="recovered"),
            dict(row_order=4, label="Subtotal", row_type="subgroup", estimate=-16.0, ci_low=-21.0, ci_high=-11.0,
                 weight_pct=60.0, tier="derived"),
            dict(row_order=6, label="Overall", row_type="overall", estimate=-17.67, ci_low=-20.94, ci_high=-14.41,
                 weight_pct=100.0, tier="derived"),
            dict(row_order=7, label="Prediction interval", row_type="prediction", pi_low=-25.0, pi_high=-9.0,
                 tier="derived"),
        ]
    ).astype({"n": "Int64"})
