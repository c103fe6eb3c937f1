"""The consumer's contract on the in-memory bus (the Kafka adapter is covered end to end)."""

import json

from shared.bus.consumer import EventConsumer, RetryPolicy, Unprocessable
from shared.bus.memory import InMemoryBus
from shared.contracts.envelope import encode
from tests.support.events import arrears_event


async def consume_all(bus, handle, retry=RetryPolicy(attempts=3, first_delay=0)):
    consumer = EventConsumer(bus, "g", handle, retry)
    await bus.deliver_pending(["signals"], "g", consumer.process_batch)
    return consumer


async def test_bad_records_go_to_the_dead_letter_topic_with_reason_and_the_next_is_handled():
    bus = InMemoryBus()
    handled = []
    bus.append_raw("signals", b"garbage")
    bus.append_raw("signals", encode(arrears_event()))

    async def handle(event):
        handled.append(event.id)

    consumer = await consume_all(bus, handle)
    [dead] = bus.records("signals.dlq")
    assert dead.value == b"garbage"
    headers = dict(dead.headers)
    assert headers["dlq-reason"].startswith(b"rejected: not JSON")
    assert headers["dlq-source-topic"] == b"signals" and headers["dlq-source-offset"] == b"0"
    assert len(handled) == 1 and consumer.dead_lettered == 1


async def test_a_failing_handler_is_retried_then_dead_lettered():
    bus = InMemoryBus()
    bus.append_raw("signals", encode(arrears_event()))
    attempts = []

    async def handle(event):
        attempts.append(event.id)
        raise RuntimeError("database away")

    await consume_all(bus, handle)
    assert len(attempts) == 3
    [dead] = bus.records("signals.dlq")
    assert b"failed after 3 attempts: RuntimeError: database away" in dict(dead.headers)["dlq-reason"]


async def test_an_unprocessable_event_is_dead_lettered_at_once():
    bus = InMemoryBus()
    bus.append_raw("signals", encode(arrears_event()))
    attempts = []

    async def handle(event):
        attempts.append(1)
        raise Unprocessable("seal cannot be opened")

    await consume_all(bus, handle)
    assert attempts == [1]
    assert dict(bus.records("signals.dlq")[0].headers)["dlq-reason"] == b"unprocessable: seal cannot be opened"


async def test_a_transient_failure_is_retried_and_then_succeeds_without_dead_letter():
    bus = InMemoryBus()
    bus.append_raw("signals", encode(arrears_event()))
    attempts = []

    async def handle(event):
        attempts.append(1)
        if len(attempts) < 2:
            raise ConnectionError("blip")

    await consume_all(bus, handle)
    assert len(attempts) == 2 and bus.records("signals.dlq") == []
    assert json.loads(bus.records("signals")[0].value)["type"].endswith("arrears.reported.v1")
