from typing import Any

import pytest

from tests.factories import Api, when

UPDATE_SYSTEM = """
mutation System($callId: String!, $service: PipelineService!, $status: ServiceStatus!,
                $latency: Float, $errorRate: Float) {
  updateSystemStatus(callId: $callId, service: $service, status: $status, latency: $latency,
                     errorRate: $errorRate) {
    sipStatus sttStatus llmStatus ttsStatus apiLatency errorRate updatedAt
  }
}
"""

STATUS_FIELDS = ("sipStatus", "sttStatus", "llmStatus", "ttsStatus")
SEEDED = {"sipStatus": "CONNECTED", "sttStatus": "STREAMING", "llmStatus": "ACTIVE", "ttsStatus": "ACTIVE"}


def update(api: Api, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = api.data(UPDATE_SYSTEM, callId="call-1", **variables)["updateSystemStatus"]
    return result


def config(api: Api) -> dict[str, Any]:
    result: dict[str, Any] = api.live_call("call-1")["systemConfig"]
    return result


@pytest.mark.parametrize(
    ("service", "field"),
    [("SIP", "sipStatus"), ("STT", "sttStatus"), ("LLM", "llmStatus"), ("TTS", "ttsStatus")],
)
def test_update_system_status_sets_only_that_services_status(api: Api, service: str, field: str) -> None:
    api.start_call("call-1")

    update(api, service=service, status="ERROR")

    assert {key: config(api)[key] for key in STATUS_FIELDS} == {**SEEDED, field: "ERROR"}


@pytest.mark.parametrize("status", ["CONNECTED", "STREAMING", "ACTIVE", "ERROR"])
def test_update_system_status_takes_each_service_status(api: Api, status: str) -> None:
    api.start_call("call-1")

    assert update(api, service="STT", status=status)["sttStatus"] == status


def test_update_system_status_stores_latency_as_api_latency_and_the_error_rate(api: Api) -> None:
    api.start_call("call-1")

    returned = update(api, service="LLM", status="ACTIVE", latency=182.5, errorRate=0.02)

    assert (returned["apiLatency"], returned["errorRate"]) == (182.5, 0.02)
    assert (config(api)["apiLatency"], config(api)["errorRate"]) == (182.5, 0.02)


def test_update_system_status_keeps_latency_and_error_rate_when_not_given(api: Api) -> None:
    api.start_call("call-1")
    update(api, service="LLM", status="ACTIVE", latency=182.5, errorRate=0.02)

    update(api, service="TTS", status="ERROR")

    assert (config(api)["apiLatency"], config(api)["errorRate"]) == (182.5, 0.02)


@pytest.mark.parametrize("rate", [0.0, 1.0])
def test_update_system_status_accepts_an_error_rate_of_0_to_1(api: Api, rate: float) -> None:
    api.start_call("call-1")

    assert update(api, service="SIP", status="CONNECTED", errorRate=rate)["errorRate"] == rate


def test_update_system_status_moves_the_configs_updated_at_only(api: Api) -> None:
    started = api.start_call("call-1")
    before = config(api)["updatedAt"]

    returned = update(api, service="SIP", status="ERROR")

    assert when(returned["updatedAt"]) > when(before)
    assert api.live_call("call-1")["updatedAt"] == started["updatedAt"]
