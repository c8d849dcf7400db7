from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.factories import Api

TRANSCRIPTS = """
query Lines($callId: String!, $first: Int, $after: Int) {
  liveCall(callId: $callId) { transcripts(first: $first, after: $after) { order text } }
}
"""

BOARD = """
query Board($status: [CallStatus!], $campaignId: String, $first: Int, $after: String) {
  liveCalls(status: $status, campaignId: $campaignId, first: $first, after: $after) { callId status }
}
"""

NESTED_BOARD = """
{
  liveCalls {
    callId
    transcripts { text }
    supervisorActions { action }
    coachingRecommendations { title }
    phases { phase status }
    sentiment { positivePercentage }
    performanceMetrics { scriptAdherence }
    systemConfig { sipStatus }
  }
}
"""


@pytest.fixture
def small_pages(settings: Settings) -> Iterator[Api]:
    """The real app with page sizes small enough to overflow in a few requests."""
    update = {
        "transcript_page_default": 3,
        "transcript_page_max": 5,
        "calls_page_default": 2,
        "calls_page_max": 4,
    }
    with TestClient(create_app(settings.model_copy(update=update))) as client:
        yield Api(client)


def lines(api: Api, call_id: str = "call-1", **paging: Any) -> list[int]:
    entries = api.data(TRANSCRIPTS, callId=call_id, **paging)["liveCall"]["transcripts"]
    return [entry["order"] for entry in entries]


def board(api: Api, **variables: Any) -> list[str]:
    return [call["callId"] for call in api.data(BOARD, **variables)["liveCalls"]]


def test_live_call_is_null_for_an_unknown_call_id(api: Api) -> None:
    api.start_call("call-1")

    assert api.data(TRANSCRIPTS, callId="no-such-call") == {"liveCall": None}


def test_live_call_returns_the_call_with_its_nested_records(api: Api) -> None:
    api.start_call("call-1", campaignId="camp-7", sipEndpoint="sip:ada@pbx")
    api.add_line("call-1", "Hello", sentiment="POSITIVE", confidence=0.9)
    api.data(
        'mutation { addSupervisorAction(callId: "call-1", supervisorId: "s1", supervisorName: "Sam",'
        ' action: JOIN_CALL, details: "listening") { order } }'
    )
    api.data(
        'mutation { addCoachingRecommendation(callId: "call-1", type: POSITIVE, title: "Nice opener",'
        ' description: "Keep it up", priority: 3) { priority } }'
    )
    api.data(
        'mutation { updatePerformanceMetrics(callId: "call-1", metrics: {agentConfidence: 70})'
        " { updatedAt } }"
    )
    api.data('mutation { updateSystemStatus(callId: "call-1", service: TTS, status: ERROR) { updatedAt } }')

    call = api.live_call("call-1")

    assert (call["callId"], call["campaignId"], call["sipEndpoint"]) == ("call-1", "camp-7", "sip:ada@pbx")
    assert (call["agentName"], call["customerName"]) == ("Ada Agent", "Carl Customer")
    assert (call["customerPhone"], call["campaignName"]) == ("+1 555 0100", "Q4 Outbound")
    assert call["sessionId"] == "session-call-1"
    assert [o["order"] for o in call["objectives"]] == [0, 1, 2, 3, 4]
    assert [p["order"] for p in call["phases"]] == [0, 1, 2, 3, 4]
    assert [(t["text"], t["confidence"]) for t in call["transcripts"]] == [("Hello", 0.9)]
    assert call["sentiment"]["positivePercentage"] == 40
    assert call["performanceMetrics"]["agentConfidence"] == 70
    assert call["systemConfig"]["ttsStatus"] == "ERROR"
    assert [(a["supervisorName"], a["details"]) for a in call["supervisorActions"]] == [("Sam", "listening")]
    assert [r["title"] for r in call["coachingRecommendations"]] == ["Nice opener"]
    # start, line, sentiment, action, participant joined, its instruction, tip, its instruction,
    # metrics, system
    assert call["lastSequence"] == 10


