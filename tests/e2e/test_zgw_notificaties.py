"""A municipality's zaaksysteem joins the chain as it joins Open Notificaties: it reads the
kanalen, takes an abonnement with its callback and `auth` value, and receives a
notificatie for a family alert, on real Kafka through the running services. Its endpoint
is written from the ZGW Notificaties API 1.0 consumer OpenAPI (tests/support/zgw_subscriber.py),
so it refuses anything the standard does not allow.

The zaaksysteem is configured as for Open Notificaties: only the base URL differs, and it
authenticates as its organisation, as every partner of the chain does.
"""

from __future__ import annotations

import json
import random
import re
import secrets
import subprocess
from contextlib import contextmanager

import httpx
import pytest

from shared.settings import REPO_ROOT
from tests.support.markdown import shell_blocks
from tests.support.wait import eventually
from tests.support.zgw_subscriber import ZgwSubscriber

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

CHAIN_ENV = {
    "NOTIFICATIONS_VERIFY_SUBSCRIPTIONS": "true",  # the test notificatie at subscription, as in production
    "NOTIFICATIONS_RETRY_MAX_ATTEMPTS": "6",  # a tiny budget: dead within seconds
    "NOTIFICATIONS_RETRY_FIRST_DELAY_SECONDS": "0.3",
    "NOTIFICATIONS_RETRY_MAX_DELAY_SECONDS": "1",
}
GGD = "ggd-amsterdam-vangnet"
ALERTS = "signaalketen-alerts"


@pytest.fixture
def zaaksystemen():
    started: list[ZgwSubscriber] = []

    def start() -> ZgwSubscriber:
        started.append(ZgwSubscriber(auth=f"Bearer {secrets.token_urlsafe(24)}"))
        return started[-1]

    yield start
    for subscriber in started:
        subscriber.stop()


def nrc(chain, organisation: str = GGD) -> httpx.Client:
    """The zaaksysteem's client for its notification routing component: Open Notificaties' paths under our base."""
    base = chain.urls["notifications"] + "/notificaties/api/v1/"
    return httpx.Client(base_url=base, headers={"X-API-Key": f"dev-{organisation}"}, timeout=15)


@contextmanager
def abonnement(chain, zaaksysteem: ZgwSubscriber, filters: dict):
    """Subscribed for the test's duration, so later tests' alerts do not reach it."""
    body = {"callbackUrl": zaaksysteem.url(), "auth": zaaksysteem.auth, "kanalen": [{"naam": ALERTS, "filters": filters}]}
    with nrc(chain) as client:
        created = client.post("abonnement", json=body)
        assert created.status_code == 201, created.text
        try:
            yield created.json()
        finally:
            client.delete(created.json()["url"])


def family_found(chain) -> tuple[str, str]:
    """Police find a parent and a child at an eviction, at a dwelling of its own: triage alerts GGD urgently."""
    dwelling = f"03630188{random.randrange(10**8):08d}"
    found = {"type": "eviction.family-found", "address": {"adresseerbaarObjectIdentificatie": dwelling},
             "observed_on": "2026-11-28", "adults": 1, "children_ages": [4]}  # fmt: skip
    with chain.client("arrears", "politie-amsterdam") as police:
        posted = police.post("/v1/signals", json=found)
    assert posted.status_code == 202, posted.text
    return posted.json()["id"], dwelling


