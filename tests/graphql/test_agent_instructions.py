"""Instructions to the agent over HTTP: how they are made, their receipts, overdue, participants."""

import time
from datetime import datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.factories import ACKNOWLEDGE, SEND_INSTRUCTION, SUPERVISOR_ACTION, Api

TIP = """
mutation Tip($callId: String!) {
  addCoachingRecommendation(callId: $callId, type: SUGGESTION, title: "Ask about budget",
                            description: "They mentioned a quarter", priority: 7) { title }
}
"""
EVENTS_OF = """
query Log($callId: String!) { liveCall(callId: $callId) { lastSequence } }
"""


def send(api: Api, text: str = "Slow down", call_id: str = "call-1", **variables: Any) -> dict[str, Any]:
    sent: dict[str, Any] = api.data(SEND_INSTRUCTION, callId=call_id, text=text, **variables)[
        "sendAgentInstruction"
    ]
    return sent


def act(api: Api, action: str, details: str | None = None, **variables: Any) -> None:
    api.data(SUPERVISOR_ACTION, callId="call-1", action=action, details=details, **variables)


def last_sequence(api: Api) -> int:
    sequence: int = api.data(EVENTS_OF, callId="call-1")["liveCall"]["lastSequence"]
    return sequence


def test_send_agent_instruction_makes_a_pending_coach_instruction_from_the_supervisor(api: Api) -> None:
    api.start_call("call-1")

    sent = send(api, "  Mention the annual discount  ", priority=8)

    assert {k: sent[k] for k in ("kind", "text", "priority", "source", "status", "callId")} == {
        "kind": "COACH",
        "text": "Mention the annual discount",
        "priority": 8,
        "source": "SUPERVISOR",
        "status": "PENDING",
        "callId": "call-1",
    }
    assert sent["sequence"] == last_sequence(api) == 2
    assert (sent["deliveredAt"], sent["acknowledgedAt"], sent["overdue"]) == (None, None, False)
    assert api.live_call("call-1")["instructions"][0]["id"] == sent["id"]


def test_a_coaching_recommendation_becomes_a_coach_instruction_from_the_supervisor(api: Api) -> None:
    api.start_call("call-1")

    api.data(TIP, callId="call-1")

    [instruction] = api.live_call("call-1")["instructions"]
    assert (instruction["kind"], instruction["source"], instruction["priority"]) == ("COACH", "SUPERVISOR", 7)
    assert instruction["text"] == "Ask about budget: They mentioned a quarter"


def test_supervisor_actions_instruct_the_agent(api: Api) -> None:
    api.start_call("call-1")
    api.data('mutation { updateCallStatus(callId: "call-1", status: CONNECTED) { status } }')

    act(api, "COACH_AGENT", "Ask for the decision maker")
    act(api, "ADD_NOTE", "Good call")
    act(api, "JOIN_CALL", "mode: whisper")
    act(api, "TRANSFER_CALL", "Tier 2 support")
    act(api, "END_CALL")

    instructions = api.live_call("call-1")["instructions"]
    assert [(i["kind"], i["target"], i["source"]) for i in instructions] == [
        ("COACH", None, "ACTION"),
        ("SUPERVISOR_JOINED", "WHISPER", "ACTION"),
        ("TRANSFER", "Tier 2 support", "ACTION"),
        ("END_CALL", None, "ACTION"),
    ]
    assert instructions[0]["text"] == "Ask for the decision maker"
    assert instructions[1]["text"] == "Sue Visor joined the call (WHISPER)"
    assert instructions[2]["text"] == "Transfer the call to Tier 2 support"


def test_coach_agent_without_details_instructs_nothing(api: Api) -> None:
    api.start_call("call-1")

    act(api, "COACH_AGENT")

    assert api.live_call("call-1")["instructions"] == []


def test_acknowledging_applies_the_outcome_with_its_time_and_detail(api: Api) -> None:
    api.start_call("call-1")
    sent = send(api)

    acked = api.data(ACKNOWLEDGE, id=sent["id"], outcome="REJECTED", detail="customer already hung up")[
        "acknowledgeInstruction"
    ]

    assert (acked["status"], acked["detail"]) == ("REJECTED", "customer already hung up")
    assert acked["acknowledgedAt"] is not None
    assert acked["sequence"] == sent["sequence"]
    assert api.live_call("call-1")["instructions"][0]["status"] == "REJECTED"


def test_the_same_acknowledgement_again_is_a_no_op_returning_the_instruction(api: Api) -> None:
    api.start_call("call-1")
    sent = send(api)
    first = api.data(ACKNOWLEDGE, id=sent["id"], outcome="APPLIED")["acknowledgeInstruction"]
    sequence = last_sequence(api)

    again = api.data(ACKNOWLEDGE, id=sent["id"], outcome="APPLIED", detail="other words")[
        "acknowledgeInstruction"
    ]

    assert again == first
    assert last_sequence(api) == sequence


def test_another_outcome_after_an_acknowledgement_is_a_conflict(api: Api) -> None:
    api.start_call("call-1")
    sent = send(api)
    api.data(ACKNOWLEDGE, id=sent["id"], outcome="APPLIED")
    sequence = last_sequence(api)

    error = api.error(ACKNOWLEDGE, id=sent["id"], outcome="FAILED")

    assert error["extensions"]["code"] == "CONFLICT"
    assert "APPLIED" in error["message"]
    assert last_sequence(api) == sequence


