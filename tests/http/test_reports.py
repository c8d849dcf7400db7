from starlette.testclient import TestClient

from tests.factories import Api
from tests.post_call import create_campaign, scripted_call


def test_the_json_report_is_a_download_of_the_analytics_and_transcript(api: Api, client: TestClient) -> None:
    create_campaign(api, "cmp-q4")
    scripted_call(api, "call-1", "cmp-q4")

    response = client.get("/calls/call-1/report.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == 'attachment; filename="call-1-report.json"'
    report = response.json()
    analytics = report["analytics"]
    assert (analytics["callId"], analytics["duration"], analytics["totalCost"]) == (
        "call-1",
        150,
        150 / 60 * 0.05,
    )
    assert analytics["objectives"]["completed"] == 1
    assert analytics["transcriptLines"] == {"agent": 2, "customer": 3}
    assert analytics["supervisorActions"]["BOOKMARK_MOMENT"] == 2
    assert [b["details"] for b in analytics["bookmarks"]] == ["Great rebuttal", "Demo booked"]
    assert [(line["order"], line["speaker"], line["text"]) for line in report["transcript"]] == [
        (0, "AGENT", "Hello, this is Ada."),
        (1, "CUSTOMER", "That sounds great."),
        (2, "AGENT", "Let me show you the plans."),
        (3, "CUSTOMER", "It is too expensive."),
        (4, "CUSTOMER", "OK, a demo works."),
    ]


def test_the_markdown_report_reads_as_a_summary_then_the_transcript(api: Api, client: TestClient) -> None:
    create_campaign(api, "cmp-q4")
    scripted_call(api, "call-1", "cmp-q4")

    response = client.get("/calls/call-1/report.md")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="call-1-report.md"'
    text = response.text
    assert text.startswith("# Call report: call-1\n")
    assert "- Objectives met: 1 of 3 (1 missed)" in text
    assert "- Cost: $0.1250 at $0.05/min" in text
    assert "| Opening | completed |" in text
    assert "- Bookmark at " in text and "Demo booked" in text
    transcript = text.split("## Transcript\n", 1)[1]
    assert "**[00:00:01] Customer:** It is too expensive. _(negative)_" in transcript
    assert transcript.index("Hello, this is Ada.") < transcript.index("OK, a demo works.")


def test_a_running_call_has_no_report_yet(api: Api, client: TestClient) -> None:
    api.start_call("call-1")

    response = client.get("/calls/call-1/report.json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONFLICT"


def test_an_unknown_call_has_no_report(client: TestClient) -> None:
    response = client.get("/calls/nope/report.md")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_a_call_id_with_odd_characters_gets_a_safe_file_name(api: Api, client: TestClient) -> None:
    api.start_call('a "b"/c')
    api.data('mutation { endLiveCall(callId: "a \\"b\\"/c") { status } }')

    response = client.get("/calls/a%20%22b%22%2Fc/report.json")

    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="a__b__c-report.json"'