def test_a_zaaksysteem_subscribes_as_to_open_notificaties_and_hears_of_a_family_alert(chain, zaaksystemen):
    zaaksysteem, elsewhere = zaaksystemen(), zaaksystemen()
    with nrc(chain) as client:
        kanalen = {kanaal["naam"]: kanaal for kanaal in client.get("kanaal").json()}
    assert kanalen[ALERTS]["filters"] == ["casusPseudoniem", "gemeentecode", "gebeurtenis"]

    with abonnement(chain, zaaksysteem, {"gemeentecode": "0363"}), abonnement(chain, elsewhere, {"gemeentecode": "0344"}):
        [probe] = zaaksysteem.received
        assert probe.notificatie["kanaal"] == "test" and probe.headers["Authorization"] == zaaksysteem.auth
        signal_id, dwelling = family_found(chain)
        [notificatie] = eventually(lambda: zaaksysteem.notificaties(ALERTS), what="the alert notificatie")

    assert (notificatie["resource"], notificatie["actie"]) == ("alert", "create")
    assert notificatie["kenmerken"]["gemeentecode"] == "0363" and notificatie["kenmerken"]["gebeurtenis"] == "alert.raised"
    [delivered] = [r for r in zaaksysteem.received if r.notificatie["kanaal"] == ALERTS]
    assert delivered.headers["Authorization"] == zaaksysteem.auth
    assert dwelling not in delivered.body.decode(), "no address travels"
    assert [r.notificatie["kanaal"] for r in elsewhere.requests] == ["test"], "filtered on gemeentecode"
    assert [r.answered for r in zaaksysteem.requests] == [204, 204], "nothing the standard refuses"

    # The zaaksysteem follows the URLs with its own credentials, as a ZGW consumer does.
    with httpx.Client(headers={"X-API-Key": f"dev-{GGD}"}, timeout=15) as ggd:
        case = ggd.get(notificatie["hoofdObject"], params={"purpose": "zaak aanmaken"})
        alert = ggd.get(notificatie["resourceUrl"])
    assert case.status_code == 200, case.text
    assert case.json()["case_key"] == notificatie["kenmerken"]["casusPseudoniem"] and case.json()["minor_ages"] == [4]
    assert [a["signal_id"] for a in case.json()["alerts"] if a["recipient"] == GGD] == [signal_id]
    assert alert.status_code == 200 and alert.json()["event"]["data"]["signal_id"] == signal_id


def test_a_zaaksysteem_that_was_down_gets_the_dead_lettered_notificatie_once_after_a_replay(chain, zaaksystemen):
    zaaksysteem = zaaksystemen()
    with abonnement(chain, zaaksysteem, {}) as created:
        zaaksysteem.down = True
        family_found(chain)
        abonnement_id = created["url"].rsplit("/", 1)[-1]

        def dead():
            found = [d for d in deliveries(chain, status="dead") if d["subscription_id"] == abonnement_id]
            return found and found[0]

        listed = eventually(dead, what="the delivery dead-lettered after the last attempt")
        attempts = [r for r in zaaksysteem.requests if r.answered == 503]
        assert listed["attempts"] == int(CHAIN_ENV["NOTIFICATIONS_RETRY_MAX_ATTEMPTS"]) == len(attempts)
        assert listed["last_status_code"] == 503 and zaaksysteem.notificaties(ALERTS) == []

        zaaksysteem.down = False
        with chain.client("notifications", GGD) as ggd:
            replayed = ggd.post(f"/v1/deliveries/{listed['id']}/replay")
        assert replayed.status_code == 200, replayed.text
        eventually(lambda: any(d["id"] == listed["id"] for d in deliveries(chain, status="delivered")), what="delivered after the replay")
    [notificatie] = zaaksysteem.notificaties(ALERTS)
    assert {r.body for r in attempts} == {r.body for r in zaaksysteem.received if r.notificatie["kanaal"] == ALERTS}
    assert notificatie["kenmerken"]["gebeurtenis"] == "alert.raised"


def test_the_readmes_curl_commands_list_the_kanalen_and_subscribe_a_zaaksysteem(chain):
    readme = REPO_ROOT / "services" / "notifications" / "README.md"
    listing, subscribing = [b for b in shell_blocks(readme, "6. For zaaksystemen") if b.startswith("curl")]
    zaaksysteem = ZgwSubscriber(auth=re.search(r'"auth": "([^"]+)"', subscribing).group(1))
    try:
        here = {"http://127.0.0.1:8004": chain.urls["notifications"], "https://zaaksysteem.example/api/v1/notificaties": zaaksysteem.url()}
        kanalen = json.loads(_bash(listing, here))
        created = json.loads(_bash(subscribing, here))
        [probe] = zaaksysteem.received
    finally:
        zaaksysteem.stop()
    assert [k["naam"] for k in kanalen] == [ALERTS, "signaalketen-placement"]
    assert created["kanalen"] == [{"naam": ALERTS, "filters": {"gemeentecode": "0363"}}] and "auth" not in created
    assert probe.headers["Authorization"] == zaaksysteem.auth
    with nrc(chain) as client:
        assert client.delete(created["url"]).status_code == 204


def _bash(block: str, replacements: dict[str, str]) -> str:
    """The README's block as a reader pastes it, pointed at this chain's ports."""
    for written, here in replacements.items():
        block = block.replace(written, here)
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def deliveries(chain, **params) -> list[dict]:
    with chain.client("notifications", GGD) as client:
        response = client.get("/v1/deliveries", params=params)
    assert response.status_code == 200, response.text
    return response.json()
