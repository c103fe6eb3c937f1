"""The portal's `/metrics` as Prometheus scrapes it (parsed with prometheus-client's parser):
every page request counted once under its route template, never the path with its ids; its
calls to the services by service, method and outcome; and only the scraper's token opens it
in production, as at every service (docs/adr/0030)."""

from __future__ import annotations

import httpx
import pytest

from services.portal.app import create_app
from services.portal.backend import Unavailable
from services.portal.settings import PortalSettings
from tests.support.metrics import parse
from tests.support.production import organisations_without_keys

REQUESTS = "signaalketen_http_requests_total"
CALLS = "signaalketen_portal_backend_calls_total"
GGD = "ggd-amsterdam-vangnet"
FAMILY = {"adults": 2, "children_ages": [5, 8], "family_type": "two_parent", "need": "family", "municipality_code": "0363"}


async def test_pages_count_under_their_route_and_the_calls_behind_them_by_service(chain):
    async with chain.service("placement", GGD) as placement:
        request = (await placement.post("/v1/requests", json=FAMILY)).json()
    await chain.login(GGD)
    assert (await chain.portal.get(f"/ggd/opvang/{request['id']}")).status_code == 200
    assert (await chain.portal.get("/ggd/opvang/not-a-request")).status_code in (404, 422)
    assert (await chain.portal.get("/nergens")).status_code == 404

    scraped = await chain.portal.get("/metrics")
    metrics = parse(scraped)
    assert metrics.value(REQUESTS, method="GET", route="/ggd/opvang/{request_id}", status_class="2xx") == 1
    assert metrics.value(REQUESTS, method="POST", route="/inloggen", status_class="3xx") == 1
    assert metrics.value(REQUESTS, method="GET", route="unmatched", status_class="4xx") == 1
    assert request["id"] not in scraped.text, "no id in a label: routes are templates"
    assert metrics.total(CALLS, service="placement", method="GET", outcome="2xx") >= 1
    assert metrics.total(CALLS, outcome="5xx") == 0 and metrics.total(CALLS, outcome="unavailable") == 0


async def test_a_service_that_does_not_answer_counts_as_unavailable(tmp_path):
    settings = PortalSettings(environment="test", placement_url="http://127.0.0.1:9")  # discard port: nothing listens
    app = create_app(settings, client=httpx.AsyncClient(timeout=2))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portal.test") as portal:
        with pytest.raises(Unavailable):
            await app.state.backend.get("placement", "/v1/requests", "a-token")
        metrics = parse(await portal.get("/metrics"))
    assert metrics.value(CALLS, service="placement", method="GET", outcome="unavailable") == 1


def production(tmp_path, **token) -> PortalSettings:
    return PortalSettings(
        environment="production",
        organisations_file=organisations_without_keys(tmp_path),
        oidc_issuer="https://login.example.nl/realms/signaalketen",
        oidc_client_secret="a-real-client-secret",
        **token,
    )


def test_production_refuses_to_start_the_portal_without_a_scraper_token(tmp_path):
    with pytest.raises(ValueError, match="SIGNAL_METRICS_TOKEN"):
        production(tmp_path)


async def test_in_production_only_the_scrapers_token_opens_the_portals_metrics(tmp_path):
    app = create_app(production(tmp_path, metrics_token="the-scrapers-token"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portal.test") as portal:
        anonymous = await portal.get("/metrics")
        wrong = await portal.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
        scraped = await portal.get("/metrics", headers={"Authorization": "Bearer the-scrapers-token"})
    assert anonymous.status_code == wrong.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    assert parse(scraped).value(REQUESTS, method="GET", route="/metrics", status_class="4xx") == 2
