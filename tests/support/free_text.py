"""A test person's name and a BSN-like number, posted in every free field of every endpoint
that takes a partner's or a worker's input (found in the services' OpenAPI documents), so a
test can look for them on every topic and in every log.

Each post is recorded with its answer: a field the service takes in (2xx) must stay in
that service's own database; a field refused at the door (4xx) is recorded as such.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import httpx

from tests.support.wait import eventually
from tests.support.zgw_subscriber import ZgwSubscriber

SURNAME = "Oudshoorn-Verbeek"
BSN = "999993653"  # passes the eleven test, as a real BSN does
NAME = f"Annelies {SURNAME}"
TEXT = f"{NAME}, BSN {BSN}, Kerkstraat 12"  # what a worker might type into a remark
SLUG = f"annelies-{SURNAME.lower()}-{BSN}"  # fits a code-like pattern ([a-z0-9-])
WORKER = f"A.{SURNAME}"  # fits the pattern of a worker id, and is a name
SECRETS = (SURNAME, BSN)

GGD = "ggd-amsterdam-vangnet"
BAILIFF = "deurwaarder-amsterdam"
CORPORATION = "ymere"


@dataclass
class Doors:
    """Which endpoint took which free field in, and which refused it."""

    answers: list[tuple[str, int]] = field(default_factory=list)

    def note(self, what: str, response: httpx.Response) -> httpx.Response:
        self.answers.append((what, response.status_code))
        assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:500]}"
        return response

    def taken(self) -> list[str]:
        return [what for what, status in self.answers if status < 300]

    def refused(self) -> list[str]:
        return [what for what, status in self.answers if status >= 400]


def dwelling() -> str:
    return f"03630188{random.randrange(10**8):08d}"  # nobody registered: the family is unknown


def post_signals(chain, doors: Doors) -> list[tuple[str, str]]:
    """Signals and batch rows with the name in every free field; returns (organisation, id)
    of the accepted ones."""
    here = {"adresseerbaarObjectIdentificatie": dwelling()}
    base = {"address": here, "observed_on": "2026-11-20"}
    posted = []
    singles = [
        ("signal: eviction.cancelled reason", BAILIFF, {**base, "type": "eviction.cancelled", "reason": TEXT}),
        ("signal: district", CORPORATION, {**base, "type": "arrears.reported", "months": 2, "amount_eur": "900.00", "district": SLUG}),
        ("signal: an unknown remark field", CORPORATION, {**base, "type": "arrears.reported", "months": 2, "amount_eur": "900.00", "remark": TEXT}),
        ("signal: amount_eur", CORPORATION, {**base, "type": "arrears.reported", "months": 2, "amount_eur": TEXT}),
        ("signal: house number addition", CORPORATION, {"address": {"postcode": "1011AB", "huisnummer": 1, "huisnummertoevoeging": BSN},
                                                        "observed_on": "2026-11-20", "type": "arrears.reported", "months": 2, "amount_eur": "900.00"}),
    ]  # fmt: skip
    for what, organisation, body in singles:
        with chain.client("arrears", organisation) as client:
            response = doors.note(what, client.post("/v1/signals", json=body))
        if response.status_code == 202:
            posted.append((organisation, response.json()["id"]))
    story = [
        {**base, "type": "eviction.scheduled", "eviction_date": "2026-12-15", "reference": f"{NAME} {BSN}"},
        {**base, "type": "eviction.cancelled", "reason": TEXT, "reference": f"{SURNAME}-cancelled"},
        {**base, "type": "eviction.executed", "outcome": "evicted", "remark": TEXT, "reference": f"{SURNAME}-bad-row"},
    ]
    with chain.client("arrears", BAILIFF) as client:
        response = doors.note("batch: reference, reason, and a row with a remark", client.post("/v1/signals/batch", json={"signals": story}))
    assert response.status_code == 200, response.text
    posted += [(BAILIFF, row["id"]) for row in response.json()["accepted"]]
    doors.answers.append(("batch row: an unknown remark field", 400 if response.json()["rejected"] else 200))
    return posted


def family_alert(chain) -> dict:
    """Police find a family at an eviction: GGD gets an urgent alert on a case of its own."""
    found = {"type": "eviction.family-found", "address": {"adresseerbaarObjectIdentificatie": dwelling()},
             "observed_on": "2026-11-28", "adults": 1, "children_ages": [4]}  # fmt: skip
    with chain.client("arrears", "politie-amsterdam") as client:
        response = client.post("/v1/signals", json=found)
    assert response.status_code == 202, response.text
    signal_id = response.json()["id"]

    def raised():
        with chain.client("triage", GGD) as client:
            alerts = client.get("/v1/alerts").json()
        return next((a for a in alerts if a["signal_id"] == signal_id), None)

    return eventually(raised, timeout=60, what="GGD's alert for the family found")


def post_case_work(chain, doors: Doors, alert: dict) -> None:
    """Triage: a composition correction with its reason, feedback with a remark."""
    with chain.client("triage", GGD) as client:
        composition = {"adults": 1, "children_ages": [4, 9], "reason": f"moeder {TEXT} belde"}
        doors.note("triage: composition reason", client.post(f"/v1/cases/{alert['case_key']}/composition", json=composition))
        feedback = {"type": "contact-made", "reported_on": "2026-11-28", "remark": TEXT}
        doors.note("triage: feedback with a remark", client.post(f"/v1/alerts/{alert['alert_id']}/feedback", json=feedback))


def post_placement_work(chain, doors: Doors) -> None:
    """Placement: a request with a remark, a shelter's decline in its own words, GGD's note."""
    family = {"adults": 2, "children_ages": [3, 7], "family_type": "two_parent", "need": "crisis", "municipality_code": "0363"}
    with chain.client("placement", GGD) as ggd:
        doors.note("placement: request with a remark", ggd.post("/v1/requests", json={**family, "remark": TEXT}))
        doors.note("placement: request with a name as case key", ggd.post("/v1/requests", json={**family, "case_key": SLUG}))
        request = doors.note("placement: request", ggd.post("/v1/requests", json=family)).json()
    shelter = request.get("facility_id") and _shelter_of(chain, request["facility_id"])
    if shelter:
        with chain.client("placement", shelter) as client:
            doors.note("placement: decline reason", client.post(f"/v1/requests/{request['id']}/decline", json={"reason": TEXT}))
    with chain.client("placement", GGD) as ggd:
        note = {"kind": "with_relatives", "note": f"slaapt bij zus van {TEXT}"}
        doors.note("placement: GGD's note on where the family stays", ggd.post(f"/v1/requests/{request['id']}/alternative", json=note))
        facility = ggd.get("/v1/facilities").json()[0]["id"]
        doors.note("placement: facility with a remark", ggd.patch(f"/v1/facilities/{facility}", json={"capacity": 10, "note": TEXT}))


def _shelter_of(chain, facility_id: str) -> str | None:
    with chain.client("placement", GGD) as ggd:
        return next((f["shelter"] for f in ggd.get("/v1/facilities").json() if f["id"] == facility_id), None)


def in_inbox(chain, alert: dict) -> None:
    def there():
        with chain.client("notifications", GGD) as client:
            return client.get(f"/v1/inbox/{alert['alert_id']}").status_code == 200

    eventually(there, timeout=60, what="the alert in GGD's inbox")


def post_notification_work(chain, doors: Doors, alerts: tuple[dict, dict]) -> ZgwSubscriber:
    """Notifications: webhooks and a ZGW abonnement whose URLs carry the name, an inbox
    acknowledgement signed with a name, another with the number. Returns the ZGW subscriber (stop it)."""
    for alert in alerts:
        in_inbox(chain, alert)
    path = f"/privacy/{SLUG}"
    with chain.client("notifications", GGD) as client:
        created = doors.note("notifications: callback URL with the name", client.post(
            "/v1/subscriptions", json={"callback_url": chain.receiver.url(path), "event_types": []}))  # fmt: skip
        if created.status_code == 201:
            chain.receiver.secrets[path] = created.json()["secret"]
        doors.note("notifications: event type", client.post(
            "/v1/subscriptions", json={"callback_url": chain.receiver.url("/privacy/other"), "event_types": [NAME]}))  # fmt: skip
        for alert, worker in zip(alerts, (WORKER, BSN), strict=True):
            acknowledged = client.post(f"/v1/inbox/{alert['alert_id']}/acknowledge", json={"acknowledged_by": worker})
            doors.note(f"inbox: acknowledged by {'a name' if worker == WORKER else 'a number'}", acknowledged)
    zaaksysteem = ZgwSubscriber(auth=f"Bearer {SLUG}")
    body = {"callbackUrl": zaaksysteem.url(f"/api/v1/notificaties/{SLUG}"), "auth": f"Bearer {SLUG}",
            "kanalen": [{"naam": "signaalketen-alerts", "filters": {"gemeentecode": "0363"}}]}  # fmt: skip
    nrc = chain.urls["notifications"] + "/notificaties/api/v1/abonnement"
    doors.note("zgw: abonnement URL and auth with the name", httpx.post(nrc, json=body, headers={"X-API-Key": f"dev-{GGD}"}, timeout=15))
    named_channel = {**body, "kanalen": [{"naam": SLUG, "filters": {}}]}
    doors.note("zgw: kanaal named after the person", httpx.post(nrc, json=named_channel, headers={"X-API-Key": f"dev-{GGD}"}, timeout=15))
    return zaaksysteem
