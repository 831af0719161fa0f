"""`python -m cli` runs the `mestring` command line."""

import sys

from cli.startup import main

sys.exit(main())
