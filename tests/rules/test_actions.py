"""A firing's actions: the ALERT_RAISED event, a coaching recommendation, a signed call.alert webhook."""

import json

from starlette.testclient import TestClient

from app.core.config import Settings
from app.webhooks.signing import SIGNATURE_HEADER, signature
from tests.factories import Api, TransportWs
from tests.rules.documents import CALL_EVENTS, create_rule, phrases_rule
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_delivery import SECRET, app_with_webhooks

COACHING = {
    "type": "WARNING",
    "title": "Escalation",
    "description": "Offer a supervisor callback",
    "priority": 9,
}


def test_a_firing_is_an_alert_raised_event_on_the_calls_log_with_rule_and_match(
    api: Api, client: TestClient
) -> None:
    create_rule(api, phrases_rule("speak to a manager", severity="CRITICAL", name="manager"))
    api.start_call()
    api.add_line(text="I want to speak to a manager", speaker="CUSTOMER")
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        ws = TransportWs(socket)
        ws.subscribe(CALL_EVENTS, callId="call-1", after=2)
        event = ws.next()["data"]["callEvents"]

    assert event == {
        "sequence": 3,
        "type": "ALERT_RAISED",
        "alert": {
            "ruleName": "manager",
            "severity": "CRITICAL",
            "reason": 'CUSTOMER said "speak to a manager"',
            "matched": "I want to speak to a manager",
            "status": "OPEN",
            "sequence": 3,
        },
    }


def test_a_rules_coaching_becomes_a_recommendation_in_the_same_write(api: Api, client: TestClient) -> None:
    create_rule(api, phrases_rule("lawyer", coaching=COACHING))
    api.start_call()
    api.add_line(text="my lawyer")
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        ws = TransportWs(socket)
        ws.subscribe(CALL_EVENTS, callId="call-1", after=2)
        events = [ws.next()["data"]["callEvents"] for _ in range(2)]

    assert [event["type"] for event in events] == ["ALERT_RAISED", "RECOMMENDATION_ADDED"]
    assert events[1]["recommendation"] == COACHING
    assert api.live_call()["coachingRecommendations"][0]["title"] == "Escalation"


def test_a_rule_without_coaching_adds_no_recommendation(api: Api) -> None:
    create_rule(api, phrases_rule("lawyer"))
    api.start_call()

    api.add_line(text="my lawyer")

    assert api.live_call()["coachingRecommendations"] == []


def test_a_webhook_rule_sends_a_signed_call_alert(settings: Settings) -> None:
    with Receiver() as receiver, app_with_webhooks(settings, receiver) as api:
        create_rule(api, phrases_rule("lawyer", webhook=True, name="legal"))
        api.start_call()
        api.add_line(text="my lawyer")

        (post,) = receiver.wait_for(1)

    body = json.loads(post.body)
    header = post.headers[SIGNATURE_HEADER]
    stamp = header.split(",")[0].removeprefix("t=")
    assert header == signature(SECRET, post.body, int(stamp))
    assert body["type"] == "call.alert"
    assert body["data"]["callId"] == "call-1"
    assert (body["data"]["alert"]["ruleName"], body["data"]["alert"]["matched"]) == ("legal", "my lawyer")


def test_a_rule_without_webhook_sends_none(settings: Settings) -> None:
    with Receiver() as receiver, app_with_webhooks(settings, receiver) as api:
        create_rule(api, phrases_rule("lawyer"))
        api.start_call()
        api.add_line(text="my lawyer")
        api.data('mutation { endLiveCall(callId: "call-1") { status } }')

        posts = receiver.wait_for(1)

    assert [json.loads(post.body)["type"] for post in posts] == ["call.ended"]
