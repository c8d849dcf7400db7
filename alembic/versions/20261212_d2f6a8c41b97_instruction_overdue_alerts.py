"""instruction overdue alerts: the marker that an unacknowledged instruction raised its alert

Revision ID: d2f6a8c41b97
Revises: b41e7c0d2a95
Create Date: 2026-12-12 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.sqltypes

revision: str = "d2f6a8c41b97"
down_revision: str | None = "b41e7c0d2a95"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agent_instructions") as batch:
        batch.add_column(
            sa.Column("overdue_alerted_at", app.core.sqltypes.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_index(
        "ix_agent_instructions_overdue",
        "agent_instructions",
        ["status", "overdue_alerted_at", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_agent_instructions_overdue", table_name="agent_instructions")
    with op.batch_alter_table("agent_instructions") as batch:
        batch.drop_column("overdue_alerted_at")
