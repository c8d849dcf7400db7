"""Run a mutation again when its database connection dropped before it committed.

``Database.write()`` raises ``ConnectionLost`` only when nothing was written
(the connection went before COMMIT was sent; the server rolls the transaction
back). Then running the whole resolver again is safe and spares the client an
error for a PostgreSQL restart or failover, unless the resolver had already
committed another transaction, which a second run would repeat. Events are
published only after commit, so a failed attempt published nothing either.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from strawberry.extensions import FieldExtension
from strawberry.types import Info

from app.adapters.strawberry import add_field_extension
from app.core.db import ConnectionLost, commits_so_far

log = logging.getLogger(__name__)

ATTEMPTS = 3
FIRST_DELAY = 0.1

T = TypeVar("T")


class RetryDroppedConnection(FieldExtension):
    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        delay = FIRST_DELAY
        for attempt in range(1, ATTEMPTS + 1):
            committed = commits_so_far()
            try:
                return await next_(source, info, **kwargs)
            except ConnectionLost as error:
                if attempt == ATTEMPTS or commits_so_far() != committed:
                    raise
                log.warning(
                    "%s: database connection lost before commit (%s); retrying (attempt %d of %d)",
                    info.field_name,
                    error,
                    attempt + 1,
                    ATTEMPTS,
                )
                await asyncio.sleep(delay)
                delay *= 3
        raise AssertionError("unreachable")


def retrying_mutations(mutation: T) -> T:
    """Give every root mutation field the retry (once, however often this is called)."""
    return add_field_extension(mutation, RetryDroppedConnection, RetryDroppedConnection)
