"""rules and alerts: rules, alerts, per-rule call state, the alert stream, counters, attention counts

Revision ID: b5e81c0d4f27
Revises: a7f3c2d91e04
Create Date: 2026-12-10 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.core.sqltypes

revision: str = "b5e81c0d4f27"
down_revision: str | None = "a7f3c2d91e04"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_when = app.core.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("condition", sa.JSON(), nullable=False),
        sa.Column("coaching", sa.JSON(), nullable=True),
        sa.Column("webhook", sa.Boolean(), nullable=False),
        sa.Column("cooldown_seconds", sa.Float(), nullable=False),
        sa.Column("created_at", _when(timezone=True), nullable=False),
        sa.Column("updated_at", _when(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rules_campaign_id", "rules", ["campaign_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("live_call_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("rule_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("matched", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("raised_seq", sa.Integer(), nullable=False),
        sa.Column("raised_at", _when(timezone=True), nullable=False),
        sa.Column("acknowledged_at", _when(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("resolved_at", _when(timezone=True), nullable=True),
        sa.Column("resolved_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["live_call_id"], ["live_calls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rule_id"], ["rules.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alerts_live_call_id", "alerts", ["live_call_id"])
    op.create_index("ix_alerts_campaign_id", "alerts", ["campaign_id"])
    op.create_index("ix_alerts_status_severity", "alerts", ["status", "severity"])
    op.create_table(
        "rule_call_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("live_call_id", sa.Integer(), nullable=False),
        sa.Column("last_fired_at", _when(timezone=True), nullable=True),
        sa.Column("streak", sa.Integer(), nullable=False),
        sa.Column("since", _when(timezone=True), nullable=True),
        sa.Column("said", sa.Boolean(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["live_call_id"], ["live_calls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rule_id"], ["rules.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rule_id", "live_call_id", name="uq_rule_call_states"),
    )
    op.create_index("ix_rule_call_states_live_call_id", "rule_call_states", ["live_call_id"])
    op.create_table(
        "alert_log",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", _when(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alert_log_alert_id", "alert_log", ["alert_id"])
    counters = op.create_table(
        "counters",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(counters, [{"id": "rule_version", "value": 0}, {"id": "alert_seq", "value": 0}])
    with op.batch_alter_table("live_calls") as batch:
        batch.add_column(sa.Column("open_critical", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("open_warning", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("open_info", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("live_calls") as batch:
        batch.drop_column("open_info")
        batch.drop_column("open_warning")
        batch.drop_column("open_critical")
    op.drop_table("counters")
    op.drop_index("ix_alert_log_alert_id", table_name="alert_log")
    op.drop_table("alert_log")
    op.drop_index("ix_rule_call_states_live_call_id", table_name="rule_call_states")
    op.drop_table("rule_call_states")
    op.drop_index("ix_alerts_status_severity", table_name="alerts")
    op.drop_index("ix_alerts_campaign_id", table_name="alerts")
    op.drop_index("ix_alerts_live_call_id", table_name="alerts")
    op.drop_table("alerts")
    op.drop_index("ix_rules_campaign_id", table_name="rules")
    op.drop_table("rules")
