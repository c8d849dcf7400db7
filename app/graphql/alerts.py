"""Alerts in GraphQL: the types, the alerts query, acknowledge and resolve, the alerts subscription."""

from collections.abc import AsyncGenerator
from datetime import datetime
from functools import partial

import strawberry
from strawberry.types import Info

from app.calls.events import restored
from app.core.validation import in_range
from app.graphql.context import Context
from app.graphql.enums import CallEventType
from app.graphql.from_row import FromRow
from app.graphql.rule_enums import AlertStatus, Severity
from app.rules import alerts, models, reads, streams
from app.rules.reads import MAX_ALERTS
from app.rules.streams import AlertEntry

Ctx = Info[Context, None]


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
        sequence=lambda row: row.raised_seq,
    )


@strawberry.type(description="A call's open alerts (OPEN or ACKNOWLEDGED, not RESOLVED), by severity.")
class Attention:
    open_alerts: int
    critical: int
    warning: int
    info: int
    highest_severity: Severity | None

    @classmethod
    def of(cls, critical: int, warning: int, info: int) -> "Attention":
        highest = (
            Severity.CRITICAL
            if critical
            else Severity.WARNING
            if warning
            else Severity.INFO
            if info
            else None
        )
        return cls(
            open_alerts=critical + warning + info,
            critical=critical,
            warning=warning,
            info=info,
            highest_severity=highest,
        )


@strawberry.type(description="An entry of the alerts stream: an alert raised, acknowledged or resolved.")
class AlertEvent:
    sequence: int = strawberry.field(
        description="The alerts stream's cursor (across calls): resume with afterSequence."
    )
    type: CallEventType
    call_id: str
    alert: Alert

    @classmethod
    def of(cls, entry: AlertEntry) -> "AlertEvent":
        row = restored(models.Alert, entry.alert)
        return cls(sequence=entry.seq, type=entry.type, call_id=entry.call_id, alert=Alert.from_row(row))


@strawberry.type
class AlertQuery:
    @strawberry.field(
        description=f"Alerts on the calls the caller sees, newest first (first: 1 to {MAX_ALERTS})."
    )
    async def alerts(
        self,
        info: Ctx,
        status: AlertStatus | None = None,
        severity: Severity | None = None,
        campaign_id: str | None = None,
        call_id: str | None = None,
        first: int = 100,
    ) -> list[Alert]:
        in_range("first", first, 1, MAX_ALERTS)
        async with info.context.services.db.read() as session:
            rows = await reads.list_alerts(
                session,
                scope=info.context.scope,
                status=status,
                severity=severity,
                campaign_id=campaign_id,
                call_id=call_id,
                first=first,
            )
        return [Alert.from_row(row) for row in rows]


@strawberry.type
class AlertMutation:
    @strawberry.mutation(
        description="Acknowledge an alert (still open); again is a no-op, a resolved one is CONFLICT."
    )
    async def acknowledge_alert(self, info: Ctx, alert_id: strawberry.ID) -> Alert:
        row = await info.context.write(partial(alerts.acknowledge_alert, alert_id=str(alert_id)))
        return Alert.from_row(row)

    @strawberry.mutation(description="Resolve an alert, with an optional note; again is a no-op.")
    async def resolve_alert(self, info: Ctx, alert_id: strawberry.ID, note: str | None = None) -> Alert:
        row = await info.context.write(partial(alerts.resolve_alert, alert_id=str(alert_id), note=note))
        return Alert.from_row(row)


@strawberry.type
class AlertSubscription:
    @strawberry.subscription(
        description=(
            "Every alert raised, acknowledged or resolved on the calls the token sees. With "
            "`afterSequence` (an AlertEvent's sequence) it replays what came after, then goes live: "
            "nothing missed, nothing twice, in order."
        )
    )
    async def alerts(
        self, info: Ctx, after_sequence: int | None = None, campaign_id: str | None = None
    ) -> AsyncGenerator[AlertEvent, None]:
        services = info.context.services
        async for entry in streams.follow_alerts(
            services.db,
            services.pubsub,
            scope=info.context.scope,
            after_sequence=after_sequence,
            campaign_id=campaign_id,
        ):
            yield AlertEvent.of(entry)
