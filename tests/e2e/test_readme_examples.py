"""The README's examples, pasted in order into a live server, answer what the README says.

The convention, for whoever edits README.md: every top-level ```graphql block is an example,
run in the order it appears, as a newcomer pastes them into GraphiQL with an admin token:
queries and mutations over HTTP, subscriptions over a WebSocket that stays open while the
later examples run (GraphiQL's other tab). A ```json block that comes right after one (only
blank lines between) is its answer as GraphiQL shows it: the response of a query or mutation,
the first message of a subscription. In an answer, "…" stands for any value (times, ids).
"""

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2
from graphql import OperationDefinitionNode, OperationType, parse
from pydantic import SecretStr

from app.auth.roles import Role
from app.core.migrations import ROOT
from tests.live import GraphQLSocket, LiveServer

README = ROOT / "README.md"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
ANY = "…"


@dataclass
class Example:
    line: int
    document: str
    answer: Any = None  # None: the README shows no answer; it must still succeed

    @property
    def kind(self) -> OperationType:
        [operation] = [d for d in parse(self.document).definitions if isinstance(d, OperationDefinitionNode)]
        return operation.operation

    def where(self) -> str:
        return f"README.md line {self.line}"


def examples(text: str) -> list[Example]:
    blocks = list(BLOCK.finditer(text))
    found: dict[int, Example] = {}
    for index, block in enumerate(blocks):
        language, body = block.group(1), block.group(2)
        if language == "graphql":
            found[index] = Example(text.count("\n", 0, block.start()) + 1, body)
        elif language == "json" and index - 1 in found:
            if not text[blocks[index - 1].end() : block.start()].strip():
                found[index - 1].answer = json.loads(body)
    return list(found.values())


def mismatches(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` differs from the README's answer (``…`` matches anything)."""
    if expected == ANY:
        return []
    if isinstance(expected, dict) and isinstance(actual, dict):
        if expected.keys() != actual.keys():
            return [f"{path or '/'}: keys {sorted(actual)}, the README says {sorted(expected)}"]
        return [m for key in expected for m in mismatches(expected[key], actual[key], f"{path}/{key}")]
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(actual)} items, the README shows {len(expected)}"]
        return [
            m
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for m in mismatches(e, a, f"{path}/{i}")
        ]
    return [] if expected == actual else [f"{path}: {actual!r}, the README says {expected!r}"]


def test_the_readme_shows_examples_with_their_answers() -> None:
    found = examples(README.read_text())

    assert len(found) >= 8
    assert sum(example.answer is not None for example in found) >= 6


async def test_the_readme_examples_pasted_in_order_answer_what_the_readme_says(
    start_server: Callable[..., LiveServer],
) -> None:
    server = start_server(
        auth_disabled=False, jwt_secret=SecretStr("readme-examples-signing-secret-0123456789")
    )
    token = server.services.auth.mint(
        role=Role.ADMIN, subject="admin-dev"
    )  # python -m app token --role admin
    headers = {"Authorization": f"Bearer {token}"}
    client = httpx2.AsyncClient(timeout=30)
    sockets: list[tuple[Example, GraphQLSocket]] = []
    try:
        for example in examples(README.read_text()):
            if example.kind is OperationType.SUBSCRIPTION:
                socket = await GraphQLSocket.open(server.ws_url, payload=headers)
                await socket.subscribe(example.document)
                sockets.append((example, socket))
                if example.answer is not None:
                    first = await socket.next()
                    assert first["type"] == "next", (example.where(), first)
                    assert mismatches(example.answer, first["payload"]) == [], example.where()
                continue
            response = await client.post(server.http_url, json={"query": example.document}, headers=headers)
            body = response.json()
            assert body.get("errors") is None, (example.where(), body["errors"])
            if example.answer is not None:
                assert mismatches(example.answer, body) == [], example.where()

        # Every subscription kept going through the later examples without an error.
        for example, socket in sockets:
            while True:
                try:
                    message = await socket.next(within=2)
                except TimeoutError:
                    break
                assert message["type"] in ("next", "complete"), (example.where(), message)
                assert message.get("payload", {}).get("errors") is None, (example.where(), message)
                if message["type"] == "complete":
                    break
    finally:
        await client.aclose()
        await asyncio.gather(*(socket.close() for _, socket in sockets))
