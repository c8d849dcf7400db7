"""An acknowledged write survives kill -9 of the server."""

import asyncio
import contextlib
import shutil
from pathlib import Path

import httpx2

from tests.factories import START_CALL, call_args
from tests.processes import ServerProcess

LINE = """
mutation($text: String!) {
  addTranscriptEntry(callId: "c", timestamp: "00:00", speaker: AGENT, text: $text, isFinal: true) { order }
}
"""
PAGE = """
query($after: Int) {
  liveCall(callId: "c") { lastSequence transcripts(first: 1000, after: $after) { order text } }
}
"""


async def _write_until_killed(
    url: str, writer: int, acknowledged: list[str], attempted: list[str], enough: asyncio.Event
) -> None:
    async with httpx2.AsyncClient(timeout=10) as client:
        for n in range(100_000):
            text = f"writer {writer} line {n}"
            attempted.append(text)
            try:
                response = await client.post(url, json={"query": LINE, "variables": {"text": text}})
            except httpx2.TransportError:
                return  # the server is gone
            if response.status_code == 200 and response.json().get("errors") is None:
                acknowledged.append(text)
                if len(acknowledged) >= 100:
                    enough.set()


async def _all_lines(url: str) -> tuple[list[dict[str, object]], int]:
    lines: list[dict[str, object]] = []
    async with httpx2.AsyncClient(timeout=30) as client:
        while True:
            after = lines[-1]["order"] if lines else None
            response = await client.post(url, json={"query": PAGE, "variables": {"after": after}})
            call = response.json()["data"]["liveCall"]
            if not call["transcripts"]:
                return lines, call["lastSequence"]
            lines.extend(call["transcripts"])


async def test_every_acknowledged_write_survives_a_sigkill_under_load(
    tmp_path: Path, migrated_sqlite: Path
) -> None:
    path = tmp_path / "durable.db"
    shutil.copyfile(migrated_sqlite, path)
    url = f"sqlite+aiosqlite:///{path}"
    server = ServerProcess(url, log=tmp_path / "server.log").start()
    async with httpx2.AsyncClient() as client:
        await client.post(server.url, json={"query": START_CALL, "variables": call_args("c")})
    acknowledged: list[str] = []
    attempted: list[str] = []

    enough = asyncio.Event()
    writers = [
        asyncio.create_task(_write_until_killed(server.url, n, acknowledged, attempted, enough))
        for n in range(8)
    ]
    await asyncio.wait_for(enough.wait(), 60)
    server.kill()  # mid-stream: 8 writers have requests in flight
    await asyncio.gather(*writers)
    restarted = ServerProcess(url, log=tmp_path / "restarted.log").start()
    try:
        lines, last_sequence = await _all_lines(restarted.url)
    finally:
        with contextlib.suppress(Exception):
            restarted.stop()

    found = {str(line["text"]) for line in lines}
    print(f"\ndurability: attempted {len(attempted)}, acknowledged {len(acknowledged)}, found {len(found)}")
    assert len(acknowledged) >= 100
    assert set(acknowledged) <= found
    assert found <= set(attempted)
    assert [line["order"] for line in lines] == list(range(len(lines)))
    assert last_sequence == 1 + len(lines)
