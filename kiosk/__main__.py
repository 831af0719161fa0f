"""`python -m kiosk` runs the `mestring` command line."""

import sys

from kiosk.startup import main

sys.exit(main())
