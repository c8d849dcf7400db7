"""An alert as JSON for the outside: the ``call.alert`` webhook's data."""

from typing import Any

from app.rules.models import Alert


def alert_document(alert: Alert) -> dict[str, Any]:
    def when(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": str(alert.id),
        "callId": alert.call_id,
        "campaignId": alert.campaign_id,
        "ruleId": str(alert.rule_id) if alert.rule_id is not None else None,
        "ruleName": alert.rule_name,
        "severity": alert.severity,
        "status": alert.status,
        "reason": alert.reason,
        "matched": alert.matched,
        "sequence": alert.raised_seq,
        "raisedAt": when(alert.raised_at),
        "acknowledgedAt": when(alert.acknowledged_at),
        "acknowledgedBy": alert.acknowledged_by,
        "resolvedAt": when(alert.resolved_at),
        "resolvedBy": alert.resolved_by,
        "note": alert.note,
    }
