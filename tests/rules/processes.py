"""What the tests of servers in other processes share: an ``Api`` over HTTP, the call's raised alerts."""

from typing import Any

import httpx2

from tests.factories import Api
from tests.live import GraphQLSocket
from tests.rules.documents import CALL_EVENTS


class ProcessApi(Api):
    """``Api`` over real HTTP to a server in another process."""

    def __init__(self, url: str) -> None:
        self.url = url

    def execute(self, query: str, **variables: Any) -> dict[str, Any]:
        response = httpx2.post(self.url, json={"query": query, "variables": variables}, timeout=10)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def raised_events(ws_url: str, call_id: str, *, most: int = 200) -> list[dict[str, Any]]:
    """The ALERT_RAISED events in the call's log, replayed from its start until it is quiet for
    a second, or ``most`` events: a log that never goes quiet fails its test instead of hanging it."""
    socket = await GraphQLSocket.open(ws_url)
    try:
        await socket.subscribe(CALL_EVENTS, callId=call_id, after=0)
        events: list[dict[str, Any]] = []
        while len(events) < most:
            try:
                events.append((await socket.next_data(within=1))["callEvents"])
            except TimeoutError:
                break
    finally:
        await socket.close()
    return [event for event in events if event["type"] == "ALERT_RAISED"]
