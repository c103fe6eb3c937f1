"""The intake's `/metrics` as Prometheus scrapes it (parsed with prometheus-client's
parser): each request counted once under its route template, never its path; the signal
counted on the topic it was published to; and only the scraper's token opens it in production."""

import pytest
from cryptography.fernet import Fernet
from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics_families

from services.arrears.app import create_app
from services.arrears.settings import ArrearsSettings
from shared.bus.memory import InMemoryBus
from shared.metrics.endpoint import scraper_allowed
from shared.runtime import build_runtime
from tests.support.apps import key, running
from tests.support.intake import arrears_body
from tests.support.metrics import parse
from tests.support.production import organisations_without_keys
from tests.support.wait import wait_for

REQUESTS = "signaalketen_http_requests_total"


async def test_a_posted_signal_shows_as_one_request_under_its_route_and_one_event_on_its_topic(app):
    async with running(app) as client:
        signal_id = (await client.post("/v1/signals", json=arrears_body(), headers=key("ymere"))).json()["id"]
        assert (await client.get(f"/v1/signals/{signal_id}", headers=key("ymere"))).status_code == 200
        assert (await client.post("/v1/signals", json={"type": "arrears.reported"}, headers=key("ymere"))).status_code == 400
        assert (await client.get(f"/v1/no-such-thing/{signal_id}")).status_code == 404

        async def published():
            scraped = await client.get("/metrics")
            metrics = parse(scraped)
            produced = metrics.value("signaalketen_events_produced_total", topic="signals")
            return produced == 1 and metrics.value("signaalketen_outbox_backlog") == 0 and (metrics, scraped.text)

        metrics, text = await wait_for(published, what="the signal counted as published")
    assert metrics.value(REQUESTS, method="POST", route="/v1/signals", status_class="2xx") == 1
    assert metrics.value(REQUESTS, method="POST", route="/v1/signals", status_class="4xx") == 1
    assert metrics.value(REQUESTS, method="GET", route="/v1/signals/{signal_id}", status_class="2xx") == 1
    assert metrics.value(REQUESTS, method="GET", route="unmatched", status_class="4xx") == 1
    assert signal_id not in text, "no id in a label: routes are templates"
    assert metrics.value("signaalketen_outbox_published_total") == 1


async def test_a_scraper_that_asks_for_openmetrics_gets_it(app):
    async with running(app) as client:
        answer = await client.get("/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"})
    assert answer.headers["content-type"].startswith("application/openmetrics-text")
    families = {family.name: family for family in openmetrics_families(answer.text)}
    assert families["signaalketen_http_requests"].type == "counter" and "signaalketen_consumer_lag" in families


def production(tmp_path, **token) -> ArrearsSettings:
    return ArrearsSettings(
        environment="production",
        database_url=f"sqlite+aiosqlite:///{tmp_path}/a.db",
        pseudonym_key="a-real-deployment-key",
        address_keys=Fernet.generate_key().decode(),
        organisations_file=organisations_without_keys(tmp_path),
        oidc_issuer="https://login.example.nl/realms/signaalketen",
        **token,
    )


def test_a_token_set_outside_production_is_enforced_and_none_leaves_it_open():
    with_token = ArrearsSettings(environment="test", metrics_token="t0ken")
    assert scraper_allowed(with_token, "Bearer t0ken") and scraper_allowed(with_token, "bearer t0ken")
    assert not any(scraper_allowed(with_token, header) for header in (None, "", "Bearer", "Bearer t0ke", "Basic t0ken", "t0ken"))
    assert scraper_allowed(ArrearsSettings(environment="test"), None)


def test_production_refuses_to_start_without_a_scraper_token(tmp_path):
    with pytest.raises(ValueError, match="SIGNAL_METRICS_TOKEN"):
        production(tmp_path)


async def test_in_production_only_the_scrapers_token_opens_the_metrics(tmp_path, clock):
    app = create_app(build_runtime(production(tmp_path, metrics_token="the-scrapers-token"), bus=InMemoryBus(), clock=clock))
    async with running(app) as client:
        anonymous = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer someone-elses-token"})
        as_key = await client.get("/metrics", headers={"X-API-Key": "the-scrapers-token"})
        scraper = await client.get("/metrics", headers={"Authorization": "Bearer the-scrapers-token"})
    assert [answer.status_code for answer in (anonymous, wrong, as_key)] == [401, 401, 401]
    assert anonymous.headers["WWW-Authenticate"] == "Bearer" and anonymous.headers["content-type"] == "application/problem+json"
    assert "the-scrapers-token" not in anonymous.text
    metrics = parse(scraper)
    assert metrics.value(REQUESTS, method="GET", route="/metrics", status_class="4xx") == 3, "the refusals are counted too"
