"""The one path of a write: a mutation over a store, committed, then its events published.

Every mutation is one async function of a ``Transaction``. On SQLite it runs
as a job of the group commit (``app.core.sqlite_writer``): writes that arrive
while a batch commits share the next transaction, each in its own savepoint,
over a ``SQLiteStore``. Elsewhere (PostgreSQL, or ``SQLITE_GROUP_COMMIT=false``)
it runs in an ORM transaction over an ``OrmStore``. Either way the events are
published after the commit, in commit order, before the caller resumes. Between the
change and the commit, the hooks see the events it recorded (the rules fire there).
"""

import sqlite3
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from app.calls.events import Event, Transaction, publish
from app.calls.hooks import CallHooks
from app.core.db import Database
from app.core.pubsub import PubSub
from app.core.scope import Scope
from app.core.sqlite_store import SQLiteStore, run_to_completion
from app.core.store import OrmStore

T = TypeVar("T")
Change = Callable[[Transaction], Coroutine[Any, Any, T]]


@dataclass(frozen=True)
class WritePath:
    db: Database
    pubsub: PubSub
    hooks: CallHooks

    async def run(self, scope: Scope, change: Change[T], *, actor: str | None = None) -> T:
        """Run ``change`` in one transaction for a caller in ``scope`` (``actor``: who, as the token
        says); publish its events after commit."""
        writer = self.db.sqlite_writer
        if writer is None:
            async with self.db.write() as session:
                tx = Transaction(OrmStore(session), scope, self.hooks, actor)
                result = await self._changed(tx, change)
            await publish(self.pubsub, tx.events)
            return result

        def job(connection: sqlite3.Connection) -> tuple[T, list[Event]]:
            store = SQLiteStore(connection, memo=writer.memo)
            tx = Transaction(store, scope, self.hooks, actor)
            result = run_to_completion(self._changed(tx, change))
            store.flush()
            return result, tx.events

        async def then(done: tuple[T, list[Event]]) -> None:
            await publish(self.pubsub, done[1])

        result, _ = await writer.run(job, then=then)
        return result

    async def _changed(self, tx: Transaction, change: Change[T]) -> T:
        """The change, then what its events set off (``CallHooks.changed``), before the commit."""
        result = await change(tx)
        if tx.events:
            await self.hooks.changed(tx, tuple(tx.events))
        return result
