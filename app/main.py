"""Assembles the ASGI app: routes, lifespan, shared services."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute

from app.core.config import Settings
from app.core.db import Database
from app.core.pubsub import PubSub
from app.graphql.context import Services
from app.graphql.view import graphql_view


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    view = graphql_view(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = Database(settings)
        pubsub = PubSub(settings.broadcast_url, buffer=settings.subscriber_buffer)
        await pubsub.connect()
        app.state.services = Services(settings=settings, db=db, pubsub=pubsub)
        try:
            yield
        finally:
            await pubsub.disconnect()
            await db.dispose()

    return Starlette(
        routes=[Route("/graphql", view), WebSocketRoute("/graphql", view)],
        lifespan=lifespan,
    )


app = create_app()
