"""PostgreSQL connections that drop: idle ones are replaced, a write cut before commit runs again."""

import asyncio
import logging

import asyncpg
import pytest

from app.core.config import Settings
from tests.factories import ADD_LINE, START_CALL, call_args
from tests.infra import asyncpg_dsn
from tests.live import Http
from tests.scaled import only_scaled

pytestmark = only_scaled

CALL = '{ liveCall(callId: "c") { lastSequence transcripts { order text } } }'


async def _others(admin: asyncpg.Connection) -> list[int]:
    rows = await admin.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    return [row["pid"] for row in rows]


async def test_mutations_go_on_after_the_database_dropped_every_idle_connection(
    http: Http, settings: Settings
) -> None:
    await http.data(START_CALL, **call_args("c"))
    admin = await asyncpg.connect(asyncpg_dsn(settings.database_url))
    for pid in await _others(admin):
        await admin.execute("SELECT pg_terminate_backend($1)", pid)
    await admin.close()

    await http.data(ADD_LINE, callId="c", text="after the drop")

    assert (await http.data(CALL))["liveCall"]["transcripts"] == [{"order": 0, "text": "after the drop"}]


async def test_a_write_whose_connection_drops_before_commit_is_retried_and_applied_once(
    http: Http, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="app.graphql.retry")
    await http.data(START_CALL, **call_args("c"))
    admin = await asyncpg.connect(asyncpg_dsn(settings.database_url))
    await admin.execute("BEGIN")
    await admin.execute("SELECT 1 FROM live_calls WHERE call_id = 'c' FOR UPDATE")

    writing = asyncio.create_task(http.data(ADD_LINE, callId="c", text="once"))
    waiting = None
    while not waiting:  # the mutation's transaction, blocked on the call's row
        waiting = await admin.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        await asyncio.sleep(0.01)
    await admin.execute("SELECT pg_terminate_backend($1)", waiting)
    await admin.execute("COMMIT")
    await admin.close()
    line = await asyncio.wait_for(writing, 10)

    assert line["addTranscriptEntry"]["order"] == 0
    assert (await http.data(CALL))["liveCall"] == {
        "lastSequence": 2,
        "transcripts": [{"order": 0, "text": "once"}],
    }
    assert any("retrying" in record.getMessage() for record in caplog.records)
