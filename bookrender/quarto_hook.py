"""The project scripts `_quarto.yml` names (`pre-render`, `post-render`): `quarto_hook.py pre|post`.

Quarto runs a `.py` script with the Python it uses for the book (QUARTO_PYTHON, else python3 on
PATH), with the project folder as working directory; this file only makes the project's
packages importable (a script's own folder comes first on sys.path) and calls bookrender.quarto.
"""
import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bookrender.quarto import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
