"""Benchmark: how the work grows with the evidence (prints figures; not a test).

    .venv/bin/python benchmarks/scale.py [--factors 1 10 100 1000] [--skip-render] [--render-budget 600]

For each factor, the data package with every included study repeated that many times
(`tests/scale/synthetic.py`) is timed through the layers a render goes through:
- load: reading and validating the whole package (`analysis.data.load`);
- effects: the study effects of every outcome (`analysis.domain.study_effects`);
- grid: the full sensitivity grid (`analysis.domain.sensitivity_grid.full_grid`);
- render: `python -m bookrender render --engine own --no-cache` on a copy of the project whose
  `data/` is the scaled package (HTML pages, search index and PDF). A build that runs longer than
  `--render-budget` seconds is stopped and printed as "not measured" with the reason; a failing
  build prints its last line of output instead of a time.
Per-study figures (seconds divided by the number of studies) show whether the work per study stays
constant as the review grows.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.data import load  # noqa: E402
from analysis.domain.outcomes import outcome_registry  # noqa: E402
from analysis.domain.sensitivity_grid import full_grid  # noqa: E402
from analysis.domain.study_effects import study_effects  # noqa: E402
from analysis.paths import DATA_DIR  # noqa: E402
from bookrender.project import copy_sources  # noqa: E402
from tests.scale.synthetic import scaled_data  # noqa: E402


def timed(call):
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def all_effects(evidence) -> int:
    rows = 0
    for outcome in outcome_registry(evidence):
        try:
            rows += len(study_effects(evidence, outcome))
        except ValueError:  # an outcome the paper pooled no arms for
            continue
    return rows


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1][:200] if lines else "no output"


def render_seconds(data_dir: Path, tmp: Path, budget: float) -> str:
    """Seconds for the own engine to build a copy of the book holding ``data_dir`` as its data, or why not."""
    import shutil
    import signal
    import subprocess

    root = copy_sources(ROOT, tmp / "project")
    shutil.rmtree(root / "data")
    shutil.copytree(data_dir, root / "data")
    command = [sys.executable, "-m", "bookrender", "render", "--engine", "own", "--no-cache",
               "--cell-timeout", str(int(budget))]
    start = time.perf_counter()
    # a session of its own, so that the build and its kernels can be stopped together at the budget
    build = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)
    try:
        output, _ = build.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        os.killpg(build.pid, signal.SIGTERM)
        try:
            build.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(build.pid, signal.SIGKILL)
            build.communicate()
        return f"not measured: the build ran over the budget of {budget:.0f} s and was stopped"
    seconds = time.perf_counter() - start
    if build.returncode != 0:
        return f"fails after {seconds:.0f} s: {_last_line(output)}"
    return f"{seconds:8.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100, 1000])
    parser.add_argument("--skip-render", action="store_true")
    parser.add_argument("--render-budget", type=float, default=600.0,
                        help="seconds a render may take before it is stopped and printed as not measured")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{'factor':>6} {'studies':>8} {'load s':>8} {'effects s':>10} {'rows':>7} {'grid s':>8} {'grid rows':>10}"
          f" {'ms/study (load+effects+grid)':>30}  render")
    for factor in args.factors:
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = scaled_data(DATA_DIR, Path(tmp) / "data", factor)
            evidence, load_s = timed(lambda: load(data_dir=data_dir))
            n_studies = len(evidence.table("studies"))
            rows, effects_s = timed(lambda: all_effects(evidence))
            grid, grid_s = timed(lambda: full_grid(evidence))
            per_study = 1000 * (load_s + effects_s + grid_s) / n_studies
            render = "skipped" if args.skip_render else render_seconds(data_dir, Path(tmp), args.render_budget)
            print(f"{factor:>6} {n_studies:>8} {load_s:>8.2f} {effects_s:>10.2f} {rows:>7} {grid_s:>8.2f} "
                  f"{len(grid):>10} {per_study:>30.1f}  {render}", flush=True)


if __name__ == "__main__":
    main()
