"""`python -m scrolly …`: the same commands as the `scrolly` script."""

import sys

from .cli import main

sys.exit(main(prog="python -m scrolly"))
