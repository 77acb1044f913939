"""Benchmark: how the work grows with the evidence (prints figures; not a test).

    .venv/bin/python benchmarks/scale.py [--factors 1 10 100 1000] [--skip-render] [--render-budget 600]

For each factor, the data package with every included study repeated that many times
(`tests/scale/synthetic.py`) is timed through the layers a render goes through:
- load: reading and validating the whole package (`analysis.data.load`);
- effects: the study effects of every outcome (`analysis.domain.study_effects`);
- grid: the full sensitivity grid (`analysis.domain.sensitivity_grid.full_grid`);
- render: `python -m bookrender render --engine own --no-cache` on a copy of the project whose
  `data/` is the scaled package (HTML pages, search index and PDF), after the package's statement
  register is re-recorded with the code's verdicts (not timed; the book stops on a register that
  disagrees with the code). A step that runs longer than
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

    root = copy_sources(ROOT, tmp / "project")
    shutil.rmtree(root / "data")
    shutil.copytree(data_dir, root / "data")
    # the book stops on a statement register that disagrees with the code: re-record it first (not timed)
    record = [sys.executable, "-c", "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
              "from tests.scale.synthetic import record_code_verdicts; record_code_verdicts(Path(sys.argv[2]))",
              str(ROOT), str(root / "data")]
    seconds, output, code = _run(record, ROOT, budget)
    if code is None:
        return (f"not measured: re-recording the statement register for the scaled data ran over {budget:.0f} s "
                "(its checks are run before the book is built)")
    if code != 0:
        return f"not measured: re-recording the statement register fails: {_last_line(output)}"
    command = [sys.executable, "-m", "bookrender", "render", "--engine", "own", "--no-cache",
               "--cell-timeout", str(int(budget))]
    seconds, output, code = _run(command, root, budget)
    if code is None:
        return f"not measured: the build ran over the budget of {budget:.0f} s and was stopped"
    if code != 0:
        return f"fails after {seconds:.0f} s: {_last_line(output)}"
    return f"{seconds:8.1f} s"


def _run(command: list[str], cwd: Path, budget: float) -> tuple[float, str, int | None]:
    """Run ``command`` in a session of its own (so it and its kernels stop together); the seconds, the
    output and the exit code, or ``None`` for the code when it ran over ``budget`` and was stopped."""
    import signal
    import subprocess

    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    try:
        output, _ = process.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
        return time.perf_counter() - start, output, None
    return time.perf_counter() - start, output, process.returncode


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
            data_dir = scaled_data(DATA_DIR, Path(tmp) / "data", factor, verdicts="copied")
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
