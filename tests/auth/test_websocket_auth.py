"""WebSocket authentication happens once, from the connection_init payload."""

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.auth.test_tokens import BAD_TOKENS
from tests.factories import receive_json

EVENTS = "subscription { liveCalls { type } }"


def _init(client: TestClient, protocol: str, payload: dict[str, str]) -> dict[str, object]:
    with client.websocket_connect("/graphql", subprotocols=[protocol]) as socket:
        socket.send_json({"type": "connection_init", "payload": payload})
        message: dict[str, object] = receive_json(socket)
        if protocol == "graphql-transport-ws":
            receive_json(socket)  # the close frame
        return message


@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_bad_token_closes_a_graphql_transport_ws_socket_with_4403(
    secured_client: TestClient, token: str
) -> None:
    with pytest.raises(WebSocketDisconnect) as closed:
        _init(secured_client, "graphql-transport-ws", {"Authorization": f"Bearer {token}"})

    assert closed.value.code == 4403


def test_a_missing_token_closes_a_graphql_transport_ws_socket_with_4403(secured_client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect) as closed:
        _init(secured_client, "graphql-transport-ws", {})

    assert closed.value.code == 4403


@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_bad_token_gets_a_connection_error_on_legacy_graphql_ws(
    secured_client: TestClient, token: str
) -> None:
    message = _init(secured_client, "graphql-ws", {"token": token})

    assert message["type"] == "connection_error"
    assert message["payload"]["extensions"]["code"] == "UNAUTHENTICATED"  # type: ignore[index]


@pytest.mark.parametrize("payload_key", ["Authorization", "token"])
def test_a_valid_token_in_connection_init_is_acknowledged(
    secured_client: TestClient, mint: Callable[..., str], payload_key: str
) -> None:
    token = mint("viewer")
    value = f"Bearer {token}" if payload_key == "Authorization" else token
    with secured_client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_json({"type": "connection_init", "payload": {payload_key: value}})

        assert receive_json(socket, "connection_ack")["type"] == "connection_ack"
