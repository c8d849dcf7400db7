"""A POST of an operation that has run before is served from its prepared record, and answers
exactly as Strawberry's full path does: the same data, errors, codes, status and media type, the
roles of this caller, the bounds of this caller, the metrics of every request.

Each test sends a document twice or more over a real socket; the first goes through Strawberry's
``run`` over HTTP, or its ``stream`` over graphql-transport-ws (counted here), the later ones must
not, unless they are not the same prepared operation.
"""

from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from app.auth.roles import Role
from app.auth.tokens import Authenticator
from app.core.config import Settings
from app.graphql.schema import schema
from tests.live import GraphQLSocket, LiveServer

SECRET = "test-secret-0123456789-abcdefghijklmnop"
START = (
    'mutation Start($id: String!) { startLiveCall(callId: $id, sessionId: $id, agentName: "Ada", '
    'customerName: "Carl", customerPhone: "+1 555 0100", campaignName: "Q4") { callId } }'
)
BOARD = "query Board { liveCalls { callId status } }"


class Runs:
    """How many requests took Strawberry's ``run``."""

    def __init__(self, server: LiveServer) -> None:
        view = server.app.state.graphql
        self.count = 0
        run = view.run

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await run(*args, **kwargs)

        view.run = counted


@pytest.fixture
def server(start_server: Callable[..., LiveServer]) -> LiveServer:
    return start_server(auth_disabled=False, jwt_secret=SecretStr(SECRET))


def token(role: Role, campaigns: list[str] | None = None) -> str:
    authenticator = Authenticator.from_settings(Settings(jwt_secret=SecretStr(SECRET)))
    return authenticator.mint(role=role, subject=f"{role.value}-1", campaigns=campaigns)


async def post(
    server: LiveServer, body: dict[str, Any], bearer: str | None = None, **headers: str
) -> httpx2.Response:
    if bearer is not None:
        headers["Authorization"] = f"Bearer {bearer}"
    async with httpx2.AsyncClient(timeout=30) as client:
        return await client.post(server.http_url, json=body, headers=headers)


async def test_a_repeated_mutation_skips_strawberrys_run_and_answers_the_same(server: LiveServer) -> None:
    runs, admin = Runs(server), token(Role.ADMIN)

    first = await post(server, {"query": START, "variables": {"id": "p-1"}}, admin)
    second = await post(server, {"query": START, "variables": {"id": "p-2"}}, admin)

    assert first.json() == {"data": {"startLiveCall": {"callId": "p-1"}}}
    assert second.json() == {"data": {"startLiveCall": {"callId": "p-2"}}}
    assert second.headers["content-type"] == first.headers["content-type"]
    assert runs.count == 1
    board = await post(server, {"query": BOARD}, admin)
    assert sorted(c["callId"] for c in board.json()["data"]["liveCalls"]) == ["p-1", "p-2"]


async def test_no_operation_name_and_the_only_operations_name_are_one_prepared_operation(
    server: LiveServer,
) -> None:
    runs, admin = Runs(server), token(Role.ADMIN)

    await post(server, {"query": BOARD}, admin)
    named = await post(server, {"query": BOARD, "operationName": "Board"}, admin)

    assert named.json() == {"data": {"liveCalls": []}}
    assert runs.count == 1


async def test_a_role_that_may_not_use_a_prepared_mutation_is_still_forbidden(server: LiveServer) -> None:
    runs = Runs(server)
    await post(server, {"query": START, "variables": {"id": "p-1"}}, token(Role.ADMIN))

    refused = await post(server, {"query": START, "variables": {"id": "p-2"}}, token(Role.VIEWER))

    [error] = refused.json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert refused.json()["data"] is None
    assert runs.count == 1
    board = await post(server, {"query": BOARD}, token(Role.ADMIN))
    assert [c["callId"] for c in board.json()["data"]["liveCalls"]] == ["p-1"]


async def test_a_caller_without_a_token_is_not_served_what_was_prepared_for_token_holders(
    server: LiveServer,
) -> None:
    runs = Runs(server)
    await post(server, {"query": BOARD}, token(Role.ADMIN))

    refused = await post(server, {"query": BOARD})

    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert runs.count == 2


async def test_a_document_within_a_token_holders_bounds_stays_refused_to_a_caller_without_one(
    server: LiveServer,
) -> None:
    wide = "# " + "x" * 20_000 + "\n" + BOARD  # 10,000 characters at most without a token
    allowed = await post(server, {"query": wide}, token(Role.ADMIN))

    refused = await post(server, {"query": wide})

    assert allowed.json().get("errors") is None
    assert "without a token" in refused.json()["errors"][0]["message"]


async def test_another_operation_of_a_prepared_document_is_checked_for_its_own_fields(
    server: LiveServer,
) -> None:
    both = f"{BOARD} {START}"
    runs = Runs(server)
    await post(server, {"query": both, "operationName": "Board"}, token(Role.VIEWER))
    await post(server, {"query": both, "operationName": "Board"}, token(Role.VIEWER))

    refused = await post(
        server, {"query": both, "operationName": "Start", "variables": {"id": "p-1"}}, token(Role.VIEWER)
    )

    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert runs.count == 2


async def test_bad_variables_of_a_prepared_operation_are_the_same_bad_user_input(server: LiveServer) -> None:
    runs, admin = Runs(server), token(Role.ADMIN)

    first = await post(server, {"query": START, "variables": {"id": 7}}, admin)
    second = await post(server, {"query": START, "variables": {"id": 7}}, admin)

    assert first.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert second.json() == first.json()
    assert runs.count == 1


