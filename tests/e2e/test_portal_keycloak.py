"""A named GGD Vangnet worker logs in to the portal through Keycloak's own login page
(authorization code with PKCE) in headless Chromium, reads a case, and the case read
appears in triage's audit log under her name and employee number; and a partner's
system posts a signal with a Keycloak token through the CLI's client.

The chain runs as processes on real Kafka and PostgreSQL, every service verifying
Keycloak's tokens (SIGNAL_OIDC_ISSUER); Keycloak is the real one started by
deploy/keycloak/start.sh (`make test`), with the realm deploy/keycloak/realm-signaalketen.json.
A missing Keycloak or Chromium FAILS this test."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import KEYCLOAK_ISSUER
from services.cli.chain_client import ChainClient, Unreachable
from tests.support.browser import expect, shot
from tests.support.partner_requests import family_found, inbox_item, new_dwelling
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

CHAIN_ENV = {"SIGNAL_OIDC_ISSUER": KEYCLOAK_ISSUER}
WORKER, PASSWORD = "ggd.devries", "dev-ggd.devries"  # deploy/keycloak/realm.py: local and test only


def log_in_at_keycloak(page, issuer: str) -> None:
    page.goto("/inloggen")
    page.get_by_role("link", name="Inloggen met uw account").click()
    page.wait_for_url(re.compile("^" + re.escape(issuer) + "/protocol/openid-connect/auth"))
    page.locator("#username").fill(WORKER)
    page.locator("#password").fill(PASSWORD)
    page.locator("#kc-login").click()


def test_a_named_ggd_worker_logs_in_through_keycloak_and_her_case_read_is_audited(chain, page, portal, keycloak_issuer, tmp_path):
    signal_id = family_found(chain, new_dwelling(), [2, 6])
    alert = eventually(lambda: inbox_item(chain, signal_id), timeout=60, what="urgent alert in the GGD inbox")
    case_key = alert["case_key"]

    log_in_at_keycloak(page, keycloak_issuer)
    expect()(page).to_have_url(re.compile(r"/ggd$"))
    expect()(page.locator("header .who")).to_contain_text("Sanne de Vries (GGD-0417)")
    expect()(page.locator(f"#melding-{alert['alert_id']}")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "signaalketen_sessie")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and "." not in cookie["value"], "a session id, no token"
    assert "eyJ" not in page.content(), "no token in the page"
    shot(page, tmp_path, "keycloak-ggd-meldingen")

    page.goto(f"/ggd/zaken/{case_key}")
    page.get_by_label("Opvolging urgente melding", exact=True).check()
    page.get_by_role("button", name="Zaak inzien").click()
    expect()(page.get_by_role("heading", level=1)).to_contain_text(case_key)
    shot(page, tmp_path, "keycloak-ggd-zaak")

    with httpx.Client(base_url=chain.urls["triage"], headers={"X-API-Key": "dev-functionaris-gegevensbescherming"}) as triage:
        audit = triage.get("/v1/audit", params={"subject": case_key}).json()
    [read] = [entry for entry in audit if entry["action"] == "read case"]
    assert (read["caller_kind"], read["caller_name"], read["caller_employee_number"]) == ("person", "Sanne de Vries", "GGD-0417")
    assert (read["organisation_id"], read["role"]) == ("ggd-amsterdam-vangnet", "ggd")
    assert read["caller_subject"] and read["caller_subject"] != "ggd-amsterdam-vangnet" and len(read["trace_id"]) == 32
    with httpx.Client(base_url=chain.urls["notifications"], headers={"X-API-Key": "dev-functionaris-gegevensbescherming"}) as notifications:
        inbox_reads = notifications.get("/v1/audit", params={"person": read["caller_subject"]}).json()
    assert inbox_reads and {entry["action"] for entry in inbox_reads} == {"list inbox alerts"}

    page.get_by_role("button", name="Uitloggen").click()
    expect()(page).to_have_url(re.compile(r"/inloggen\?melding=uitgelogd$"))
    page.goto("/ggd")
    expect()(page).to_have_url(re.compile(r"/inloggen$"))


def test_a_partner_system_posts_with_a_keycloak_token_through_the_cli_client(chain, keycloak_issuer):
    body = {"type": "arrears.reported", "observed_on": "2026-11-27", "months": 2, "amount_eur": "1450.00",
            "address": {"adresseerbaarObjectIdentificatie": new_dwelling()}}  # fmt: skip
    token_url = f"{keycloak_issuer}/protocol/openid-connect/token"
    with ChainClient(chain.urls["arrears"], "ymere", "dev-ymere", token_url=token_url) as client:
        posted = client.post_json("/v1/signals", body)
    with ChainClient(chain.urls["arrears"], "ymere", "dev-wrong", token_url=token_url) as client:
        with pytest.raises(Unreachable, match="refused the credentials of 'ymere'"):
            client.authenticate()
    assert posted.status_code == 202, posted.text
