from typing import Any

import pytest

from tests.factories import Api, when

ADD_TIP = """
mutation Tip($callId: String!, $type: RecommendationType! = SUGGESTION, $title: String! = "Slow down",
             $description: String! = "You are speaking fast", $priority: Int! = 5) {
  addCoachingRecommendation(callId: $callId, type: $type, title: $title, description: $description,
                            priority: $priority) {
    type title description priority timestamp isActive
  }
}
"""

TIPS = """
query Tips($callId: String!, $activeOnly: Boolean! = false) {
  liveCall(callId: $callId) { coachingRecommendations(activeOnly: $activeOnly) { title priority isActive } }
}
"""


def add_tip(api: Api, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = api.data(ADD_TIP, callId="call-1", **variables)["addCoachingRecommendation"]
    return result


def tips(api: Api, *, active_only: bool = False) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = api.data(TIPS, callId="call-1", activeOnly=active_only)["liveCall"][
        "coachingRecommendations"
    ]
    return result


def test_add_coaching_recommendation_stores_an_active_recommendation(api: Api) -> None:
    started = api.start_call("call-1")

    returned = add_tip(
        api, type="WARNING", title="Pricing objection", description="Offer the annual plan", priority=8
    )

    assert {key: returned[key] for key in ("type", "title", "description", "priority", "isActive")} == {
        "type": "WARNING",
        "title": "Pricing objection",
        "description": "Offer the annual plan",
        "priority": 8,
        "isActive": True,
    }
    assert when(returned["timestamp"]) > when(started["createdAt"])
    assert api.live_call("call-1")["coachingRecommendations"] == [returned]


@pytest.mark.parametrize("kind", ["POSITIVE", "WARNING", "SUGGESTION"])
def test_add_coaching_recommendation_takes_each_type(api: Api, kind: str) -> None:
    api.start_call("call-1")

    assert add_tip(api, type=kind)["type"] == kind


@pytest.mark.parametrize("priority", [1, 10])
def test_add_coaching_recommendation_accepts_priority_1_to_10(api: Api, priority: int) -> None:
    api.start_call("call-1")

    assert add_tip(api, priority=priority)["priority"] == priority


def test_coaching_recommendations_are_listed_highest_priority_first(api: Api) -> None:
    api.start_call("call-1")
    for title, priority in (("low", 2), ("urgent", 9), ("medium", 5)):
        add_tip(api, title=title, priority=priority)

    assert [tip["title"] for tip in tips(api)] == ["urgent", "medium", "low"]


def test_coaching_recommendations_active_only_drops_those_the_call_end_deactivated(api: Api) -> None:
    api.start_call("call-1")
    add_tip(api, title="before the end")
    api.data('mutation { endLiveCall(callId: "call-1") { status } }')

    assert tips(api, active_only=True) == []
    assert tips(api) == [{"title": "before the end", "priority": 5, "isActive": False}]


def test_add_coaching_recommendation_leaves_the_call_itself_unchanged(api: Api) -> None:
    api.start_call("call-1")
    before = api.live_call("call-1")

    add_tip(api)

    after = api.live_call("call-1")
    del before["coachingRecommendations"], after["coachingRecommendations"]
    del before["instructions"], after["instructions"]  # the recommendation's COACH instruction
    # RECOMMENDATION_ADDED and the INSTRUCTION_SENT of the COACH instruction carrying it
    assert after.pop("lastSequence") == before.pop("lastSequence") + 2
    assert after == before
