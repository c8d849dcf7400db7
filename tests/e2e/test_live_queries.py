"""The liveCall live query and the liveCalls board, against a real server."""

import sys
from collections.abc import Callable
from typing import Any

import pytest

from tests.factories import ADD_LINE, START_CALL, call_args
from tests.live import GraphQLSocket, Http, LiveServer, eventually

LIVE_CALL = """
subscription($callId: String!) {
  liveCall(callId: $callId) { status lastSequence transcripts { text } sentiment { trend } }
}
"""

BOARD = "subscription { liveCalls { type sequence call { callId status } } }"


async def test_live_call_sends_the_whole_call_on_subscribe(live_server: LiveServer, http: Http) -> None:
    await http.data(START_CALL, **call_args("c"))
    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.subscribe(LIVE_CALL, callId="c")

    first = (await socket.next_data())["liveCall"]
    await socket.close()

    assert first == {
        "status": "CONNECTING",
        "lastSequence": 1,
        "transcripts": [],
        "sentiment": {"trend": "STABLE"},
    }


async def test_live_call_after_a_burst_of_changes_ends_on_the_latest_state(
    live_server: LiveServer, http: Http
) -> None:
    await http.data(START_CALL, **call_args("c"))
    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.subscribe(LIVE_CALL, callId="c")
    assert (await socket.next_data())["liveCall"]["lastSequence"] == 1
    for index in range(20):
        await http.data(ADD_LINE, callId="c", text=f"line {index}")

    states = [(await socket.next_data())["liveCall"]]
    while states[-1]["lastSequence"] < 21:
        states.append((await socket.next_data())["liveCall"])
    await socket.close()

    sequences = [state["lastSequence"] for state in states]
    assert sequences == sorted(sequences)
    assert states[-1]["transcripts"] == [{"text": f"line {i}"} for i in range(20)]


async def test_live_call_completes_when_the_call_ends(live_server: LiveServer, http: Http) -> None:
    await http.data(START_CALL, **call_args("c"))
    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.subscribe(LIVE_CALL, callId="c")
    await socket.next_data()
    await http.data('mutation { endLiveCall(callId: "c") { status } }')

    last = (await socket.next_data())["liveCall"]
    complete = await socket.next()
    await socket.close()

    assert last["status"] == "ENDED"
    assert complete["type"] == "complete"


async def test_the_board_streams_calls_started_status_changes_and_ends_across_calls(
    live_server: LiveServer, http: Http
) -> None:
    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.subscribe(BOARD)
    await eventually(lambda: live_server.services.pubsub.subscriber_count == 1)
    await http.data(START_CALL, **call_args("a"))
    await http.data(START_CALL, **call_args("b"))
    await http.data('mutation { updateCallStatus(callId: "a", status: CONNECTED) { status } }')
    await http.data(ADD_LINE, callId="a", text="not on the board")
    await http.data('mutation { endLiveCall(callId: "b") { status } }')

    events = [(await socket.next_data())["liveCalls"] for _ in range(4)]
    await socket.close()

    assert [(e["type"], e["call"]["callId"], e["call"]["status"]) for e in events] == [
        ("CALL_STARTED", "a", "CONNECTING"),
        ("CALL_STARTED", "b", "CONNECTING"),
        ("STATUS_CHANGED", "a", "CONNECTED"),
        ("CALL_ENDED", "b", "ENDED"),
    ]


def _spy_on_reads(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The reads the API's own code makes from now on (not the background pollers')."""
    db = server.services.db
    reads: list[str] = []

    def spied(name: str) -> Callable[..., Any]:
        method = getattr(db, name)

        def read(*args: Any) -> Any:
            caller = sys._getframe(1).f_globals["__name__"]
            if caller.startswith(("app.graphql", "app.calls")):
                reads.append(f"{caller}: {name}")
            return method(*args)

        return read

    for name in ("read", "read_rows"):
        monkeypatch.setattr(db, name, spied(name))
    return reads


SHOWN_RECORDS = """
subscription($callId: String!) {
  liveCall(callId: $callId) {
    lastSequence
    sentiment { positivePercentage negativePercentage }
    ...Scores
    ... on LiveCall { phases { phase status } }
  }
}
fragment Scores on LiveCall { performanceMetrics { scriptAdherence } }
"""


async def test_a_live_call_update_reads_the_call_and_every_record_it_shows_at_once(
    start_server: Callable[..., LiveServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = start_server(rules_deadline_poll=60)
    http = Http(server.http_url)
    await http.data(START_CALL, **call_args("c"))
    socket = await GraphQLSocket.open(server.ws_url)
    await socket.subscribe(SHOWN_RECORDS, callId="c")
    first = (await socket.next_data())["liveCall"]
    reads = _spy_on_reads(server, monkeypatch)

    await http.data(ADD_LINE, callId="c", text="This is terrible", sentiment="NEGATIVE")
    state = (await socket.next_data())["liveCall"]
    await socket.close()
    await http.close()

    assert reads == ["app.calls.streams: read_rows"]
    assert state["lastSequence"] > first["lastSequence"]
    assert state["sentiment"]["negativePercentage"] > first["sentiment"]["negativePercentage"]
    assert state["performanceMetrics"] == first["performanceMetrics"]
    assert state["phases"] == first["phases"] and len(state["phases"]) == 5


SHOWN_BY_QUERY = """
query($callId: String!) {
  liveCall(callId: $callId) {
    lastSequence
    sentiment { trend }
    ...Scores
    phases { phase }
    transcripts { text }
  }
}
fragment Scores on LiveCall { performanceMetrics { scriptAdherence } }
"""


async def test_a_live_call_query_reads_the_call_and_the_records_it_shows_at_once(
    start_server: Callable[..., LiveServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = start_server(rules_deadline_poll=60)
    http = Http(server.http_url)
    await http.data(START_CALL, **call_args("c"))
    await http.data(ADD_LINE, callId="c", text="Hello")
    reads = _spy_on_reads(server, monkeypatch)

    call = (await http.data(SHOWN_BY_QUERY, callId="c"))["liveCall"]
    await http.close()

    assert reads == ["app.graphql.queries: read_rows", "app.graphql.loaders: read"]  # the transcript
    assert call["sentiment"] == {"trend": "STABLE"} and len(call["phases"]) == 5
    assert call["transcripts"] == [{"text": "Hello"}] and call["performanceMetrics"]["scriptAdherence"] >= 0
