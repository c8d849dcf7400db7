"""Assembles the ASGI app: routes, lifespan, shared services."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route, WebSocketRoute

from app.auth.tokens import Authenticator
from app.call_hooks import AppCallHooks
from app.calls.relay import CallRelays
from app.calls.writes import WritePath
from app.core.config import Settings
from app.core.db import Database
from app.core.pubsub import PubSub
from app.graphql.graphiql import graphiql_routes
from app.graphql.view import graphql_view
from app.http import reports
from app.http.health import ops_routes
from app.monitor.routes import monitor_routes
from app.ops.metrics import Metrics
from app.ops.request_context import RequestContextMiddleware
from app.ops.shutdown import Drain
from app.services import Services
from app.workers import background_tasks


def exempt_startup_objects_from_gc(young_threshold: int, full_collection_every: int) -> None:
    """Keep the collector off what startup built: the schema, the ORM's mappers, the modules.

    Those objects live as long as the process, yet every full collection walks
    them all again; under a steady write load that was about a quarter of the
    server's CPU (benchmark 2). Freezing them after startup leaves the
    collector only what requests create. What subscriptions hold is walked by
    every full collection too, and cannot be frozen (a closed socket's cycles
    would never be freed): full collections come ``full_collection_every``
    second-generation ones apart (``GC_FULL_COLLECTION_EVERY``).

    Young collections come ``young_threshold`` surviving allocations apart
    (``GC_YOUNG_THRESHOLD``), and second-generation ones about 7,000 apart (Python's
    700 times 10) whatever it is: a larger young threshold alone would space full
    collections, and the closed sockets' garbage they free, as many times further.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(young_threshold, max(1, 7_000 // young_threshold), full_collection_every)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    view = graphql_view(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        auth = Authenticator.from_settings(settings)  # refuses unsafe configurations first
        db = Database(settings)
        pubsub = PubSub(settings.broadcast_url, buffer=settings.subscriber_buffer)
        await pubsub.connect()
        writes = WritePath(db, pubsub, AppCallHooks.from_settings(settings))
        app.state.services = Services(
            settings=settings,
            db=db,
            pubsub=pubsub,
            metrics=Metrics(pubsub),
            auth=auth,
            writes=writes,
            relays=(relays := CallRelays(db, pubsub)),
        )
        app.state.drain = drain = Drain(pubsub, timeout=settings.shutdown_timeout)
        exempt_startup_objects_from_gc(settings.gc_young_threshold, settings.gc_full_collection_every)
        try:
            async with background_tasks(settings, db, pubsub, writes):
                with drain.on_signals():
                    yield
        finally:
            await relays.close()
            await pubsub.disconnect()
            await db.dispose()

    application = Starlette(
        routes=[
            Route("/graphql", view),
            WebSocketRoute("/graphql", view),
            *(graphiql_routes() if settings.graphiql_enabled else ()),
            *reports.routes,
            *ops_routes(),
            *monitor_routes(),
        ],
        middleware=[Middleware(RequestContextMiddleware)],
        lifespan=lifespan,
    )
    application.state.graphql = view
    return application


app = create_app()
