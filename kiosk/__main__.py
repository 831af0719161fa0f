"""`python -m kiosk` runs the `mestring` command line."""

import sys

from kiosk.cli import main

sys.exit(main())
