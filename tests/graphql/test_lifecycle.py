"""The call's state machine, and what an ended call still accepts."""

import pytest

from tests.factories import ADD_LINE, Api

STATUS = 'mutation($s: CallStatus!) { updateCallStatus(callId: "c", status: $s) { status lastSequence } }'
END = 'mutation { endLiveCall(callId: "c") { status endTime lastSequence } }'

CHANGES_AFTER_END = {
    "updateCallStatus": 'mutation { updateCallStatus(callId: "c", status: CONNECTED) { status } }',
    "updatePerformanceMetrics": 'mutation { updatePerformanceMetrics(callId: "c",'
    " metrics: {scriptAdherence: 1}) { scriptAdherence } }",
    "updateCallProgress": 'mutation { updateCallProgress(callId: "c", duration: 9) { duration } }',
    "addSupervisorAction": 'mutation { addSupervisorAction(callId: "c", supervisorId: "s",'
    ' supervisorName: "S", action: ADD_NOTE) { order } }',
    "addCoachingRecommendation": 'mutation { addCoachingRecommendation(callId: "c", type: WARNING,'
    ' title: "t", description: "d", priority: 2) { title } }',
    "updateCallPhase": 'mutation { updateCallPhase(callId: "c", phase: "Closing") { currentPhase } }',
    "toggleRecording": 'mutation { toggleRecording(callId: "c", isRecording: true) { isRecording } }',
    "updateSystemStatus": 'mutation { updateSystemStatus(callId: "c", service: SIP, status: ERROR)'
    " { sipStatus } }",
    "interim addTranscriptEntry": 'mutation { addTranscriptEntry(callId: "c", timestamp: "1", speaker: AGENT,'
    ' text: "uh", isFinal: false) { order } }',
}


def _sequence(api: Api) -> int:
    sequence: int = api.data('{ liveCall(callId: "c") { lastSequence } }')["liveCall"]["lastSequence"]
    return sequence


@pytest.mark.parametrize("mutation", CHANGES_AFTER_END.values(), ids=CHANGES_AFTER_END.keys())
def test_an_ended_call_rejects_changes_with_conflict_and_writes_nothing(api: Api, mutation: str) -> None:
    api.start_call("c")
    api.data(END)
    before = api.live_call("c")

    error = api.error(mutation)

    assert error["extensions"]["code"] == "CONFLICT"
    assert "ended" in error["message"]
    assert api.live_call("c") == before


def test_a_late_final_transcript_line_is_accepted_after_the_end_and_ordered(api: Api) -> None:
    api.start_call("c")
    api.add_line("c", "before the hang-up")
    api.data(END)

    late = api.add_line("c", "the last words", isFinal=True)

    assert late["order"] == 1
    assert [t["text"] for t in api.live_call("c")["transcripts"]] == ["before the hang-up", "the last words"]


def test_ending_an_ended_call_changes_nothing(api: Api) -> None:
    api.start_call("c")
    first = api.data(END)["endLiveCall"]

    again = api.data(END)["endLiveCall"]

    assert again == first


@pytest.mark.parametrize(
    "path",
    [
        ["RINGING", "CONNECTED", "ON_HOLD", "CONNECTED", "TRANSFERRING", "CONNECTED"],
        ["CONNECTED", "TRANSFERRING", "RINGING", "CONNECTED"],
        ["CONNECTED", "ON_HOLD", "TRANSFERRING", "ON_HOLD"],
    ],
)
def test_the_pipelines_status_paths_are_allowed(api: Api, path: list[str]) -> None:
    api.start_call("c")

    statuses = [api.data(STATUS, s=status)["updateCallStatus"]["status"] for status in path]

    assert statuses == path


@pytest.mark.parametrize(
    ("path", "rejected"),
    [
        ([], "ON_HOLD"),
        ([], "TRANSFERRING"),
        (["RINGING"], "ON_HOLD"),
        (["CONNECTED"], "RINGING"),
        (["CONNECTED"], "CONNECTING"),
        (["CONNECTED", "ON_HOLD"], "RINGING"),
    ],
)
def test_a_status_change_outside_the_state_machine_is_a_conflict(
    api: Api, path: list[str], rejected: str
) -> None:
    api.start_call("c")
    for status in path:
        api.data(STATUS, s=status)
    before = _sequence(api)

    error = api.error(STATUS, s=rejected)

    assert error["extensions"]["code"] == "CONFLICT"
    assert "allowed:" in error["message"]
    assert _sequence(api) == before


def test_setting_the_current_status_again_is_a_no_op(api: Api) -> None:
    api.start_call("c")
    first = api.data(STATUS, s="RINGING")["updateCallStatus"]

    again = api.data(STATUS, s="RINGING")["updateCallStatus"]

    assert again == first


def test_transfer_call_before_the_call_connected_is_a_conflict(api: Api) -> None:
    api.start_call("c")

    error = api.error(
        'mutation { addSupervisorAction(callId: "c", supervisorId: "s", supervisorName: "S",'
        " action: TRANSFER_CALL) { order } }"
    )

    assert error["extensions"]["code"] == "CONFLICT"
    assert api.live_call("c")["supervisorActions"] == []


def test_lines_after_the_end_keep_orders_contiguous(api: Api) -> None:
    api.start_call("c")
    api.data(END)

    lines = [api.data(ADD_LINE, callId="c", text=f"late {n}")["addTranscriptEntry"] for n in range(3)]
    orders = [line["order"] for line in lines]

    assert orders == [0, 1, 2]
