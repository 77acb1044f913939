"""The project scripts `_quarto.yml` names (`pre-render`, `post-render`): `quarto_hook.py pre|post`.

Quarto runs a `.py` script with the Python it uses for the book (QUARTO_PYTHON, else python3 on
PATH), with the project folder as working directory; this file only makes the project's
packages importable (a script's own folder comes first on sys.path) and calls bookrender.quarto.
"""
import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

try:
    import vl_convert  # noqa: F401 - the heaviest of the book's dependencies the hooks need
    import yaml  # noqa: F401

    from bookrender.quarto import main
except ImportError as exc:
    sys.exit(f"bookrender: error: the Python Quarto runs for this book ({sys.executable}) lacks the book's "
             f"dependencies ({exc}). Run `make install` and render with QUARTO_PYTHON=.venv/bin/python.")

sys.exit(main(sys.argv[1:]))
