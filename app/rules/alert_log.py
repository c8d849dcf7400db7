"""An alert's change on the call's log and on the global alerts stream, in one step.

Raising, acknowledging and resolving all come here: the call's event (ALERT_*), and the
``alert_log`` row with the stream's next sequence, taken under the counter's lock so the
alerts subscription reads a contiguous stream in commit order.
"""

from app.calls.enums import EventType
from app.calls.events import Event, Transaction, snapshot
from app.calls.models import LiveCall
from app.rules import counters
from app.rules.models import ALERT_SEQ, Alert, AlertLog


async def record_alert(tx: Transaction, call: LiveCall, alert: Alert, kind: EventType) -> Event:
    """Payload: the alert, the call (badges on the board) and ``alertSequence``, the stream's cursor."""
    assert alert.id is not None
    sequence = await counters.advance(tx.store, ALERT_SEQ)
    payload = {"alert": snapshot(alert), "call": snapshot(call), "alertSequence": sequence}
    event = tx.record(call, kind, payload)
    await tx.store.insert(
        AlertLog(
            id=sequence,
            alert_id=alert.id,
            call_id=call.call_id,
            campaign_id=alert.campaign_id,
            type=kind.value,
            payload=payload,
            created_at=event.created_at,
        )
    )
    return event