def test_an_instruction_of_an_ended_call_can_still_be_acknowledged(api: Api) -> None:
    api.start_call("call-1")
    act(api, "END_CALL", "Customer asked to stop")
    [instruction] = api.live_call("call-1")["instructions"]

    acked = api.data(ACKNOWLEDGE, id=instruction["id"], outcome="APPLIED")["acknowledgeInstruction"]

    assert acked["status"] == "APPLIED"
    assert instruction["text"] == "End the call: Customer asked to stop"


@pytest.mark.parametrize(
    ("instruction_id", "code"),
    [
        ("999", "NOT_FOUND"),
        ("0", "NOT_FOUND"),
        ("99999999999999999999", "NOT_FOUND"),
        ("x1", "BAD_USER_INPUT"),
    ],
)
def test_an_unknown_or_malformed_instruction_id_is_refused(api: Api, instruction_id: str, code: str) -> None:
    api.start_call("call-1")

    error = api.error(ACKNOWLEDGE, id=instruction_id, outcome="APPLIED")

    assert error["extensions"]["code"] == code
    assert instruction_id in error["message"]


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"priority": 0}, "priority"),
        ({"priority": 11}, "priority"),
    ],
)
def test_bad_send_agent_instruction_input_names_the_field_and_writes_nothing(
    api: Api, variables: dict[str, Any], field: str
) -> None:
    api.start_call("call-1")
    before = api.live_call("call-1")

    error = api.error(SEND_INSTRUCTION, **{"callId": "call-1", "text": "Hi", **variables})

    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", field)
    assert api.live_call("call-1") == before


def test_an_acknowledgement_detail_too_long_is_bad_input(api: Api) -> None:
    api.start_call("call-1")
    sent = send(api)

    error = api.error(ACKNOWLEDGE, id=sent["id"], outcome="FAILED", detail="x" * 10_001)

    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "detail")


def test_an_ended_call_takes_no_new_instruction(api: Api) -> None:
    api.start_call("call-1")
    api.data('mutation { endLiveCall(callId: "call-1") { status } }')

    error = api.error(SEND_INSTRUCTION, callId="call-1", text="Too late")

    assert error["extensions"]["code"] == "CONFLICT"


def test_an_instruction_not_acknowledged_in_time_is_overdue_until_it_is(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"instruction_ack_timeout": 1}))) as client:
        api = Api(client)
        api.start_call("call-1")
        sent = send(api)
        fresh = api.live_call("call-1")
        time.sleep(1.05)
        late = api.live_call("call-1")
        api.data(ACKNOWLEDGE, id=sent["id"], outcome="APPLIED")
        done = api.live_call("call-1")

    assert (fresh["overdueInstructions"], late["overdueInstructions"], done["overdueInstructions"]) == (
        0,
        1,
        0,
    )
    assert [i["status"] for i in late["instructions"]] == ["PENDING"]


def test_due_at_is_the_time_sent_plus_the_acknowledgement_timeout(api: Api) -> None:
    api.start_call("call-1")

    sent = send(api)

    assert (
        datetime.fromisoformat(sent["dueAt"]) - datetime.fromisoformat(sent["createdAt"])
    ).total_seconds() == 30


def test_join_call_puts_the_supervisor_on_the_call_until_it_ends(api: Api) -> None:
    api.start_call("call-1")

    act(api, "JOIN_CALL", "BARGE")
    joined = api.live_call("call-1")["participants"]
    api.data('mutation { endLiveCall(callId: "call-1") { status } }')
    ended = api.live_call("call-1")["participants"]

    assert [(p["supervisorId"], p["mode"], p["leftAt"]) for p in joined] == [("sup-1", "BARGE", None)]
    assert ended[0]["joinedAt"] == joined[0]["joinedAt"]
    assert ended[0]["leftAt"] is not None


@pytest.mark.parametrize(
    ("details", "mode"),
    [
        (None, "LISTEN"),
        ("listening in", "LISTEN"),
        ("Whisper, coaching on price", "WHISPER"),
        ("mode:barge", "BARGE"),
    ],
)
def test_the_join_mode_is_the_first_word_of_the_details(api: Api, details: str | None, mode: str) -> None:
    api.start_call("call-1")

    act(api, "JOIN_CALL", details)

    assert [p["mode"] for p in api.live_call("call-1")["participants"]] == [mode]


def test_an_unknown_mode_after_mode_colon_is_bad_input_and_writes_nothing(api: Api) -> None:
    api.start_call("call-1")
    before = api.live_call("call-1")

    error = api.error(SUPERVISOR_ACTION, callId="call-1", action="JOIN_CALL", details="mode: shout")

    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "details")
    assert api.live_call("call-1") == before


def test_joining_again_in_another_mode_closes_the_first_participation(api: Api) -> None:
    api.start_call("call-1")
    act(api, "JOIN_CALL", "LISTEN")

    act(api, "JOIN_CALL", "LISTEN")
    act(api, "JOIN_CALL", "WHISPER")

    call = api.live_call("call-1")
    assert [(p["mode"], p["leftAt"] is None) for p in call["participants"]] == [
        ("LISTEN", False),
        ("WHISPER", True),
    ]
    assert [i["target"] for i in call["instructions"]] == ["LISTEN", "WHISPER"]
