"""The one path of a write: a mutation over a store, committed, then its events published.

Every mutation is one async function of a ``Transaction``. On SQLite it runs
as a job of the group commit (``app.core.sqlite_writer``): writes that arrive
while a batch commits share the next transaction, each in its own savepoint,
over a ``SQLiteStore``. Elsewhere, and for the few mutations that need the
ORM's queries (``needs_orm``: ending a call writes its analytics), it runs in
an ORM transaction over an ``OrmStore``. Either way the events are published
after the commit, in commit order, before the caller resumes.
"""

import sqlite3
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from app.calls.events import Event, Transaction, publish, write_transaction
from app.core.db import Database
from app.core.pubsub import PubSub
from app.core.scope import Scope
from app.core.sqlite_store import SQLiteStore, run_to_completion

T = TypeVar("T")
Change = Callable[[Transaction], Coroutine[Any, Any, T]]


async def write(
    db: Database, pubsub: PubSub, scope: Scope, change: Change[T], *, needs_orm: bool = False
) -> T:
    """Run ``change`` in one transaction for a caller in ``scope``; publish its events after commit."""
    writer = db.sqlite_writer
    if writer is None or needs_orm:
        async with write_transaction(db, pubsub, scope) as tx:
            return await change(tx)

    def job(connection: sqlite3.Connection) -> tuple[T, list[Event]]:
        store = SQLiteStore(connection)
        tx = Transaction(store, scope)
        result = run_to_completion(change(tx))
        store.flush()
        return result, tx.events

    async def then(done: tuple[T, list[Event]]) -> None:
        await publish(pubsub, done[1])

    result, _ = await writer.run(job, then=then)
    return result
