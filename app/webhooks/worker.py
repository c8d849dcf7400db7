"""Delivers the webhook outbox: at least once, with retries and exponential backoff.

Each round fans new outbox events out to the configured URLs, then claims the
deliveries that are due. A claim moves ``next_attempt_at`` past the attempt's
deadline before the POST, so if this process dies mid-attempt the delivery
comes due again and another round (or process) retries it. POSTs run outside
any transaction; their outcomes are written in one short transaction after.
The worker wakes on the board's CALL_ENDED events, and otherwise polls.
"""

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import func
from sqlmodel import col, select

from app.calls.enums import EventType
from app.calls.events import BOARD_CHANNEL, Event
from app.core.config import Settings
from app.core.db import Database
from app.core.pubsub import PubSub, Subscription
from app.core.sqltypes import utcnow
from app.webhooks.enums import DeliveryStatus
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEvent
from app.webhooks.signing import SIGNATURE_HEADER, signature

log = logging.getLogger(__name__)

BATCH = 20
USER_AGENT = "live-call-monitor-webhooks/1"
LEASE_MARGIN = timedelta(seconds=30)


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    url: str
    attempt: int
    event_id: str
    body: str


@dataclass(frozen=True)
class Outcome:
    claim: Claim
    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: float

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def backoff(settings: Settings, attempt: int) -> float:
    """Seconds before retry number ``attempt``: doubling from the base, capped, jittered by ±20%."""
    delay = min(settings.webhook_backoff_max, settings.webhook_backoff * (1 << (attempt - 1)))
    return delay * random.uniform(0.8, 1.2)


