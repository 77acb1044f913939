"""`python -m bookrender`: the command line (`bookrender.cli`)."""
import sys

from bookrender.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())
