"""Developer tool: autogenerate the next revision of a tree from the models.

python -m models.migrations.autogen kiosk "what changed" 0003
"""

import sys
import tempfile
from pathlib import Path

from alembic import command

from models.db import make_engine
from models.migrate import alembic_config, upgrade


def main() -> None:
    kind, message, rev_id = sys.argv[1], sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        upgrade(engine, kind)  # type: ignore[arg-type]
        command.revision(
            alembic_config(engine, kind),  # type: ignore[arg-type]
            message=message,
            autogenerate=True,
            rev_id=rev_id,
        )


if __name__ == "__main__":
    main()
