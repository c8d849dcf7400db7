"""The alerts subscription: every alert event the token may see, resumable with no gap and no repeat."""

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from app.auth.roles import Role
from tests.factories import START_CALL, Api, TransportWs, call_args, receive_json
from tests.rules.conftest import TokenApi
from tests.rules.documents import ACKNOWLEDGE, ALERTS_STREAM, RESOLVE, alerts, create_rule, phrases_rule


def _entries(
    client: TestClient, count: int, payload: dict[str, Any] | None = None, **variables: Any
) -> list[Any]:
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_json({"type": "connection_init", "payload": payload or {}})
        assert receive_json(socket, "connection_ack")["type"] == "connection_ack"
        socket.send_json(
            {"id": "1", "type": "subscribe", "payload": {"query": ALERTS_STREAM, "variables": variables}}
        )
        return [receive_json(socket)["payload"]["data"]["alerts"] for _ in range(count)]


def test_the_stream_carries_raised_acknowledged_and_resolved_in_order(api: Api, client: TestClient) -> None:
    create_rule(api, phrases_rule("fire"))
    api.start_call()
    api.add_line(text="fire")
    alert = alerts(api)[0]
    api.data(ACKNOWLEDGE, id=alert["id"])
    api.data(RESOLVE, id=alert["id"])

    entries = _entries(client, 3, after=0)

    assert [(e["sequence"], e["type"], e["alert"]["status"]) for e in entries] == [
        (1, "ALERT_RAISED", "OPEN"),
        (2, "ALERT_ACKNOWLEDGED", "ACKNOWLEDGED"),
        (3, "ALERT_RESOLVED", "RESOLVED"),
    ]


def test_a_live_subscriber_gets_an_alert_raised_after_it_subscribed(api: Api, client: TestClient) -> None:
    create_rule(api, phrases_rule("fire"))
    api.start_call()
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        ws = TransportWs(socket)
        # From sequence 0 (nothing yet): the line may commit before the subscription is set up.
        ws.subscribe(ALERTS_STREAM, after=0)
        api.add_line(text="fire")
        entry = ws.next()["data"]["alerts"]

    assert (entry["sequence"], entry["callId"], entry["alert"]["ruleName"]) == (1, "call-1", "phrases")


def test_resuming_after_a_sequence_misses_nothing_and_repeats_nothing(api: Api, client: TestClient) -> None:
    create_rule(api, phrases_rule("fire", cooldownSeconds=0))
    api.start_call()
    for _ in range(3):
        api.add_line(text="fire")
    first = _entries(client, 2, after=0)
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        ws = TransportWs(socket)
        ws.subscribe(ALERTS_STREAM, after=first[-1]["sequence"])
        api.add_line(text="fire")
        resumed = [ws.next()["data"]["alerts"]["sequence"] for _ in range(2)]

    assert [entry["sequence"] for entry in first] == [1, 2]
    assert resumed == [3, 4]


def test_a_cursor_ahead_of_the_stream_is_bad_user_input(api: Api, client: TestClient) -> None:
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        ws = TransportWs(socket)
        ws.subscribe(ALERTS_STREAM, after=5)
        message = ws.receive()

    assert message["payload"]["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", message


def test_a_scoped_token_sees_only_its_campaigns_alerts(
    as_role: Callable[..., TokenApi], authed_client: TestClient
) -> None:
    admin = as_role(Role.ADMIN)
    create_rule(admin, phrases_rule("fire", cooldownSeconds=0))
    for call_id, campaign in (("a-1", "camp-a"), ("b-1", "camp-b")):
        admin.data(START_CALL, **call_args(call_id, campaignId=campaign))
    for call_id in ("b-1", "a-1", "b-1", "a-1"):
        admin.add_line(call_id, text="fire")
    viewer = as_role(Role.VIEWER, campaigns=["camp-a"])

    entries = _entries(authed_client, 2, {"Authorization": f"Bearer {viewer.token}"}, after=0)

    assert [(entry["sequence"], entry["callId"]) for entry in entries] == [(2, "a-1"), (4, "a-1")]


def test_the_campaign_argument_narrows_the_stream(api: Api, client: TestClient) -> None:
    create_rule(api, phrases_rule("fire"))
    for call_id, campaign in (("a-1", "camp-a"), ("b-1", "camp-b")):
        api.start_call(call_id, campaignId=campaign)
        api.add_line(call_id, text="fire")

    entries = _entries(client, 1, after=0, campaignId="camp-b")

    assert [entry["callId"] for entry in entries] == ["b-1"]
