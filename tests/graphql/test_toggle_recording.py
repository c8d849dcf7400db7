from typing import Any

from tests.factories import Api, when

TOGGLE = """
mutation Toggle($callId: String!, $on: Boolean!) {
  toggleRecording(callId: $callId, isRecording: $on) { isRecording recordingStartTime updatedAt }
}
"""


def toggle(api: Api, on: bool) -> dict[str, Any]:
    result: dict[str, Any] = api.data(TOGGLE, callId="call-1", on=on)["toggleRecording"]
    return result


def test_toggle_recording_on_sets_is_recording_and_stamps_recording_start_time(api: Api) -> None:
    started = api.start_call("call-1")

    returned = toggle(api, True)

    assert returned["isRecording"] is True
    assert returned["recordingStartTime"] == returned["updatedAt"]
    assert when(returned["recordingStartTime"]) > when(started["startTime"])
    call = api.live_call("call-1")
    assert (call["isRecording"], call["recordingStartTime"]) == (True, returned["recordingStartTime"])


def test_toggle_recording_off_clears_recording_start_time(api: Api) -> None:
    api.start_call("call-1")
    on = toggle(api, True)

    returned = toggle(api, False)

    assert (returned["isRecording"], returned["recordingStartTime"]) == (False, None)
    assert when(returned["updatedAt"]) > when(on["updatedAt"])
    call = api.live_call("call-1")
    assert (call["isRecording"], call["recordingStartTime"]) == (False, None)


def test_toggle_recording_on_again_stamps_a_new_start_time(api: Api) -> None:
    api.start_call("call-1")
    first = toggle(api, True)
    toggle(api, False)

    again = toggle(api, True)

    assert when(again["recordingStartTime"]) > when(first["recordingStartTime"])
