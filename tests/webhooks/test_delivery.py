import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError
from starlette.testclient import TestClient

from app.calls import lifecycle
from app.calls.writes import WritePath
from app.core.config import Settings
from app.core.scope import EVERY_CAMPAIGN
from app.main import create_app
from tests.factories import Api
from tests.webhooks.receiver import Receiver

SECRET = "whsec-test"

DELIVERIES = """
query D($callId: String) {
  webhookDeliveries(callId: $callId) {
    eventId eventType callId url status attemptCount deliveredAt lastStatusCode lastError
    attempts { number statusCode error durationMs }
  }
}
"""


@contextmanager
def app_with_webhooks(settings: Settings, receiver: Receiver, **overrides: Any) -> Iterator[Api]:
    hooked = settings.model_copy(
        update={
            "webhook_urls": (receiver.url,),
            "webhook_secret": SecretStr(SECRET),
            "webhook_backoff": 0.05,
            "webhook_poll_interval": 0.2,
            **overrides,
        }
    )
    with TestClient(create_app(hooked)) as client:
        yield Api(client)


def deliveries(api: Api, call_id: str = "call-1") -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = api.data(DELIVERIES, callId=call_id)["webhookDeliveries"]
    return result


def status_of(api: Api, call_id: str = "call-1") -> str | None:
    found = deliveries(api, call_id)
    return str(found[0]["status"]) if found else None


def eventually(check: Callable[[], bool], within: float = 10) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def valid_signature(headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does (README): recompute HMAC-SHA256 over "<t>.<raw body>"."""
    fields = dict(part.split("=", 1) for part in headers["X-Webhook-Signature"].split(","))
    expected = hmac.new(SECRET.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"]) and abs(time.time() - int(fields["t"])) < 300


def test_an_ended_call_is_posted_to_the_webhook_with_a_valid_signature(settings: Settings) -> None:
    with Receiver() as receiver, app_with_webhooks(settings, receiver) as api:
        api.start_call("call-1")
        api.data('mutation { endLiveCall(callId: "call-1") { status } }')

        [post] = receiver.wait_for(1)
        eventually(lambda: status_of(api) == "DELIVERED")
        [delivery] = deliveries(api)

    assert valid_signature(post.headers, post.body)
    assert post.headers["Content-Type"] == "application/json"
    payload = json.loads(post.body)
    assert (payload["type"], payload["id"]) == ("call.ended", post.headers["X-Webhook-Id"])
    assert payload["data"]["callId"] == "call-1"
    assert payload["data"]["analytics"]["objectives"]["total"] == 5
    assert delivery == {
        "eventId": payload["id"],
        "eventType": "call.ended",
        "callId": "call-1",
        "url": receiver.url,
        "status": "DELIVERED",
        "attemptCount": 1,
        "deliveredAt": delivery["deliveredAt"],
        "lastStatusCode": 200,
        "lastError": None,
        "attempts": [
            {
                "number": 1,
                "statusCode": 200,
                "error": None,
                "durationMs": delivery["attempts"][0]["durationMs"],
            }
        ],
    }
    assert delivery["deliveredAt"] is not None


def test_a_failed_delivery_is_retried_after_a_backoff_with_the_same_body(settings: Settings) -> None:
    with Receiver(statuses=(500, 200)) as receiver, app_with_webhooks(settings, receiver) as api:
        api.start_call("call-1")
        api.data('mutation { endLiveCall(callId: "call-1") { status } }')

        first, second = receiver.wait_for(2)
        eventually(lambda: status_of(api) == "DELIVERED")
        [delivery] = deliveries(api)

    assert second.body == first.body
    assert second.headers["X-Webhook-Id"] == first.headers["X-Webhook-Id"]
    assert (first.headers["X-Webhook-Attempt"], second.headers["X-Webhook-Attempt"]) == ("1", "2")
    assert valid_signature(second.headers, second.body)
    assert second.at - first.at >= 0.04  # the first backoff: 0.05 s ± 20%
    assert (delivery["status"], delivery["attemptCount"]) == ("DELIVERED", 2)
    assert [(a["number"], a["statusCode"]) for a in delivery["attempts"]] == [(1, 500), (2, 200)]
    assert delivery["attempts"][0]["error"].startswith("HTTP 500")


def test_a_delivery_that_keeps_failing_stops_as_failed_after_the_last_attempt(settings: Settings) -> None:
    with (
        Receiver(statuses=(503,)) as receiver,
        app_with_webhooks(settings, receiver, webhook_max_attempts=3) as api,
    ):
        api.start_call("call-1")
        api.data('mutation { endLiveCall(callId: "call-1") { status } }')

        eventually(lambda: status_of(api) == "FAILED")
        [delivery] = deliveries(api)
        time.sleep(0.3)

    assert len(receiver.received) == 3
    assert (delivery["attemptCount"], delivery["lastStatusCode"]) == (3, 503)


def test_end_live_call_does_not_wait_for_a_slow_receiver(settings: Settings) -> None:
    with Receiver(delay=1) as receiver, app_with_webhooks(settings, receiver) as api:
        api.start_call("call-1")
        api.start_call("call-2")
        api.data('mutation { endLiveCall(callId: "call-1") { status } }')
        receiver.wait_for(1)  # the worker is now stuck in call-1's slow POST

        started = time.monotonic()
        api.data('mutation { endLiveCall(callId: "call-2") { status } }')
        elapsed = time.monotonic() - started

        receiver.wait_for(2)
        eventually(lambda: status_of(api, "call-2") == "DELIVERED")

    assert elapsed < 0.5


async def test_an_event_in_the_outbox_is_delivered_by_the_next_process(
    settings: Settings, writes: WritePath
) -> None:
    """The ending transaction wrote the outbox row; no worker ran (the process died). A new one delivers."""
    await writes.run(
        EVERY_CAMPAIGN,
        lambda tx: lifecycle.start_live_call(
            tx,
            call_id="call-1",
            agent_name="A",
            customer_name="C",
            customer_phone="1",
            campaign_name="Q",
            session_id="s",
        ),
    )
    await writes.run(EVERY_CAMPAIGN, lambda tx: lifecycle.end_live_call(tx, call_id="call-1"))

    with Receiver() as receiver, app_with_webhooks(settings, receiver) as api:
        [post] = receiver.wait_for(1)
        eventually(lambda: status_of(api) == "DELIVERED")

    assert json.loads(post.body)["data"]["callId"] == "call-1"


def test_without_webhook_urls_nothing_is_posted_and_no_delivery_is_recorded(api: Api) -> None:
    api.start_call("call-1")
    api.data('mutation { endLiveCall(callId: "call-1") { status } }')

    assert deliveries(api) == []


def test_webhook_urls_without_a_secret_are_refused(settings: Settings) -> None:
    with pytest.raises(ValidationError, match="WEBHOOK_SECRET"):
        Settings(database_url=settings.database_url, webhook_urls=("http://127.0.0.1:9/",))
