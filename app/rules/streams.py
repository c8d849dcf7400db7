"""The alerts subscription: every alert event on the calls a caller sees, resumable by sequence.

The record is ``alert_log``, numbered by the ``alert_seq`` counter under its lock, so the
stream is contiguous and in commit order. The ``alerts`` channel is only a doorbell (the
ALERT_* call events, which carry ``alertSequence``): the subscription opens it first, reads
the counter, replays the log after the cursor, then follows the doorbell, dropping what it
has passed and refilling gaps from the log. Rows of other campaigns move the cursor on
without being shown.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from app.calls.enums import EventType
from app.calls.events import ALERTS_CHANNEL, Event
from app.calls.streams import next_message, subscribed
from app.core.db import Database
from app.core.errors import InvalidInput
from app.core.pubsub import PubSub
from app.core.scope import Scope
from app.rules.models import ALERT_SEQ, AlertLog, Counter

PAGE = 500


@dataclass(frozen=True)
class AlertEntry:
    """One entry of the alerts stream: its sequence, the event's type, the alert as it then was."""

    seq: int
    type: EventType
    call_id: str
    campaign_id: str | None
    alert: dict[str, Any]

    @classmethod
    def of_row(cls, row: AlertLog) -> "AlertEntry":
        return cls(row.id, EventType(row.type), row.call_id, row.campaign_id, row.payload["alert"])

    @classmethod
    def of_event(cls, event: Event) -> "AlertEntry":
        alert = event.payload["alert"]
        return cls(event.payload["alertSequence"], event.type, event.call_id, alert["campaign_id"], alert)


@dataclass(frozen=True)
class _Audience:
    scope: Scope
    campaign_id: str | None

    def sees(self, entry: AlertEntry) -> bool:
        if self.campaign_id is not None and entry.campaign_id != self.campaign_id:
            return False
        return self.scope.sees(entry.campaign_id)


async def _latest(db: Database) -> int:
    async with db.read() as session:
        row = await session.get(Counter, ALERT_SEQ)
    return row.value if row is not None else 0


async def _from_log(db: Database, audience: _Audience, *, after: int, until: int) -> list[AlertEntry]:
    """The entries the audience sees with ``after < seq <= until``, in order."""
    entries: list[AlertEntry] = []
    while after < until:
        query = (
            select(AlertLog)
            .where(
                col(AlertLog.id) > after,
                col(AlertLog.id) <= until,
                audience.scope.where(AlertLog.campaign_id),
            )
            .order_by(col(AlertLog.id))
            .limit(PAGE)
        )
        if audience.campaign_id is not None:
            query = query.where(AlertLog.campaign_id == audience.campaign_id)
        async with db.read() as session:
            rows = (await session.exec(query)).all()
        entries.extend(AlertEntry.of_row(row) for row in rows)
        if len(rows) < PAGE:
            break
        after = rows[-1].id
    return entries


async def follow_alerts(
    db: Database,
    pubsub: PubSub,
    *,
    scope: Scope,
    after_sequence: int | None = None,
    campaign_id: str | None = None,
) -> AsyncIterator[AlertEntry]:
    """Every alert event after ``after_sequence`` (or from now) the caller sees, in order, once each."""
    if after_sequence is not None and after_sequence < 0:
        raise InvalidInput("afterSequence", "must not be negative")
    if campaign_id is not None:
        scope.require("campaignId", campaign_id)
    audience = _Audience(scope, campaign_id)
    async with subscribed(pubsub, ALERTS_CHANNEL) as feed:
        latest = await _latest(db)
        if after_sequence is not None and after_sequence > latest:
            raise InvalidInput("afterSequence", f"is ahead of the alerts stream's last sequence {latest}")
        last = latest if after_sequence is None else after_sequence
        pending = await _from_log(db, audience, after=last, until=latest)
        last = latest
        while True:
            for entry in pending:
                yield entry
            pending = []
            message = await next_message(feed, last=last, behind="alerts")
            if message is None:
                latest = await _latest(db)
                pending = await _from_log(db, audience, after=last, until=latest)
                last = max(last, latest)
                continue
            entry = AlertEntry.of_event(Event.from_json(message))
            if entry.seq <= last:
                continue
            if entry.seq > last + 1:
                pending = await _from_log(db, audience, after=last, until=entry.seq - 1)
            if audience.sees(entry):
                pending.append(entry)
            last = entry.seq
