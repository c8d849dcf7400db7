"""A scripted call whose analytics are worked out by hand, for the post-call tests."""

from datetime import datetime
from typing import Any

from tests.factories import Api

CREATE_CAMPAIGN = """
mutation Create($name: String!, $objectives: [String!]!, $costPerMinute: Float!,
                $retentionDays: Float, $campaignId: String) {
  createCampaign(name: $name, objectives: $objectives, costPerMinute: $costPerMinute,
                 retentionDays: $retentionDays, campaignId: $campaignId) {
    id name objectives costPerMinute retentionDays createdAt
  }
}
"""

UPDATE_OBJECTIVE = """
mutation Objective($callId: String!, $status: ObjectiveStatus!, $order: Int, $objective: String) {
  updateCallObjective(callId: $callId, status: $status, order: $order, objective: $objective) {
    objective status order startedAt endedAt
  }
}
"""

ACT = """
mutation Act($callId: String!, $action: SupervisorActionType!, $details: String) {
  addSupervisorAction(callId: $callId, supervisorId: "sup-1", supervisorName: "Sam Supervisor",
                      action: $action, details: $details) { order }
}
"""

OBJECTIVES = ["Qualify the budget", "Book a demo", "Agree next steps"]


def instant(value: str) -> datetime:
    """A DateTime the API returned; it must carry its time zone."""
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


def create_campaign(api: Api, campaign_id: str = "cmp-q4", **overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "campaignId": campaign_id,
        "name": "Q4 Outbound",
        "objectives": OBJECTIVES,
        "costPerMinute": 0.05,
        "retentionDays": 7.0,
    }
    args.update(overrides)
    campaign: dict[str, Any] = api.data(CREATE_CAMPAIGN, **args)["createCampaign"]
    return campaign


def move_objective(api: Api, call_id: str, order: int, *statuses: str) -> None:
    for status in statuses:
        api.data(UPDATE_OBJECTIVE, callId=call_id, order=order, status=status)


def act(api: Api, call_id: str, action: str, details: str | None = None) -> None:
    api.data(ACT, callId=call_id, action=action, details=details)


def end_call(api: Api, call_id: str) -> None:
    api.data("mutation End($callId: String!) { endLiveCall(callId: $callId) { status } }", callId=call_id)


def scripted_call(api: Api, call_id: str = "call-1", campaign_id: str = "cmp-q4") -> None:
    """A call of campaign ``campaign_id`` (which must exist: 0.05 $/min, OBJECTIVES), ended by END_CALL.

    By hand: 2 agent and 3 customer lines; sentiment from 33/67/0 by POSITIVE (40/60/0),
    NEUTRAL (36/64/0), NEGATIVE (32/58/10), POSITIVE (39/52/9, improving: 22 → 29.8);
    150 s at 0.05 $/min = 0.125 $; objective 0 completed, 1 missed, 2 left pending;
    Opening GOOD, Discovery EXCELLENT, Value Proposition completed by the end;
    one coaching tip; actions: COACH_AGENT 1, BOOKMARK_MOMENT 2, FLAG_FOR_REVIEW 1, END_CALL 1.
    """
    api.start_call(call_id, campaignId=campaign_id)
    api.data(
        "mutation S($callId: String!) { updateCallStatus(callId: $callId, status: CONNECTED) { status } }",
        callId=call_id,
    )
    api.add_line(call_id, "Hello, this is Ada.", speaker="AGENT")
    api.add_line(call_id, "That sounds great.", speaker="CUSTOMER", sentiment="POSITIVE")
    api.add_line(call_id, "Let me show you the plans.", speaker="AGENT", sentiment="NEUTRAL")
    api.add_line(call_id, "It is too expensive.", speaker="CUSTOMER", sentiment="NEGATIVE")
    api.add_line(call_id, "OK, a demo works.", speaker="CUSTOMER", sentiment="POSITIVE")
    api.data(
        """mutation M($callId: String!) {
             updatePerformanceMetrics(callId: $callId,
                                      metrics: {conversionProbability: 72, scriptAdherence: 95}) {
               conversionProbability
             }
           }""",
        callId=call_id,
    )
    api.data(
        "mutation P($callId: String!) { updateCallProgress(callId: $callId, duration: 150) { duration } }",
        callId=call_id,
    )
    for phase, quality in (("Discovery", "GOOD"), ("Value Proposition", "EXCELLENT")):
        api.data(
            """mutation Ph($callId: String!, $phase: String!, $quality: Quality) {
                 updateCallPhase(callId: $callId, phase: $phase, quality: $quality) { currentPhase }
               }""",
            callId=call_id,
            phase=phase,
            quality=quality,
        )
    move_objective(api, call_id, 0, "IN_PROGRESS", "COMPLETED")
    move_objective(api, call_id, 1, "IN_PROGRESS", "MISSED")
    api.data(
        """mutation T($callId: String!) {
             addCoachingRecommendation(callId: $callId, type: SUGGESTION, title: "Ask about budget",
                                       description: "They mentioned price twice", priority: 6) { priority }
           }""",
        callId=call_id,
    )
    act(api, call_id, "COACH_AGENT", "Slow down")
    act(api, call_id, "BOOKMARK_MOMENT", "Great rebuttal")
    act(api, call_id, "FLAG_FOR_REVIEW", "Pricing promise")
    act(api, call_id, "BOOKMARK_MOMENT", "Demo booked")
    act(api, call_id, "END_CALL")
