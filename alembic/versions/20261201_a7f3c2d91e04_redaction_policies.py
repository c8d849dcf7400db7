"""redaction policies on campaigns and calls; the payment pause

Revision ID: a7f3c2d91e04
Revises: d558df26b8c2
Create Date: 2026-12-01 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.core.sqltypes

revision: str = "a7f3c2d91e04"
down_revision: str | None = "d558df26b8c2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("redaction", sa.JSON(), nullable=True))
    with op.batch_alter_table("live_calls") as batch:
        batch.add_column(sa.Column("redaction", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("paused_at", app.core.sqltypes.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("paused_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("live_calls") as batch:
        batch.drop_column("paused_by")
        batch.drop_column("paused_at")
        batch.drop_column("redaction")
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("redaction")
