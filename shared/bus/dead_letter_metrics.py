"""Dead letters as Prometheus metrics, for alert rules (deploy/prometheus/alerts.yaml).

- `signaalketen_dead_letters_total{topic, consumer_group, reason_kind}`: a counter in
  every service process, raised each time a consumer's dead letter is published (read
  from the headers `EventConsumer` gives it: `dead_letter_origin`), in the service's own
  registry (shared.metrics) and exposed at its `/metrics`.
- `signaalketen_dead_letters_open{topic}` and
  `signaalketen_dead_letters_oldest_open_timestamp_seconds{topic}`: what is still open
  on each dead-letter topic, as the dead-letter workbench reads it from Kafka and its
  ledger (`python -m services.cli dlq list --prometheus` or `dlq exporter`). Only the
  workbench knows which dead letters were replayed or discarded, so only it registers
  these (`OpenDeadLetters`, in a registry of its own).

Labels carry topic and group names and a reason's kind, never a reason's text: the
text varies per record, and a label per distinct text would grow without bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Iterable, Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector


class ReasonKind(StrEnum):
    """Why a consumer dead-lettered a record, from the first word of its `dlq-reason`."""

    REJECTED = "rejected"  # not a valid event of the chain (bytes, envelope, data)
    UNPROCESSABLE = "unprocessable"  # a valid event this consumer can never process
    FAILED = "failed"  # the handler kept failing (after its retries)
    OTHER = "other"


def reason_kind(reason: str) -> ReasonKind:
    first = reason.split(":", 1)[0].split(" ", 1)[0].strip().lower()
    try:
        return ReasonKind(first)
    except ValueError:
        return ReasonKind.OTHER


def dead_letter_origin(headers: Iterable[tuple[str, bytes]]) -> tuple[str, str, str] | None:
    """(source topic, consumer group, reason) of a dead letter a consumer publishes; None
    for any other record."""
    found = {name: value.decode(errors="replace") for name, value in headers if name.startswith("dlq-")}
    if "dlq-source-topic" not in found:
        return None
    return found["dlq-source-topic"], found.get("dlq-consumer-group", ""), found.get("dlq-reason", "")


@dataclass(frozen=True)
class OpenOnTopic:
    """The open dead letters of one dead-letter topic."""

    topic: str
    open: int
    oldest: datetime | None  # when the oldest open one was dead-lettered


class OpenDeadLetters(Collector):
    """The workbench's last reading of every dead-letter topic, collected on each scrape."""

    def __init__(self) -> None:
        self._topics: tuple[OpenOnTopic, ...] = ()
        self._read_at: datetime | None = None

    def update(self, topics: Iterable[OpenOnTopic], read_at: datetime) -> None:
        self._topics = tuple(topics)
        self._read_at = read_at

    def collect(self) -> Iterator[GaugeMetricFamily]:
        count = GaugeMetricFamily(
            "signaalketen_dead_letters_open",
            "Dead letters neither replayed nor discarded, per dead-letter topic",
            labels=["topic"],
        )
        oldest = GaugeMetricFamily(
            "signaalketen_dead_letters_oldest_open_timestamp_seconds",
            "When the oldest open dead letter of the topic was dead-lettered (Unix time)",
            labels=["topic"],
        )
        for topic in self._topics:
            count.add_metric([topic.topic], topic.open)
            if topic.oldest is not None:
                oldest.add_metric([topic.topic], topic.oldest.timestamp())
        yield count
        yield oldest
        if self._read_at is not None:
            yield GaugeMetricFamily(
                "signaalketen_dead_letters_read_timestamp_seconds",
                "When the workbench last read the dead-letter topics and the ledger (Unix time)",
                value=self._read_at.timestamp(),
            )
