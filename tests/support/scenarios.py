"""Helpers for the report's scenarios run end to end: post a signal, find the alerts a
team received at its webhook, read a case, check a deadline against the services' clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from shared.contracts import event_types
from shared.privacy import household_pseudonym
from shared.settings import DEV_PSEUDONYM_KEY
from tests.support.wait import eventually

MARGIN = timedelta(minutes=2)  # between reading the clock and triage routing the signal
PATH = "/scenario"


def subscribe_teams(chain, organisations) -> None:
    for organisation in organisations:
        chain.subscribe(organisation, f"{PATH}/{organisation}", ["alert.raised"])


def case_key(dwelling: str) -> str:
    return household_pseudonym(DEV_PSEUDONYM_KEY.encode(), dwelling)


def service_now(chain) -> datetime:
    """The services' (moved) clock, read from triage."""
    response = httpx.post(chain.urls["triage"] + "/test/clock/advance", json={"seconds": 0.001}, timeout=10)
    return datetime.fromisoformat(response.json()["now"])


def post_signal(chain, organisation: str, dwelling: str, body: dict) -> str:
    body = {"address": {"adresseerbaarObjectIdentificatie": dwelling}, "observed_on": str(service_now(chain).date()), **body}
    with chain.client("arrears", organisation) as client:
        response = client.post("/v1/signals", json=body)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def alerts(chain, organisation: str, **match) -> list[dict]:
    found = [event["data"] for event in chain.receiver.events(f"{PATH}/{organisation}", event_types.ALERT_RAISED)]
    return [alert for alert in found if all(alert.get(name) == value for name, value in match.items())]


def the_alert(chain, organisation: str, what: str, **match) -> dict:
    [alert] = eventually(lambda: alerts(chain, organisation, **match), what=what)
    return alert


def due_after(alert: dict, start: datetime, delta: timedelta) -> bool:
    due = datetime.fromisoformat(alert["due"])
    return start + delta <= due <= start + delta + MARGIN


def read_case(chain, organisation: str, dwelling: str) -> dict:
    with chain.client("triage", organisation) as client:
        response = client.get(f"/v1/cases/{case_key(dwelling)}", params={"purpose": "scenario check"})
    assert response.status_code == 200, response.text
    return response.json()
