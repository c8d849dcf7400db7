from starlette.testclient import TestClient

from tests.factories import Api, TransportWs, receive_json

CALL_EVENTS = """
subscription Events($callId: String!, $after: Int) {
  callEvents(callId: $callId, afterSequence: $after) {
    __typename sequence type callId
    ... on TranscriptAddedEvent { transcript { order text } }
    ... on CallStatusChangedEvent { previousStatus call { status } }
    ... on CallEndedEvent { call { status endTime } }
  }
}
"""


def test_call_events_streams_each_change_over_graphql_transport_ws(api: Api, client: TestClient) -> None:
    api.start_call("call-1")
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        ws = TransportWs(socket)
        ws.subscribe(CALL_EVENTS, callId="call-1", after=1)
        api.add_line("call-1", "Hello there")

        event = ws.next()["data"]["callEvents"]

    assert event == {
        "__typename": "TranscriptAddedEvent",
        "sequence": 2,
        "type": "TRANSCRIPT_ADDED",
        "callId": "call-1",
        "transcript": {"order": 0, "text": "Hello there"},
    }


def test_call_events_replays_after_sequence_then_completes_on_call_end(api: Api, client: TestClient) -> None:
    api.start_call("call-1")
    api.add_line("call-1", "one")
    api.data('mutation { endLiveCall(callId: "call-1") { status } }')
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        ws = TransportWs(socket)
        ws.subscribe(CALL_EVENTS, callId="call-1", after=0)
        types = [ws.next()["data"]["callEvents"]["type"] for _ in range(3)]
        complete = ws.receive()

    assert types == ["CALL_STARTED", "TRANSCRIPT_ADDED", "CALL_ENDED"]
    assert complete == {"id": "1", "type": "complete"}


def test_call_events_streams_over_the_legacy_graphql_ws_protocol(api: Api, client: TestClient) -> None:
    api.start_call("call-1")
    with client.websocket_connect("/graphql", subprotocols=["graphql-ws"]) as socket:
        socket.send_json({"type": "connection_init", "payload": {}})
        assert receive_json(socket, "connection_ack")["type"] == "connection_ack"
        socket.send_json(
            {
                "id": "7",
                "type": "start",
                "payload": {"query": CALL_EVENTS, "variables": {"callId": "call-1", "after": 1}},
            }
        )
        api.data('mutation { toggleRecording(callId: "call-1", isRecording: true) { isRecording } }')
        message = receive_json(socket)
        while message["type"] == "ka":
            message = receive_json(socket)

    assert message["type"] == "data"
    assert message["payload"]["data"]["callEvents"]["type"] == "RECORDING_TOGGLED"
    assert message["payload"]["data"]["callEvents"]["sequence"] == 2