class WebhookWorker:
    def __init__(self, settings: Settings, db: Database, pubsub: PubSub) -> None:
        self.settings = settings
        self.db = db
        self.pubsub = pubsub
        self.urls = settings.webhook_urls
        self.secret = settings.webhook_secret.get_secret_value()

    async def run(self) -> None:
        """Deliver until cancelled; whatever fails is logged and retried after the poll interval."""
        poll = self.settings.webhook_poll_interval
        while True:
            try:
                async with (
                    httpx.AsyncClient(headers={"User-Agent": USER_AGENT}) as client,
                    self._doorbell() as bell,
                ):
                    while True:
                        try:
                            wait = await self.round(client)
                        except Exception:
                            log.exception("webhook delivery round failed")
                            wait = poll
                        await self._sleep(bell, wait)
            except Exception:
                log.exception("webhook worker failed; restarting")
                await asyncio.sleep(poll)

    async def round(self, client: httpx.AsyncClient) -> float:
        """Dispatch new events, deliver what is due; the seconds until work is next due."""
        await self.dispatch()
        due_in = await self._due_in()
        if due_in is not None and due_in <= 0:
            claims = await self._claim()
            if claims:
                outcomes = await asyncio.gather(*(self._post(client, claim) for claim in claims))
                await self._record(outcomes)
            due_in = await self._due_in()
        poll = self.settings.webhook_poll_interval
        return poll if due_in is None else min(max(due_in, 0.0), poll)

    async def dispatch(self) -> int:
        """Give each new outbox event one delivery per configured URL (none when none is set)."""
        async with self.db.read() as session:
            waiting = (
                await session.exec(select(WebhookEvent.id).where(col(WebhookEvent.dispatched_at).is_(None)))
            ).first()
        if waiting is None:
            return 0
        async with self.db.write() as session:
            query = (
                select(WebhookEvent)
                .where(col(WebhookEvent.dispatched_at).is_(None))
                .order_by(col(WebhookEvent.id))
                .limit(100)
                .with_for_update(skip_locked=True)
            )
            events = (await session.exec(query)).all()
            now = utcnow()
            for event in events:
                assert event.id is not None
                session.add_all(
                    WebhookDelivery(
                        event_id=event.id,
                        url=url,
                        status=DeliveryStatus.PENDING.value,
                        next_attempt_at=now,
                        created_at=now,
                    )
                    for url in self.urls
                )
                event.dispatched_at = now
        return len(events)

    async def _due_in(self) -> float | None:
        async with self.db.read() as session:
            query = select(func.min(WebhookDelivery.next_attempt_at)).where(
                WebhookDelivery.status == DeliveryStatus.PENDING.value
            )
            due: datetime | None = (await session.exec(query)).one()
        return None if due is None else (due - utcnow()).total_seconds()

    async def _claim(self) -> list[Claim]:
        now = utcnow()
        lease = now + timedelta(seconds=self.settings.webhook_timeout) + LEASE_MARGIN
        async with self.db.write() as session:
            query = (
                select(WebhookDelivery, WebhookEvent)
                .join(WebhookEvent, col(WebhookEvent.id) == col(WebhookDelivery.event_id))
                .where(
                    WebhookDelivery.status == DeliveryStatus.PENDING.value,
                    col(WebhookDelivery.next_attempt_at) <= now,
                )
                .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.id))
                .limit(BATCH)
                .with_for_update(skip_locked=True, of=WebhookDelivery)
            )
            claims: list[Claim] = []
            for delivery, event in (await session.exec(query)).all():
                assert delivery.id is not None
                delivery.attempts += 1
                delivery.next_attempt_at = lease
                claims.append(Claim(delivery.id, delivery.url, delivery.attempts, event.event_id, event.body))
        return claims

    async def _post(self, client: httpx.AsyncClient, claim: Claim) -> Outcome:
        body = claim.body.encode()
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "X-Webhook-Id": claim.event_id,
            "X-Webhook-Timestamp": str(timestamp),
            "X-Webhook-Attempt": str(claim.attempt),
            SIGNATURE_HEADER: signature(self.secret, body, timestamp),
        }
        attempted_at = utcnow()
        started = time.monotonic()
        status_code: int | None = None
        error: str | None = None
        try:
            async with asyncio.timeout(self.settings.webhook_timeout):
                response = await client.post(claim.url, content=body, headers=headers)
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}: {response.text[:200]}"
        except TimeoutError:
            error = f"no answer within {self.settings.webhook_timeout:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        duration_ms = (time.monotonic() - started) * 1000
        return Outcome(claim, attempted_at, status_code, error, duration_ms)

    async def _record(self, outcomes: Sequence[Outcome]) -> None:
        async with self.db.write() as session:
            now = utcnow()
            for outcome in outcomes:
                delivery = await session.get(WebhookDelivery, outcome.claim.delivery_id)
                if delivery is None:
                    continue
                session.add(
                    WebhookAttempt(
                        delivery_id=outcome.claim.delivery_id,
                        number=outcome.claim.attempt,
                        attempted_at=outcome.attempted_at,
                        status_code=outcome.status_code,
                        error=outcome.error,
                        duration_ms=outcome.duration_ms,
                    )
                )
                delivery.last_attempt_at = outcome.attempted_at
                delivery.last_status_code = outcome.status_code
                delivery.last_error = outcome.error
                if outcome.ok:
                    delivery.status = DeliveryStatus.DELIVERED.value
                    delivery.delivered_at = now
                    delivery.next_attempt_at = None
                elif delivery.attempts >= self.settings.webhook_max_attempts:
                    delivery.status = DeliveryStatus.FAILED.value
                    delivery.next_attempt_at = None
                    log.warning(
                        "webhook %s to %s failed for good: %s",
                        outcome.claim.event_id,
                        delivery.url,
                        outcome.error,
                    )
                else:
                    delivery.next_attempt_at = now + timedelta(
                        seconds=backoff(self.settings, delivery.attempts)
                    )

    @asynccontextmanager
    async def _doorbell(self) -> AsyncIterator[Subscription | None]:
        """The board feed when there is somewhere to deliver to: an ended call wakes the worker."""
        if not self.urls:
            yield None
            return
        async with self.pubsub.subscribe(BOARD_CHANNEL, coalesce=True) as feed:
            yield feed

    async def _sleep(self, bell: Subscription | None, seconds: float) -> None:
        if bell is None:
            await asyncio.sleep(seconds)
            return
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            with suppress(TimeoutError):
                message = await asyncio.wait_for(bell.get(), left)
                if message is None or Event.from_json(message).type in (
                    EventType.CALL_ENDED,
                    EventType.ALERT_RAISED,
                ):
                    bell.drain()
                    return
