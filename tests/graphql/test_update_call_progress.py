import pytest

from tests.factories import Api, when

UPDATE_PROGRESS = """
mutation Progress($callId: String!, $duration: Float!, $agentGain: Float, $customerGain: Float,
                  $currentPhase: String) {
  updateCallProgress(callId: $callId, duration: $duration, agentGain: $agentGain,
                     customerGain: $customerGain, currentPhase: $currentPhase) {
    duration agentGain customerGain currentPhase updatedAt
  }
}
"""

COST = "query Cost($callId: String!) { liveCall(callId: $callId) { systemConfig { totalCost updatedAt } } }"


def total_cost(api: Api) -> float:
    cost: float = api.data(COST, callId="call-1")["liveCall"]["systemConfig"]["totalCost"]
    return cost


def test_update_call_progress_records_the_duration_and_keeps_gains_and_phase(api: Api) -> None:
    api.start_call("call-1")

    returned = api.data(UPDATE_PROGRESS, callId="call-1", duration=42.5)["updateCallProgress"]

    assert returned["duration"] == 42.5
    call = api.live_call("call-1")
    assert (call["duration"], call["agentGain"], call["customerGain"]) == (42.5, 50, 50)
    assert call["currentPhase"] == "Connecting"


def test_update_call_progress_sets_the_agent_and_customer_gains(api: Api) -> None:
    api.start_call("call-1")

    api.data(UPDATE_PROGRESS, callId="call-1", duration=10, agentGain=72.5, customerGain=31)

    call = api.live_call("call-1")
    assert (call["agentGain"], call["customerGain"]) == (72.5, 31)


def test_update_call_progress_sets_one_gain_and_keeps_the_other(api: Api) -> None:
    api.start_call("call-1")
    api.data(UPDATE_PROGRESS, callId="call-1", duration=10, agentGain=70, customerGain=30)

    api.data(UPDATE_PROGRESS, callId="call-1", duration=20, customerGain=45)

    call = api.live_call("call-1")
    assert (call["agentGain"], call["customerGain"]) == (70, 45)


@pytest.mark.parametrize("gain", [0, 100])
def test_update_call_progress_accepts_gains_at_their_bounds(api: Api, gain: int) -> None:
    api.start_call("call-1")

    returned = api.data(UPDATE_PROGRESS, callId="call-1", duration=1, agentGain=gain, customerGain=gain)

    assert (returned["updateCallProgress"]["agentGain"], returned["updateCallProgress"]["customerGain"]) == (
        gain,
        gain,
    )


def test_update_call_progress_sets_the_current_phase_label_only(api: Api) -> None:
    api.start_call("call-1")
    phases = api.live_call("call-1")["phases"]

    api.data(UPDATE_PROGRESS, callId="call-1", duration=30, currentPhase="Discovery")

    call = api.live_call("call-1")
    assert call["currentPhase"] == "Discovery"
    assert call["phases"] == phases


@pytest.mark.parametrize(
    ("duration", "cost"),
    [(0, 0.0), (60, 0.0298), (90, 0.0447), (125, 0.0620833333), (3600, 1.788)],
)
def test_update_call_progress_sets_total_cost_to_duration_minutes_times_cost_per_minute(
    api: Api, duration: float, cost: float
) -> None:
    api.start_call("call-1")

    api.data(UPDATE_PROGRESS, callId="call-1", duration=duration)

    assert total_cost(api) == pytest.approx(cost, rel=1e-9, abs=1e-12)


def test_total_cost_follows_the_latest_duration_rather_than_accumulating(api: Api) -> None:
    api.start_call("call-1")
    api.data(UPDATE_PROGRESS, callId="call-1", duration=120)
    assert total_cost(api) == pytest.approx(0.0596)

    api.data(UPDATE_PROGRESS, callId="call-1", duration=150)

    assert total_cost(api) == pytest.approx(0.0745)


def test_update_call_progress_moves_the_calls_and_the_system_configs_updated_at(api: Api) -> None:
    started = api.start_call("call-1")

    returned = api.data(UPDATE_PROGRESS, callId="call-1", duration=5)["updateCallProgress"]

    assert when(returned["updatedAt"]) > when(started["updatedAt"])
    config = api.data(COST, callId="call-1")["liveCall"]["systemConfig"]
    assert config["updatedAt"] == returned["updatedAt"]