async def test_a_prepared_operation_that_never_ran_is_a_4xx_under_graphql_response_json(
    server: LiveServer,
) -> None:
    accept = "application/graphql-response+json"
    admin = token(Role.ADMIN)
    first = await post(server, {"query": START, "variables": {}}, admin, accept=accept)

    second = await post(server, {"query": START, "variables": {}}, admin, accept=accept)

    assert second.status_code == first.status_code == 400
    assert second.headers["content-type"] == first.headers["content-type"]
    assert second.json() == first.json()
    assert "data" not in second.json()


async def test_a_service_error_of_a_prepared_mutation_keeps_its_code(server: LiveServer) -> None:
    line = (
        'mutation Line($id: String!) { addTranscriptEntry(callId: $id, timestamp: "1", '
        'speaker: AGENT, text: "hi", isFinal: true) { order } }'
    )
    runs, admin = Runs(server), token(Role.ADMIN)
    first = await post(server, {"query": line, "variables": {"id": "nobody"}}, admin)

    again = await post(server, {"query": line, "variables": {"id": "nobody"}}, admin)

    [error] = again.json()["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["path"] == ["addTranscriptEntry"]
    assert again.json() == first.json()
    assert runs.count == 1


async def test_a_body_with_extensions_takes_strawberrys_path(server: LiveServer) -> None:
    runs, admin = Runs(server), token(Role.ADMIN)
    await post(server, {"query": BOARD}, admin)

    answered = await post(server, {"query": BOARD, "extensions": {}}, admin)

    assert answered.json() == {"data": {"liveCalls": []}}
    assert runs.count == 2


async def test_every_prepared_request_is_counted_in_the_metrics(server: LiveServer) -> None:
    admin = token(Role.ADMIN)
    for n in range(3):
        await post(server, {"query": START, "variables": {"id": f"p-{n}"}}, admin)

    async with httpx2.AsyncClient() as client:
        text = (await client.get(f"http://127.0.0.1:{server.port}/metrics")).text
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    key = ("livecalls_graphql_requests_total", (("operation", "startLiveCall"), ("type", "mutation")))
    assert samples[key] == 3
    seconds = ("livecalls_graphql_mutation_duration_seconds_count", (("operation", "startLiveCall"),))
    assert samples[seconds] == 3


class Streams:
    """How many operations took Strawberry's ``Schema.stream`` (every WebSocket's schema)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        stream = schema.stream

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await stream(*args, **kwargs)

        monkeypatch.setattr(schema, "stream", counted)


async def _answers(socket: GraphQLSocket, op_id: str, query: str, **variables: Any) -> list[dict[str, Any]]:
    """Every message of one operation, up to its complete (or its error)."""
    await socket.subscribe(query, op_id, **variables)
    messages = []
    while True:
        message = await socket.next()
        assert message["id"] == op_id, message
        messages.append({k: v for k, v in message.items() if k != "id"})
        if message["type"] in ("complete", "error"):
            return messages


async def _socket(server: LiveServer, role: Role) -> GraphQLSocket:
    return await GraphQLSocket.open(server.ws_url, payload={"Authorization": f"Bearer {token(role)}"})


async def test_a_repeated_mutation_over_a_websocket_skips_strawberrys_stream_and_answers_the_same(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    streams = Streams(monkeypatch)
    socket = await _socket(server, Role.ADMIN)

    first = await _answers(socket, "1", START, id="w-1")
    second = await _answers(socket, "2", START, id="w-2")

    assert first == [
        {"type": "next", "payload": {"data": {"startLiveCall": {"callId": "w-1"}}}},
        {"type": "complete"},
    ]
    assert second == [
        {"type": "next", "payload": {"data": {"startLiveCall": {"callId": "w-2"}}}},
        {"type": "complete"},
    ]
    assert streams.count == 1
    await socket.close()


async def test_an_operation_prepared_over_http_runs_prepared_over_a_websocket(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    await post(server, {"query": BOARD}, token(Role.ADMIN))
    streams = Streams(monkeypatch)
    socket = await _socket(server, Role.ADMIN)

    answers = await _answers(socket, "1", BOARD)

    assert answers == [{"type": "next", "payload": {"data": {"liveCalls": []}}}, {"type": "complete"}]
    assert streams.count == 0
    await socket.close()


async def test_a_role_refused_a_prepared_mutation_over_a_websocket_gets_the_same_error_message(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = await _socket(server, Role.VIEWER)
    unprepared = await _answers(viewer, "1", START, id="w-1")
    admin = await _socket(server, Role.ADMIN)
    await _answers(admin, "1", START, id="w-2")
    streams = Streams(monkeypatch)

    prepared = await _answers(viewer, "2", START, id="w-3")

    assert prepared == unprepared
    assert prepared[0]["type"] == "error"
    assert prepared[0]["payload"][0]["extensions"]["code"] == "FORBIDDEN"
    assert streams.count == 0
    await viewer.close()
    await admin.close()


async def test_bad_variables_of_a_prepared_operation_over_a_websocket_are_the_same_next(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    streams = Streams(monkeypatch)
    socket = await _socket(server, Role.ADMIN)

    first = await _answers(socket, "1", START, id=7)
    second = await _answers(socket, "2", START, id=7)

    assert second == first
    assert first[0]["payload"]["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert streams.count == 1
    await socket.close()
