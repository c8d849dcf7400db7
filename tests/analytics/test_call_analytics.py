from datetime import timedelta
from typing import Any

from tests.factories import Api
from tests.post_call import OBJECTIVES, create_campaign, end_call, instant, scripted_call

CALL_ANALYTICS = """
query A($callId: String!) {
  callAnalytics(callId: $callId) {
    callId campaignId campaignName agentName customerName startTime endTime
    duration elapsedSeconds costPerMinute totalCost
    sentiment { positivePercentage neutralPercentage negativePercentage trend }
    metrics { conversionProbability scriptAdherence agentConfidence voiceEnergyLevel }
    phases { phase order status startTime endTime seconds quality }
    objectives { objective status order startedAt endedAt }
    objectivesTotal objectivesCompleted objectivesMissed
    agentLines customerLines
    supervisorActions { action count }
    bookmarks { order supervisorName action details }
    flags { order details }
  }
}
"""


def analytics(api: Api, call_id: str = "call-1") -> dict[str, Any]:
    result: dict[str, Any] = api.data(CALL_ANALYTICS, callId=call_id)["callAnalytics"]
    return result


def test_ending_a_call_writes_its_analytics_with_the_numbers_of_the_call(api: Api) -> None:
    create_campaign(api, "cmp-q4")
    scripted_call(api, "call-1", "cmp-q4")
    call = api.live_call("call-1")

    summary = analytics(api)

    assert {key: summary[key] for key in ("callId", "campaignId", "campaignName", "agentName")} == {
        "callId": "call-1",
        "campaignId": "cmp-q4",
        "campaignName": "Q4 Outbound",
        "agentName": "Ada Agent",
    }
    assert (summary["startTime"], summary["endTime"]) == (call["startTime"], call["endTime"])
    elapsed = instant(call["endTime"]) - instant(call["startTime"])
    assert summary["elapsedSeconds"] == elapsed.total_seconds()
    assert (summary["duration"], summary["costPerMinute"]) == (150, 0.05)
    assert summary["totalCost"] == 150 / 60 * 0.05
    assert summary["sentiment"] == {
        "positivePercentage": 39,
        "neutralPercentage": 52,
        "negativePercentage": 9,
        "trend": "IMPROVING",
    }
    assert summary["metrics"] == {
        "conversionProbability": 72,
        "scriptAdherence": 95,
        "agentConfidence": 85,
        "voiceEnergyLevel": "MEDIUM",
    }
    assert (summary["agentLines"], summary["customerLines"]) == (2, 3)
    assert summary["supervisorActions"] == [
        {"action": "BOOKMARK_MOMENT", "count": 2},
        {"action": "COACH_AGENT", "count": 1},
        {"action": "END_CALL", "count": 1},
        {"action": "FLAG_FOR_REVIEW", "count": 1},
    ]
    assert summary["bookmarks"] == [
        {
            "order": 1,
            "supervisorName": "Sam Supervisor",
            "action": "BOOKMARK_MOMENT",
            "details": "Great rebuttal",
        },
        {
            "order": 3,
            "supervisorName": "Sam Supervisor",
            "action": "BOOKMARK_MOMENT",
            "details": "Demo booked",
        },
    ]
    assert summary["flags"] == [{"order": 2, "details": "Pricing promise"}]


def test_analytics_count_the_objectives_met_and_keep_each_one(api: Api) -> None:
    create_campaign(api, "cmp-q4")
    scripted_call(api, "call-1", "cmp-q4")

    summary = analytics(api)

    assert (summary["objectivesTotal"], summary["objectivesCompleted"], summary["objectivesMissed"]) == (
        3,
        1,
        1,
    )
    assert [(o["objective"], o["status"]) for o in summary["objectives"]] == [
        (OBJECTIVES[0], "COMPLETED"),
        (OBJECTIVES[1], "MISSED"),
        (OBJECTIVES[2], "PENDING"),
    ]
    assert all(o["endedAt"] for o in summary["objectives"][:2])


def test_analytics_give_each_phase_its_time_and_quality(api: Api) -> None:
    create_campaign(api, "cmp-q4")
    scripted_call(api, "call-1", "cmp-q4")

    phases = analytics(api)["phases"]

    assert [(p["phase"], p["status"], p["quality"]) for p in phases] == [
        ("Opening", "COMPLETED", "GOOD"),
        ("Discovery", "COMPLETED", "EXCELLENT"),
        ("Value Proposition", "COMPLETED", None),
        ("Objection Handling", "PENDING", None),
        ("Closing", "PENDING", None),
    ]
    for phase in phases[:3]:
        expected = instant(phase["endTime"]) - instant(phase["startTime"])
        assert timedelta(seconds=phase["seconds"]) == expected
    assert [p["seconds"] for p in phases[3:]] == [None, None]


def test_end_live_call_writes_analytics_too(api: Api) -> None:
    api.start_call("call-1")
    api.add_line("call-1", "Hi", speaker="CUSTOMER")

    end_call(api, "call-1")

    summary = analytics(api)
    assert (summary["campaignId"], summary["costPerMinute"], summary["totalCost"]) == (None, 0.0298, 0)
    assert (summary["objectivesTotal"], summary["agentLines"], summary["customerLines"]) == (5, 0, 1)
    assert summary["supervisorActions"] == []


def test_a_running_call_has_no_analytics(api: Api) -> None:
    api.start_call("call-1")

    assert analytics(api) is None
    assert analytics(api, "no-such-call") is None


def test_ending_a_call_twice_keeps_one_analytics_row(api: Api) -> None:
    api.start_call("call-1", campaignId="label")
    end_call(api, "call-1")

    end_call(api, "call-1")

    report = api.data('{ campaignReport(campaignId: "label") { calls } }')["campaignReport"]
    assert report == {"calls": 1}
    assert analytics(api)["endTime"] == api.live_call("call-1")["endTime"]
