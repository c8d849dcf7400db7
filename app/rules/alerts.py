"""Supervisors acknowledge and resolve alerts: an event on the call's log and the alerts stream each.

Acknowledging an acknowledged alert, or resolving a resolved one, changes nothing and returns
it; acknowledging a resolved alert is a CONFLICT. Resolving takes the alert off the call's
open counts (``attention``).
"""

from app.calls.enums import EventType
from app.calls.events import Transaction
from app.calls.locks import lock_call
from app.calls.new_transcript_entry import MAX_TEXT_LENGTH
from app.core.errors import Conflict, NotFound
from app.core.sqltypes import utcnow
from app.core.validation import not_blank
from app.rules.alert_log import record_alert
from app.rules.attention import count_open
from app.rules.enums import AlertStatus, Severity
from app.rules.models import Alert


def alert_not_found(alert_id: str) -> NotFound:
    return NotFound(f"Alert {alert_id!r} not found", alertId=alert_id)


async def _locked(tx: Transaction, alert_id: str) -> Alert:
    """The alert and its call, both locked (the alert first), if the scope sees the call."""
    if not alert_id.isdigit() or len(alert_id) > 18:
        raise alert_not_found(alert_id)
    alert = await tx.store.one(Alert, lock=True, id=int(alert_id))
    if alert is None or not tx.scope.sees(alert.campaign_id):
        raise alert_not_found(alert_id)
    return alert


async def acknowledge_alert(tx: Transaction, *, alert_id: str) -> Alert:
    alert = await _locked(tx, alert_id)
    if alert.status == AlertStatus.ACKNOWLEDGED.value:
        return alert
    if alert.status == AlertStatus.RESOLVED.value:
        raise Conflict(f"Alert {alert_id!r} is resolved; it cannot be acknowledged", alertId=alert_id)
    call = await lock_call(tx, alert.call_id)
    alert.status = AlertStatus.ACKNOWLEDGED.value
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by = tx.actor
    await record_alert(tx, call, alert, EventType.ALERT_ACKNOWLEDGED)
    return alert


async def resolve_alert(tx: Transaction, *, alert_id: str, note: str | None = None) -> Alert:
    not_blank("note", note, max_length=MAX_TEXT_LENGTH)
    alert = await _locked(tx, alert_id)
    if alert.status == AlertStatus.RESOLVED.value:
        return alert
    call = await lock_call(tx, alert.call_id)
    alert.status = AlertStatus.RESOLVED.value
    alert.resolved_at = utcnow()
    alert.resolved_by = tx.actor
    alert.note = note
    count_open(call, Severity(alert.severity), -1)
    await record_alert(tx, call, alert, EventType.ALERT_RESOLVED)
    return alert
