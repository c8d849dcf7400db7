"""agentInstructions on a real server: typed instructions once each, DELIVERED once, receipts logged."""

import asyncio
from typing import Any

from tests.factories import (
    ACKNOWLEDGE,
    AGENT_INSTRUCTIONS,
    SEND_INSTRUCTION,
    START_CALL,
    SUPERVISOR_ACTION,
    call_args,
)
from tests.live import GraphQLSocket, Http, LiveServer

INSTRUCTION_EVENTS = """
subscription Log($callId: String!) {
  callEvents(callId: $callId, afterSequence: 0) {
    __typename sequence
    ... on InstructionSentEvent { instruction { id status } }
    ... on InstructionDeliveredEvent { instruction { id status deliveredAt } }
    ... on InstructionAcknowledgedEvent { outcome instruction { id status detail acknowledgedAt } }
    ... on ParticipantJoinedEvent { participant { supervisorId mode leftAt } }
    ... on ParticipantLeftEvent { participant { supervisorId mode leftAt } }
  }
}
"""


async def send(http: Http, text: str, call_id: str = "c") -> dict[str, Any]:
    sent: dict[str, Any] = (await http.data(SEND_INSTRUCTION, callId=call_id, text=text))[
        "sendAgentInstruction"
    ]
    return sent


async def received(socket: GraphQLSocket) -> dict[str, Any]:
    instruction: dict[str, Any] = (await socket.next_data())["agentInstructions"]
    return instruction


async def log_until(socket: GraphQLSocket, count: int) -> list[dict[str, Any]]:
    return [(await socket.next_data())["callEvents"] for _ in range(count)]


async def test_each_instruction_arrives_typed_with_its_id_and_delivered(
    live_server: LiveServer, http: Http
) -> None:
    await http.data(START_CALL, **call_args("c"))
    await http.data('mutation { updateCallStatus(callId: "c", status: CONNECTED) { status } }')
    pipeline = await GraphQLSocket.open(live_server.ws_url)
    await pipeline.subscribe(AGENT_INSTRUCTIONS, callId="c")
    await asyncio.sleep(0.2)  # subscribed from now: nothing before it is replayed

    sent = await send(http, "Slow down a little")
    await http.data(SUPERVISOR_ACTION, callId="c", action="JOIN_CALL", details="WHISPER")
    await http.data(SUPERVISOR_ACTION, callId="c", action="TRANSFER_CALL", details="billing desk")
    await http.data(SUPERVISOR_ACTION, callId="c", action="END_CALL")
    instructions = [await received(pipeline) for _ in range(4)]
    done = await pipeline.next()
    await pipeline.close()

    assert [(i["kind"], i["target"], i["status"]) for i in instructions] == [
        ("COACH", None, "DELIVERED"),
        ("SUPERVISOR_JOINED", "WHISPER", "DELIVERED"),
        ("TRANSFER", "billing desk", "DELIVERED"),
        ("END_CALL", None, "DELIVERED"),
    ]
    assert instructions[0]["id"] == sent["id"]
    assert instructions[0]["text"] == "Slow down a little"
    assert all(i["deliveredAt"] is not None for i in instructions)
    assert done["type"] == "complete"  # the call ended


async def test_a_pipeline_that_drops_and_resumes_gets_every_instruction_once_in_order(
    live_server: LiveServer, http: Http
) -> None:
    await http.data(START_CALL, **call_args("c"))
    total = 40

    async def supervisor() -> list[str]:
        ids = []
        for index in range(total):
            ids.append((await send(http, f"instruction {index}"))["id"])
            await asyncio.sleep(0.003)
        return ids

    sending = asyncio.create_task(supervisor())
    got: list[dict[str, Any]] = []
    cursor = 0
    while len(got) < total:
        pipeline = await GraphQLSocket.open(live_server.ws_url)
        await pipeline.subscribe(AGENT_INSTRUCTIONS, callId="c", after=cursor)
        for _ in range(min(7, total - len(got))):
            got.append(await received(pipeline))
        cursor = got[-1]["sequence"]
        pipeline.abort()  # lost without a goodbye; the next connection resumes after the cursor
    sent = await sending

    assert [i["id"] for i in got] == sent
    assert [i["text"] for i in got] == [f"instruction {index}" for index in range(total)]


