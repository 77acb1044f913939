"""Command line: `python -m bookrender render [--no-cache] [--engine auto|own|quarto] [--cell-timeout S]
[--max-output-mb MB]`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bookrender.errors import RenderError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bookrender", description="Render a Quarto book to an HTML site and a PDF.")
    sub = parser.add_subparsers(dest="command", required=True)
    render = sub.add_parser("render", help="build _site/ (HTML + versioned PDF)")
    render.add_argument("--root", default=".", help="the book's folder (holding _quarto.yml); default: here")
    render.add_argument("--engine", choices=("auto", "own", "quarto"), default="auto",
                        help="auto: real Quarto >= 1.9 when on PATH, else bookrender's own engine")
    render.add_argument("--no-cache", action="store_true", help="re-execute every document")
    render.add_argument("--output-dir", default=None, help="override project.output-dir")
    render.add_argument("--jobs", type=int, default=None, help="documents executed in parallel (default: cores)")
    render.add_argument("--cell-timeout", type=float, default=None, metavar="SECONDS",
                        help="stop a cell that runs longer (default: $BOOKRENDER_CELL_TIMEOUT, else 600)")
    render.add_argument("--max-output-mb", type=float, default=None, metavar="MB",
                        help="output one document may print or display (default: $BOOKRENDER_MAX_OUTPUT_MB, else 20)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = Path(args.root).resolve()
    try:
        from bookrender.quarto import find_quarto, render_with_quarto

        quarto = find_quarto() if args.engine in ("auto", "quarto") else None
        if args.engine == "quarto" and quarto is None:
            raise RenderError("--engine quarto: no Quarto >= 1.9 on PATH. Install Quarto, or use --engine own.")
        if quarto is not None:
            render_with_quarto(quarto, root, args.output_dir)
            return 0
        from bookrender.build import build
        from bookrender.limits import Limits

        limits = Limits.resolve(args.cell_timeout, args.max_output_mb)
        report = build(root, output_dir=args.output_dir, use_cache=not args.no_cache, jobs=args.jobs,
                       log=lambda msg: print(f"bookrender: {msg}", file=sys.stderr), limits=limits)
    except RenderError as exc:
        print(f"bookrender: error: {exc}", file=sys.stderr)
        return 128 + exc.signum if hasattr(exc, "signum") else 1
    except KeyboardInterrupt:
        print("bookrender: error: interrupted; the previous site was left untouched.", file=sys.stderr)
        return 130
    state = "unchanged, kept" if report.site_reused else "written"
    print(f"bookrender: {report.output_dir} {state} in {report.seconds:.1f} s "
          f"(executed: {len(report.executed)}, from cache: {len(report.cached)}); PDF: {report.pdf}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
