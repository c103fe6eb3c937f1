"""The README walkthrough's two stories, told by partners' systems with Keycloak tokens
(client credentials) against the production deployment:

1. a family's arrears (Ymere) → an alert at the prevention team's webhook; the team reads
   the case, the privacy officer finds the read in the audit;
2. a family found at the door (police) → an urgent alert at GGD's webhook → a named GGD
   worker reads the case in the portal (tests/production/portal_login.py) → the shelter
   (HVO Querido) confirms the place offered → GGD hears `placement.confirmed`.

Each step raises StoryFailed naming what did not happen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Callable

from tests.production.partners import Partner, Tokens
from tests.support.wait import eventually
from tests.support.webhook_receiver import WebhookReceiver

FAMILY_DWELLING = "0363010001004477"  # the README's: two parents and their children (BRP test persons)
FOUND_DWELLING = "0363010000999001"  # the README's second story
PREVENTION, GGD, SHELTER = "vroeg-eropaf-amsterdam", "ggd-amsterdam-vangnet", "hvo-querido"
CORPORATION, POLICE, PRIVACY_OFFICER = "ymere", "politie-amsterdam", "functionaris-gegevensbescherming"
ALERT_RAISED = "nl.signaalketen.alert.raised.v1"
PLACEMENT_CONFIRMED = "nl.signaalketen.placement.confirmed.v1"


class StoryFailed(AssertionError):
    pass


def check(condition: object, what: str) -> None:
    if not condition:
        raise StoryFailed(what)


def yesterday() -> str:
    return (datetime.now(UTC) - timedelta(days=1)).date().isoformat()


class Stories:
    def __init__(self, tokens: Tokens, urls: Callable[[str], list[str]], receiver: WebhookReceiver):
        self.tokens = tokens
        self.urls = urls
        self.receiver = receiver
        self._partners: dict[tuple[str, str], Partner] = {}

    def partner(self, organisation: str, service: str) -> Partner:
        if (organisation, service) not in self._partners:
            self._partners[organisation, service] = Partner(self.tokens, organisation, self.urls(service))
        return self._partners[organisation, service]

    def close(self) -> None:
        for partner in self._partners.values():
            partner.close()

    def subscribe(self, organisation: str, path: str, event_types: list[str]) -> None:
        body = {"callback_url": self.receiver.url(path), "event_types": event_types}
        answer = self.partner(organisation, "notifications").post("/v1/subscriptions", json=body)
        check(answer.status_code == 201, f"{organisation} could not subscribe {path}: {answer.status_code} {answer.text[:300]}")
        self.receiver.secrets[path] = answer.json()["secret"]

    def post_signal(self, organisation: str, body: dict) -> str:
        answer = self.partner(organisation, "arrears").post("/v1/signals", json=body)
        check(answer.status_code == 202, f"{organisation}'s signal refused: {answer.status_code} {answer.text[:300]}")
        return answer.json()["id"]

    def event(self, path: str, event_type: str, timeout: float = 120, **data) -> dict:
        def find():
            for event in self.receiver.events(path, event_type):
                if all(event["data"].get(key) == value for key, value in data.items()):
                    return event
            return None

        return eventually(find, timeout=timeout, interval=0.3, what=f"{event_type} at {path} with {data}")

    def arrears_to_the_prevention_team(self) -> str:
        """Story 1; returns the case's subject."""
        self.subscribe(PREVENTION, "/alerts", ["alert.raised"])
        signal_id = self.post_signal(CORPORATION, {
            "type": "arrears.reported", "observed_on": yesterday(), "months": 2, "amount_eur": "1450.00",
            "address": {"adresseerbaarObjectIdentificatie": FAMILY_DWELLING},
        })  # fmt: skip
        alert = self.event("/alerts", ALERT_RAISED, signal_id=signal_id)
        data, subject = alert["data"], alert["subject"]
        check(data["recipient"] == PREVENTION and data["is_family"] is True, f"the alert: {data}")
        check(data["rule_id"] == "ams-arrears-vroeg-eropaf" and subject.startswith("hh-"), f"the alert: {alert}")
        status = eventually(
            lambda: (body := self.partner(CORPORATION, "arrears").get(f"/v1/signals/{signal_id}").json())["status"] == "routed" and body,
            timeout=60, what="the signal's status 'routed'",
        )  # fmt: skip
        check([route["recipient"] for route in status["routing"]] == [PREVENTION], f"routing: {status}")
        case = self.partner(PREVENTION, "triage").get(f"/v1/cases/{subject}", params={"purpose": "home visit"})
        check(case.status_code == 200 and case.json()["is_family"] is True, f"the team's case read: {case.text[:300]}")
        audit = self.partner(PRIVACY_OFFICER, "triage").get("/v1/audit", params={"subject": subject}).json()
        actions = [(entry["organisation_id"], entry["action"]) for entry in audit]
        check((PREVENTION, "read case") in actions and ("signaalketen", "register lookup") in actions, f"the audit: {actions}")
        return subject

    def family_found_at_the_door(self, read_in_portal: Callable[[str], None]) -> str:
        """Story 2; `read_in_portal(case_key)` is the GGD worker's login and case read."""
        self.subscribe(GGD, "/ggd", ["alert.raised", "placement.confirmed"])
        signal_id = self.post_signal(POLICE, {
            "type": "eviction.family-found", "observed_on": yesterday(), "adults": 2, "children_ages": [3, 7],
            "address": {"adresseerbaarObjectIdentificatie": FOUND_DWELLING},
        })  # fmt: skip
        alert = self.event("/ggd", ALERT_RAISED, signal_id=signal_id)
        check((alert["data"]["priority"], alert["data"]["kind"], alert["data"]["minor_ages"]) == ("urgent", "urgent_outreach", [3, 7]),
              f"the urgent alert: {alert['data']}")  # fmt: skip
        case_key = alert["subject"]
        read_in_portal(case_key)
        shelter = self.partner(SHELTER, "placement")

        def offered():
            listed = shelter.get("/v1/requests").json()
            return [r for r in listed if r["case_key"] == case_key and r["status"] == "offered"]

        [request] = eventually(offered, timeout=120, what="the request offered to HVO Querido")
        confirmed = shelter.post(f"/v1/requests/{request['id']}/confirm")
        check(confirmed.status_code == 200 and confirmed.json()["status"] == "placed", f"confirm: {confirmed.text[:300]}")
        news = self.event("/ggd", PLACEMENT_CONFIRMED, request_id=request["id"])
        check(news["data"]["case_lead"] == SHELTER, f"placement.confirmed: {news['data']}")
        return case_key
