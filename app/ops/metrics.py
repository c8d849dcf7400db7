"""Prometheus metrics, one registry per app (tests build many apps in one process).

Counters the GraphQL layer moves are updated by ``app.graphql.metrics_extension``;
what pub/sub already counts (messages published, reconnects, subscribers) is
read from the hub when Prometheus scrapes, so the hot path pays nothing for it.
With several workers each one serves its own numbers: scrape every worker.
"""

from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from app.core.pubsub import PubSub

CONTENT_TYPE = CONTENT_TYPE_LATEST

# Mutations are one short write transaction each: most land well under 50 ms.
MUTATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class _PubSubCollector(Collector):
    def __init__(self, pubsub: PubSub) -> None:
        self.pubsub = pubsub

    def collect(self) -> Iterator[Metric]:
        yield CounterMetricFamily(
            "livecalls_events_published",
            "Messages published to pub/sub: each call event once on its call's channel, "
            "and call started/status changed/ended once more on the board channel.",
            value=self.pubsub.published,
        )
        broker = self.pubsub.broker
        yield CounterMetricFamily(
            "livecalls_pubsub_reconnects",
            "Times the pub/sub broker connection was lost and had to be re-established.",
            value=broker.outages,
        )
        yield CounterMetricFamily(
            "livecalls_pubsub_publishes_skipped",
            "Publishes skipped while the broker was down (subscribers caught up from the event log).",
            value=broker.skipped,
        )
        yield GaugeMetricFamily(
            "livecalls_pubsub_connected",
            "1 while the pub/sub broker is connected, 0 while it is being reconnected.",
            value=int(broker.connected),
        )
        yield GaugeMetricFamily(
            "livecalls_pubsub_subscribers",
            "Readers of pub/sub channels in this process (one per open subscription).",
            value=self.pubsub.subscriber_count,
        )
        yield GaugeMetricFamily(
            "livecalls_pubsub_channels",
            "Pub/sub channels this process listens to (one per watched call, plus the board).",
            value=self.pubsub.channel_count,
        )


class Metrics:
    """The app's instruments and the registry ``/metrics`` renders."""

    def __init__(self, pubsub: PubSub) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "livecalls_graphql_requests",
            "GraphQL operations received, by operation type and root field(s).",
            ["type", "operation"],
            registry=self.registry,
        )
        self.errors = Counter(
            "livecalls_graphql_errors",
            "GraphQL errors returned, by operation and extensions.code.",
            ["type", "operation", "code"],
            registry=self.registry,
        )
        self.mutation_seconds = Histogram(
            "livecalls_graphql_mutation_duration_seconds",
            "Time to parse, validate and execute a mutation (its transaction and publish included).",
            ["operation"],
            buckets=MUTATION_BUCKETS,
            registry=self.registry,
        )
        self.active_subscriptions = Gauge(
            "livecalls_graphql_subscriptions_active",
            "GraphQL subscriptions streaming now, by root field.",
            ["operation"],
            registry=self.registry,
        )
        self._operations: dict[tuple[str, str], tuple[Counter, Histogram | None]] = {}
        self.registry.register(_PubSubCollector(pubsub))
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)

    def operation_done(self, kind: str, operation: str, seconds: float) -> None:
        """One finished operation: its count, and a mutation's duration.

        The labelled children are kept per label pair (as many as the registry itself holds):
        ``labels`` takes a lock and builds its key on every call, once per request otherwise.
        """
        known = self._operations.get((kind, operation))
        if known is None:
            duration = self.mutation_seconds.labels(operation) if kind == "mutation" else None
            known = self._operations[(kind, operation)] = (self.requests.labels(kind, operation), duration)
        known[0].inc()
        if known[1] is not None:
            known[1].observe(seconds)

    def render(self) -> bytes:
        """The registry in Prometheus' text exposition format."""
        return generate_latest(self.registry)
