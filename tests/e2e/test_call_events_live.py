"""callEvents against a real uvicorn server with a real WebSocket client."""

import asyncio
import json
from typing import Any

from tests.factories import ADD_LINE, START_CALL, call_args
from tests.live import GraphQLSocket, Http, LiveServer

EVENTS = """
subscription Events($callId: String!, $after: Int) {
  callEvents(callId: $callId, afterSequence: $after) {
    __typename sequence type callId occurredAt
    ... on CallStartedEvent { call { callId status } }
    ... on CallStatusChangedEvent { previousStatus call { status } }
    ... on TranscriptAddedEvent { transcript { order text isFinal segmentId } }
    ... on TranscriptUpdatedEvent { transcript { order text isFinal segmentId } }
    ... on SentimentUpdatedEvent { sentiment { positivePercentage trend } }
    ... on MetricsUpdatedEvent { metrics { scriptAdherence } }
    ... on ProgressUpdatedEvent { call { duration } systemConfig { totalCost } }
    ... on PhaseChangedEvent { phases { phase status } }
    ... on SupervisorActionAddedEvent { action { action order } }
    ... on RecommendationAddedEvent { recommendation { title } }
    ... on RecordingToggledEvent { call { isRecording } }
    ... on SystemStatusUpdatedEvent { systemConfig { sttStatus } }
    ... on CallEndedEvent { call { status endTime } }
  }
}
"""

EVERY_KIND = [
    'mutation { updateCallStatus(callId: "c", status: RINGING) { status } }',
    'mutation { addTranscriptEntry(callId: "c", timestamp: "1", speaker: CUSTOMER, text: "Great!",'
    " sentiment: POSITIVE, isFinal: true) { order } }",
    'mutation { updatePerformanceMetrics(callId: "c", metrics: {scriptAdherence: 91}) { scriptAdherence } }',
    'mutation { updateCallProgress(callId: "c", duration: 60) { duration } }',
    'mutation { updateCallPhase(callId: "c", phase: "Discovery", quality: GOOD) { currentPhase } }',
    'mutation { addSupervisorAction(callId: "c", supervisorId: "s1", supervisorName: "Sue",'
    " action: BOOKMARK_MOMENT) { order } }",
    'mutation { addCoachingRecommendation(callId: "c", type: SUGGESTION, title: "Ask about budget",'
    ' description: "Now is a good time", priority: 5) { title } }',
    'mutation { toggleRecording(callId: "c", isRecording: true) { isRecording } }',
    'mutation { updateSystemStatus(callId: "c", service: STT, status: ERROR) { sttStatus } }',
    'mutation { endLiveCall(callId: "c") { status } }',
]


async def _collect(socket: GraphQLSocket) -> list[dict[str, Any]]:
    """Events until the server completes the stream."""
    events = []
    while True:
        message = await socket.next()
        if message["type"] == "complete":
            return events
        assert message["type"] == "next", message
        events.append(message["payload"]["data"]["callEvents"])


async def test_every_mutation_kind_arrives_as_its_typed_event(live_server: LiveServer, http: Http) -> None:
    await http.data(START_CALL, **call_args("c"))
    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.subscribe(EVENTS, callId="c", after=1)
    for mutation in EVERY_KIND:
        await http.data(mutation)

    events = await _collect(socket)
    await socket.close()

    assert [event["__typename"] for event in events] == [
        "CallStatusChangedEvent",
        "TranscriptAddedEvent",
        "SentimentUpdatedEvent",
        "MetricsUpdatedEvent",
        "ProgressUpdatedEvent",
        "PhaseChangedEvent",
        "SupervisorActionAddedEvent",
        "RecommendationAddedEvent",
        "InstructionSentEvent",  # the recommendation's COACH instruction for the agent
        "RecordingToggledEvent",
        "SystemStatusUpdatedEvent",
        "CallEndedEvent",
    ]
    assert [event["sequence"] for event in events] == list(range(2, 14))
    by_type = {event["__typename"]: event for event in events}
    assert by_type["CallStatusChangedEvent"]["previousStatus"] == "CONNECTING"
    assert by_type["SentimentUpdatedEvent"]["sentiment"] == {"positivePercentage": 40, "trend": "IMPROVING"}
    assert by_type["ProgressUpdatedEvent"]["systemConfig"]["totalCost"] == 0.0298
    assert by_type["PhaseChangedEvent"]["phases"] == [
        {"phase": "Opening", "status": "COMPLETED"},
        {"phase": "Discovery", "status": "ACTIVE"},
    ]
    assert by_type["SystemStatusUpdatedEvent"]["systemConfig"]["sttStatus"] == "ERROR"
    assert by_type["CallEndedEvent"]["call"]["status"] == "ENDED"