async def test_two_subscribers_and_a_replay_record_delivered_exactly_once(
    live_server: LiveServer, http: Http
) -> None:
    await http.data(START_CALL, **call_args("c"))
    first = await GraphQLSocket.open(live_server.ws_url)
    second = await GraphQLSocket.open(live_server.ws_url)
    for socket in (first, second):
        await socket.subscribe(AGENT_INSTRUCTIONS, callId="c", after=1)
    await asyncio.sleep(0.2)

    sent = await send(http, "Offer the trial")
    both = [await received(first), await received(second)]
    replay = await GraphQLSocket.open(live_server.ws_url)
    await replay.subscribe(AGENT_INSTRUCTIONS, callId="c", after=0)
    replayed = await received(replay)
    for socket in (first, second, replay):
        await socket.close()
    log = await GraphQLSocket.open(live_server.ws_url)
    await log.subscribe(INSTRUCTION_EVENTS, callId="c")
    events = await log_until(log, 3)  # started, sent, delivered
    await log.close()

    assert {i["id"] for i in [*both, replayed]} == {sent["id"]}
    assert len({i["deliveredAt"] for i in [*both, replayed]}) == 1
    assert [e["__typename"] for e in events] == [
        "CallStartedEvent",
        "InstructionSentEvent",
        "InstructionDeliveredEvent",
    ]
    call = await http.data('{ liveCall(callId: "c") { lastSequence } }')
    assert call["liveCall"]["lastSequence"] == 3


async def test_each_step_of_an_instruction_is_an_event_on_the_call(
    live_server: LiveServer, http: Http
) -> None:
    await http.data(START_CALL, **call_args("c"))
    log = await GraphQLSocket.open(live_server.ws_url)
    await log.subscribe(INSTRUCTION_EVENTS, callId="c")
    pipeline = await GraphQLSocket.open(live_server.ws_url)
    await pipeline.subscribe(AGENT_INSTRUCTIONS, callId="c", after=1)

    sent = await send(http, "Ask about the timeline")
    await received(pipeline)
    await pipeline.close()  # gone: the next instruction stays PENDING
    await http.data(ACKNOWLEDGE, id=sent["id"], outcome="FAILED", detail="TTS timed out")
    await http.data(SUPERVISOR_ACTION, callId="c", action="JOIN_CALL", details="mode: LISTEN")
    await http.data('mutation { endLiveCall(callId: "c") { status } }')
    events = await log_until(log, 9)
    await log.close()

    assert [e["__typename"] for e in events] == [
        "CallStartedEvent",
        "InstructionSentEvent",
        "InstructionDeliveredEvent",
        "InstructionAcknowledgedEvent",
        "SupervisorActionAddedEvent",
        "ParticipantJoinedEvent",
        "InstructionSentEvent",  # the supervisor joined: the agent is told
        "ParticipantLeftEvent",  # the call's end: before CALL_ENDED, so every stream sees it
        "CallEndedEvent",
    ]
    sent_event, delivered, acknowledged = events[1:4]
    assert sent_event["instruction"] == {"id": sent["id"], "status": "PENDING"}
    assert delivered["instruction"]["status"] == "DELIVERED"
    assert acknowledged["outcome"] == "FAILED"
    assert acknowledged["instruction"]["detail"] == "TTS timed out"
    assert events[5]["participant"] == {"supervisorId": "sup-1", "mode": "LISTEN", "leftAt": None}
    assert events[7]["participant"]["leftAt"] is not None


async def test_an_unknown_call_is_not_found_on_the_stream(live_server: LiveServer) -> None:
    pipeline = await GraphQLSocket.open(live_server.ws_url)
    await pipeline.subscribe(AGENT_INSTRUCTIONS, callId="nope")

    message = await pipeline.next()
    await pipeline.close()

    assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
