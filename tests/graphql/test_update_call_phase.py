from typing import Any

from tests.factories import Api, when

UPDATE_PHASE = """
mutation Phase($callId: String!, $phase: String!, $quality: Quality) {
  updateCallPhase(callId: $callId, phase: $phase, quality: $quality) { currentPhase updatedAt }
}
"""


def move(api: Api, phase: str, quality: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = api.data(UPDATE_PHASE, callId="call-1", phase=phase, quality=quality)[
        "updateCallPhase"
    ]
    return result


def phases(api: Api) -> dict[str, dict[str, Any]]:
    return {p["phase"]: p for p in api.live_call("call-1")["phases"]}


def test_update_call_phase_completes_the_active_phase_with_its_quality_and_end_time(api: Api) -> None:
    api.start_call("call-1")
    opening_start = phases(api)["Opening"]["startTime"]

    returned = move(api, "Discovery", "GOOD")

    opening = phases(api)["Opening"]
    assert (opening["status"], opening["quality"]) == ("COMPLETED", "GOOD")
    assert opening["startTime"] == opening_start
    assert opening["endTime"] == returned["updatedAt"]


def test_update_call_phase_activates_the_named_phase_with_a_start_time(api: Api) -> None:
    started = api.start_call("call-1")

    returned = move(api, "Discovery", "GOOD")

    discovery = phases(api)["Discovery"]
    assert discovery["status"] == "ACTIVE"
    assert discovery["startTime"] == returned["updatedAt"]
    assert when(discovery["startTime"]) > when(started["startTime"])
    assert (discovery["endTime"], discovery["quality"]) == (None, None)


def test_update_call_phase_sets_the_calls_current_phase_label(api: Api) -> None:
    started = api.start_call("call-1")

    returned = move(api, "Value Proposition")

    assert returned["currentPhase"] == "Value Proposition"
    call = api.live_call("call-1")
    assert call["currentPhase"] == "Value Proposition"
    assert when(call["updatedAt"]) > when(started["updatedAt"])


def test_update_call_phase_without_quality_completes_the_phase_with_no_quality(api: Api) -> None:
    api.start_call("call-1")

    move(api, "Discovery")

    opening = phases(api)["Opening"]
    assert (opening["status"], opening["quality"]) == ("COMPLETED", None)


def test_update_call_phase_leaves_the_other_phases_pending(api: Api) -> None:
    api.start_call("call-1")

    move(api, "Discovery", "FAIR")

    statuses = {name: p["status"] for name, p in phases(api).items()}
    assert statuses == {
        "Opening": "COMPLETED",
        "Discovery": "ACTIVE",
        "Value Proposition": "PENDING",
        "Objection Handling": "PENDING",
        "Closing": "PENDING",
    }


def test_successive_phase_changes_keep_one_active_phase_and_each_completed_quality(api: Api) -> None:
    api.start_call("call-1")

    move(api, "Discovery", "EXCELLENT")
    move(api, "Objection Handling", "POOR")
    move(api, "Closing", "FAIR")

    assert [(p["phase"], p["status"], p["quality"]) for p in api.live_call("call-1")["phases"]] == [
        ("Opening", "COMPLETED", "EXCELLENT"),
        ("Discovery", "COMPLETED", "POOR"),
        ("Value Proposition", "PENDING", None),
        ("Objection Handling", "COMPLETED", "FAIR"),
        ("Closing", "ACTIVE", None),
    ]
