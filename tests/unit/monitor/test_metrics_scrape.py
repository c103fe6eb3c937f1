"""The monitor's `/metrics` as Prometheus scrapes it (parsed with prometheus-client's
parser): a signal it counted shows as consumed from its topic, its group caught up."""

from shared.contracts import topics
from tests.support import events
from tests.support.apps import running
from tests.support.events import publish
from tests.support.metrics import parse
from tests.support.wait import wait_for


async def test_a_counted_signal_shows_as_consumed_and_the_group_catches_up(app, bus):
    async with running(app) as client:
        await publish(bus, events.arrears(events.on(27)))

        async def consumed():
            metrics = parse(await client.get("/metrics"))
            return metrics.value("signaalketen_events_consumed_total", topic=topics.SIGNALS) == 1 and metrics

        metrics = await wait_for(consumed, what="the signal consumed")
    lag = metrics.by("signaalketen_consumer_lag", "consumer_group")
    assert lag and set(lag.values()) == {0}, lag
    assert metrics.value("signaalketen_events_produced_total", topic=topics.SIGNALS) is None, "the monitor publishes no signal"
