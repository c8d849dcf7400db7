"""Structured logs: one JSON object per line, each carrying the request id."""

import io
import json
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.core.config import Settings
from app.ops.logs import JsonFormatter, RequestIdFilter, log_config, resolved_format
from tests.factories import receive_json


@pytest.fixture
def access_log() -> Iterator[io.StringIO]:
    """What the access logger writes, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("app.access")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


def _entries(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_request_is_logged_as_json_with_its_request_id_and_graphql_operation(
    client: TestClient, access_log: io.StringIO
) -> None:
    response = client.post(
        "/graphql",
        json={"query": '{ liveCall(callId: "none") { callId } }'},
        headers={"X-Request-ID": "trace-42"},
    )

    [entry] = _entries(access_log)
    assert response.headers["x-request-id"] == "trace-42"
    assert entry["request_id"] == "trace-42"
    assert entry["logger"] == "app.access"
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/graphql", 200)
    assert entry["graphql_operation"] == "liveCall"
    assert entry["level"] == "info"


def test_a_malformed_request_id_is_replaced_by_a_fresh_one(
    client: TestClient, access_log: io.StringIO
) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "bad id\nwith a newline"})

    assert len(response.headers["x-request-id"]) == 32
    assert "\n" not in response.headers["x-request-id"]


def test_a_websocket_connection_gets_a_request_id_in_its_handshake(client: TestClient) -> None:
    headers = {"X-Request-ID": "socket-7"}
    with client.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
    ) as socket:
        socket.send_json({"type": "connection_init"})
        receive_json(socket)

    assert (b"x-request-id", b"socket-7") in (socket.extra_headers or [])


def test_an_exception_is_one_json_line_with_its_traceback_and_extras() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("test", logging.ERROR, __file__, 1, "failed %s", ("here",), sys.exc_info())
    record.callId = "c-1"

    line = JsonFormatter().format(record)

    entry = json.loads(line)
    assert "\n" not in line
    assert (entry["message"], entry["level"], entry["callId"]) == ("failed here", "error", "c-1")
    assert "ValueError: boom" in entry["exception"]


def test_log_format_auto_is_json_when_not_on_a_terminal() -> None:
    assert resolved_format(Settings(log_format="auto")) == "json"  # pytest captures stderr
    assert resolved_format(Settings(log_format="text")) == "text"
    config = log_config(Settings(log_format="json", log_level="warning"))
    assert config["handlers"]["stderr"]["formatter"] == "json"
    assert config["root"]["level"] == "WARNING"
