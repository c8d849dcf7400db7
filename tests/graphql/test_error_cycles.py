"""An answered error leaves nothing for the garbage collector: reference counting frees the request.

A logged error's traceback held the frame with Strawberry's execution context,
which held the error (and the request's text): a cycle that only a full
collection freed, so hostile documents piled up between collections
(tests/graphql/test_under_attack.py). The server runs in this process, so the
collector's findings are its own.
"""

import gc
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest
from pydantic import SecretStr
from strawberry.types import ExecutionContext

from tests.live import LiveServer

SECRET = "test-secret-0123456789-abcdefghijklmnop"


@pytest.fixture
def server(start_server: Callable[..., LiveServer]) -> LiveServer:
    return start_server(auth_disabled=False, jwt_secret=SecretStr(SECRET))


@pytest.fixture
def saved_garbage() -> Iterator[list[Any]]:
    """What the collector finds unreachable from here on, kept for the test to look at."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield gc.garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def _contexts_in_cycles(server: LiveServer, garbage: list[Any], body: dict[str, Any]) -> int:
    response = httpx2.post(server.http_url, json=body, timeout=10)
    assert response.json()["errors"][0]["extensions"]["code"], response.text
    time.sleep(0.2)  # the request's task finishes after its response is sent
    gc.collect()
    return sum(1 for found in garbage if isinstance(found, ExecutionContext))


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("{ liveCalls { callId ", id="a syntax error"),
        pytest.param("{ noSuchField }", id="a validation error"),
        pytest.param("{ liveCalls { callId } }" + " " * 20_000, id="too long for an anonymous caller"),
        pytest.param('{ liveCall(callId: "c-1") { callId } }', id="a resolver's error"),
    ],
)
def test_an_errors_request_is_freed_by_reference_counting(
    server: LiveServer, saved_garbage: list[Any], query: str
) -> None:
    assert _contexts_in_cycles(server, saved_garbage, {"query": query}) == 0
