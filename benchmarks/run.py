"""Benchmark: prints build and engine figures measured on this machine (not a test).

    .venv/bin/python benchmarks/run.py [--skip-build]

Measures, on a temporary copy of the project:
- a cold full build (HTML + PDF, empty cache);
- a rebuild with no change;
- a rebuild after changing one data row (and which documents re-ran);
- a rebuild after editing one chapter's prose;
- the size of each HTML page and of the shared JavaScript;
- the engine: the full sensitivity grid (every outcome x r sweep x estimators x leave-one-out);
- when a Quarto >= 1.9 is on PATH, the same three renders with `quarto render` (QUARTO_PYTHON =
  this interpreter), with the documents Quarto executed (once per output format).
Targets (2 cores): cold <= 30 s, no-change <= 2 s, one-row edit re-runs only the documents
reading that table, each page <= 200 KB apart from the shared JavaScript, grid < 1 s.
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

from analysis.paths import DATA_DIR  # noqa: E402
from bookrender.project import copy_sources  # noqa: E402



def timed_build(root: Path, label: str, **kwargs):
    from bookrender.build import build

    start = time.perf_counter()
    report = build(root, log=lambda msg: None, **kwargs)
    seconds = time.perf_counter() - start
    reran = ", ".join(report.executed) or "none"
    print(f"{label:<38} {seconds:7.2f} s   re-executed: {reran}")
    return report


def edit_one_data_row(root: Path) -> str:
    """Append a word to the note of the first row of the adverse-events table."""
    path = root / "data" / "adverse_events.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    note = header.index("note") if "note" in header else len(header) - 1
    import csv
    import io

    rows = list(csv.reader(io.StringIO("".join(lines))))
    rows[1][note] = (rows[1][note] + " (benchmark edit)").strip()
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return f"data/adverse_events.csv row 1, column {header[note]}"


def timed_quarto(root: Path, label: str) -> None:
    import re
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["QUARTO_PYTHON"] = sys.executable
    start = time.perf_counter()
    proc = subprocess.run(["quarto", "render"], cwd=root, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        print(f"{label:<38} FAILED (exit {proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")
        return
    executed = re.findall(r"Executing '([^']+)\.quarto_ipynb'", proc.stdout + proc.stderr)
    counts = {name: executed.count(name) for name in dict.fromkeys(executed)}
    ran = ", ".join(f"{name} x{n}" for name, n in counts.items()) or "none"
    print(f"{label:<38} {seconds:7.2f} s   executed: {ran}")


def quarto_figures() -> None:
    """The cold, no-change and one-row-edit renders with real Quarto, on a fresh git copy."""
    import subprocess

    from bookrender.quarto import find_quarto

    if find_quarto() is None:
        print("\nQuarto: no quarto >= 1.9 on PATH, skipped")
        return
    print("\nReal Quarto (quarto render; each executed document counted once per output format):")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        copy_sources(ROOT, root)
        for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=bench", "-c", "user.email=bench@example.org",
                                                      "commit", "-q", "-m", "benchmark copy"]):
            subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
        timed_quarto(root, "quarto: cold render (empty freeze)")
        timed_quarto(root, "quarto: render, no change")
        where = edit_one_data_row(root)
        timed_quarto(root, "quarto: render after one data row edit")
        print(f"  (edited {where})")


def page_sizes(site: Path) -> None:
    print("\nHTML pages (bytes; target <= 200 KB each, the shared JavaScript excluded):")
    for page in sorted(site.rglob("*.html")):
        size = page.stat().st_size
        flag = "" if size <= 200_000 else "   OVER TARGET"
        print(f"  {page.relative_to(site).as_posix():<45} {size:>9,}{flag}")
    print("Shared files (loaded once per page, cached by the browser):")
    for shared in sorted((site / "site_libs").rglob("*")):
        if shared.is_file():
            print(f"  {shared.relative_to(site).as_posix():<45} {shared.stat().st_size:>9,}")
    for pdf in sorted(site.glob("*.pdf")):
        print(f"PDF {pdf.name}: {pdf.stat().st_size:,} bytes")


def engine_grid() -> None:
    from analysis.domain.sensitivity_grid import full_grid

    full_grid()  # warm-up: imports, first-call costs
    runs = 5
    start = time.perf_counter()
    for _ in range(runs):
        frame = full_grid()
    seconds = (time.perf_counter() - start) / runs
    print(f"\nEngine: full sensitivity grid ({len(frame)} pooled analyses) {seconds * 1000:8.1f} ms per run "
          f"(target < 1000 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-build", action="store_true", help="only the engine figures")
    parser.add_argument("--skip-quarto", action="store_true", help="leave out the real Quarto renders")
    args = parser.parse_args()
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if not args.skip_build:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "project"
            copy_sources(ROOT, root)
            os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
            report = timed_build(root, "cold full build (empty cache)", use_cache=False)
            timed_build(root, "rebuild, no change")
            where = edit_one_data_row(root)
            timed_build(root, "rebuild after one data row edit")
            print(f"  (edited {where})")
            chapter = root / "chapters" / "07-limitations.qmd"
            chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more sentence of prose.\n", encoding="utf-8")
            timed_build(root, "rebuild after one chapter's prose edit")
            page_sizes(report.output_dir)
    if not args.skip_build and not args.skip_quarto:
        quarto_figures()
    if DATA_DIR.exists():
        engine_grid()


if __name__ == "__main__":
    main()
