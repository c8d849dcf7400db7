"""SQL statements per GraphQL operation, counted in-process with the real ASGI app.

The count is a property of the code, not of timing, so it is measured on the
app built by ``create_app`` over the benchmark's own database file, with a
SQLAlchemy listener on every engine and SQLite's own trace on the group
commit's connection (``SQLiteWriter.trace``); the server under load needs no hooks.
``BEGIN``, ``COMMIT`` and ``ROLLBACK`` (a read session's end) count too: each is a round trip to the database.
Statements of ``Database.read_rows`` (plain SQL on a reader's thread) are traced there.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from app.core.db import Database
from app.core.sqlite_writer import SQLiteWriter
from app.main import create_app
from app.services import Services
from bench.api import authorization
from bench.servers import Server


class _Counter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement)

    def on_commit(self, _conn: Any) -> None:
        self.statements.append("COMMIT")

    def on_rollback(self, _conn: Any) -> None:
        self.statements.append("ROLLBACK")


@contextmanager
def _counting(writer: SQLiteWriter | None, db: Database) -> Iterator[_Counter]:
    counter = _Counter()
    db.read_trace = counter.statements.append
    event.listen(Engine, "before_cursor_execute", counter)
    event.listen(Engine, "commit", counter.on_commit)
    event.listen(Engine, "rollback", counter.on_rollback)
    if writer is not None:
        writer.trace = counter.statements.append
    try:
        yield counter
    finally:
        if writer is not None:
            writer.trace = None
        db.read_trace = None
        event.remove(Engine, "before_cursor_execute", counter)
        event.remove(Engine, "commit", counter.on_commit)
        event.remove(Engine, "rollback", counter.on_rollback)


TRIES = 3


def count(server: Server, query: str, variables: dict[str, Any]) -> list[str]:
    """The statements one execution of ``query`` sends on ``server``'s database, after a warm-up one.

    The fewest of ``TRIES`` executions: the app's background tasks (the webhook worker's poll,
    its first pass just after startup) share the engines, and a slow machine let one land in a
    count (15, 16 and 17 statements for the same append in one session).
    """
    assert server.credentials is not None
    # The rules' deadline poll reads on its own clock: once a minute, it stays out of the count.
    settings = server.credentials.settings(server.database_url).model_copy(update={"rules_deadline_poll": 60})
    with TestClient(create_app(settings), headers=authorization(server.token)) as client:

        def execute() -> None:
            response = client.post("/graphql", json={"query": query, "variables": variables})
            response.raise_for_status()
            if response.json().get("errors"):
                raise RuntimeError(str(response.json()["errors"]))

        execute()
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        counts = []
        for _ in range(TRIES):
            with _counting(services.db.sqlite_writer, services.db) as counter:
                execute()
            counts.append(counter.statements)
    return min(counts, key=len)
