"""Acknowledging and resolving alerts, the alerts query, and the board's attention order."""

from collections.abc import Callable

import pytest

from app.auth.roles import Role
from tests.factories import START_CALL, Api, call_args, when
from tests.rules.conftest import TokenApi
from tests.rules.documents import (
    ACKNOWLEDGE,
    ALERTS,
    BOARD,
    RESOLVE,
    alerts,
    attention,
    create_rule,
    phrases_rule,
)


def _raised(api: Api, severity: str = "CRITICAL", call_id: str = "call-1", **start: str) -> dict[str, object]:
    create_rule(api, phrases_rule(f"alarm {severity.lower()}", severity=severity, name=severity))
    api.start_call(call_id, **start)
    api.add_line(call_id, text=f"alarm {severity.lower()}")
    return alerts(api, callId=call_id)[0]


def test_an_acknowledged_alert_says_who_and_when(as_role: Callable[..., TokenApi]) -> None:
    admin = as_role(Role.ADMIN)
    alert = _raised(admin)

    acknowledged = as_role(Role.SUPERVISOR, subject="sup-9").data(ACKNOWLEDGE, id=alert["id"])[
        "acknowledgeAlert"
    ]

    assert (acknowledged["status"], acknowledged["acknowledgedBy"]) == ("ACKNOWLEDGED", "sup-9")
    assert when(acknowledged["acknowledgedAt"]) >= when(alert["raisedAt"])


def test_acknowledging_twice_changes_nothing(api: Api) -> None:
    alert = _raised(api)
    first = api.data(ACKNOWLEDGE, id=alert["id"])["acknowledgeAlert"]

    again = api.data(ACKNOWLEDGE, id=alert["id"])["acknowledgeAlert"]

    assert again == first
    assert api.live_call()["lastSequence"] == alert["sequence"] + 1


def test_a_resolved_alert_keeps_its_note_and_leaves_the_open_counts(api: Api) -> None:
    alert = _raised(api)
    before = attention(api)

    resolved = api.data(RESOLVE, id=alert["id"], note="called back")["resolveAlert"]

    assert (resolved["status"], resolved["note"]) == ("RESOLVED", "called back")
    assert before == {"openAlerts": 1, "critical": 1, "warning": 0, "info": 0, "highestSeverity": "CRITICAL"}
    assert attention(api) == {
        "openAlerts": 0,
        "critical": 0,
        "warning": 0,
        "info": 0,
        "highestSeverity": None,
    }


def test_an_acknowledged_alert_is_still_open(api: Api) -> None:
    alert = _raised(api, "WARNING")

    api.data(ACKNOWLEDGE, id=alert["id"])

    assert attention(api)["warning"] == 1


def test_resolving_twice_changes_nothing(api: Api) -> None:
    alert = _raised(api)
    first = api.data(RESOLVE, id=alert["id"])["resolveAlert"]

    again = api.data(RESOLVE, id=alert["id"], note="late note")["resolveAlert"]

    assert again == first
    assert attention(api)["openAlerts"] == 0


def test_acknowledging_a_resolved_alert_is_a_conflict(api: Api) -> None:
    alert = _raised(api)
    api.data(RESOLVE, id=alert["id"])

    assert api.error(ACKNOWLEDGE, id=alert["id"])["extensions"]["code"] == "CONFLICT"


