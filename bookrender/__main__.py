import sys

from bookrender.cli import main

sys.exit(main())
