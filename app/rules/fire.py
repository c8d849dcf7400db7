"""Raising an alert on a call: a rule's firing, or the system's own alerts, in the transaction
that tripped it."""

from app.calls.enums import CallStatus, EventType
from app.calls.events import Transaction
from app.calls.models import LiveCall
from app.calls.supervision import recommend
from app.core.sqltypes import utcnow
from app.rules.alert_log import record_alert
from app.rules.attention import count_open
from app.rules.documents import alert_document
from app.rules.enums import AlertStatus, Severity
from app.rules.models import Alert
from app.rules.ruleset import ActiveRule
from app.rules.state import rule_state
from app.webhooks.enums import WebhookEventType
from app.webhooks.outbox import enqueue


async def raise_alert(
    tx: Transaction, call: LiveCall, rule: ActiveRule, *, reason: str, matched: str | None
) -> Alert | None:
    """Raise ``rule``'s alert on the locked ``call``, unless it fired there within its cooldown
    or the call has ended (``None`` then), and run the rule's actions: a coaching recommendation,
    a ``call.alert`` webhook.
    """
    if call.status == CallStatus.ENDED.value:
        return None
    now = utcnow()
    state = await rule_state(tx.store, rule.id, call)
    fired = state.last_fired_at
    if fired is not None and (now - fired).total_seconds() < rule.cooldown_seconds:
        return None
    state.last_fired_at = now
    alert = await open_alert(
        tx,
        call,
        rule_id=rule.id,
        name=rule.name,
        severity=rule.severity,
        reason=reason,
        matched=matched,
        webhook=rule.webhook,
    )
    if rule.coaching is not None:
        template = rule.coaching
        await recommend(
            tx,
            call,
            type=template.type,
            title=template.title,
            description=template.description,
            priority=template.priority,
        )
    return alert


async def open_alert(
    tx: Transaction,
    call: LiveCall,
    *,
    rule_id: int | None,
    name: str,
    severity: Severity,
    reason: str,
    matched: str | None,
    webhook: bool = False,
) -> Alert:
    """An OPEN alert on the locked ``call``, whoever raised it (``rule_id`` ``None``: the system).

    The alert row, ALERT_RAISED on the call's log, the call's open counters, the alerts
    stream's row, and a ``call.alert`` webhook when ``webhook``. Every alert is raised here.
    """
    assert call.id is not None
    alert = Alert(
        live_call_id=call.id,
        call_id=call.call_id,
        campaign_id=call.campaign_id,
        rule_id=rule_id,
        rule_name=name,
        severity=severity.value,
        status=AlertStatus.OPEN.value,
        reason=reason,
        matched=matched,
        raised_seq=call.last_sequence + 1,
        raised_at=utcnow(),
    )
    await tx.store.insert(alert)
    count_open(call, severity, 1)
    event = await record_alert(tx, call, alert, EventType.ALERT_RAISED)
    assert event.seq == alert.raised_seq
    if webhook:
        await enqueue(
            tx.store,
            type=WebhookEventType.CALL_ALERT,
            call_id=call.call_id,
            data={"callId": call.call_id, "alert": alert_document(alert)},
        )
    return alert
