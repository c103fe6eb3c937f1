"""Placement's `/metrics` as Prometheus scrapes it (parsed with prometheus-client's parser):
a placement request consumed from its topic, its answer produced, the group caught up."""

from shared.contracts import topics
from tests.support import events
from tests.support.apps import running
from tests.support.events import publish
from tests.support.metrics import parse
from tests.support.wait import wait_for


async def test_a_consumed_request_and_its_answer_show_per_topic(app, bus):
    async with running(app) as client:
        await publish(bus, events.requested(events.on(28)))

        async def answered():
            metrics = parse(await client.get("/metrics"))
            produced = metrics.total("signaalketen_events_produced_total", topic=topics.PLACEMENT)
            return produced == 1 and metrics.value("signaalketen_outbox_backlog") == 0 and metrics

        metrics = await wait_for(answered, what="the request answered on the placement topic")
    assert metrics.value("signaalketen_events_consumed_total", topic=topics.PLACEMENT_REQUESTS) == 1
    assert metrics.by("signaalketen_consumer_lag", "consumer_group")["placement"] == 0
