"""The simulated AI agent obeys its supervisor: it follows agentInstructions for its call and acts.

As a real voice pipeline would, it subscribes with the pipeline's credentials for the
call it plays (from sequence 0, so nothing sent before it listened is missed) and,
for each instruction: COACH, a reply line in the agent's voice ("Understood — …"; not for
the script's own coach steps, which its next lines already act on);
TRANSFER, a hand-over line, then the call leaves the agent (it ends); END_CALL, the
script stops (the server ended the call); SUPERVISOR_JOINED, a line when they barge
in. Each is acknowledged APPLIED, or REJECTED when the agent cannot do it.
"""

import asyncio
import json
from contextlib import suppress
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

from app.simulator import operations as ops
from app.simulator.client import ApiError, GraphQLClient
from app.simulator.player import CallPlayer, CallState, timestamp

PROTOCOL = "graphql-transport-ws"
ENDED_BY_SUPERVISOR = "ended by a supervisor"
TRANSFERRED = "transferred by a supervisor"
WIND_DOWN_SECONDS = 5.0
"""How long the agent keeps listening after its script ended: receipts of the last instructions."""


def websocket_url(http_url: str) -> str:
    """The GraphQL WebSocket endpoint beside an HTTP one."""
    url = httpx.URL(http_url)
    return str(url.copy_with(scheme="wss" if url.scheme == "https" else "ws"))


def reply_to(kind: str, text: str, target: str | None) -> str | None:
    """What the agent says when told ``kind``; ``None``: it says nothing."""
    match kind:
        case "COACH":
            return f"Understood — {text.rstrip('.')}."
        case "TRANSFER":
            return f"Let me transfer you to {target or 'a colleague'} now. One moment, please."
        case "SUPERVISOR_JOINED" if target == "BARGE":
            return "My supervisor is joining us on the line."
    return None


class ObedientAgent:
    """Listens for one call's instructions and acts on them."""

    def __init__(self, client: GraphQLClient, player: CallPlayer, *, token: str | None = None) -> None:
        self.client = client
        self.player = player
        self.token = token
        self.replies = 0

    @property
    def state(self) -> CallState:
        return self.player.state

    async def listen(self) -> str | None:
        """Act on instructions until the stream ends; a note when the call must stop playing."""
        payload = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with connect(websocket_url(self.client.url), subprotocols=[PROTOCOL]) as socket:  # type: ignore[list-item]
            await _send(socket, {"type": "connection_init", "payload": payload})
            await _receive(socket, "connection_ack")
            variables = {"callId": self.state.call_id, "afterSequence": 0}
            await _send(
                socket,
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": ops.INSTRUCTIONS, "variables": variables},
                },
            )
            while True:
                message = await _receive(socket, "next", "complete", "error")
                if message["type"] != "next":
                    if message["type"] == "error":
                        raise ApiError("SUBSCRIPTION", json.dumps(message.get("payload"))[:200])
                    return None
                if errors := message["payload"].get("errors"):
                    raise ApiError(errors[0].get("extensions", {}).get("code", "ERROR"), errors[0]["message"])
                stop = await self._obey(message["payload"]["data"]["agentInstructions"])
                if stop is not None:
                    return stop

    async def _obey(self, instruction: dict[str, Any]) -> str | None:
        kind, text, target = instruction["kind"], instruction["text"], instruction.get("target")
        line = None if text in self.player.coached else reply_to(kind, text, target)
        if line is not None:
            await self._say(line)
        known = kind in ("COACH", "TRANSFER", "END_CALL", "SUPERVISOR_JOINED")
        await self.client.execute(
            ops.ACKNOWLEDGE,
            instructionId=instruction["id"],
            outcome="APPLIED" if known else "REJECTED",
            detail=None if known else f"the simulated agent cannot do {kind}",
        )
        if kind == "TRANSFER":
            await self.client.execute(ops.END, callId=self.state.call_id)
            return TRANSFERRED
        if kind == "END_CALL":
            return ENDED_BY_SUPERVISOR
        return None

    async def _say(self, text: str) -> None:
        self.replies += 1
        await self.client.execute(
            ops.LINE,
            callId=self.state.call_id,
            timestamp=timestamp(self.state.clock),
            speaker="AGENT",
            text=text,
            isFinal=True,
            segmentId=f"{self.state.call_id}-reply-{self.replies}",
        )
        self.state.lines += 1


async def play_obeying(player: CallPlayer, agent: ObedientAgent) -> CallState:
    """Play the script while the agent listens; an instruction to stop ends the script early."""
    state = player.state
    script = asyncio.create_task(player.play())
    started = asyncio.create_task(player.started.wait())
    await asyncio.wait({script, started}, return_when=asyncio.FIRST_COMPLETED)
    started.cancel()
    if not player.started.is_set():
        return await script  # the call never started: nothing to listen to
    ear = asyncio.create_task(_listening(agent))
    await asyncio.wait({script, ear}, return_when=asyncio.FIRST_COMPLETED)
    stop = ear.result() if ear.done() else None
    if stop is not None and not script.done():
        script.cancel()
        with suppress(asyncio.CancelledError):
            await script
        if not state.done:
            state.status = "ENDED"
            state.notes.append(stop)
        return state
    await script
    with suppress(TimeoutError):
        await asyncio.wait_for(ear, WIND_DOWN_SECONDS)  # the stream completes with the call
    return state


async def _listening(agent: ObedientAgent) -> str | None:
    """``agent.listen()``; losing the instructions is a note on the call, not a failed call."""
    try:
        return await agent.listen()
    except (ApiError, OSError, WebSocketException) as error:
        agent.state.notes.append(f"agent stopped listening: {error}")
        return None


async def _send(socket: ClientConnection, message: dict[str, Any]) -> None:
    await socket.send(json.dumps(message))


async def _receive(socket: ClientConnection, *types: str) -> dict[str, Any]:
    """The next message of one of ``types``; pings are answered, other messages skipped."""
    while True:
        message: dict[str, Any] = json.loads(await socket.recv())
        if message["type"] == "ping":
            await _send(socket, {"type": "pong"})
        elif message["type"] in types:
            return message
