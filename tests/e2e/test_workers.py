"""Two worker processes on one PostgreSQL and one Redis, as the scaled deployment runs.

Mutations go to one worker, subscribers sit on the other: whatever reaches
them crossed Redis (or was refilled from the log in PostgreSQL).
"""

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.factories import ACKNOWLEDGE, ADD_LINE, AGENT_INSTRUCTIONS, SEND_INSTRUCTION, START_CALL, call_args
from tests.infra import RedisServer
from tests.live import GraphQLSocket, Http
from tests.scaled import only_scaled
from tests.workers import Worker

pytestmark = only_scaled

EVENTS = """
subscription Events($callId: String!, $after: Int) {
  callEvents(callId: $callId, afterSequence: $after) {
    __typename sequence
    ... on TranscriptAddedEvent { transcript { order text } }
  }
}
"""

BOARD = "subscription { liveCalls { type sequence call { callId status } } }"

SEGMENT_LINE = """mutation($text: String!, $final: Boolean!) {
  addTranscriptEntry(callId: "c", timestamp: "1", speaker: AGENT, text: $text,
                     isFinal: $final, segmentId: "seg-1") { order } }"""

EVERY_KIND: list[tuple[str, dict[str, Any], list[str]]] = [
    (
        'mutation { updateCallStatus(callId: "c", status: CONNECTED) { status } }',
        {},
        ["CallStatusChangedEvent"],
    ),
    (SEGMENT_LINE, {"text": "I think", "final": False}, ["TranscriptAddedEvent"]),
    (SEGMENT_LINE, {"text": "I think so", "final": True}, ["TranscriptUpdatedEvent"]),
    (
        'mutation { addTranscriptEntry(callId: "c", timestamp: "2", speaker: CUSTOMER, text: "Great!",'
        " sentiment: POSITIVE, isFinal: true) { order } }",
        {},
        ["TranscriptAddedEvent", "SentimentUpdatedEvent"],
    ),
    (
        'mutation { updatePerformanceMetrics(callId: "c", metrics: {scriptAdherence: 91}) { updatedAt } }',
        {},
        ["MetricsUpdatedEvent"],
    ),
    ('mutation { updateCallProgress(callId: "c", duration: 60) { duration } }', {}, ["ProgressUpdatedEvent"]),
    (
        'mutation { updateCallPhase(callId: "c", phase: "Discovery", quality: GOOD) { currentPhase } }',
        {},
        ["PhaseChangedEvent"],
    ),
    (
        'mutation { addSupervisorAction(callId: "c", supervisorId: "s1", supervisorName: "Sue",'
        " action: BOOKMARK_MOMENT) { order } }",
        {},
        ["SupervisorActionAddedEvent"],
    ),
    (
        'mutation { addCoachingRecommendation(callId: "c", type: SUGGESTION, title: "Ask about budget",'
        ' description: "Now is a good time", priority: 5) { title } }',
        {},
        ["RecommendationAddedEvent", "InstructionSentEvent"],
    ),
    (
        'mutation { toggleRecording(callId: "c", isRecording: true) { isRecording } }',
        {},
        ["RecordingToggledEvent"],
    ),
    (
        'mutation { updateSystemStatus(callId: "c", service: STT, status: ERROR) { sttStatus } }',
        {},
        ["SystemStatusUpdatedEvent"],
    ),
    ('mutation { endLiveCall(callId: "c") { status } }', {}, ["CallEndedEvent"]),
]

StartWorkers = Callable[..., list[Worker]]


@pytest.fixture
def start_workers(settings: Any, tmp_path: Path) -> Iterator[StartWorkers]:
    """Start ``count`` workers on the test's database (and Redis, unless overridden)."""
    started: list[Worker] = []

    def start(count: int = 2, **overrides: Any) -> list[Worker]:
        workers = [
            Worker(settings.model_copy(update=overrides), tmp_path / f"worker-{len(started) + n}.log")
            for n in range(count)
        ]
        started.extend(workers)
        for worker in workers:
            worker.wait_ready()
        return workers

    yield start
    for worker in started:
        worker.stop()


async def _stream(
    socket: GraphQLSocket, field: str = "callEvents", within: float = 15
) -> list[dict[str, Any]]:
    """Everything until the server completes the stream."""
    events: list[dict[str, Any]] = []
    while True:
        message = await socket.next(within)
        if message["type"] == "complete":
            return events
        assert message["type"] == "next", message
        assert message["payload"].get("errors") is None, message
        events.append(message["payload"]["data"][field])


async def _until_live(board: GraphQLSocket, http: Http) -> None:
    """Start probe calls until one reaches ``board``: it has no log to replay, so it must be live."""
    for attempt in range(100):
        await http.data(START_CALL, **call_args(f"probe-{attempt}"))
        try:
            seen = (await board.next_data(within=0.5))["liveCalls"]["call"]["callId"]
        except TimeoutError:
            continue
        while seen != f"probe-{attempt}":  # skip the earlier probes still on their way
            seen = (await board.next_data())["liveCalls"]["call"]["callId"]
        return
    raise AssertionError("the board subscription never went live")


