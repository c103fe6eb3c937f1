"""One service process's metrics: the counters its parts raise, and the figures read at
each scrape from the runtime (bus, outbox relay, outages)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Iterator

from prometheus_client import CollectorRegistry, Counter
from prometheus_client.exposition import choose_encoder
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from shared.bus.dead_letter_metrics import reason_kind
from shared.faults import classify

if TYPE_CHECKING:
    from shared.runtime import Runtime


class DeliveryOutcome(StrEnum):
    """What one attempt to deliver to a webhook came to."""

    DELIVERED = "delivered"
    RETRY = "retry"  # failed; tried again later
    DEAD = "dead"  # failed for the last time


class HttpMetrics:
    """A registry of its own with the count of HTTP requests: all an app without a bus has
    (the portal, the register stand-in); a service's ServiceMetrics adds the rest."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "signaalketen_http_requests",
            "HTTP requests answered, by method, route template and status class",
            ["method", "route", "status_class"],
            registry=self.registry,
        )

    def exposition(self, accept: str | None = None) -> tuple[bytes, str]:
        """The metrics and their content type, in the format the scraper's Accept asks for
        (OpenMetrics, or Prometheus' text format 0.0.4 by default)."""
        encoder, content_type = choose_encoder(accept or "")
        return encoder(self.registry), content_type


class ServiceMetrics(HttpMetrics):
    """The counters of one service process, in a registry of its own."""

    def __init__(self) -> None:
        super().__init__()
        self.consumed = Counter(
            "signaalketen_events_consumed",
            "Records this process's consumers handled (or dead-lettered), per topic",
            ["topic"],
            registry=self.registry,
        )
        self.produced = Counter(
            "signaalketen_events_produced",
            "Records this process published and the broker acknowledged, per topic (dead letters on <topic>.dlq)",
            ["topic"],
            registry=self.registry,
        )
        self.dead_letters = Counter(
            "signaalketen_dead_letters",
            "Records a consumer group put on a dead-letter topic, by source topic and kind of reason",
            ["topic", "consumer_group", "reason_kind"],
            registry=self.registry,
        )
        self.deliveries = Counter(
            "signaalketen_webhook_deliveries",
            "Webhook delivery attempts whose outcome was recorded, by outcome",
            ["outcome"],
            registry=self.registry,
        )

    def dead_lettered(self, topic: str, consumer_group: str, reason: str) -> None:
        self.dead_letters.labels(topic=topic, consumer_group=consumer_group, reason_kind=reason_kind(reason).value).inc()

    def delivery(self, outcome: DeliveryOutcome, count: int = 1) -> None:
        self.deliveries.labels(outcome=outcome.value).inc(count)

    def count_deliveries(self) -> None:
        """Show every outcome, at 0 until it happens, so rates and ratios have all their series."""
        for outcome in DeliveryOutcome:
            self.deliveries.labels(outcome=outcome.value)

    def watch(self, runtime: Runtime) -> RuntimeFigures:
        figures = RuntimeFigures(runtime)
        self.registry.register(figures)
        return figures


class RuntimeFigures(Collector):
    """What is read from the runtime at each scrape; `refresh` (async) before collecting."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._lag: dict[str, int] = {}
        self._backlog: int | None = None

    async def refresh(self) -> None:
        self._lag = await self._runtime.bus.lag()
        try:
            self._backlog = await self._runtime.relay.backlog()
        except Exception as exc:  # noqa: BLE001 - metrics answer most when the database does not
            if not classify(exc).transient:
                raise
            self._backlog = None

    def collect(self) -> Iterator[Metric]:
        yield from self._bus_and_outbox()
        yield from self._outages()

    def _bus_and_outbox(self) -> Iterator[Metric]:
        lag = GaugeMetricFamily("signaalketen_consumer_lag", "Records not yet handled, per consumer group", labels=["consumer_group"])
        for group, value in sorted(self._lag.items()):
            lag.add_metric([group], value)
        yield lag
        held = GaugeMetricFamily(
            "signaalketen_consumer_partitions", "Partitions this process holds, per consumer group", labels=["consumer_group"]
        )
        for group, count in sorted(self._runtime.bus.assigned_partitions().items()):
            held.add_metric([group], count)
        yield held
        backlog = GaugeMetricFamily(
            "signaalketen_outbox_backlog", "Events staged in the outbox, not yet published (absent while the database is away)"
        )
        if self._backlog is not None:
            backlog.add_metric([], self._backlog)
        yield backlog
        yield CounterMetricFamily(
            "signaalketen_outbox_published", "Events the outbox relay of this process published", value=self._runtime.relay.published
        )

    def _outages(self) -> Iterator[Metric]:
        outages = self._runtime.outages
        yield GaugeMetricFamily("signaalketen_holds", "Workers holding work because a dependency is away", value=len(outages.holds))
        yield GaugeMetricFamily(
            "signaalketen_held_partitions",
            "Consumer partitions held because a dependency is away",
            value=outages.held_partitions(),
        )
        failures = CounterMetricFamily(
            "signaalketen_transient_failures", "Failures of a dependency that is away, per dependency", labels=["dependency"]
        )
        for dependency, count in sorted(outages.transient_failures.items()):
            failures.add_metric([dependency], count)
        yield failures
        yield CounterMetricFamily(
            "signaalketen_unclassified_failures",
            "Failures that are no dependency's (bugs), retried",
            value=sum(outages.unclassified.values()),
        )
        away = GaugeMetricFamily(
            "signaalketen_dependency_away_seconds", "Seconds since the longest wait for the dependency began", labels=["dependency"]
        )
        for dependency, seconds in sorted(outages.away().items()):
            away.add_metric([dependency], seconds)
        yield away
