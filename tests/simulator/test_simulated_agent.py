"""The simulator's AI agent follows its instructions: it replies, transfers, hangs up, and acknowledges."""

import asyncio
import io
from typing import Any

from app.simulator.agent import reply_to
from app.simulator.cli import simulate
from app.simulator.script import SCRIPTS_DIR, Script, load, parse
from tests.factories import SEND_INSTRUCTION, SUPERVISOR_ACTION
from tests.live import Http, LiveServer

CALL = """
query Call($callId: String!) {
  liveCall(callId: $callId) {
    status transcripts { speaker text } instructions { kind status acknowledgedAt }
  }
}"""


def _long_call() -> Script:
    return parse(
        "long",
        {
            "call": load(SCRIPTS_DIR / "quick-callback.json").call,
            "steps": [
                {"status": "CONNECTED"},
                {"agent": "Hello, this is Ada."},
                {"wait": 40, "agent": "Anything else I can help with?"},
                {"end": True},
            ],
        },
    )


async def _while_playing(server: LiveServer, supervise: Any) -> tuple[Any, dict[str, Any]]:
    """Play the long call at speed 10 (about 4 s) while ``supervise(http)`` acts on it."""
    http = Http(server.http_url)
    playing = asyncio.create_task(
        simulate(url=server.http_url, scripts=[_long_call()], speed=10, prefix="agent", out=io.StringIO())
    )
    for _ in range(500):  # until the call has its first line: it is playing, its agent listening
        found = (await http.data(CALL, callId="agent-1"))["liveCall"]
        if found and found["transcripts"]:
            break
        await asyncio.sleep(0.02)
    await supervise(http)
    [state] = await playing
    call = (await http.data(CALL, callId="agent-1"))["liveCall"]
    await http.close()
    return state, call


async def test_the_agent_says_a_reply_line_after_a_coach_instruction_and_acknowledges_it(
    live_server: LiveServer,
) -> None:
    async def coach(http: Http) -> None:
        await http.data(SEND_INSTRUCTION, callId="agent-1", text="Mention the annual discount")

    state, call = await _while_playing(live_server, coach)

    assert (state.status, state.error) == ("ENDED", None)
    assert {"speaker": "AGENT", "text": "Understood — Mention the annual discount."} in call["transcripts"]
    assert [(i["kind"], i["status"]) for i in call["instructions"]] == [("COACH", "APPLIED")]


async def test_the_agent_transfers_when_told_and_the_call_leaves_it(live_server: LiveServer) -> None:
    async def transfer(http: Http) -> None:
        await http.data(
            SUPERVISOR_ACTION, callId="agent-1", action="TRANSFER_CALL", details="the billing team"
        )

    state, call = await _while_playing(live_server, transfer)

    assert (state.status, state.notes) == ("ENDED", ["transferred by a supervisor"])
    assert call["status"] == "ENDED"
    assert call["transcripts"][-1] == {
        "speaker": "AGENT",
        "text": "Let me transfer you to the billing team now. One moment, please.",
    }
    assert "Anything else I can help with?" not in [line["text"] for line in call["transcripts"]]
    assert [(i["kind"], i["status"]) for i in call["instructions"]] == [("TRANSFER", "APPLIED")]


async def test_the_agent_hangs_up_when_a_supervisor_ends_the_call(live_server: LiveServer) -> None:
    async def end(http: Http) -> None:
        await http.data(SUPERVISOR_ACTION, callId="agent-1", action="END_CALL")

    state, call = await _while_playing(live_server, end)

    assert (state.status, state.notes, state.error) == ("ENDED", ["ended by a supervisor"], None)
    assert [(i["kind"], i["status"]) for i in call["instructions"]] == [("END_CALL", "APPLIED")]
    assert "Anything else I can help with?" not in [line["text"] for line in call["transcripts"]]


def test_a_listening_supervisor_gets_no_line_and_a_barging_one_is_announced() -> None:
    assert reply_to("SUPERVISOR_JOINED", "Sue joined the call (LISTEN)", "LISTEN") is None
    assert reply_to("SUPERVISOR_JOINED", "Sue joined the call (BARGE)", "BARGE") == (
        "My supervisor is joining us on the line."
    )
