from typing import Any

from tests.factories import Api, when

END = """
mutation End($callId: String!) { endLiveCall(callId: $callId) { callId status endTime updatedAt } }
"""

ADD_TIP = """
mutation Tip($callId: String!, $title: String!) {
  addCoachingRecommendation(callId: $callId, type: WARNING, title: $title,
                            description: "Watch the pace", priority: 4) { isActive }
}
"""

TO_DISCOVERY = (
    'mutation { updateCallPhase(callId: "call-1", phase: "Discovery", quality: GOOD) { currentPhase } }'
)


def end(api: Api, call_id: str = "call-1") -> dict[str, Any]:
    result: dict[str, Any] = api.data(END, callId=call_id)["endLiveCall"]
    return result


def test_end_live_call_sets_status_ended_and_an_end_time(api: Api) -> None:
    started = api.start_call("call-1")

    returned = end(api)

    assert (returned["callId"], returned["status"]) == ("call-1", "ENDED")
    assert when(returned["endTime"]) > when(started["startTime"])
    assert returned["updatedAt"] == returned["endTime"]
    call = api.live_call("call-1")
    assert (call["status"], call["endTime"]) == ("ENDED", returned["endTime"])


def test_end_live_call_deactivates_every_active_recommendation(api: Api) -> None:
    api.start_call("call-1")
    for title in ("one", "two", "three"):
        api.data(ADD_TIP, callId="call-1", title=title)

    end(api)

    assert {r["isActive"] for r in api.live_call("call-1")["coachingRecommendations"]} == {False}


def test_end_live_call_completes_the_active_phase_with_the_end_time(api: Api) -> None:
    api.start_call("call-1")
    api.data(TO_DISCOVERY)
    opening_before = api.live_call("call-1")["phases"][0]

    returned = end(api)

    opening, discovery, *rest = api.live_call("call-1")["phases"]
    assert opening == opening_before
    assert (discovery["status"], discovery["endTime"]) == ("COMPLETED", returned["endTime"])
    assert discovery["quality"] is None
    assert [p["status"] for p in rest] == ["PENDING", "PENDING", "PENDING"]


def test_end_live_call_leaves_other_calls_running(api: Api) -> None:
    api.start_call("call-1")
    api.start_call("call-2")
    api.data(ADD_TIP, callId="call-2", title="keep me")
    before = api.live_call("call-2")

    end(api, "call-1")

    assert api.live_call("call-2") == before
