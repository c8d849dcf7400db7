from typing import Any

import pytest

from tests.factories import Api, when

UPDATE_METRICS = """
mutation Metrics($callId: String!, $metrics: PerformanceMetricsInput!) {
  updatePerformanceMetrics(callId: $callId, metrics: $metrics) {
    scriptAdherence agentConfidence conversationQuality prospectEngagement
    voiceEnergyLevel responseQuality questionFrequency interestSignals
    conversionProbability demoAcceptanceProbability immediateCloseProbability updatedAt
  }
}
"""

DEFAULTS = {
    "scriptAdherence": 100,
    "agentConfidence": 85,
    "conversationQuality": 90,
    "prospectEngagement": 50,
    "voiceEnergyLevel": "MEDIUM",
    "responseQuality": "GOOD",
    "questionFrequency": "MEDIUM",
    "interestSignals": "MODERATE",
    "conversionProbability": 50,
    "demoAcceptanceProbability": 50,
    "immediateCloseProbability": 20,
}


def update(api: Api, **metrics: Any) -> dict[str, Any]:
    result: dict[str, Any] = api.data(UPDATE_METRICS, callId="call-1", metrics=metrics)[
        "updatePerformanceMetrics"
    ]
    return result


def stored(api: Api) -> dict[str, Any]:
    metrics = dict(api.live_call("call-1")["performanceMetrics"])
    del metrics["updatedAt"]
    return metrics


def test_update_performance_metrics_changes_only_the_fields_given(api: Api) -> None:
    api.start_call("call-1")

    returned = update(api, scriptAdherence=72.5, voiceEnergyLevel="HIGH")

    expected = {**DEFAULTS, "scriptAdherence": 72.5, "voiceEnergyLevel": "HIGH"}
    assert {key: returned[key] for key in DEFAULTS} == expected
    assert stored(api) == expected


def test_a_later_partial_update_keeps_the_earlier_one(api: Api) -> None:
    api.start_call("call-1")
    update(api, agentConfidence=60, responseQuality="FAIR")

    update(api, conversionProbability=75)

    assert stored(api) == {
        **DEFAULTS,
        "agentConfidence": 60,
        "responseQuality": "FAIR",
        "conversionProbability": 75,
    }


def test_update_performance_metrics_sets_all_eight_spec_fields_at_once(api: Api) -> None:
    api.start_call("call-1")
    patch = {
        "scriptAdherence": 91,
        "agentConfidence": 72,
        "conversationQuality": 64,
        "prospectEngagement": 81,
        "voiceEnergyLevel": "LOW",
        "responseQuality": "EXCELLENT",
        "conversionProbability": 33.3,
        "demoAcceptanceProbability": 44.4,
    }

    update(api, **patch)

    assert stored(api) == {**DEFAULTS, **patch}


def test_an_empty_metrics_patch_keeps_every_value(api: Api) -> None:
    api.start_call("call-1")

    update(api)

    assert stored(api) == DEFAULTS


@pytest.mark.parametrize("level", ["LOW", "MEDIUM", "HIGH"])
def test_update_performance_metrics_takes_each_voice_energy_level(api: Api, level: str) -> None:
    api.start_call("call-1")

    assert update(api, voiceEnergyLevel=level)["voiceEnergyLevel"] == level
    assert stored(api)["voiceEnergyLevel"] == level


@pytest.mark.parametrize("quality", ["POOR", "FAIR", "GOOD", "EXCELLENT"])
def test_update_performance_metrics_takes_each_response_quality(api: Api, quality: str) -> None:
    api.start_call("call-1")

    assert update(api, responseQuality=quality)["responseQuality"] == quality
    assert stored(api)["responseQuality"] == quality


@pytest.mark.parametrize("value", [0, 100])
def test_update_performance_metrics_accepts_percentages_at_their_bounds(api: Api, value: int) -> None:
    api.start_call("call-1")

    update(api, prospectEngagement=value, demoAcceptanceProbability=value)

    metrics = stored(api)
    assert (metrics["prospectEngagement"], metrics["demoAcceptanceProbability"]) == (value, value)


def test_update_performance_metrics_moves_updated_at(api: Api) -> None:
    api.start_call("call-1")
    before = api.live_call("call-1")["performanceMetrics"]["updatedAt"]

    returned = update(api, scriptAdherence=80)

    assert when(returned["updatedAt"]) > when(before)
    assert api.live_call("call-1")["performanceMetrics"]["updatedAt"] == returned["updatedAt"]