async def test_a_subscriber_from_the_start_sees_the_call_started_event(
    live_server: LiveServer, http: Http
) -> None:
    await http.data(START_CALL, **call_args("c"))
    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.subscribe(EVENTS, callId="c", after=0)

    event = (await socket.next_data())["callEvents"]
    await socket.close()

    assert event["__typename"] == "CallStartedEvent"
    assert event["sequence"] == 1
    assert event["call"] == {"callId": "c", "status": "CONNECTING"}


async def test_resume_after_a_dropped_connection_returns_exactly_the_missed_events_in_order(
    live_server: LiveServer, http: Http
) -> None:
    await http.data(START_CALL, **call_args("c"))
    lines = 60

    async def writer() -> None:
        for index in range(lines):
            await http.data(ADD_LINE, callId="c", text=f"line {index}")
            await asyncio.sleep(0.005)

    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.subscribe(EVENTS, callId="c", after=1)
    writing = asyncio.create_task(writer())
    seen = [(await socket.next_data())["callEvents"] for _ in range(10)]
    socket.abort()
    await asyncio.sleep(0.1)  # the writer goes on while the client is away

    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.subscribe(EVENTS, callId="c", after=seen[-1]["sequence"])
    while len(seen) < lines:
        seen.append((await socket.next_data())["callEvents"])
    await writing
    await socket.close()

    assert [event["sequence"] for event in seen] == list(range(2, lines + 2))
    assert [event["transcript"]["text"] for event in seen] == [f"line {i}" for i in range(lines)]


async def test_an_event_lost_by_pub_sub_is_refilled_from_the_log(live_server: LiveServer, http: Http) -> None:
    await http.data(START_CALL, **call_args("c"))
    pubsub = live_server.services.pubsub
    publish = pubsub.publish
    dropped: list[str] = []

    async def lossy_publish(channel: str, message: str) -> None:
        if channel == "call:c" and json.loads(message)["payload"].get("transcript", {}).get("text") == "lost":
            dropped.append(message)
            return
        await publish(channel, message)

    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.subscribe(EVENTS, callId="c", after=1)
    pubsub.publish = lossy_publish  # type: ignore[method-assign]
    await http.data(ADD_LINE, callId="c", text="lost")
    await http.data(ADD_LINE, callId="c", text="delivered")

    events = [(await socket.next_data())["callEvents"] for _ in range(2)]
    await socket.close()

    assert len(dropped) == 1
    assert [(e["sequence"], e["transcript"]["text"]) for e in events] == [(2, "lost"), (3, "delivered")]


async def test_an_interim_line_is_replaced_in_place_by_its_final_and_seen_as_an_update(
    live_server: LiveServer, http: Http
) -> None:
    await http.data(START_CALL, **call_args("c"))
    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.subscribe(EVENTS, callId="c", after=1)
    line = """mutation($text: String!, $final: Boolean!) {
      addTranscriptEntry(callId: "c", timestamp: "1", speaker: AGENT, text: $text,
                         isFinal: $final, segmentId: "seg-1") { order } }"""
    await http.data(line, text="I think we", final=False)
    await http.data(line, text="I think we can help", final=True)
    await http.data(ADD_LINE, callId="c", text="next line")

    events = [(await socket.next_data())["callEvents"] for _ in range(3)]
    transcript = await http.data('{ liveCall(callId: "c") { transcripts { order text isFinal } } }')
    await socket.close()

    assert [(e["__typename"], e["transcript"]["order"]) for e in events] == [
        ("TranscriptAddedEvent", 0),
        ("TranscriptUpdatedEvent", 0),
        ("TranscriptAddedEvent", 1),
    ]
    assert events[1]["transcript"] == {
        "order": 0,
        "text": "I think we can help",
        "isFinal": True,
        "segmentId": "seg-1",
    }
    assert transcript["liveCall"]["transcripts"] == [
        {"order": 0, "text": "I think we can help", "isFinal": True},
        {"order": 1, "text": "next line", "isFinal": True},
    ]


async def test_the_stream_completes_after_the_call_ended_event(live_server: LiveServer, http: Http) -> None:
    await http.data(START_CALL, **call_args("c"))
    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.subscribe(EVENTS, callId="c", after=1)
    await http.data('mutation { endLiveCall(callId: "c") { status } }')

    ended = await socket.next_data()
    complete = await socket.next()
    await socket.close()

    assert ended["callEvents"]["type"] == "CALL_ENDED"
    assert complete == {"id": "1", "type": "complete"}


async def test_subscribing_to_an_unknown_call_is_not_found(live_server: LiveServer) -> None:
    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.subscribe(EVENTS, callId="nope")

    message = await socket.next()
    await socket.close()

    assert message["type"] == "next"
    assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_legacy_graphql_ws_clients_get_the_same_events(live_server: LiveServer, http: Http) -> None:
    await http.data(START_CALL, **call_args("c"))
    socket = await GraphQLSocket.open(live_server.ws_url, protocol="graphql-ws")
    await socket.subscribe(EVENTS, callId="c", after=0)

    first = await socket.next_data()
    await socket.close()

    assert first["callEvents"]["type"] == "CALL_STARTED"
