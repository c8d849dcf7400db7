"""A whole call where the customer reads out every kind of sensitive data: none of it leaves raw.

The server runs as ``python -m app serve`` with its log in a file and a webhook
receiver configured. A subscriber records every frame of the call's events
and live state. After the call ended, the database file and its WAL, the log,
the webhook bodies, ``report.json``, ``report.md`` and the frames are searched
for each raw value. On the PostgreSQL leg the database is searched as
``pg_dump`` writes it out.
"""

import asyncio
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from sqlalchemy.engine import make_url

from app.redaction.entities import Entity
from tests.factories import START_CALL, call_args
from tests.live import GraphQLSocket
from tests.processes import ServerProcess
from tests.webhooks.receiver import Receiver

EVERY_KIND = json.dumps(sorted(Entity))
LINES: list[dict[str, Any]] = [
    {"text": "Sure, my card number is 4111 1111 1111 1111."},
    {"text": "The other one is 5555-5555-5555-4444."},
    {"text": "Or four oh one two, double eight eight eight, eight eight eight eight, one eight eight one."},
    {"text": "The security code is 737 and it expires 04/29."},
    {"text": "My PIN is 4 4 2 1."},
    {"text": "My social is 536-90-4399."},
    {"text": "Write to jo.smith@example.com or call 415 555 2671."},
    {"text": "Our IBAN is GB82 WEST 1234 5698 7654 32."},
    {"text": "The Amex is 3782 8224", "isFinal": False, "segmentId": "amex"},
    {"text": "The Amex is 3782 822463 10005", "segmentId": "amex"},
    {"text": "And the last card: 6011 1111"},
    {"text": "1111 1117, that's it."},
]
RAW = [
    "4111 1111 1111 1111",
    "4111111111111111",
    "5555-5555-5555-4444",
    "5555555555554444",
    "4012888888881881",
    "double eight eight eight, eight eight eight eight",
    "code is 737",
    "expires 04/29",
    "PIN is 4 4 2 1",
    "536-90-4399",
    "jo.smith@example.com",
    "415 555 2671",
    "GB82 WEST 1234 5698 7654 32",
    "GB82WEST12345698765432",
    "3782 822463 10005",
    "378282246310005",
    "6011111111111117",
    "6011 1111 1111 1117",
]
LINE = """
mutation($callId: String!, $text: String!, $isFinal: Boolean!, $segmentId: String) {
  addTranscriptEntry(callId: $callId, timestamp: "00:01", speaker: CUSTOMER, text: $text,
                     isFinal: $isFinal, segmentId: $segmentId) { text }
}
"""
EVENTS = 'subscription { callEvents(callId: "pay", afterSequence: 0) { sequence type ... on TranscriptAddedEvent { transcript { text } } ... on TranscriptUpdatedEvent { transcript { text } } } }'  # noqa: E501
STATE = 'subscription { liveCall(callId: "pay") { lastSequence transcripts { text } } }'


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def server(
    tmp_path: Path, migrated_sqlite: Path, scaled_settings: Any, receiver: Receiver
) -> Iterator[ServerProcess]:
    if scaled_settings is not None:
        url = scaled_settings.database_url
        env = {"BROADCAST_URL": scaled_settings.broadcast_url}
    else:
        path = tmp_path / "calls.db"
        shutil.copyfile(migrated_sqlite, path)
        url, env = f"sqlite+aiosqlite:///{path}", {}
    env |= {
        "AUTH_DISABLED": "true",
        "REDACT": EVERY_KIND,
        "WEBHOOK_URLS": json.dumps([receiver.url]),
        "WEBHOOK_SECRET": "test-webhook-secret",
        "WEBHOOK_BACKOFF": "0.05",
        "WEBHOOK_POLL_INTERVAL": "0.2",
        "LOG_LEVEL": "debug",
    }
    process = ServerProcess(url, log=tmp_path / "server.log", env=env).start()
    yield process
    process.stop()


async def _collect(url: str, query: str, frames: list[str], done: asyncio.Event) -> None:
    socket = await GraphQLSocket.open(url)
    try:
        await socket.subscribe(query)
        while not done.is_set():
            try:
                frames.append(json.dumps(await socket.next(within=0.5), ensure_ascii=False))
            except TimeoutError:
                continue
    finally:
        await socket.close()


def _database_text(server: ServerProcess, tmp_path: Path) -> str:
    url = make_url(server.database_url)
    if url.get_backend_name() == "sqlite":
        files = [Path(f"{url.database}{suffix}") for suffix in ("", "-wal")]
        return "".join(path.read_bytes().decode("latin-1") for path in files if path.exists())
    dump = tmp_path / "dump.sql"
    pg_dump = shutil.which("pg_dump") or next(Path("/usr/lib/postgresql").glob("*/bin/pg_dump")).as_posix()
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    subprocess.run(
        [
            pg_dump,
            "-h",
            url.host or "",
            "-p",
            str(url.port),
            "-U",
            url.username or "",
            "-f",
            str(dump),
            url.database or "",
        ],
        check=True,
        env=env,
    )
    return dump.read_text()


async def test_no_raw_value_is_stored_logged_published_reported_or_sent(
    server: ServerProcess, receiver: Receiver, tmp_path: Path
) -> None:
    ws_url = server.url.replace("http://", "ws://")
    frames: list[str] = []
    done = asyncio.Event()
    async with httpx2.AsyncClient(timeout=30) as http:

        async def data(query: str, **variables: Any) -> dict[str, Any]:
            body = (await http.post(server.url, json={"query": query, "variables": variables})).json()
            assert body.get("errors") is None, body
            return body["data"]  # type: ignore[no-any-return]

        await data(START_CALL, **call_args("pay"))
        watchers = [asyncio.create_task(_collect(ws_url, q, frames, done)) for q in (EVENTS, STATE)]
        await asyncio.sleep(0.5)
        answers = [await data(LINE, callId="pay", **{"isFinal": True, **line}) for line in LINES]
        await data('mutation { endLiveCall(callId: "pay") { status } }')
        base = server.url.removesuffix("/graphql")
        reports = [(await http.get(f"{base}/calls/pay/report.{kind}")).text for kind in ("json", "md")]
        await asyncio.sleep(1)
        done.set()
        await asyncio.gather(*watchers)
    bodies = [post.body.decode() for post in receiver.wait_for(1)]

    places = {
        "answers": json.dumps(answers, ensure_ascii=False),
        "database": _database_text(server, tmp_path),
        "log": server.log.read_text(errors="replace"),
        "webhooks": "\n".join(bodies),
        "report.json": reports[0],
        "report.md": reports[1],
        "frames": "\n".join(frames),
    }
    leaks = {place: [raw for raw in RAW if raw in text] for place, text in places.items()}

    assert {place: found for place, found in leaks.items() if found} == {}
    assert "[CREDIT_DEBIT_NUMBER]" in places["report.md"] and "[SSN]" in places["frames"]
    assert len(frames) > len(LINES)
