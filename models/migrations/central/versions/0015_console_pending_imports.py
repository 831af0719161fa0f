"""console imports wait for their apply in the database (any worker may apply them)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "console_pending_import",
        sa.Column("ticket_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("session_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("ticket_hash"),
    )
    op.create_index(
        "ix_console_pending_import_session_hash", "console_pending_import", ["session_hash"]
    )
    op.create_index(
        "ix_console_pending_import_created_at", "console_pending_import", ["created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_console_pending_import_created_at", table_name="console_pending_import")
    op.drop_index("ix_console_pending_import_session_hash", table_name="console_pending_import")
    op.drop_table("console_pending_import")