def test_transcripts_pages_with_first_and_after(api: Api) -> None:
    api.start_call("call-1")
    for index in range(6):
        api.add_line("call-1", f"line {index}")

    assert lines(api, first=2) == [0, 1]
    assert lines(api, first=2, after=1) == [2, 3]
    assert lines(api, first=10, after=3) == [4, 5]
    assert lines(api, after=5) == []


def test_transcripts_returns_the_default_page_when_first_is_omitted(small_pages: Api) -> None:
    small_pages.start_call("call-1")
    for index in range(5):
        small_pages.add_line("call-1", f"line {index}")

    assert lines(small_pages) == [0, 1, 2]
    assert lines(small_pages, after=2) == [3, 4]


def test_transcripts_default_page_is_200_lines_and_the_maximum_1000() -> None:
    fields = Settings.model_fields

    assert (fields["transcript_page_default"].default, fields["transcript_page_max"].default) == (200, 1000)


@pytest.mark.parametrize("first", [6, 0, -1])
def test_transcripts_rejects_first_outside_1_to_the_maximum(small_pages: Api, first: int) -> None:
    small_pages.start_call("call-1")

    error = small_pages.error(TRANSCRIPTS, callId="call-1", first=first)

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "first"
    assert "first" in error["message"]


def test_transcripts_accepts_first_equal_to_the_maximum(small_pages: Api) -> None:
    small_pages.start_call("call-1")
    for index in range(6):
        small_pages.add_line("call-1", f"line {index}")

    assert lines(small_pages, first=5) == [0, 1, 2, 3, 4]


def test_transcripts_rejects_a_first_above_1000_on_the_default_settings(api: Api) -> None:
    api.start_call("call-1")

    error = api.error(TRANSCRIPTS, callId="call-1", first=1001)

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "first"


def test_live_calls_lists_newest_first(api: Api) -> None:
    for call_id in ("call-1", "call-2", "call-3"):
        api.start_call(call_id)

    assert board(api) == ["call-3", "call-2", "call-1"]


def test_live_calls_is_empty_without_calls(api: Api) -> None:
    assert board(api) == []


def test_live_calls_filters_by_a_list_of_statuses(api: Api) -> None:
    for call_id in ("call-1", "call-2", "call-3", "call-4"):
        api.start_call(call_id)
    api.data('mutation { updateCallStatus(callId: "call-1", status: RINGING) { status } }')
    api.data('mutation { updateCallStatus(callId: "call-3", status: CONNECTED) { status } }')
    api.data('mutation { updateCallStatus(callId: "call-3", status: ON_HOLD) { status } }')
    api.data('mutation { endLiveCall(callId: "call-4") { status } }')

    assert board(api, status=["RINGING", "ON_HOLD"]) == ["call-3", "call-1"]
    assert board(api, status=["CONNECTING"]) == ["call-2"]
    assert board(api, status=["ENDED"]) == ["call-4"]
    assert board(api, status=["TRANSFERRING"]) == []


def test_live_calls_filters_by_campaign(api: Api) -> None:
    api.start_call("call-1", campaignId="camp-a")
    api.start_call("call-2", campaignId="camp-b")
    api.start_call("call-3", campaignId="camp-a")
    api.start_call("call-4")

    assert board(api, campaignId="camp-a") == ["call-3", "call-1"]
    assert board(api, campaignId="camp-z") == []


def test_live_calls_combines_the_status_and_campaign_filters(api: Api) -> None:
    api.start_call("call-1", campaignId="camp-a")
    api.start_call("call-2", campaignId="camp-a")
    api.start_call("call-3", campaignId="camp-b")
    for call_id in ("call-2", "call-3"):
        api.data(f'mutation {{ updateCallStatus(callId: "{call_id}", status: CONNECTED) {{ status }} }}')

    assert board(api, status=["CONNECTED"], campaignId="camp-a") == ["call-2"]


