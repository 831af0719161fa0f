"""The `mestring` process entry point, with the garbage collector paused during start-up.

Start-up builds about 120,000 objects that live as long as the process (modules, ORM
mappers, Textual's styles) and almost no garbage (about 6,000 objects, under 1 MB). Left
on, the collector scans the growing heap over and over: about 0.1 s of a kiosk's start. So
collection is paused until start-up is over, then the objects built so far are frozen
(``gc.freeze``: never scanned again, which also keeps later collections short while staff
type) and collection resumes.
"""

from __future__ import annotations

import gc


def main() -> int:
    """The `mestring` console script."""
    gc.disable()
    from cli.main import main as cli_main

    return cli_main()


def finished() -> None:
    """Start-up is over: freeze what it built and collect garbage as usual from now on.

    A no-op when collection is already on (e.g. a command run inside a test process)."""
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()
