"""Identity comes from the token; scoped tokens see only their campaigns; viewers see masked phones."""

from collections.abc import Callable

from starlette.testclient import TestClient

from tests.auth.conftest import TokenApi
from tests.factories import START_CALL, call_args, receive_json

ACTION = """
mutation($supervisorId: String!, $name: String!) {
  addSupervisorAction(callId: "a", supervisorId: $supervisorId, supervisorName: $name, action: ADD_NOTE) {
    supervisorId supervisorName
  }
}
"""


def _two_campaigns(admin: TokenApi) -> None:
    admin.data(START_CALL, **call_args("a", campaignId="camp-a", customerPhone="+1 (555) 010-4242"))
    admin.data(START_CALL, **call_args("b", campaignId="camp-b"))


def test_a_supervisor_action_records_the_tokens_subject_and_name(as_role: Callable[..., TokenApi]) -> None:
    _two_campaigns(as_role("admin"))
    supervisor = as_role("supervisor", subject="sue-7", name="Sue Visor")

    action = supervisor.data(ACTION, supervisorId="sue-7", name="Somebody Else")["addSupervisorAction"]

    assert action == {"supervisorId": "sue-7", "supervisorName": "Sue Visor"}


def test_a_supervisor_id_that_is_not_the_tokens_subject_is_forbidden_and_writes_nothing(
    as_role: Callable[..., TokenApi],
) -> None:
    admin = as_role("admin")
    _two_campaigns(admin)

    error = as_role("supervisor", subject="sue-7").error(ACTION, supervisorId="bob-1", name="Bob")

    assert error["extensions"] == {"code": "FORBIDDEN", "field": "supervisorId"}
    assert admin.data('{ liveCall(callId: "a") { supervisorActions { order } } }')["liveCall"] == {
        "supervisorActions": []
    }


def test_a_scoped_token_lists_only_its_campaigns_calls(as_role: Callable[..., TokenApi]) -> None:
    _two_campaigns(as_role("admin"))

    calls = as_role("viewer", campaigns=["camp-a"]).data("{ liveCalls { callId } }")["liveCalls"]

    assert calls == [{"callId": "a"}]


def test_another_campaigns_call_reads_as_no_call_for_a_scoped_token(as_role: Callable[..., TokenApi]) -> None:
    _two_campaigns(as_role("admin"))
    supervisor = as_role("supervisor", campaigns=["camp-a"])

    other = supervisor.data('{ liveCall(callId: "b") { callId } }')
    missing = supervisor.data('{ liveCall(callId: "nobody") { callId } }')

    assert other == missing == {"liveCall": None}


def test_a_scoped_token_cannot_change_another_campaigns_call(as_role: Callable[..., TokenApi]) -> None:
    admin = as_role("admin")
    _two_campaigns(admin)

    error = as_role("pipeline", campaigns=["camp-a"]).error(
        'mutation { endLiveCall(callId: "b") { status } }'
    )

    assert error["extensions"]["code"] == "NOT_FOUND"
    assert admin.data('{ liveCall(callId: "b") { status } }')["liveCall"]["status"] == "CONNECTING"


def test_a_scoped_token_cannot_start_calls_outside_its_campaigns(as_role: Callable[..., TokenApi]) -> None:
    pipeline = as_role("pipeline", campaigns=["camp-a"])

    outside = pipeline.error(START_CALL, **call_args("x", campaignId="camp-b"))
    unscoped = pipeline.error(START_CALL, **call_args("y"))

    assert outside["extensions"]["code"] == "FORBIDDEN"
    assert unscoped["extensions"]["code"] == "FORBIDDEN"


def test_the_board_subscription_of_a_scoped_token_shows_only_its_campaigns(
    secured_client: TestClient, as_role: Callable[..., TokenApi], mint: Callable[..., str]
) -> None:
    admin = as_role("admin")
    with secured_client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        token = mint("viewer", campaigns=["camp-a"])
        socket.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert receive_json(socket, "connection_ack")["type"] == "connection_ack"
        socket.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": "subscription { liveCalls { call { callId } } }"},
            }
        )
        _wait_for_subscriber(secured_client)
        admin.data(START_CALL, **call_args("b", campaignId="camp-b"))
        admin.data(START_CALL, **call_args("a", campaignId="camp-a"))

        first = receive_json(socket)

    assert first["payload"]["data"]["liveCalls"]["call"]["callId"] == "a"


def test_the_call_events_of_another_campaign_are_not_found_for_a_scoped_token(
    secured_client: TestClient, as_role: Callable[..., TokenApi], mint: Callable[..., str]
) -> None:
    _two_campaigns(as_role("admin"))
    with secured_client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        token = mint("viewer", campaigns=["camp-a"])
        socket.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert receive_json(socket, "connection_ack")["type"] == "connection_ack"
        query = 'subscription { callEvents(callId: "b", afterSequence: 0) { sequence } }'
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": query}})

        message = receive_json(socket)

    assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_viewers_see_only_the_last_four_digits_of_the_customers_phone(
    as_role: Callable[..., TokenApi],
) -> None:
    _two_campaigns(as_role("admin"))
    query = '{ liveCall(callId: "a") { customerPhone } }'

    masked = as_role("viewer").data(query)["liveCall"]["customerPhone"]
    clear = as_role("supervisor").data(query)["liveCall"]["customerPhone"]

    assert masked == "•••• 4242"
    assert clear == "+1 (555) 010-4242"


def _wait_for_subscriber(client: TestClient) -> None:
    import time

    pubsub = client.app.state.services.pubsub  # type: ignore[attr-defined]
    deadline = time.monotonic() + 5
    while pubsub.subscriber_count == 0:
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_a_scoped_token_lists_only_its_campaigns(as_role: Callable[..., TokenApi]) -> None:
    admin = as_role("admin")
    for campaign in ("camp-a", "camp-b"):
        admin.data(
            'mutation($id: String!) { createCampaign(name: $id, objectives: ["o"], costPerMinute: 0.1,'
            " campaignId: $id) { name } }",
            id=campaign,
        )

    campaigns = as_role("viewer", campaigns=["camp-b"]).data("{ campaigns { name } }")["campaigns"]

    assert campaigns == [{"name": "camp-b"}]
