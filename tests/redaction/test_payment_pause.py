"""The payment pause: recording switched off after it was on withholds the text of lines."""

from collections.abc import Callable

from starlette.testclient import TestClient

from tests.auth.conftest import TokenApi
from tests.factories import ADD_LINE, START_CALL, call_args, receive_json

TOGGLE = """
mutation($on: Boolean!) { toggleRecording(callId: "call-1", isRecording: $on) { pausedAt pausedBy } }
"""
LOG = """
{ liveCall(callId: "call-1") { pausedAt transcripts { order speaker timestamp text } } }
"""


def _pipeline(as_role: Callable[..., TokenApi]) -> TokenApi:
    pipeline = as_role("pipeline", subject="pipe-7")
    pipeline.data(START_CALL, **call_args())
    return pipeline


def test_while_recording_is_paused_lines_keep_speaker_and_order_but_not_their_text(
    as_role: Callable[..., TokenApi],
) -> None:
    pipeline = _pipeline(as_role)
    pipeline.data(TOGGLE, on=True)
    paused = pipeline.data(TOGGLE, on=False)["toggleRecording"]

    pipeline.data(ADD_LINE, callId="call-1", text="it is 4111 1111 1111 1111, code 737", speaker="CUSTOMER")
    call = pipeline.data(LOG)["liveCall"]

    assert paused["pausedBy"] == "pipe-7" and paused["pausedAt"] is not None
    assert call["transcripts"] == [
        {"order": 0, "speaker": "CUSTOMER", "timestamp": "00:00:01", "text": "[paused]"}
    ]


def test_resuming_restores_normal_handling(as_role: Callable[..., TokenApi]) -> None:
    pipeline = _pipeline(as_role)
    pipeline.data(TOGGLE, on=True)
    pipeline.data(TOGGLE, on=False)
    pipeline.data(ADD_LINE, callId="call-1", text="card 4111 1111 1111 1111")

    resumed = pipeline.data(TOGGLE, on=True)["toggleRecording"]
    pipeline.data(ADD_LINE, callId="call-1", text="thanks, all done")

    assert resumed == {"pausedAt": None, "pausedBy": None}
    assert [line["text"] for line in pipeline.data(LOG)["liveCall"]["transcripts"]] == [
        "[paused]",
        "thanks, all done",
    ]


def test_a_call_that_never_recorded_is_not_paused(as_role: Callable[..., TokenApi]) -> None:
    pipeline = _pipeline(as_role)

    pipeline.data(ADD_LINE, callId="call-1", text="hello there")

    assert pipeline.data(LOG)["liveCall"]["transcripts"][0]["text"] == "hello there"
    assert pipeline.data(LOG)["liveCall"]["pausedAt"] is None


def test_the_event_log_says_who_paused_and_resumed(
    as_role: Callable[..., TokenApi], secured_client: TestClient, mint: Callable[..., str]
) -> None:
    pipeline = _pipeline(as_role)
    for on in (True, False, True):
        pipeline.data(TOGGLE, on=on)

    with secured_client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_json({"type": "connection_init", "payload": {"token": mint("viewer")}})
        assert receive_json(socket, "connection_ack")["type"] == "connection_ack"
        query = (
            'subscription { callEvents(callId: "call-1", afterSequence: 1) '
            "{ ... on RecordingToggledEvent { by call { isRecording pausedBy } } } }"
        )
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": query}})
        toggles = [receive_json(socket)["payload"]["data"]["callEvents"] for _ in range(3)]

    assert toggles == [
        {"by": "pipe-7", "call": {"isRecording": True, "pausedBy": None}},
        {"by": "pipe-7", "call": {"isRecording": False, "pausedBy": "pipe-7"}},
        {"by": "pipe-7", "call": {"isRecording": True, "pausedBy": None}},
    ]
