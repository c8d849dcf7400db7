"""Exactly once: retries never duplicate an alert, concurrent writers never double-fire, and every
app instance on one database uses the rules another instance changed."""

import asyncio
from collections.abc import Callable

import httpx2

from tests.factories import ADD_LINE, START_CALL, Api, call_args
from tests.live import LiveServer
from tests.rules.documents import ALERTS, CREATE_RULE, alerts, create_rule, phrases_rule


async def _post(client: httpx2.AsyncClient, url: str, query: str, **variables: object) -> dict[str, object]:
    response = await client.post(url, json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    assert body.get("errors") is None, body
    return body


def test_a_retried_line_with_an_idempotency_key_raises_its_alert_once(api: Api) -> None:
    create_rule(api, phrases_rule("lawyer", cooldownSeconds=0))
    api.start_call()

    for _ in range(3):
        api.add_line(text="my lawyer", idempotencyKey="line-1")

    assert len(alerts(api)) == 1


async def test_concurrent_writers_on_one_call_fire_a_rule_once(
    start_server: Callable[..., LiveServer],
) -> None:
    one, two = start_server(), start_server()
    async with httpx2.AsyncClient(timeout=60) as client:
        await _post(client, one.http_url, CREATE_RULE, input=phrases_rule("fire"))
        await _post(client, one.http_url, START_CALL, **call_args("c"))

        await asyncio.gather(
            *(
                _post(client, server.http_url, ADD_LINE, callId="c", text=f"fire {n}")
                for n in range(20)
                for server in (one, two)
            )
        )
        found = await _post(client, two.http_url, ALERTS)

    assert len(found["data"]["alerts"]) == 1  # type: ignore[index]


async def test_a_rule_created_through_one_instance_fires_on_another(
    start_server: Callable[..., LiveServer],
) -> None:
    one, two = start_server(), start_server()
    async with httpx2.AsyncClient(timeout=60) as client:
        await _post(client, two.http_url, START_CALL, **call_args("c"))
        await _post(client, two.http_url, ADD_LINE, callId="c", text="fire before the rule")

        await _post(client, one.http_url, CREATE_RULE, input=phrases_rule("fire"))
        await _post(client, two.http_url, ADD_LINE, callId="c", text="fire after the rule")
        found = await _post(client, one.http_url, ALERTS)

    assert [alert["matched"] for alert in found["data"]["alerts"]] == ["fire after the rule"]  # type: ignore[index]
