"""Retries with an idempotency key return the first result and write nothing."""

from typing import Any

from tests.factories import START_CALL, Api, call_args

LINE = """
mutation($key: String, $text: String!) {
  addTranscriptEntry(callId: "c", timestamp: "00:01", speaker: AGENT, text: $text,
                     isFinal: true, idempotencyKey: $key) { order text createdAt }
}
"""
ACTION = """
mutation($key: String, $action: SupervisorActionType!, $details: String) {
  addSupervisorAction(callId: "c", supervisorId: "s1", supervisorName: "Sue", action: $action,
                      details: $details, idempotencyKey: $key) { order action details timestamp }
}
"""
TIP = """
mutation($key: String, $title: String!) {
  addCoachingRecommendation(callId: "c", type: SUGGESTION, title: $title, description: "d",
                            priority: 3, idempotencyKey: $key) { title timestamp }
}
"""


def _sequence(api: Api) -> int:
    sequence: int = api.data('{ liveCall(callId: "c") { lastSequence } }')["liveCall"]["lastSequence"]
    return sequence


def _counts(api: Api) -> dict[str, Any]:
    call = api.data(
        '{ liveCall(callId: "c") { lastSequence transcripts { order } supervisorActions { order }'
        " coachingRecommendations { title } } }"
    )["liveCall"]
    return {
        "sequence": call["lastSequence"],
        "lines": len(call["transcripts"]),
        "actions": len(call["supervisorActions"]),
        "tips": len(call["coachingRecommendations"]),
    }


def test_a_retried_transcript_line_returns_the_first_result_and_writes_nothing(api: Api) -> None:
    api.start_call("c")
    first = api.data(LINE, key="k1", text="Hello")["addTranscriptEntry"]
    before = _counts(api)

    again = api.data(LINE, key="k1", text="Hello")["addTranscriptEntry"]

    assert again == first
    assert _counts(api) == before


def test_different_keys_are_different_lines(api: Api) -> None:
    api.start_call("c")

    orders = [api.data(LINE, key=f"k{n}", text="Hello")["addTranscriptEntry"]["order"] for n in range(3)]

    assert orders == [0, 1, 2]


def test_a_key_reused_with_other_content_is_a_conflict_and_writes_nothing(api: Api) -> None:
    api.start_call("c")
    api.data(LINE, key="k1", text="Hello")
    before = _counts(api)

    error = api.error(LINE, key="k1", text="Something else")

    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["field"] == "idempotencyKey"
    assert _counts(api) == before


def test_a_retried_supervisor_action_is_logged_once(api: Api) -> None:
    api.start_call("c")
    first = api.data(ACTION, key="a1", action="BOOKMARK_MOMENT", details="great answer")
    before = _counts(api)

    again = api.data(ACTION, key="a1", action="BOOKMARK_MOMENT", details="great answer")

    assert again == first
    assert _counts(api) == before


def test_a_retried_end_call_action_after_the_call_ended_returns_the_first_action(api: Api) -> None:
    api.start_call("c")
    first = api.data(ACTION, key="end", action="END_CALL")

    again = api.data(ACTION, key="end", action="END_CALL")

    assert again == first
    assert _counts(api)["actions"] == 1


def test_a_retried_coaching_recommendation_is_added_once(api: Api) -> None:
    api.start_call("c")
    first = api.data(TIP, key="t1", title="Slow down")
    before = _counts(api)

    again = api.data(TIP, key="t1", title="Slow down")

    assert again == first
    assert _counts(api) == before


def test_a_retried_start_returns_the_same_call_and_writes_nothing(api: Api) -> None:
    first = api.start_call("c")

    again = api.data(START_CALL, **call_args("c"))["startLiveCall"]

    assert again == first
    assert _sequence(api) == 1


def test_a_start_reusing_a_call_id_with_other_details_is_a_conflict(api: Api) -> None:
    api.start_call("c")

    error = api.error(START_CALL, **call_args("c", agentName="Someone Else"))

    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["field"] == "callId"
    assert api.live_call("c")["agentName"] == "Ada Agent"
