"""The liveCall live query sends one frame per change, over a real WebSocket."""

from tests.factories import ADD_LINE, START_CALL, call_args
from tests.live import GraphQLSocket, Http, LiveServer

LIVE_CALL = """
subscription($callId: String!) {
  liveCall(callId: $callId) { lastSequence transcripts { text } sentiment { trend } }
}
"""


async def test_each_line_that_moves_the_sentiment_is_one_live_call_frame(
    live_server: LiveServer, http: Http
) -> None:
    await http.data(START_CALL, **call_args("c"))
    socket = await GraphQLSocket.open(live_server.ws_url)
    await socket.subscribe(LIVE_CALL, callId="c")
    frames = [(await socket.next_data())["liveCall"]]

    # Each line is one change recording two events: TRANSCRIPT_ADDED and SENTIMENT_UPDATED.
    for text in ("Sounds good.", "Tell me more.", "Let us book it."):
        await http.data(ADD_LINE, callId="c", text=text, speaker="CUSTOMER", sentiment="POSITIVE")
        frames.append((await socket.next_data())["liveCall"])
    await socket.close()

    # A frame sent twice would show up as a repeated sequence, one change behind.
    assert [frame["lastSequence"] for frame in frames] == [1, 3, 5, 7]
    assert [len(frame["transcripts"]) for frame in frames] == [0, 1, 2, 3]
