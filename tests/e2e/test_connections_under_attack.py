"""Under the connection attacks of issue 13, a simple query keeps answering within 500 ms.

The server runs as ``python -m app serve`` in its own process, so its RSS is its
own. Hundreds of connections that never finish their request headers, or
WebSockets that never send ``connection_init``, are held only until their
timeout; meanwhile an authenticated client asks a simple query every 50 ms.
"""

import asyncio
import shutil
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import httpx2
import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.graphql.test_under_attack import GROWTH, SECRET, SIMPLE, SLOW, _token, rss
from tests.processes import ServerProcess
from tests.scaled import store_independent

pytestmark = store_independent

CONNECTIONS = 200
TIMEOUT = 2  # seconds: HEADER_TIMEOUT and CONNECTION_INIT_TIMEOUT here


@pytest.fixture
def server(tmp_path: Path, migrated_sqlite: Path) -> Iterator[ServerProcess]:
    path = tmp_path / "calls.db"
    shutil.copyfile(migrated_sqlite, path)
    env = {
        "AUTH_DISABLED": "false",
        "JWT_SECRET": SECRET,
        "HEADER_TIMEOUT": str(TIMEOUT),
        "CONNECTION_INIT_TIMEOUT": str(TIMEOUT),
    }
    process = ServerProcess(f"sqlite+aiosqlite:///{path}", log=tmp_path / "server.log", env=env).start()
    yield process
    process.stop()


async def _half_sent_headers(port: int) -> Callable[[], Awaitable[int]]:
    """Open connections that send half a request; the returned check counts those closed."""
    streams = [await asyncio.open_connection("127.0.0.1", port) for _ in range(CONNECTIONS)]
    for _, writer in streams:
        writer.write(b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl")
        await writer.drain()

    async def closed() -> int:
        count = 0
        for reader, writer in streams:
            try:
                data = await asyncio.wait_for(reader.read(1), 0.2)
            except TimeoutError:
                data = b"open"
            count += data == b""
            writer.close()
        return count

    return closed


async def _silent_websockets(url: str) -> Callable[[], Awaitable[int]]:
    """Open legacy graphql-ws sockets that never send connection_init."""
    sockets: list[ClientConnection] = []
    for _ in range(CONNECTIONS):
        sockets.append(await connect(url, subprotocols=["graphql-ws"]))  # type: ignore[list-item]

    async def closed() -> int:
        count = 0
        for socket in sockets:
            try:
                await asyncio.wait_for(socket.recv(), 0.2)
            except TimeoutError:
                pass
            except Exception:
                count += 1
            await socket.close()
        return count

    return closed


async def _probe(url: str, seconds: float) -> list[float]:
    timings: list[float] = []
    async with httpx2.AsyncClient(timeout=60, headers={"Authorization": f"Bearer {_token()}"}) as client:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            started = time.monotonic()
            response = await client.post(url, json={"query": SIMPLE})
            timings.append(time.monotonic() - started)
            assert response.json() == {"data": {"liveCalls": []}}, response.text
            await asyncio.sleep(0.05)
    return timings


@pytest.mark.parametrize("attack", ["half-sent headers", "websockets that never init"])
async def test_under_a_connection_attack_a_simple_query_answers_within_500_ms_and_memory_stays_bounded(
    server: ServerProcess, attack: str
) -> None:
    assert server.process is not None
    before = rss(server.process.pid)

    if attack == "half-sent headers":
        closed = await _half_sent_headers(server.port)
    else:
        closed = await _silent_websockets(server.url.replace("http://", "ws://"))
    timings = await _probe(server.url, TIMEOUT + 1.5)
    grown = rss(server.process.pid) - before
    count = await closed()

    print(
        f"\n{attack}: slowest {max(timings) * 1000:.0f} ms; RSS {grown / 1_048_576:+.0f} MB; closed {count}"
    )
    assert max(timings) < SLOW, sorted(timings)[-5:]
    assert grown < GROWTH
    assert count == CONNECTIONS