def test_an_unknown_alert_is_not_found(api: Api) -> None:
    assert api.error(ACKNOWLEDGE, id="77")["extensions"]["code"] == "NOT_FOUND"
    assert api.error(RESOLVE, id="not-a-number")["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PIPELINE])
def test_only_supervisors_acknowledge_and_resolve(as_role: Callable[..., TokenApi], role: Role) -> None:
    alert = _raised(as_role(Role.ADMIN))
    other = as_role(role)

    codes = {
        other.error(document, id=alert["id"])["extensions"]["code"] for document in (ACKNOWLEDGE, RESOLVE)
    }

    assert codes == {"FORBIDDEN"}


def test_another_campaigns_alert_is_not_found_for_a_scoped_supervisor(
    as_role: Callable[..., TokenApi],
) -> None:
    admin = as_role(Role.ADMIN)
    alert = _raised(admin, campaignId="camp-b")
    scoped = as_role(Role.SUPERVISOR, campaigns=["camp-a"])

    codes = {
        scoped.error(document, id=alert["id"])["extensions"]["code"] for document in (ACKNOWLEDGE, RESOLVE)
    }

    assert codes == {"NOT_FOUND"}
    assert alerts(admin)[0]["status"] == "OPEN"


def test_the_alerts_query_shows_a_scoped_token_only_its_campaigns(as_role: Callable[..., TokenApi]) -> None:
    admin = as_role(Role.ADMIN)
    create_rule(admin, phrases_rule("alarm"))
    for call_id, campaign in (("a-1", "camp-a"), ("b-1", "camp-b")):
        admin.data(START_CALL, **call_args(call_id, campaignId=campaign))
        admin.add_line(call_id, text="alarm")

    seen = alerts(as_role(Role.VIEWER, campaigns=["camp-a"]))

    assert [alert["callId"] for alert in seen] == ["a-1"]
    assert len(alerts(admin)) == 2


def test_the_alerts_query_filters_by_status_severity_campaign_and_call(api: Api) -> None:
    create_rule(api, phrases_rule("red", severity="CRITICAL", name="red"))
    create_rule(api, phrases_rule("amber", severity="WARNING", name="amber"))
    for call_id, campaign in (("a-1", "camp-a"), ("b-1", "camp-b")):
        api.start_call(call_id, campaignId=campaign)
        api.add_line(call_id, text="red and amber")
    api.data(ACKNOWLEDGE, id=alerts(api, callId="b-1", severity="WARNING")[0]["id"])

    def names(**filters: object) -> list[tuple[str, str]]:
        return [(alert["callId"], alert["ruleName"]) for alert in alerts(api, **filters)]

    assert names() == [("b-1", "amber"), ("b-1", "red"), ("a-1", "amber"), ("a-1", "red")]
    assert names(severity="CRITICAL") == [("b-1", "red"), ("a-1", "red")]
    assert names(status="ACKNOWLEDGED") == [("b-1", "amber")]
    assert names(campaignId="camp-a") == [("a-1", "amber"), ("a-1", "red")]
    assert names(callId="b-1", status="OPEN") == [("b-1", "red")]
    assert names(first=1) == [("b-1", "amber")]


@pytest.mark.parametrize("first", [0, 501])
def test_the_alerts_query_page_is_1_to_500(api: Api, first: int) -> None:
    error = api.error(ALERTS, first=first)

    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}


def test_a_calls_alerts_are_nested_on_it(api: Api) -> None:
    alert = _raised(api)
    query = '{ liveCall(callId: "call-1") { open: alerts(status: OPEN) { id } all: alerts { id reason } } }'

    call = api.data(query)["liveCall"]

    assert call == {"open": [{"id": alert["id"]}], "all": [{"id": alert["id"], "reason": alert["reason"]}]}


def test_the_board_by_attention_puts_critical_then_warning_then_negative_sentiment_first(api: Api) -> None:
    create_rule(api, phrases_rule("fire", severity="CRITICAL"))
    create_rule(api, phrases_rule("smoke", severity="WARNING"))
    for call_id in ("quiet", "sour", "smoky", "burning", "newest"):
        api.start_call(call_id)
    api.add_line("sour", text="meh", sentiment="NEGATIVE")
    api.add_line("smoky", text="smoke")
    api.add_line("burning", text="fire")

    board = [call["callId"] for call in api.data(BOARD, orderBy="ATTENTION")["liveCalls"]]
    newest = [call["callId"] for call in api.data(BOARD)["liveCalls"]]

    assert board == ["burning", "smoky", "sour", "newest", "quiet"]
    assert newest == ["newest", "burning", "smoky", "sour", "quiet"]


def test_the_board_by_attention_pages_without_gaps_or_repeats(api: Api) -> None:
    create_rule(api, phrases_rule("fire", severity="CRITICAL"))
    for n in range(5):
        api.start_call(f"c{n}")
    for call_id in ("c1", "c3"):
        api.add_line(call_id, text="fire")

    pages: list[str] = []
    after = None
    while True:
        page = api.data(BOARD, orderBy="ATTENTION", first=2, after=after)["liveCalls"]
        if not page:
            break
        pages += [call["callId"] for call in page]
        after = page[-1]["callId"]

    assert pages == ["c3", "c1", "c4", "c2", "c0"]
