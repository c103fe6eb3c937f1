"""The dead-letter counter an alert rule watches, raised as a consumer's dead letters are
published (in the service's own registry), and the open-dead-letter gauges in Prometheus' text format (parsed with prometheus-client's parser)."""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client.parser import text_string_to_metric_families

from services.cli.dlq.exporter import exposition
from services.cli.dlq.letters import DeadLetter, Location, summarise
from shared.bus.consumer import EventConsumer, RetryPolicy, Unprocessable
from shared.bus.memory import InMemoryBus
from shared.contracts.envelope import encode
from shared.metrics import MeteredBus, ServiceMetrics
from tests.support.events import arrears_event


def counted(metrics: ServiceMetrics, topic: str, group: str, kind: str) -> float:
    """The counter as a scraper reads it: from the exposition, parsed."""
    labels = {"topic": topic, "consumer_group": group, "reason_kind": kind}
    for family in text_string_to_metric_families(metrics.exposition()[0].decode()):
        for sample in family.samples:
            if sample.name == "signaalketen_dead_letters_total" and sample.labels == labels:
                return sample.value
    return 0.0


async def test_every_dead_letter_raises_the_counter_by_topic_group_and_kind_of_reason():
    memory = InMemoryBus()
    memory.append_raw("metrics-signals", b"garbage")
    memory.append_raw("metrics-signals", encode(arrears_event()))
    memory.append_raw("metrics-signals", encode(arrears_event()))
    metrics = ServiceMetrics()

    async def handle(_event):
        raise Unprocessable("seal")

    consumer = EventConsumer(MeteredBus(memory, metrics), "metrics-group", handle, RetryPolicy(attempts=1))
    await memory.deliver_pending(["metrics-signals"], "metrics-group", consumer.process_batch)
    assert counted(metrics, "metrics-signals", "metrics-group", "rejected") == 1
    assert counted(metrics, "metrics-signals", "metrics-group", "unprocessable") == 2
    assert counted(ServiceMetrics(), "metrics-signals", "metrics-group", "rejected") == 0, "another app's registry counts its own"
    assert consumer.dead_lettered == 3 and len(memory.records("metrics-signals.dlq")) == 3


def test_open_dead_letters_per_topic_in_prometheus_text_format():
    oldest = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    letters = [
        DeadLetter(Location("acc.signals.dlq", 0, n), Location("acc.signals", 0, n), "g", "rejected: x", oldest.replace(minute=n), None, b"")
        for n in range(3)
    ]
    read_at = datetime(2026, 11, 29, tzinfo=UTC)
    text = exposition([summarise("acc.signals.dlq", letters, {"acc.signals.dlq/0/0"}), summarise("acc.alerts.dlq", [], set())], read_at)
    samples = {
        (sample.name, sample.labels.get("topic")): sample.value
        for family in text_string_to_metric_families(text) for sample in family.samples
    }  # fmt: skip
    assert samples == {
        ("signaalketen_dead_letters_open", "acc.signals.dlq"): 2,
        ("signaalketen_dead_letters_open", "acc.alerts.dlq"): 0,
        ("signaalketen_dead_letters_oldest_open_timestamp_seconds", "acc.signals.dlq"): oldest.replace(minute=1).timestamp(),
        ("signaalketen_dead_letters_read_timestamp_seconds", None): read_at.timestamp(),
    }
