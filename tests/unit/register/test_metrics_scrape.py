"""The register stand-in's `/metrics` as Prometheus scrapes it (parsed with prometheus-client's
parser): the BRP queries counted by route and status class, never with the query's BSN or
address, and a scraper token set through SIGNAL_METRICS_TOKEN is enforced (docs/adr/0030)."""

from __future__ import annotations

import httpx

from services.register.app import PERSONEN_PATH, create_app
from services.register.settings import RegisterSettings
from tests.support.metrics import parse

REQUESTS = "signaalketen_http_requests_total"
BSN = "999993653"  # an official BRP test person


def client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://register.test")


async def test_queries_count_by_route_and_status_class_without_the_bsn():
    async with client(create_app()) as register:
        query = {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": [BSN], "fields": ["naam"]}
        assert (await register.post(PERSONEN_PATH, json=query)).status_code == 200
        assert (await register.post(PERSONEN_PATH, content=b"[]", headers={"Content-Type": "application/json"})).status_code == 400
        assert (await register.get("/haalcentraal/api/brp/nergens")).status_code in (404, 405)
        scraped = await register.get("/metrics")
    metrics = parse(scraped)
    assert metrics.value(REQUESTS, method="POST", route=PERSONEN_PATH, status_class="2xx") == 1
    assert metrics.value(REQUESTS, method="POST", route=PERSONEN_PATH, status_class="4xx") == 1
    assert metrics.value(REQUESTS, method="GET", route="unmatched", status_class="4xx") == 1
    assert BSN not in scraped.text


async def test_the_scraper_token_from_the_chains_variable_is_enforced(monkeypatch):
    monkeypatch.setenv("SIGNAL_METRICS_TOKEN", "the-scrapers-token")
    settings = RegisterSettings(environment="test")
    app = create_app(metrics_token=settings.metrics_token.get_secret_value())
    async with client(app) as register:
        anonymous = await register.get("/metrics")
        wrong = await register.get("/metrics", headers={"Authorization": "Bearer the-scrapers-tokeN"})
        scraped = await register.get("/metrics", headers={"Authorization": "Bearer the-scrapers-token"})
    assert anonymous.status_code == wrong.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert parse(scraped).value(REQUESTS, method="GET", route="/metrics", status_class="4xx") == 2
