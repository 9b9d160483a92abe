#!/usr/bin/env python3
"""Build this scrollytelling site: `python build.py --help` lists the commands."""

import sys

from scrolly.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python build.py"))
