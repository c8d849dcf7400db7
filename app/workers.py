"""Background tasks the app's lifespan runs: webhook delivery, and retention when configured."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.core.config import Settings
from app.core.db import Database
from app.core.pubsub import PubSub
from app.retention import run_periodically
from app.webhooks.worker import WebhookWorker


@asynccontextmanager
async def background_tasks(settings: Settings, db: Database, pubsub: PubSub) -> AsyncIterator[None]:
    """Run the tasks while the app serves; cancel and await them before the engines close.

    The webhook worker always runs: with no WEBHOOK_URLS it only marks ended calls'
    events as sent to nobody, so configuring a URL later does not replay old calls.
    """
    tasks = [asyncio.create_task(WebhookWorker(settings, db, pubsub).run(), name="webhook-worker")]
    if settings.retention_interval > 0:
        tasks.append(asyncio.create_task(run_periodically(db, settings), name="retention"))
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
