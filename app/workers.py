"""Background tasks the app's lifespan runs: webhook delivery, the rules' deadlines, and retention
when configured."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.calls.writes import WritePath
from app.core.config import Settings
from app.core.db import Database
from app.core.pubsub import PubSub
from app.retention import run_periodically
from app.rules.deadlines.claimer import DeadlineClaimer
from app.webhooks.worker import WebhookWorker


@asynccontextmanager
async def background_tasks(
    settings: Settings, db: Database, pubsub: PubSub, writes: WritePath
) -> AsyncIterator[None]:
    """Run the tasks while the app serves; cancel and await them before the engines close.

    The webhook worker always runs: with no WEBHOOK_URLS it only marks ended calls'
    events as sent to nobody, so configuring a URL later does not replay old calls. The
    deadline claimer always runs too: it fires the time-based rules' clocks that come due, and
    raises the alerts of agent instructions not acknowledged in time.
    """
    tasks = [
        asyncio.create_task(WebhookWorker(settings, db, pubsub).run(), name="webhook-worker"),
        asyncio.create_task(
            DeadlineClaimer(
                db, writes, poll=settings.rules_deadline_poll, ack_timeout=settings.instruction_ack_timeout
            ).run(),
            name="rule-deadlines",
        ),
    ]
    if settings.retention_interval > 0:
        tasks.append(asyncio.create_task(run_periodically(db, settings), name="retention"))
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
