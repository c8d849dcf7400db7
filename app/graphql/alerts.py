"""The alert types: an alert, a call's attention, the global alerts stream's event."""

from datetime import datetime

import strawberry

from app.graphql.from_row import FromRow
from app.graphql.rule_enums import AlertStatus, Severity
from app.rules import models


@strawberry.type(description="A rule fired on a call. Supervisors acknowledge, then resolve it.")
class Alert:
    id: strawberry.ID
    call_id: str
    campaign_id: str | None
    rule_id: strawberry.ID | None = strawberry.field(description="Null once the rule is deleted.")
    rule_name: str
    severity: Severity
    status: AlertStatus
    reason: str = strawberry.field(description='Why it fired, as a sentence: CUSTOMER said "lawyer".')
    matched: str | None = strawberry.field(
        description="The line (as stored, redacted) or the value that matched."
    )
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    note: str | None = strawberry.field(description="The note given when it was resolved.")
    sequence: int = strawberry.field(description="The call event sequence of its ALERT_RAISED.")

    from_row = FromRow[models.Alert](
        id=lambda row: strawberry.ID(str(row.id)),
        rule_id=lambda row: strawberry.ID(str(row.rule_id)) if row.rule_id is not None else None,
        severity=lambda row: Severity(row.severity),
        status=lambda row: AlertStatus(row.status),
        sequence=lambda row: row.raised_seq,
    )
