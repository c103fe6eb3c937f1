"""What a service reacts to on Kafka, in one map, bound and run the same way in every service.

Every service that consumes has `services/<name>/handlers.py` (docs/adr/0017, 0022) with:

- `EVENT_HANDLERS`: each contract class it consumes mapped to its handler, which only
  translates the event into a call of a use case;
- `CONSUMERS`: the consumer that reads each topic. Kafka's committed offsets and the
  processed-event rows carry these names, so renaming one reprocesses its topics. Topics
  given the same name are read by one consumer.
- unhurried consumers (the monitor's): consumers nobody waits on, such as a count.
  Each lets its records gather for up to UNHURRIED_LINGER_MS, so a trickle of events is
  handled in a few larger transactions instead of one each, and the CPU goes to the
  consumers on a signal's way to the people who act on it (docs/adr/0049).

The composition root (`app.py`) binds the handlers to what they need (`bind`) and runs a
worker per consumer (`consume_workers`); each event's effect runs once, in one transaction
with its processed-event row (shared.runtime.Runtime.consumer).
"""

from __future__ import annotations

from typing import Callable, Collection, Mapping, TypeVar

from shared.contracts.events import EventData
from shared.persistence.inbox import Effect, Finish, Prepared
from shared.runtime import Runtime, Worker

UNHURRIED_LINGER_MS = 500  # the longest an unhurried consumer's record waits for others to join its batch
Handler = TypeVar("Handler")
Bound = dict[str, dict[str, Effect | Prepared]]


def bind(
    event_handlers: Mapping[type[EventData], Handler],
    consumers: Mapping[str, str],
    make: Callable[[Handler], Effect | Prepared],
) -> Bound:
    """For each consumer: the event types of its topics and their handlers, each made
    ready by `make` (given the service's use cases or runtime)."""
    bound: Bound = {name: {} for name in consumers.values()}
    for model, handler in event_handlers.items():
        bound[consumers[model.topic]][model.event_type] = make(handler)
    return bound


def consume_workers(
    runtime: Runtime,
    consumers: Mapping[str, str],
    bound: Bound,
    finish: Finish | None = None,
    unhurried: Collection[str] = (),
) -> list[Worker]:
    """A worker per consumer, reading its topics; `finish` runs after each batch's effects.
    The `unhurried` consumers linger for UNHURRIED_LINGER_MS."""
    topics_of: dict[str, list[str]] = {}
    for topic, name in consumers.items():
        topics_of.setdefault(name, []).append(topic)
    unknown = set(unhurried) - set(topics_of)
    if unknown:
        raise ValueError(f"unhurried consumers that do not exist: {sorted(unknown)}")
    return [
        runtime.consume_worker(
            runtime.consumer(name, bound[name], finish=finish), topics, name, UNHURRIED_LINGER_MS if name in unhurried else 0
        )
        for name, topics in topics_of.items()
    ]
