"""Triage's `/metrics` as Prometheus scrapes it (parsed with prometheus-client's parser):
a signal consumed from its topic and the alert produced on its own, the consumer group
caught up, and a record that is no event counted as a dead letter of its topic."""

from shared.contracts import topics
from tests.support.metrics import parse
from tests.support.triage import AMSTERDAM_FAMILY
from tests.support.wait import wait_for


async def scrape_when(triage, condition, what: str):
    async def scraped():
        metrics = parse(await triage.client.get("/metrics"))
        return condition(metrics) and metrics

    return await wait_for(scraped, what=what)


async def test_a_consumed_signal_and_its_alert_show_per_topic_and_the_group_is_caught_up(triage):
    await triage.signal("arrears.reported", AMSTERDAM_FAMILY, months=2, amount_eur="1450.00")
    assert len(triage.alerts()) == 1
    metrics = await scrape_when(
        triage, lambda m: m.value("signaalketen_events_consumed_total", topic=topics.SIGNALS) == 1, "the signal counted"
    )
    assert metrics.value("signaalketen_events_produced_total", topic=topics.ALERTS) == 1
    assert metrics.by("signaalketen_consumer_lag", "consumer_group")["triage"] == 0
    assert metrics.total("signaalketen_dead_letters_total") == 0 and metrics.value("signaalketen_holds") == 0


async def test_a_record_that_is_no_event_is_counted_as_a_dead_letter_of_its_topic(triage):
    triage.bus.append_raw(topics.SIGNALS, b"not a cloudevent")
    def counted(metrics) -> bool:  # the dead letter is published before its batch is done
        return metrics.total("signaalketen_dead_letters_total") == 1 and metrics.total("signaalketen_events_consumed_total") == 1

    metrics = await scrape_when(triage, counted, "the dead letter and its record counted")
    labels = {"topic": topics.SIGNALS, "consumer_group": "triage", "reason_kind": "rejected"}
    assert metrics.value("signaalketen_dead_letters_total", **labels) == 1
    assert metrics.value("signaalketen_events_produced_total", topic=f"{topics.SIGNALS}.dlq") == 1
    assert metrics.value("signaalketen_events_consumed_total", topic=topics.SIGNALS) == 1
