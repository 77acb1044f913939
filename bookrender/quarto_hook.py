"""The project scripts `_quarto.yml` names (`pre-render`, `post-render`): `quarto_hook.py pre|post`.

Quarto runs a `.py` script with the Python it uses for the book (QUARTO_PYTHON, else python3 on
PATH), with the project folder as working directory; this file only makes the project's
packages importable (a script's own folder comes first on sys.path) and calls bookrender.quarto.
"""
import sys
from pathlib import Path

__all__ = ["run"]


def run(argv: list[str]) -> int:
    """Check that this Python has the book's dependencies, then `bookrender.quarto.main(argv)`."""
    try:
        import vl_convert  # noqa: F401 - the heaviest of the book's dependencies the hooks need
        import yaml  # noqa: F401

        from bookrender.quarto import main
    except ImportError as exc:
        print(f"bookrender: error: the Python Quarto runs for this book ({sys.executable}) lacks the book's "
              f"dependencies ({exc}). Run `make install` and render with QUARTO_PYTHON=.venv/bin/python.",
              file=sys.stderr)
        return 1
    return main(argv)


if __name__ == "__main__":  # run as a script: the project folder, not bookrender/, is where packages are
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    sys.exit(run(sys.argv[1:]))
