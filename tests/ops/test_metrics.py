"""``/metrics``: Prometheus counters that move while calls are played."""

import asyncio
import io
import time
from collections.abc import Callable

import httpx
from prometheus_client.parser import text_string_to_metric_families

from app.simulator.cli import simulate
from app.simulator.script import SCRIPTS_DIR, load
from tests.live import GraphQLSocket, Http, LiveServer, eventually

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def _scrape(server: LiveServer) -> Samples:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{server.port}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


async def _scrape_when(server: LiveServer, ready: Callable[[Samples], bool], within: float = 15) -> Samples:
    deadline = time.monotonic() + within
    while not ready(samples := await _scrape(server)):
        assert time.monotonic() < deadline, "metrics did not move"
        await asyncio.sleep(0.05)
    return samples


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def _lines(samples: Samples) -> float:
    return _value(
        samples, "livecalls_graphql_requests_total", type="mutation", operation="addTranscriptEntry"
    )


async def test_the_counters_move_while_a_simulated_call_plays(live_server: LiveServer) -> None:
    before = await _scrape(live_server)
    board = await GraphQLSocket.open(live_server.ws_url)
    await board.subscribe("subscription { liveCalls { type } }")
    playing = asyncio.create_task(
        simulate(
            url=live_server.http_url,
            scripts=[load(SCRIPTS_DIR / "price-objection.json")],
            speed=20,
            prefix="metrics",
            out=io.StringIO(),
        )
    )
    await board.next_data()  # CALL_STARTED on the board

    early = await _scrape_when(live_server, lambda samples: _lines(samples) >= 1)
    # A request is counted when it arrives, its events once published: wait for both to move.
    later = await _scrape_when(
        live_server,
        lambda samples: (
            _lines(samples) > _lines(early)
            and _value(samples, "livecalls_events_published_total")
            > _value(early, "livecalls_events_published_total")
        ),
    )
    mid_call = not playing.done()
    [played] = await playing
    await board.close()
    await eventually(lambda: live_server.services.pubsub.subscriber_count == 0)
    after = await _scrape(live_server)

    assert mid_call and played.status == "ENDED"
    assert _lines(later) > _lines(early)
    assert _value(later, "livecalls_events_published_total") > _value(
        early, "livecalls_events_published_total"
    )
    assert _value(later, "livecalls_graphql_subscriptions_active", operation="liveCalls") == 1
    # the board, and the simulated agent following its call's instructions
    assert _value(later, "livecalls_pubsub_subscribers") == 2
    assert _value(later, "livecalls_graphql_subscriptions_active", operation="agentInstructions") == 1
    assert _value(after, "livecalls_graphql_subscriptions_active", operation="liveCalls") == 0
    started = ("livecalls_graphql_requests_total", {"type": "mutation", "operation": "startLiveCall"})
    assert _value(after, started[0], **started[1]) - _value(before, started[0], **started[1]) == 1
    latency = "livecalls_graphql_mutation_duration_seconds_count"
    assert _value(after, latency, operation="addTranscriptEntry") == _lines(after)
    assert _value(after, latency, operation="endLiveCall") == 1
    published = _value(after, "livecalls_events_published_total")
    assert published >= played.steps_done  # every step wrote at least one event
    assert _value(after, "livecalls_pubsub_reconnects_total") == 0


async def test_errors_are_counted_by_operation_and_code(live_server: LiveServer, http: Http) -> None:
    await http.execute('mutation { endLiveCall(callId: "nope") { status } }')
    await http.execute("{ nope }")

    samples = await _scrape(live_server)

    assert (
        _value(
            samples,
            "livecalls_graphql_errors_total",
            type="mutation",
            operation="endLiveCall",
            code="NOT_FOUND",
        )
        == 1
    )
    assert (
        _value(
            samples,
            "livecalls_graphql_errors_total",
            type="query",
            operation="(invalid)",
            code="GRAPHQL_VALIDATION_FAILED",
        )
        == 1
    )