async def test_every_event_kind_of_a_mutation_on_one_worker_reaches_a_subscriber_on_the_other(
    start_workers: StartWorkers,
) -> None:
    writer, reader = start_workers()
    http = Http(writer.http_url)
    board = await GraphQLSocket.open(reader.ws_url)
    await board.subscribe(BOARD, op_id="board")
    await _until_live(board, http)

    await http.data(START_CALL, **call_args("c"))
    started = (await board.next_data())["liveCalls"]
    events = await GraphQLSocket.open(reader.ws_url)
    await events.subscribe(EVENTS, callId="c", after=1)
    first_query, first_variables, _ = EVERY_KIND[0]
    await http.data(first_query, **first_variables)
    first = (await events.next_data())["callEvents"]
    # The reader is now following Redis: everything after this arrives through it.
    for query, variables, _ in EVERY_KIND[1:]:
        await http.data(query, **variables)
    rest = await _stream(events)
    board_rest = [(await board.next_data())["liveCalls"] for _ in range(2)]
    await events.close()
    await board.close()
    await http.close()

    assert started == {"type": "CALL_STARTED", "sequence": 1, "call": {"callId": "c", "status": "CONNECTING"}}
    received = [first, *rest]
    assert [event["__typename"] for event in received] == [kind for *_, kinds in EVERY_KIND for kind in kinds]
    assert [event["sequence"] for event in received] == list(range(2, 2 + len(received)))
    assert [(event["type"], event["call"]["status"]) for event in board_rest] == [
        ("STATUS_CHANGED", "CONNECTED"),
        ("CALL_ENDED", "ENDED"),
    ]


async def test_four_writers_on_two_workers_get_contiguous_orders_and_sequences(
    start_workers: StartWorkers,
) -> None:
    first, second = start_workers()
    lines_each = 25
    clients = [Http(first.http_url), Http(first.http_url), Http(second.http_url), Http(second.http_url)]
    await clients[0].data(START_CALL, **call_args("c"))
    watchers = [await GraphQLSocket.open(worker.ws_url) for worker in (first, second)]
    for watcher in watchers:
        await watcher.subscribe(EVENTS, callId="c", after=0)

    async def write(writer: int) -> list[int]:
        orders = []
        for index in range(lines_each):
            data = await clients[writer].data(ADD_LINE, callId="c", text=f"w{writer}-{index}")
            orders.append(data["addTranscriptEntry"]["order"])
        return orders

    orders = await asyncio.gather(*(write(writer) for writer in range(4)))
    await clients[3].data('mutation { endLiveCall(callId: "c") { status } }')
    streams = [await _stream(watcher) for watcher in watchers]
    call = await clients[1].data(
        '{ liveCall(callId: "c") { lastSequence transcripts(first: 1000) { order text } } }'
    )
    for watcher in watchers:
        await watcher.close()
    for client in clients:
        await client.close()

    total = 4 * lines_each
    assert sorted(order for mine in orders for order in mine) == list(range(total))
    assert all(mine == sorted(mine) for mine in orders)  # each writer's lines keep its own order
    last = call["liveCall"]["lastSequence"]
    assert last == 1 + total + 1  # started, the lines, ended
    for stream in streams:
        assert [event["sequence"] for event in stream] == list(range(1, last + 1))
    transcripts = call["liveCall"]["transcripts"]
    assert [line["order"] for line in transcripts] == list(range(total))
    texts = {f"w{writer}-{index}" for writer in range(4) for index in range(lines_each)}
    assert {line["text"] for line in transcripts} == texts


async def test_a_redis_restart_during_a_write_stream_loses_no_event_for_a_subscriber(
    start_workers: StartWorkers, redis_server: RedisServer
) -> None:
    writer, reader = start_workers(broadcast_url=redis_server.url)
    http = Http(writer.http_url)
    await http.data(START_CALL, **call_args("c"))
    socket = await GraphQLSocket.open(reader.ws_url)
    await socket.subscribe(EVENTS, callId="c", after=1)
    lines = 60

    for index in range(lines):
        if index == 20:
            redis_server.stop()
        if index == 40:
            redis_server.start()
        await http.data(ADD_LINE, callId="c", text=f"line {index}")
        await asyncio.sleep(0.02)
    await http.data('mutation { endLiveCall(callId: "c") { status } }')
    events = await _stream(socket, within=20)
    await socket.close()
    await http.close()

    assert [event["sequence"] for event in events] == list(range(2, lines + 3))
    assert [event["transcript"]["text"] for event in events[:-1]] == [f"line {i}" for i in range(lines)]
    for worker in (writer, reader):
        output = worker.output()
        assert "lost" in output and "back after" in output, output


async def test_an_instruction_sent_through_one_worker_reaches_the_pipeline_on_the_other(
    start_workers: StartWorkers,
) -> None:
    supervisor_side, pipeline_side = start_workers()
    supervisor, pipeline_http = Http(supervisor_side.http_url), Http(pipeline_side.http_url)
    await supervisor.data(START_CALL, **call_args("c"))
    pipeline = await GraphQLSocket.open(pipeline_side.ws_url)
    await pipeline.subscribe(AGENT_INSTRUCTIONS, callId="c", after=1)

    sent = [
        (await supervisor.data(SEND_INSTRUCTION, callId="c", text=f"tip {index}"))["sendAgentInstruction"]
        for index in range(5)
    ]
    got = [(await pipeline.next_data())["agentInstructions"] for _ in sent]
    await pipeline_http.data(ACKNOWLEDGE, id=got[0]["id"], outcome="APPLIED")
    call = await supervisor.data('{ liveCall(callId: "c") { instructions { id status } } }')
    await pipeline.close()
    await supervisor.close()
    await pipeline_http.close()

    assert [i["id"] for i in got] == [i["id"] for i in sent]
    assert all(i["status"] == "DELIVERED" for i in got)
    assert [i["status"] for i in call["liveCall"]["instructions"]] == ["APPLIED", *["DELIVERED"] * 4]
