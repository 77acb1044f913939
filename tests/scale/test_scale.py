"""A living review grows: the work per study must stay constant. Counted, not timed (timings are
the benchmark's, `benchmarks/scale.py`): the studies fed to the pooling engine by the sensitivity
grid, and the rows the data layer's rules walk, on the data package with every study repeated."""
from __future__ import annotations

import pytest

from analysis.data import load
from analysis.domain import sensitivity_grid
from analysis.domain.settings import PAPER_SETTINGS
from analysis.domain.study_effects import study_effects
from analysis.paths import DATA_DIR
from tests.scale.synthetic import scaled_data


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    """factor -> the evidence of the data package with every study repeated ``factor`` times."""
    root = tmp_path_factory.mktemp("scaled")
    return {factor: load(data_dir=scaled_data(DATA_DIR, root / f"x{factor}", factor, verdicts="copied"))
            for factor in (1, 20, 60, 180)}


def test_the_scaled_package_is_valid_and_pools_every_copy(scaled):
    one, many = study_effects(scaled[1], "cdasi_activity"), study_effects(scaled[20], "cdasi_activity")
    assert len(many) == 20 * len(one)
    assert set(many["study_id"]) >= {f"{s}-copy19" for s in one["study_id"]}
    copies = many[many["study_id"].str.contains("-copy")]
    public = one[one["tier"] != "missing"]
    # every public effect is copied, except those recovered from a one-arm result (they belong to that arm)
    assert (copies["tier"] != "missing").sum() == 19 * (public["tier"] != "recovered").sum()
    assert copies["label"].str.contains(r"\(copy \d+\)").all()


def _studies_pooled(evidence, monkeypatch) -> int:
    """The number of study results the sensitivity grid hands to the pooling engine."""
    fed = []
    real_pool, real_loo = sensitivity_grid.pool, sensitivity_grid.leave_one_out

    def counting_pool(y, v, **kwargs):
        fed.append(len(y))
        return real_pool(y, v, **kwargs)

    def counting_loo(y, v, labels, **kwargs):
        fed.append(len(y) * len(y))  # k pools of k - 1 studies, plus the full pool
        return real_loo(y, v, labels, **kwargs)

    monkeypatch.setattr(sensitivity_grid, "pool", counting_pool)
    monkeypatch.setattr(sensitivity_grid, "leave_one_out", counting_loo)
    sensitivity_grid.full_grid(evidence)
    return sum(fed)


def test_the_sensitivity_grid_does_constant_work_per_study_above_the_leave_one_out_limit(scaled, monkeypatch):
    k60 = len(study_effects(scaled[60], "cdasi_activity").query("tier != 'missing'"))
    assert k60 > PAPER_SETTINGS.leave_one_out_max_k  # both scaled packages are above the limit
    work60, work180 = _studies_pooled(scaled[60], monkeypatch), _studies_pooled(scaled[180], monkeypatch)
    assert work180 / work60 == pytest.approx(3, rel=0.05)  # three times the studies, three times the work


def test_above_the_limit_the_grid_keeps_the_all_study_rows_and_says_why(scaled):
    grid = sensitivity_grid.full_grid(scaled[60])
    cdasi = grid[grid["outcome"] == "cdasi_activity"]
    assert (cdasi["omitted"] == "").all()
    assert len(cdasi) == len(PAPER_SETTINGS.rs) * len(sensitivity_grid.GRID_METHODS) * len(sensitivity_grid.GRID_CI_METHODS)
    limit = PAPER_SETTINGS.leave_one_out_max_k
    assert cdasi["note"].str.contains(f"leave-one-out not listed: k = \\d+ is above {limit}").all()
    small = sensitivity_grid.full_grid(scaled[1])
    assert (small["omitted"] != "").any() and not small["note"].str.contains("leave-one-out not listed").any()


def test_the_rules_walk_a_constant_number_of_rows_per_data_row(scaled, monkeypatch):
    """Each rule pass reads every row a fixed number of times, whatever the size of the tables."""
    from analysis.data import tables

    walked = []
    real_rows = tables.LoadedTable.rows

    def counting_rows(self):
        for item in real_rows(self):
            walked.append(self.file)
            yield item

    monkeypatch.setattr(tables.LoadedTable, "rows", counting_rows)
    from collections import Counter
    from pathlib import Path

    per_row = {}
    for factor in (1, 20):
        walked.clear()
        evidence = load(data_dir=scaled[factor].data_dir)
        sizes = {f"{name}.csv": len(evidence.table(name)) for name in evidence.tables}
        per_row[factor] = {file: count / sizes[Path(file).name] for file, count in
                           Counter(Path(f).name for f in walked).items()}
    assert per_row[20] == pytest.approx(per_row[1]), per_row  # passes per row of each table: the same
