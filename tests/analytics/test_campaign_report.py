from datetime import UTC, datetime, timedelta
from typing import Any

from tests.factories import Api
from tests.post_call import create_campaign, end_call, move_objective

REPORT = """
query R($campaignId: String!, $from: DateTime, $to: DateTime) {
  campaignReport(campaignId: $campaignId, from: $from, to: $to) {
    campaignId campaign { name } from to calls averageDuration totalCost averageCost
    averagePositivePercentage averageNeutralPercentage averageNegativePercentage
    averageConversionProbability objectivesTotal objectivesCompleted objectivesMissed
    objectivesCompletionRate bookmarks flags
  }
}
"""


def report(api: Api, campaign_id: str = "cmp-q4", **bounds: Any) -> dict[str, Any]:
    result: dict[str, Any] = api.data(REPORT, campaignId=campaign_id, **bounds)["campaignReport"]
    return result


def ended_call(api: Api, call_id: str, campaign_id: str, *, duration: int, conversion: int) -> None:
    api.start_call(call_id, campaignId=campaign_id)
    api.data(
        "mutation P($c: String!, $d: Float!) { updateCallProgress(callId: $c, duration: $d) { duration } }",
        c=call_id,
        d=duration,
    )
    api.data(
        """mutation M($c: String!, $p: Float!) {
             updatePerformanceMetrics(callId: $c, metrics: {conversionProbability: $p}) {
               conversionProbability
             }
           }""",
        c=call_id,
        p=conversion,
    )


def test_campaign_report_aggregates_the_campaigns_ended_calls(api: Api) -> None:
    create_campaign(api, "cmp-q4")
    create_campaign(api, "other")
    ended_call(api, "call-a", "cmp-q4", duration=120, conversion=60)
    api.add_line("call-a", "Nice", speaker="CUSTOMER", sentiment="POSITIVE")  # 40/60/0
    move_objective(api, "call-a", 0, "IN_PROGRESS", "COMPLETED")
    move_objective(api, "call-a", 1, "MISSED")
    api.data(
        'mutation { addSupervisorAction(callId: "call-a", supervisorId: "s", supervisorName: "S", '
        "action: BOOKMARK_MOMENT) { order } }"
    )
    ended_call(api, "call-b", "cmp-q4", duration=60, conversion=80)  # sentiment stays 33/67/0
    move_objective(api, "call-b", 0, "IN_PROGRESS", "COMPLETED")
    move_objective(api, "call-b", 2, "IN_PROGRESS", "COMPLETED")
    ended_call(api, "call-running", "cmp-q4", duration=600, conversion=10)
    ended_call(api, "call-other", "other", duration=999, conversion=99)
    for call_id in ("call-a", "call-b", "call-other"):
        end_call(api, call_id)

    result = report(api)

    assert result == {
        "campaignId": "cmp-q4",
        "campaign": {"name": "Q4 Outbound"},
        "from": None,
        "to": None,
        "calls": 2,
        "averageDuration": 90.0,
        "totalCost": 120 / 60 * 0.05 + 60 / 60 * 0.05,
        "averageCost": (120 / 60 * 0.05 + 60 / 60 * 0.05) / 2,
        "averagePositivePercentage": 36.5,
        "averageNeutralPercentage": 63.5,
        "averageNegativePercentage": 0.0,
        "averageConversionProbability": 70.0,
        "objectivesTotal": 6,
        "objectivesCompleted": 3,
        "objectivesMissed": 1,
        "objectivesCompletionRate": 0.5,
        "bookmarks": 1,
        "flags": 0,
    }


def test_campaign_report_counts_calls_that_started_in_the_range(api: Api) -> None:
    create_campaign(api, "cmp-q4")
    before = datetime.now(UTC)
    ended_call(api, "call-a", "cmp-q4", duration=30, conversion=50)
    end_call(api, "call-a")
    after = datetime.now(UTC)

    inside = report(api, **{"from": before.isoformat(), "to": after.isoformat()})
    earlier = report(api, **{"to": before.isoformat()})
    later = report(api, **{"from": after.isoformat()})

    assert inside["calls"] == 1
    assert (earlier["calls"], later["calls"]) == (0, 0)


def test_campaign_report_of_no_calls_has_null_averages(api: Api) -> None:
    create_campaign(api, "cmp-q4")

    result = report(api)

    assert (result["calls"], result["totalCost"], result["objectivesTotal"]) == (0, 0, 0)
    assert result["averageDuration"] is None
    assert result["objectivesCompletionRate"] is None


def test_campaign_report_works_for_a_free_campaign_label(api: Api) -> None:
    ended_call(api, "call-a", "free-label", duration=60, conversion=50)
    end_call(api, "call-a")

    result = report(api, "free-label")

    assert (result["campaign"], result["calls"], result["averageDuration"]) == (None, 1, 60.0)


def test_campaign_report_rejects_a_range_that_ends_before_it_starts(api: Api) -> None:
    now = datetime.now(UTC)

    error = api.error(
        REPORT, campaignId="cmp-q4", **{"from": now.isoformat(), "to": (now - timedelta(days=1)).isoformat()}
    )

    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "to"}