def test_live_calls_pages_with_first_and_after(api: Api) -> None:
    for index in range(1, 6):
        api.start_call(f"call-{index}")

    assert board(api, first=2) == ["call-5", "call-4"]
    assert board(api, first=2, after="call-4") == ["call-3", "call-2"]
    assert board(api, first=2, after="call-2") == ["call-1"]
    assert board(api, after="call-1") == []


def test_live_calls_pages_within_a_filter(api: Api) -> None:
    for index in range(1, 6):
        api.start_call(f"call-{index}", campaignId="odd" if index % 2 else "even")

    assert board(api, campaignId="odd", first=1, after="call-5") == ["call-3"]
    assert board(api, campaignId="odd", after="call-3") == ["call-1"]


def test_live_calls_returns_the_default_page_when_first_is_omitted(small_pages: Api) -> None:
    for index in range(1, 4):
        small_pages.start_call(f"call-{index}")

    assert board(small_pages) == ["call-3", "call-2"]


def test_live_calls_default_page_is_50_and_the_maximum_200() -> None:
    fields = Settings.model_fields

    assert (fields["calls_page_default"].default, fields["calls_page_max"].default) == (50, 200)


@pytest.mark.parametrize("first", [5, 0])
def test_live_calls_rejects_first_outside_1_to_the_maximum(small_pages: Api, first: int) -> None:
    error = small_pages.error(BOARD, first=first)

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "first"


def test_live_calls_rejects_an_after_that_names_no_call(api: Api) -> None:
    api.start_call("call-1")

    error = api.error(BOARD, after="no-such-call")

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "after"


def test_live_calls_gives_each_call_its_own_nested_records(api: Api) -> None:
    api.start_call("call-1")
    api.start_call("call-2")
    api.add_line("call-1", "one says hi", sentiment="POSITIVE")
    api.add_line("call-2", "two says hi")
    api.add_line("call-2", "two again")
    api.data(
        'mutation { addSupervisorAction(callId: "call-2", supervisorId: "s", supervisorName: "S",'
        " action: FLAG_FOR_REVIEW) { order } }"
    )
    api.data(
        'mutation { addCoachingRecommendation(callId: "call-1", type: WARNING, title: "for one",'
        ' description: "d", priority: 2) { priority } }'
    )
    api.data('mutation { updateCallPhase(callId: "call-2", phase: "Closing") { callId } }')
    api.data(
        'mutation { updatePerformanceMetrics(callId: "call-1", metrics: {scriptAdherence: 61})'
        " { updatedAt } }"
    )
    api.data('mutation { updateSystemStatus(callId: "call-2", service: SIP, status: ERROR) { updatedAt } }')

    two, one = api.data(NESTED_BOARD)["liveCalls"]

    assert (one["callId"], two["callId"]) == ("call-1", "call-2")
    assert [t["text"] for t in one["transcripts"]] == ["one says hi"]
    assert [t["text"] for t in two["transcripts"]] == ["two says hi", "two again"]
    assert (one["supervisorActions"], two["supervisorActions"]) == ([], [{"action": "FLAG_FOR_REVIEW"}])
    assert (one["coachingRecommendations"], two["coachingRecommendations"]) == ([{"title": "for one"}], [])
    assert [p["status"] for p in one["phases"]] == ["ACTIVE", "PENDING", "PENDING", "PENDING", "PENDING"]
    assert [p["status"] for p in two["phases"]] == ["COMPLETED", "PENDING", "PENDING", "PENDING", "ACTIVE"]
    assert (one["sentiment"]["positivePercentage"], two["sentiment"]["positivePercentage"]) == (40, 33)
    assert (one["performanceMetrics"]["scriptAdherence"], two["performanceMetrics"]["scriptAdherence"]) == (
        61,
        100,
    )
    assert (one["systemConfig"]["sipStatus"], two["systemConfig"]["sipStatus"]) == ("CONNECTED", "ERROR")
