"""Clients flooding a server with the hostile documents of issue 13, from a process of their own.

``python -m tests.attackers URL KIND COUNT SECONDS [TOKEN]`` sends ``COUNT``
distinct documents of ``KIND`` (more if they take under ``SECONDS``, none after
``SECONDS`` + 30 s however slow the server) from four concurrent clients, and
exits non-zero if any answer is a 5xx. Its own process keeps the attackers'
CPU (building and encoding 900 KB bodies) out of the measuring test's event loop.
"""

import asyncio
import sys
import time
from collections.abc import Callable, Iterator

import httpx2

ATTACKERS = 4


def quadratic(n: int) -> str:
    """555 same-named root fields (17 KB): seconds of the overlapping-fields check each."""
    return "{ " + " ".join(f'liveCall(callId: "{n}-{i}") {{ callId }}' for i in range(555)) + " }"


def huge(n: int) -> str:
    """A distinct document of ~900 KB in a dozen tokens: it was parsed and cached whole."""
    return '{ liveCall(callId: "' + f"{n:06d}" + "x" * 900_000 + '") { callId } }'


def many_tokens(n: int, tokens: int = 5_000) -> str:
    """A distinct document of ``tokens`` tokens: about 600 bytes each once parsed, and it was cached."""
    return f"query Q{n} {{ __typename(x: [" + " ".join(str(i) for i in range(tokens - 12)) + "]) }"


def chained_fragments(n: int, count: int = 300) -> str:
    """Fragments each spreading the next: the depth limiter's RecursionError."""
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(count))
    return f"query Q{n} {{ ...F0 }} {chain} fragment F{count} on Query {{ __typename }}"


KINDS: dict[str, Callable[[int], str]] = {
    "quadratic": quadratic,
    "huge": huge,
    "many-tokens": many_tokens,
    "chained-fragments": chained_fragments,
}


def _documents(kind: str, count: int, first: int, until: float) -> Iterator[str]:
    n = first
    while (n < count or time.monotonic() < until) and time.monotonic() < until + 30:
        yield KINDS[kind](n)
        n += ATTACKERS


async def _attacker(url: str, documents: Iterator[str], headers: dict[str, str]) -> int:
    failures = 0
    async with httpx2.AsyncClient(timeout=120, headers=headers) as client:
        for document in documents:
            response = await client.post(url, json={"query": document})
            if response.status_code >= 500:
                print(response.status_code, response.text[:300], file=sys.stderr)
                failures += 1
    return failures


async def attack(url: str, kind: str, count: int, seconds: float, token: str | None = None) -> int:
    """The number of 5xx answers to ``count`` documents of ``kind``, sent for at least ``seconds``."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    until = time.monotonic() + seconds
    shares = (_documents(kind, count, k, until) for k in range(ATTACKERS))
    return sum(await asyncio.gather(*(_attacker(url, share, headers) for share in shares)))


if __name__ == "__main__":
    url, kind, count, seconds, *token = sys.argv[1:]
    sys.exit(1 if asyncio.run(attack(url, kind, int(count), float(seconds), *token)) else 0)
