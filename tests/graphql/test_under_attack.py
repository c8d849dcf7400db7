"""Under attack, a simple query keeps answering within 500 ms and the server's memory stays bounded.

The server runs in its own process (``python -m app serve``) with authentication
on, so its RSS (``/proc/<pid>/status``) is its own. Four attackers without a
token, in another process (``tests.attackers``), send the documents of issue 13
while an authenticated client here asks a simple query every 50 ms and times
each answer.
"""

import asyncio
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from pydantic import SecretStr

from app.auth.roles import Role
from app.auth.tokens import Authenticator
from app.core.config import Settings
from tests.attackers import attack
from tests.processes import ServerProcess
from tests.scaled import store_independent

pytestmark = store_independent

SECRET = "test-secret-0123456789-abcdefghijklmnop"
SIMPLE = "{ liveCalls { callId status } }"
SLOW = 0.5  # seconds
GROWTH = 150 * 1_048_576  # bytes of RSS


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@pytest.fixture
def server(tmp_path: Path, migrated_sqlite: Path) -> Iterator[ServerProcess]:
    path = tmp_path / "calls.db"
    shutil.copyfile(migrated_sqlite, path)
    env = {"AUTH_DISABLED": "false", "JWT_SECRET": SECRET}
    process = ServerProcess(f"sqlite+aiosqlite:///{path}", log=tmp_path / "server.log", env=env).start()
    yield process
    process.stop()


def _token() -> str:
    authenticator = Authenticator.from_settings(Settings(jwt_secret=SecretStr(SECRET)))
    return authenticator.mint(role=Role.ADMIN, subject="admin-1")


async def _probe(url: str, done: asyncio.Event) -> list[float]:
    seconds = []
    async with httpx2.AsyncClient(timeout=120, headers={"Authorization": f"Bearer {_token()}"}) as client:
        while not done.is_set():
            started = time.monotonic()
            response = await client.post(url, json={"query": SIMPLE})
            seconds.append(time.monotonic() - started)
            assert response.json() == {"data": {"liveCalls": []}}, response.text
            await asyncio.sleep(0.05)
    return seconds


@pytest.mark.parametrize(
    ("kind", "count"),
    [
        pytest.param("quadratic", 100, id="555 same-named root fields"),
        pytest.param("huge", 300, id="300 distinct 900 KB documents"),
        pytest.param("chained-fragments", 100, id="300 chained fragments"),
    ],
)
async def test_under_attack_without_a_token_a_simple_query_answers_within_500_ms_and_memory_stays_bounded(
    server: ServerProcess, kind: str, count: int
) -> None:
    assert server.process is not None
    assert await attack(server.url, kind, 3, 0) == 0  # warm up what such a request touches
    before = rss(server.process.pid)

    done = asyncio.Event()
    probe = asyncio.create_task(_probe(server.url, done))
    attackers = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.attackers", server.url, kind, str(count), "3"
    )
    try:
        failed = await attackers.wait()
    finally:
        done.set()
        seconds = await probe
    await asyncio.sleep(1)
    grown = rss(server.process.pid) - before

    print(
        f"\n{kind}: probe {len(seconds)} answers, slowest {max(seconds) * 1000:.0f} ms, median "
        f"{sorted(seconds)[len(seconds) // 2] * 1000:.0f} ms; RSS {before / 1_048_576:.0f} MB, "
        f"then {grown / 1_048_576:+.0f} MB"
    )
    assert max(seconds) < SLOW, sorted(seconds)[-5:]
    assert grown < GROWTH, f"RSS grew by {grown / 1_048_576:.0f} MB"
    assert len(seconds) >= 10
    assert failed == 0


async def test_distinct_documents_of_5000_tokens_from_a_token_holder_do_not_pin_memory(
    server: ServerProcess,
) -> None:
    """The document cache's byte budget: 300 such documents once pinned over 600 MB."""
    assert server.process is not None
    token = _token()
    assert await attack(server.url, "many-tokens", 3, 0, token) == 0
    before = rss(server.process.pid)

    failed = await attack(server.url, "many-tokens", 300, 0, token)
    await asyncio.sleep(1)
    grown = rss(server.process.pid) - before

    print(f"\nmany tokens: RSS {before / 1_048_576:.0f} MB, then {grown / 1_048_576:+.0f} MB")
    assert grown < GROWTH, f"RSS grew by {grown / 1_048_576:.0f} MB"
    assert failed == 0
