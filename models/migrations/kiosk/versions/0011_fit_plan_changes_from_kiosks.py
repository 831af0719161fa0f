"""fit plan changes from kiosks

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fit_plan_change",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("site_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("hlc", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("target_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("staff_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fit_plan_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fit_plan_change_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_fit_plan_change_target_id"), ["target_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("fit_plan_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fit_plan_change_target_id"))
        batch_op.drop_index(batch_op.f("ix_fit_plan_change_site_id"))
    op.drop_table("fit_plan_change")
