import time
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from app.__main__ import main
from app.core.config import Settings
from app.core.db import Database
from app.core.sqltypes import utcnow
from app.main import create_app
from app.retention import purge
from tests.factories import Api
from tests.post_call import act, create_campaign, end_call, scripted_call

ANALYTICS = "query A($c: String!) { callAnalytics(callId: $c) { callId agentLines customerLines } }"


def records(api: Api, call_id: str) -> dict[str, int]:
    """What a call holds, counted through the API, named as the tables retention reports."""
    call = api.live_call(call_id)
    return {
        "call_events": call["lastSequence"],
        "live_transcripts": len(call["transcripts"]),
        "supervisor_actions": len(call["supervisorActions"]),
        "coaching_recommendations": len(call["coachingRecommendations"]),
        "call_phases": len(call["phases"]),
        "call_objectives": len(call["objectives"]),
        "live_performance_metrics": 1,
        "sentiment_analysis": 1,
        "call_system_config": 1,
        "live_calls": 1,
    }


def three_calls(api: Api) -> None:
    """call-short: campaign kept 1 day, ended; call-default: no campaign (30 days), ended;
    call-live: campaign kept 1 day, still running."""
    create_campaign(api, "short", retentionDays=1.0)
    scripted_call(api, "call-short", "short")
    api.start_call("call-default")
    api.add_line("call-default", "Hi")
    end_call(api, "call-default")
    api.start_call("call-live", campaignId="short")
    act(api, "call-live", "ADD_NOTE", "still talking")


async def test_retention_removes_exactly_the_live_records_of_calls_past_their_period(
    api: Api, db: Database
) -> None:
    three_calls(api)
    expected = records(api, "call-short")
    kept = {call_id: api.live_call(call_id) for call_id in ("call-default", "call-live")}

    report = await purge(db, default_days=30, now=utcnow() + timedelta(days=2))

    assert report.removed == expected
    assert report.calls == 1
    assert api.live_call("call-short") is None
    assert api.data(ANALYTICS, c="call-short")["callAnalytics"] == {
        "callId": "call-short",
        "agentLines": 2,
        "customerLines": 3,
    }
    assert {call_id: api.live_call(call_id) for call_id in kept} == kept


async def test_calls_without_a_campaign_period_follow_the_default(api: Api, db: Database) -> None:
    three_calls(api)
    expected = records(api, "call-default")

    await purge(db, default_days=30, now=utcnow() + timedelta(days=2))
    report = await purge(db, default_days=30, now=utcnow() + timedelta(days=31))

    assert report.removed == expected
    assert api.live_call("call-default") is None
    assert api.live_call("call-live") is not None


async def test_a_dry_run_counts_what_it_would_remove_and_removes_nothing(api: Api, db: Database) -> None:
    three_calls(api)
    before = api.live_call("call-short")

    report = await purge(db, default_days=30, now=utcnow() + timedelta(days=2), dry_run=True)

    assert report.dry_run
    assert report.removed == records(api, "call-short")
    assert api.live_call("call-short") == before


async def test_nothing_is_removed_before_the_period_is_over(api: Api, db: Database) -> None:
    three_calls(api)

    report = await purge(db, default_days=30, now=utcnow() + timedelta(hours=23))

    assert report.calls == 0
    assert api.live_call("call-short") is not None


async def test_a_removed_calls_id_stays_taken(api: Api, db: Database) -> None:
    create_campaign(api, "short", retentionDays=1.0)
    scripted_call(api, "call-1", "short")
    await purge(db, default_days=30, now=utcnow() + timedelta(days=2))

    error = api.error(
        'mutation { startLiveCall(callId: "call-1", agentName: "a", customerName: "c", '
        'customerPhone: "1", campaignName: "q", sessionId: "s") { callId } }'
    )

    assert error["extensions"] == {"code": "CONFLICT", "field": "callId"}


async def test_the_report_of_a_removed_call_keeps_its_analytics_without_transcript(
    api: Api, client: TestClient, db: Database
) -> None:
    create_campaign(api, "short", retentionDays=1.0)
    scripted_call(api, "call-1", "short")
    await purge(db, default_days=30, now=utcnow() + timedelta(days=2))

    report = client.get("/calls/call-1/report.json").json()
    text = client.get("/calls/call-1/report.md").text

    assert report["analytics"]["transcriptLines"] == {"agent": 2, "customer": 3}
    assert report["transcript"] is None
    assert "Removed by the retention policy" in text


def test_the_retention_command_reports_what_it_removed(
    api: Api, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    api.start_call("call-1")
    api.add_line("call-1", "Hi")
    end_call(api, "call-1")
    quick = settings.model_copy(update={"retention_days": 1e-9})

    main(["retention", "--dry-run"], settings=quick)
    dry = capsys.readouterr().out
    main(["retention"], settings=quick)
    wet = capsys.readouterr().out

    assert dry.startswith("would remove the live records of 1 ended call(s)")
    assert wet.startswith("removed the live records of 1 ended call(s)")
    assert "live_transcripts" in wet and "call_events" in wet
    assert api.live_call("call-1") is None


def test_the_background_task_removes_expired_calls_when_configured(settings: Settings) -> None:
    quick = settings.model_copy(update={"retention_days": 1e-9, "retention_interval": 0.05})
    with TestClient(create_app(quick)) as client:
        api = Api(client)
        api.start_call("call-1")
        end_call(api, "call-1")
        deadline = time.monotonic() + 10
        # Only the call's own row: nested records read in other statements may vanish mid-query.
        while api.data('{ liveCall(callId: "call-1") { callId } }')["liveCall"] is not None:
            assert time.monotonic() < deadline, "the retention task did not run"
            time.sleep(0.02)

        assert api.data(ANALYTICS, c="call-1")["callAnalytics"]["callId"] == "call-1"
