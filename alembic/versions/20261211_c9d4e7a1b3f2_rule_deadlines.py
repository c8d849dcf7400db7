"""rule deadlines: the durable clocks of the time-based rule conditions

Revision ID: c9d4e7a1b3f2
Revises: b5e81c0d4f27
Create Date: 2026-12-11 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.core.sqltypes

revision: str = "c9d4e7a1b3f2"
down_revision: str | None = "b5e81c0d4f27"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_when = app.core.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "rule_deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("live_call_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("due_at", _when(timezone=True), nullable=True),
        sa.Column("since", _when(timezone=True), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["live_call_id"], ["live_calls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rule_id"], ["rules.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rule_id", "live_call_id", name="uq_rule_deadlines"),
    )
    op.create_index("ix_rule_deadlines_live_call_id", "rule_deadlines", ["live_call_id"])
    op.create_index("ix_rule_deadlines_due_at", "rule_deadlines", ["due_at"])


def downgrade() -> None:
    op.drop_index("ix_rule_deadlines_due_at", table_name="rule_deadlines")
    op.drop_index("ix_rule_deadlines_live_call_id", table_name="rule_deadlines")
    op.drop_table("rule_deadlines")
