"""The notifications service's `/metrics` as Prometheus scrapes it (parsed with
prometheus-client's parser): webhook deliveries by outcome as a partner's endpoint
answers them (delivered; failed and tried again; dead after the last attempt), and the
alerts it consumed."""

from shared.contracts import topics
from tests.support.apps import running
from tests.support.events import alert_event, publish
from tests.support.metrics import parse
from tests.support.wait import wait_for
from tests.unit.notifications.support import GGD, PartnerEndpoint, notifications, requests_made, subscribe

DELIVERIES = "signaalketen_webhook_deliveries_total"


async def test_deliveries_are_counted_by_outcome_as_the_partner_answers(tmp_path, bus, clock):
    partner = PartnerEndpoint()
    app = notifications(tmp_path, bus, clock, partner, retry_first_delay_seconds=10, retry_max_attempts=2)
    async with running(app) as client:

        async def outcomes(expected: dict[str, float]):
            async def counted():
                metrics = parse(await client.get("/metrics"))
                return metrics.by(DELIVERIES, "outcome") == expected and metrics

            return await wait_for(counted, what=f"deliveries {expected}")

        await outcomes({"delivered": 0, "retry": 0, "dead": 0})
        await subscribe(client, partner)
        await publish(bus, alert_event(GGD, clock.now()))
        await requests_made(partner, 1)
        await outcomes({"delivered": 1, "retry": 0, "dead": 0})

        partner.failures = 10**6
        await publish(bus, alert_event(GGD, clock.now()))
        await requests_made(partner, 2)
        await outcomes({"delivered": 1, "retry": 1, "dead": 0})
        clock.advance(seconds=10)
        await requests_made(partner, 3)
        metrics = await outcomes({"delivered": 1, "retry": 1, "dead": 1})
    assert metrics.value("signaalketen_events_consumed_total", topic=topics.ALERTS) == 2
    assert metrics.value("signaalketen_http_requests_total", method="POST", route="/v1/subscriptions", status_class="2xx") == 1
