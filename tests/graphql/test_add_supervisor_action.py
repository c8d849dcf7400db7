from typing import Any

import pytest

from tests.factories import Api, when

ADD_ACTION = """
mutation Action($callId: String!, $action: SupervisorActionType!, $details: String,
                $supervisorId: String! = "sup-1", $supervisorName: String! = "Sam Supervisor") {
  addSupervisorAction(callId: $callId, supervisorId: $supervisorId, supervisorName: $supervisorName,
                      action: $action, details: $details) {
    order supervisorId supervisorName action details timestamp
  }
}
"""

ADD_TIP = """
mutation Tip($callId: String!, $title: String!) {
  addCoachingRecommendation(callId: $callId, type: SUGGESTION, title: $title,
                            description: "Ask about their timeline", priority: 5) { isActive }
}
"""

CONNECT = 'mutation { updateCallStatus(callId: "call-1", status: CONNECTED) { status updatedAt } }'


def act(api: Api, action: str, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = api.data(ADD_ACTION, callId="call-1", action=action, **variables)[
        "addSupervisorAction"
    ]
    return result


def test_add_supervisor_action_numbers_actions_0_1_2_in_arrival_order(api: Api) -> None:
    api.start_call("call-1")

    orders = [act(api, action)["order"] for action in ("JOIN_CALL", "ADD_NOTE", "BOOKMARK_MOMENT")]

    assert orders == [0, 1, 2]
    logged = api.live_call("call-1")["supervisorActions"]
    assert [(a["order"], a["action"]) for a in logged] == [
        (0, "JOIN_CALL"),
        (1, "ADD_NOTE"),
        (2, "BOOKMARK_MOMENT"),
    ]


def test_add_supervisor_action_logs_who_did_what_and_when(api: Api) -> None:
    started = api.start_call("call-1")

    returned = act(api, "ADD_NOTE", supervisorId="sup-7", supervisorName="Sue Visor", details="Good rapport")

    assert {key: returned[key] for key in ("order", "supervisorId", "supervisorName", "action")} == {
        "order": 0,
        "supervisorId": "sup-7",
        "supervisorName": "Sue Visor",
        "action": "ADD_NOTE",
    }
    assert returned["details"] == "Good rapport"
    assert when(returned["timestamp"]) > when(started["createdAt"])
    assert api.live_call("call-1")["supervisorActions"] == [returned]


def test_add_supervisor_action_leaves_details_null_when_not_given(api: Api) -> None:
    api.start_call("call-1")

    assert act(api, "JOIN_CALL")["details"] is None


def test_end_call_action_ends_the_call(api: Api) -> None:
    api.start_call("call-1")

    act(api, "END_CALL")

    call = api.live_call("call-1")
    assert call["status"] == "ENDED"
    assert call["endTime"] is not None
    assert when(call["endTime"]) > when(call["startTime"])


def test_end_call_action_deactivates_active_recommendations(api: Api) -> None:
    api.start_call("call-1")
    api.data(ADD_TIP, callId="call-1", title="Slow down")
    api.data(ADD_TIP, callId="call-1", title="Mention the demo")

    act(api, "END_CALL")

    recommendations = api.live_call("call-1")["coachingRecommendations"]
    assert [r["isActive"] for r in recommendations] == [False, False]


def test_end_call_action_completes_the_active_phase(api: Api) -> None:
    api.start_call("call-1")

    act(api, "END_CALL")

    call = api.live_call("call-1")
    opening = call["phases"][0]
    assert (opening["phase"], opening["status"]) == ("Opening", "COMPLETED")
    assert opening["endTime"] == call["endTime"]
    assert {p["status"] for p in call["phases"][1:]} == {"PENDING"}


def test_end_call_action_is_logged_as_well(api: Api) -> None:
    api.start_call("call-1")

    returned = act(api, "END_CALL", details="Customer asked to stop")

    assert api.live_call("call-1")["supervisorActions"] == [returned]
    assert (returned["action"], returned["details"]) == ("END_CALL", "Customer asked to stop")


def test_transfer_call_action_sets_the_status_to_transferring(api: Api) -> None:
    api.start_call("call-1")
    connected = api.data(CONNECT)["updateCallStatus"]

    returned = act(api, "TRANSFER_CALL")

    call = api.live_call("call-1")
    assert call["status"] == "TRANSFERRING"
    assert when(call["updatedAt"]) > when(connected["updatedAt"])
    assert call["endTime"] is None
    assert call["supervisorActions"] == [returned]


@pytest.mark.parametrize(
    "action", ["COACH_AGENT", "JOIN_CALL", "ADD_NOTE", "BOOKMARK_MOMENT", "FLAG_FOR_REVIEW"]
)
def test_other_supervisor_actions_are_only_logged(api: Api, action: str) -> None:
    api.start_call("call-1")
    api.data(ADD_TIP, callId="call-1", title="Slow down")
    before = api.live_call("call-1")

    returned = act(api, action)

    after = api.live_call("call-1")
    assert after["supervisorActions"] == [returned]
    assert returned["action"] == action
    unchanged = ("status", "endTime", "phases", "coachingRecommendations", "currentPhase", "updatedAt")
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
