"""Many writers at once against real server processes: nothing lost, nothing doubled."""

import asyncio
import random
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.factories import START_CALL, call_args
from tests.processes import ServerProcess

LINE = """
mutation($callId: String!, $text: String!, $key: String!) {
  addTranscriptEntry(callId: $callId, timestamp: "00:00", speaker: CUSTOMER, text: $text,
                     isFinal: true, sentiment: NEUTRAL, idempotencyKey: $key) { order text }
}
"""
READ = """
query($callId: String!) {
  liveCall(callId: $callId) { lastSequence transcripts(first: 1000) { order text } }
}
"""


@pytest.fixture
def two_workers(tmp_path: Path, migrated_sqlite: Path) -> Iterator[ServerProcess]:
    """Two uvicorn worker processes sharing one SQLite file: in-process and cross-process writers."""
    path = tmp_path / "shared.db"
    path.write_bytes(migrated_sqlite.read_bytes())
    server = ServerProcess(f"sqlite+aiosqlite:///{path}", workers=2, log=tmp_path / "server.log").start()
    yield server
    server.stop()


async def _post(client: httpx2.AsyncClient, url: str, query: str, **variables: object) -> dict[str, object]:
    response = await client.post(url, json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


async def test_200_concurrent_lines_with_retries_leave_exactly_the_distinct_lines_in_order(
    two_workers: ServerProcess,
) -> None:
    distinct = 150
    requests = [(f"line {n}", f"key-{n}") for n in range(distinct)]
    requests += random.Random(7).sample(requests, 50)  # retries of 50 of them
    random.Random(8).shuffle(requests)
    limits = httpx2.Limits(max_connections=200)
    async with httpx2.AsyncClient(timeout=60, limits=limits) as client:
        await _post(client, two_workers.url, START_CALL, **call_args("c"))

        results = await asyncio.gather(
            *(_post(client, two_workers.url, LINE, callId="c", text=text, key=key) for text, key in requests)
        )
        call = (await _post(client, two_workers.url, READ, callId="c"))["data"]["liveCall"]  # type: ignore[index]

    assert [body.get("errors") for body in results] == [None] * len(requests)
    lines = call["transcripts"]
    assert [line["order"] for line in lines] == list(range(distinct))
    assert sorted(line["text"] for line in lines) == sorted(f"line {n}" for n in range(distinct))
    # one CALL_STARTED, then a TRANSCRIPT_ADDED and a SENTIMENT_UPDATED per distinct line
    assert call["lastSequence"] == 1 + 2 * distinct
    by_text = {line["text"]: line["order"] for line in lines}
    for (text, _), body in zip(requests, results, strict=True):
        assert body["data"]["addTranscriptEntry"] == {"order": by_text[text], "text": text}  # type: ignore[index]


async def test_concurrent_writers_on_many_calls_never_see_database_is_locked(
    two_workers: ServerProcess,
) -> None:
    calls = [f"call-{n}" for n in range(8)]
    async with httpx2.AsyncClient(timeout=60, limits=httpx2.Limits(max_connections=100)) as client:
        await asyncio.gather(*(_post(client, two_workers.url, START_CALL, **call_args(c)) for c in calls))
        results = await asyncio.gather(
            *(
                _post(client, two_workers.url, LINE, callId=c, text=f"{c} {n}", key=f"{c}-{n}")
                for c in calls
                for n in range(20)
            )
        )
        reads = [
            (await _post(client, two_workers.url, READ, callId=c))["data"]["liveCall"]  # type: ignore[index]
            for c in calls
        ]

    assert [body.get("errors") for body in results] == [None] * len(results)
    for call in reads:
        assert [line["order"] for line in call["transcripts"]] == list(range(20))
        assert call["lastSequence"] == 41
