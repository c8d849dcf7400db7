from typing import Any

from starlette.testclient import TestClient

from tests.factories import Api, TransportWs
from tests.post_call import UPDATE_OBJECTIVE, end_call, instant

OBJECTIVE_EVENTS = """
subscription Events($callId: String!, $after: Int) {
  callEvents(callId: $callId, afterSequence: $after) {
    sequence type
    ... on ObjectiveUpdatedEvent { previousStatus objective { order status startedAt endedAt } }
  }
}
"""


def move(api: Api, status: str, order: int = 0, call_id: str = "call-1") -> dict[str, Any]:
    objective: dict[str, Any] = api.data(UPDATE_OBJECTIVE, callId=call_id, order=order, status=status)[
        "updateCallObjective"
    ]
    return objective


def test_an_objective_moves_pending_to_in_progress_to_completed_with_times(api: Api) -> None:
    started = api.start_call("call-1")

    going = move(api, "IN_PROGRESS")
    done = move(api, "COMPLETED")

    assert (going["status"], going["endedAt"]) == ("IN_PROGRESS", None)
    assert instant(going["startedAt"]) >= instant(started["startTime"])
    assert done["status"] == "COMPLETED"
    assert done["startedAt"] == going["startedAt"]
    assert instant(done["endedAt"]) >= instant(done["startedAt"])
    objectives = api.live_call("call-1")["objectives"]
    assert [o["status"] for o in objectives] == ["COMPLETED", "PENDING", "PENDING", "PENDING", "PENDING"]


def test_an_objective_in_progress_can_be_missed(api: Api) -> None:
    api.start_call("call-1")
    move(api, "IN_PROGRESS", order=2)

    missed = move(api, "MISSED", order=2)

    assert (missed["order"], missed["status"]) == (2, "MISSED")
    assert missed["endedAt"] is not None


def test_a_pending_objective_can_be_missed_without_being_started(api: Api) -> None:
    api.start_call("call-1")

    missed = move(api, "MISSED")

    assert (missed["status"], missed["startedAt"]) == ("MISSED", None)
    assert missed["endedAt"] is not None


def test_an_objective_can_be_named_by_its_text(api: Api) -> None:
    api.start_call("call-1")

    moved = api.data(
        UPDATE_OBJECTIVE,
        callId="call-1",
        objective="Present value proposition effectively",
        status="IN_PROGRESS",
    )["updateCallObjective"]

    assert (moved["order"], moved["status"]) == (1, "IN_PROGRESS")


def test_invalid_transitions_are_conflicts_and_change_nothing(api: Api) -> None:
    api.start_call("call-1")
    move(api, "IN_PROGRESS", order=0)
    move(api, "COMPLETED", order=0)
    before = api.live_call("call-1")

    errors = [
        api.error(UPDATE_OBJECTIVE, callId="call-1", order=1, status="COMPLETED"),
        api.error(UPDATE_OBJECTIVE, callId="call-1", order=0, status="IN_PROGRESS"),
        api.error(UPDATE_OBJECTIVE, callId="call-1", order=0, status="MISSED"),
        api.error(UPDATE_OBJECTIVE, callId="call-1", order=0, status="PENDING"),
    ]

    assert {error["extensions"]["code"] for error in errors} == {"CONFLICT"}
    assert {error["extensions"]["field"] for error in errors} == {"status"}
    assert "can move to IN_PROGRESS or MISSED, not COMPLETED" in errors[0]["message"]
    assert api.live_call("call-1") == before


def test_repeating_the_current_status_changes_nothing_and_records_no_event(api: Api) -> None:
    api.start_call("call-1")
    first = move(api, "IN_PROGRESS")
    sequence = api.live_call("call-1")["lastSequence"]

    again = move(api, "IN_PROGRESS")

    assert again == first
    assert api.live_call("call-1")["lastSequence"] == sequence


def test_objectives_of_an_ended_call_are_final(api: Api) -> None:
    api.start_call("call-1")
    end_call(api, "call-1")

    error = api.error(UPDATE_OBJECTIVE, callId="call-1", order=0, status="IN_PROGRESS")

    assert error["extensions"] == {"code": "CONFLICT", "field": "callId"}


def test_an_unknown_objective_is_bad_user_input_naming_the_argument(api: Api) -> None:
    api.start_call("call-1")

    by_order = api.error(UPDATE_OBJECTIVE, callId="call-1", order=9, status="IN_PROGRESS")
    by_text = api.error(UPDATE_OBJECTIVE, callId="call-1", objective="Win", status="IN_PROGRESS")
    neither = api.error(UPDATE_OBJECTIVE, callId="call-1", status="IN_PROGRESS")
    both = api.error(UPDATE_OBJECTIVE, callId="call-1", order=0, objective="Win", status="IN_PROGRESS")

    assert by_order["extensions"] == {"code": "BAD_USER_INPUT", "field": "order"}
    assert by_text["extensions"] == {"code": "BAD_USER_INPUT", "field": "objective"}
    assert neither["extensions"]["field"] == both["extensions"]["field"] == "order"


def test_an_objective_of_an_unknown_call_is_not_found(api: Api) -> None:
    error = api.error(UPDATE_OBJECTIVE, callId="nope", order=0, status="IN_PROGRESS")

    assert error["extensions"]["code"] == "NOT_FOUND"


def test_each_transition_is_an_objective_updated_event(api: Api, client: TestClient) -> None:
    api.start_call("call-1")
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        ws = TransportWs(socket)
        ws.subscribe(OBJECTIVE_EVENTS, callId="call-1", after=1)
        move(api, "IN_PROGRESS", order=3)
        move(api, "COMPLETED", order=3)

        events = [ws.next()["data"]["callEvents"] for _ in range(2)]

    assert [(e["sequence"], e["type"], e["previousStatus"]) for e in events] == [
        (2, "OBJECTIVE_UPDATED", "PENDING"),
        (3, "OBJECTIVE_UPDATED", "IN_PROGRESS"),
    ]
    assert [(e["objective"]["order"], e["objective"]["status"]) for e in events] == [
        (3, "IN_PROGRESS"),
        (3, "COMPLETED"),
    ]
    assert events[1]["objective"]["endedAt"] is not None
