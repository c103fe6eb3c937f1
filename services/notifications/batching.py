"""Batched webhook delivery (CloudEvents JSON batch format, `application/cloudevents-batch+json`).

A subscription in `batch` mode gets its CloudEvents as one JSON array per POST: each new
delivery waits up to the subscription's `batch_max_wait_seconds` (its first attempt is
scheduled that far ahead) unless `batch_max_events` are waiting, which are made due at once
(services.notifications.full_batches), and the deliverer sends the due deliveries of one
subscription that it claimed together as one request of at most `batch_max_events`. The array is signed
like a single delivery (`Signaalketen-Signature` over the raw body); there is no
`Idempotency-Key` header, since a batch has no id of its own: receivers act once per
CloudEvent `id` inside it (`shared.webhooks.verified_events`).

Every contained delivery keeps its own row, so at-least-once, retries, dead letters and
replay stay per event: a failed batch fails each of its deliveries, which are retried on
their own schedule and batched again with whatever is due with them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol, Sequence, TypeVar

BATCH_CONTENT_TYPE = "application/cloudevents-batch+json"
MAX_BATCH_EVENTS = 100
MAX_BATCH_WAIT_SECONDS = 60


class DeliveryMode(StrEnum):
    SINGLE = "single"  # one CloudEvent per POST (application/cloudevents+json), the default
    BATCH = "batch"  # a JSON array of CloudEvents per POST (application/cloudevents-batch+json)


class Batchable(Protocol):
    @property
    def batch_key(self) -> object | None: ...  # None: sent on its own

    @property
    def batch_max_events(self) -> int: ...


Item = TypeVar("Item", bound=Batchable)


def first_attempt(now: datetime, mode: DeliveryMode, max_wait_seconds: int) -> datetime:
    """When a new delivery is first due: at once, or after the batch's wait."""
    return now + timedelta(seconds=max_wait_seconds) if mode is DeliveryMode.BATCH else now


def sendings(claimed: Sequence[Item]) -> list[list[Item]]:
    """The requests to make for what was claimed: one per single delivery, and the deliveries
    of one batch subscription together, in claim order, at most its `batch_max_events` each."""
    units: list[list[Item]] = []
    open_batches: dict[object, list[Item]] = {}
    for item in claimed:
        key = item.batch_key
        if key is None:
            units.append([item])
            continue
        batch = open_batches.get(key)
        if batch is None or len(batch) >= item.batch_max_events:
            batch = open_batches[key] = []
            units.append(batch)
        batch.append(item)
    return units


def batch_body(bodies: Sequence[str]) -> bytes:
    """The stored CloudEvents (JSON objects) as one JSON array, byte for byte."""
    return ("[" + ",".join(bodies) + "]").encode()
