"""Entry point for `python -m litatlas`."""

import sys

from litatlas.cli import main

sys.exit(main())
