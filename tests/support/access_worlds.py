"""Real objects of several organisations per service, for the access matrix
(tests/unit/shared/test_access_matrix.py): who owns what is written out here.

Each world is seeded through the service's own API where it has one (signals,
placement requests, subscriptions) and as rows where the objects come from events
(triage cases and alerts, notifications' inbox and deliveries). A `Row` says, per
endpoint: the concrete URL, the body, the status a success answers, which
organisations own the object (None: every organisation of an allowed role), and
`only_mine`, which checks that a success holds only the caller's data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable

from sqlmodel import select

from tests.support.apps import key

AMSTERDAM_CASE = "hh-" + "a" * 32
UTRECHT_CASE = "hh-" + "b" * 32
HOOK = "http://127.0.0.1:9/hook"


@dataclass
class Row:
    url: str
    success: int = 200
    body: Any = None
    owners: set[str] | None = None
    only_mine: Callable[[str, Any], bool] | None = None
    form: dict | None = None  # sent as a form instead of JSON


@dataclass
class World:
    rows: dict[tuple[str, str], Row] = field(default_factory=dict)
    mine: dict[str, set[str]] = field(default_factory=dict)  # organisation -> ids of its objects

    def add(self, organisation: str, object_id: str) -> None:
        self.mine.setdefault(organisation, set()).add(str(object_id))


# --- intake ----------------------------------------------------------------------------------------


def family_found(dwelling: str) -> dict:
    return {"type": "eviction.family-found", "observed_on": "2026-11-27", "adults": 2, "children_ages": [3, 7],
            "address": {"adresseerbaarObjectIdentificatie": dwelling}}  # fmt: skip


def signal_of(organisation: str | None, dwelling: str = "0363010001004477") -> dict:
    """A signal the organisation's role may post: a family found, a concern, a relapse."""
    from shared.organisations import Role
    from tests.support.access_table import ORGANISATIONS

    role = next((org.role for org in ORGANISATIONS if org.id == organisation), None)
    if role in (Role.PREVENTION_TEAM, Role.GGD, Role.MUNICIPALITY):
        return {"type": "concern.reported", "observed_on": "2026-11-27", "concerns": ["neglect"],
                "address": {"adresseerbaarObjectIdentificatie": dwelling}}  # fmt: skip
    if role is Role.SHELTER:
        return {"type": "support.relapsed", "observed_on": "2026-11-27", "address": {"adresseerbaarObjectIdentificatie": dwelling}}
    return family_found(dwelling)


async def arrears_world(client, runtime, bus, clock) -> World:
    world = World()
    for organisation, dwelling in (("ymere", "0363010001004477"), ("mitros", "0344010000192444")):
        response = await client.post("/v1/signals", json=family_found(dwelling), headers=key(organisation))
        assert response.status_code == 202, response.text
        world.add(organisation, response.json()["id"])
    ymere_signal = sorted(world.mine["ymere"])[0]

    def own_signals(organisation, body):
        return all(item["id"] in world.mine.get(organisation, set()) for item in body["items"])

    world.rows = {
        ("POST", "/v1/signals"): Row("/v1/signals", 202, signal_of),
        ("GET", "/v1/signals"): Row("/v1/signals", only_mine=own_signals),
        ("POST", "/v1/signals/batch"): Row("/v1/signals/batch", 200, lambda organisation: {"signals": [signal_of(organisation)]}),
        ("GET", "/v1/signals/{signal_id}"): Row(f"/v1/signals/{ymere_signal}", owners={"ymere"}),
    }
    return world


def remember_posts(world: World, organisation: str, method: str, path: str, body: Any) -> None:
    """Signals and subscriptions made during the matrix are the caller's too."""
    if (method, path) == ("POST", "/v1/signals"):
        world.add(organisation, body["id"])
    elif (method, path) == ("POST", "/v1/signals/batch"):
        for row in body["accepted"]:
            world.add(organisation, row["id"])
    elif (method, path) == ("POST", "/v1/subscriptions"):
        world.add(organisation, body["id"])
    elif (method, path) == ("POST", "/notificaties/api/v1/abonnement"):
        world.add(organisation, body["url"].rsplit("/", 1)[-1])


# --- triage ----------------------------------------------------------------------------------------


async def triage_world(client, runtime, bus, clock) -> World:
    from services.triage.tables import Alert, HouseholdCase

    now = clock.now()
    alerts = {
        "ams-vroeg": (AMSTERDAM_CASE, "vroeg-eropaf-amsterdam"),
        "ams-ggd": (AMSTERDAM_CASE, "ggd-amsterdam-vangnet"),
        "utr-team": (UTRECHT_CASE, "meldpunt-huurschulden-utrecht"),
    }
    ids = {name: uuid.uuid4() for name in alerts}
    async with runtime.sessions() as session, session.begin():
        for case_key, municipality, lead in ((AMSTERDAM_CASE, "0363", "ggd-amsterdam-vangnet"), (UTRECHT_CASE, "0344", "ggd-utrecht")):
            session.add(HouseholdCase(case_key=case_key, municipality_code=municipality, state="eviction_scheduled", is_family=True,
                                      persons=3, minors=1, minor_ages=[6], case_lead=lead, opened_at=now, updated_at=now,
                                      last_signal_id=uuid.uuid4(), last_signal_type="eviction.scheduled",
                                      eviction_date=now.date() + timedelta(days=20)))  # fmt: skip
        for name, (case_key, recipient) in alerts.items():
            session.add(Alert(alert_id=ids[name], case_key=case_key, signal_id=uuid.uuid4(), recipient=recipient,
                              kind="prevention", priority="normal", due=now + timedelta(days=14), rule_id="test",
                              raised_at=now - timedelta(days=1)))  # fmt: skip
    amsterdam_readers = {"ggd-amsterdam-vangnet", "vroeg-eropaf-amsterdam"}

    def own_alerts(organisation, body):
        return all(alert["recipient"] == organisation for alert in body)

    world = World()
    world.rows = {
        ("GET", "/v1/cases/{case_key}"): Row(f"/v1/cases/{AMSTERDAM_CASE}?purpose=home%20visit", owners=amsterdam_readers),
        ("GET", "/v1/alerts"): Row("/v1/alerts", only_mine=own_alerts),
        ("POST", "/v1/alerts/{alert_id}/feedback"): Row(
            f"/v1/alerts/{ids['ams-vroeg']}/feedback", 201, {"type": "contact-made", "reported_on": now.date().isoformat()},
            owners={"vroeg-eropaf-amsterdam"},
        ),
        ("POST", "/v1/cases/{case_key}/composition"): Row(
            f"/v1/cases/{AMSTERDAM_CASE}/composition", 200, {"adults": 2, "children_ages": [6, 9], "reason": "home visit"},
            owners=amsterdam_readers,
        ),
        # A later plan for the same eviction revises it: each entitled caller succeeds.
        ("POST", "/v1/cases/{case_key}/safety-net-plan"): Row(
            f"/v1/cases/{AMSTERDAM_CASE}/safety-net-plan", 201,
            {"eviction_date": (now.date() + timedelta(days=20)).isoformat(), "made_on": now.date().isoformat(), "arrangements": ["own_network"]},
            owners=amsterdam_readers,
        ),
        ("GET", "/v1/capacity"): Row("/v1/capacity"),
        **await _rules_rows(runtime, now),
    }
    return world


async def _rules_rows(runtime, now) -> dict:
    """Amsterdam's rules: version 1 (from the rules file) and a draft 2 to publish."""
    from services.triage.domain.rules_version import RulesVersionState
    from services.triage.tables import RulesVersion

    async with runtime.sessions() as session, session.begin():
        document = (await session.get(RulesVersion, ("0363", 1))).document
        session.add(RulesVersion(municipality_code="0363", version=2, state=RulesVersionState.DRAFT, document=document,
                                 created_at=now, created_by={"organisation": "gemeente-amsterdam"}))  # fmt: skip
    owners = {"gemeente-amsterdam"}
    return {
        ("GET", "/v1/rules/{code}/versions"): Row("/v1/rules/0363/versions", owners=owners),
        ("GET", "/v1/rules/{code}/versions/{number}"): Row("/v1/rules/0363/versions/1", owners=owners),
        ("POST", "/v1/rules/{code}/validation"): Row("/v1/rules/0363/validation", body=document, owners=owners),
        ("POST", "/v1/rules/{code}/versions"): Row("/v1/rules/0363/versions", 201, document, owners=owners),
        ("POST", "/v1/rules/{code}/versions/{number}/publication"): Row("/v1/rules/0363/versions/2/publication", owners=owners),
    }


# --- placement -------------------------------------------------------------------------------------

TWO_PARENT_FACILITIES = ("roggeveen-crisis", "roggeveen-two-parent", "tussenoord", "boka", "weerdsingel", "den-eikelaar", "verdihuis-crisis")


def family(municipality: str, family_type: str = "one_parent", **extra) -> dict:
    return {"adults": 1 if family_type == "one_parent" else 2, "children_ages": [2, 5], "family_type": family_type,
            "need": "crisis", "municipality_code": municipality, **extra}  # fmt: skip


async def placement_world(client, runtime, bus, clock) -> World:
    from services.placement.tables import Facility
    from tests.support.triage_cases import assessed_case

    # Every unit a two-parent family could take is occupied: such a family waits on the list,
    # and no one-parent unit freed below is ever offered to it.
    async with runtime.sessions() as session, session.begin():
        for facility in (await session.exec(select(Facility).where(Facility.id.in_(TWO_PARENT_FACILITIES)))).all():
            facility.occupied = facility.capacity
            session.add(facility)
    shelters = {f["id"]: f["shelter"] for f in (await client.get("/v1/facilities", headers=key("hvo-querido"))).json()}

    async def requested(ggd: str, body: dict) -> dict:
        response = await client.post("/v1/requests", json=body, headers=key(ggd))
        assert response.status_code == 201, response.text
        return response.json()

    ams = "ggd-amsterdam-vangnet"
    offered, to_decline, to_end, to_plan = [await requested(ams, family("0363")) for _ in range(4)]
    utrecht = await requested("ggd-utrecht", family("0344"))
    waiting = await requested(ams, family("0363", "two_parent"))
    assert waiting["status"] == "waitlisted" and utrecht["status"] == "offered"
    assert {shelters[r["facility_id"]] for r in (offered, to_decline, to_end, to_plan)} == {"hvo-querido"}
    assert shelters[utrecht["facility_id"]] == "tussenvoorziening"
    for to_place, admitted in ((to_end, None), (to_plan, {"children_admitted": 1})):  # to_plan: partly placed, a rest to admit
        placed = await client.post(f"/v1/requests/{to_place['id']}/confirm", json=admitted, headers=key("hvo-querido"))
        assert placed.status_code == 200, placed.text
    case_key = await assessed_case(bus, runtime, "0363", clock.now())

    def own_requests(organisation, body):
        return all(r["requested_by"] == organisation or shelters.get(r["facility_id"]) == organisation for r in body)

    world = World()
    world.rows = {
        ("GET", "/v1/facilities"): Row("/v1/facilities"),
        ("PATCH", "/v1/facilities/{facility_id}"): Row("/v1/facilities/roggeveen-two-parent", body={"capacity": 20}, owners={"hvo-querido"}),
        ("POST", "/v1/requests"): Row("/v1/requests", 201, family("0363", case_key=case_key), owners={ams}),
        ("GET", "/v1/requests"): Row("/v1/requests", only_mine=own_requests),
        ("GET", "/v1/requests/{request_id}"): Row(f"/v1/requests/{offered['id']}", owners={ams, "hvo-querido"}),
        ("POST", "/v1/requests/{request_id}/confirm"): Row(f"/v1/requests/{offered['id']}/confirm", owners={"hvo-querido"}),
        ("POST", "/v1/requests/{request_id}/decline"): Row(
            f"/v1/requests/{to_decline['id']}/decline", body={"reason": "no unit fits"}, owners={"hvo-querido"}
        ),
        ("POST", "/v1/requests/{request_id}/end"): Row(
            f"/v1/requests/{to_end['id']}/end", body={"outflow": "own_network"}, owners={"hvo-querido"}
        ),
        ("POST", "/v1/requests/{request_id}/trajectory-plan"): Row(
            f"/v1/requests/{to_plan['id']}/trajectory-plan", body={"made_on": clock.now().date().isoformat()}, owners={"hvo-querido"}
        ),
        ("POST", "/v1/requests/{request_id}/admit-rest"): Row(f"/v1/requests/{to_plan['id']}/admit-rest", owners={"hvo-querido"}),
        ("POST", "/v1/requests/{request_id}/alternative"): Row(
            f"/v1/requests/{waiting['id']}/alternative", 201, {"kind": "with_relatives"}, owners={ams}
        ),
        ("GET", "/v1/waitlist"): Row("/v1/waitlist", only_mine=lambda org, body: all(
            e["request_id"] == waiting["id"] if org == ams else True for e in body)),
    }  # fmt: skip
    return world


# --- notifications ---------------------------------------------------------------------------------


async def notifications_world(client, runtime, bus, clock) -> World:
    from services.notifications.tables import Alert, Delivery
    from tests.support.events import alert_event
    from shared.contracts.envelope import encode

    world = World()
    for organisation in ("ymere", "ggd-amsterdam-vangnet"):
        response = await client.post("/v1/subscriptions", json={"callback_url": HOOK}, headers=key(organisation))
        assert response.status_code == 201, response.text
        world.add(organisation, response.json()["id"])
    [ggd_subscription] = world.mine["ggd-amsterdam-vangnet"]
    now = clock.now()
    dead, to_ggd, escalated = uuid.uuid4(), alert_event("ggd-amsterdam-vangnet", now), alert_event("vroeg-eropaf-amsterdam", now)
    async with runtime.sessions() as session, session.begin():
        session.add(Delivery(id=dead, event_id=to_ggd.id, event_type=to_ggd.type, subscription_id=uuid.UUID(ggd_subscription),
                             recipient="ggd-amsterdam-vangnet", case_key=to_ggd.subject, body=encode(to_ggd).decode(),
                             status="dead", attempts=14, next_attempt_at=now, created_at=now))  # fmt: skip
        for event, fallback in ((to_ggd, None), (escalated, "ketenregie")):
            data = event.data
            session.add(Alert(alert_id=data.alert_id, event_id=event.id, recipient=data.recipient, case_key=event.subject,
                              kind=data.kind.value, priority=data.priority.value, reason=data.reason,
                              municipality_code=data.municipality_code, due=data.due, raised_at=now, body=encode(event).decode(),
                              acknowledgement_due=now + timedelta(days=1), escalated_at=now if fallback else None,
                              escalated_to=fallback))  # fmt: skip
    [ymere_subscription] = world.mine["ymere"]

    def own_subscriptions(organisation, body):
        return all(s["id"] in world.mine.get(organisation, set()) for s in body)

    def own_deliveries(organisation, body):
        return all(d["subscription_id"] in world.mine.get(organisation, set()) for d in body)

    def own_inbox(organisation, body):
        return all(organisation in (item["recipient"], item["escalated_to"]) for item in body)

    zgw_rows = await _zgw_rows(client, world)
    world.rows = {
        **zgw_rows,
        ("GET", "/v1/inbox/{alert_id}"): Row(f"/v1/inbox/{to_ggd.data.alert_id}", owners={"ggd-amsterdam-vangnet"}),
        ("GET", "/v1/subscriptions"): Row("/v1/subscriptions", only_mine=own_subscriptions),
        ("POST", "/v1/subscriptions"): Row("/v1/subscriptions", 201, {"callback_url": HOOK, "event_types": ["alert.raised"]}),
        ("DELETE", "/v1/subscriptions/{subscription_id}"): Row(f"/v1/subscriptions/{ymere_subscription}", 204, owners={"ymere"}),
        ("GET", "/v1/deliveries"): Row("/v1/deliveries", only_mine=own_deliveries),
        ("POST", "/v1/deliveries/{delivery_id}/replay"): Row(f"/v1/deliveries/{dead}/replay", owners={"ggd-amsterdam-vangnet"}),
        ("GET", "/v1/inbox"): Row("/v1/inbox", only_mine=own_inbox),
        ("POST", "/v1/inbox/{alert_id}/acknowledge"): Row(
            f"/v1/inbox/{escalated.data.alert_id}/acknowledge", owners={"vroeg-eropaf-amsterdam", "ketenregie"}
        ),
    }
    return world


ZGW = "/notificaties/api/v1"


def zgw_abonnement(kanaal: str = "signaalketen-alerts") -> dict:
    return {"callbackUrl": HOOK, "auth": "Bearer dev", "kanalen": [{"naam": kanaal, "filters": {"gemeentecode": "0363"}}]}


async def _zgw_rows(client, world: World) -> dict:
    """The ZGW facade (services/notifications/zgw): kanalen everyone may read, abonnementen their owner's."""
    owned = {}
    for organisation in ("ymere", "ggd-amsterdam-vangnet"):
        response = await client.post(f"{ZGW}/abonnement", json=zgw_abonnement(), headers=key(organisation))
        assert response.status_code == 201, response.text
        owned[organisation] = response.json()["url"].rsplit("/", 1)[-1]
        world.add(organisation, owned[organisation])
    kanaal = (await client.get(f"{ZGW}/kanaal", headers=key("ymere"))).json()[0]["url"].rsplit("/", 1)[-1]

    def own_abonnementen(organisation, body):
        return all(a["url"].rsplit("/", 1)[-1] in world.mine.get(organisation, set()) for a in body)

    ggd, ymere = owned["ggd-amsterdam-vangnet"], owned["ymere"]
    rows = {
        ("GET", f"{ZGW}/kanaal"): Row(f"{ZGW}/kanaal"),
        ("GET", f"{ZGW}/kanaal/{{uuid}}"): Row(f"{ZGW}/kanaal/{kanaal}"),
        ("GET", f"{ZGW}/abonnement"): Row(f"{ZGW}/abonnement", only_mine=own_abonnementen),
        ("POST", f"{ZGW}/abonnement"): Row(f"{ZGW}/abonnement", 201, zgw_abonnement()),
        ("GET", f"{ZGW}/abonnement/{{uuid}}"): Row(f"{ZGW}/abonnement/{ggd}", owners={"ggd-amsterdam-vangnet"}),
        ("PUT", f"{ZGW}/abonnement/{{uuid}}"): Row(f"{ZGW}/abonnement/{ggd}", body=zgw_abonnement(), owners={"ggd-amsterdam-vangnet"}),
        ("PATCH", f"{ZGW}/abonnement/{{uuid}}"): Row(
            f"{ZGW}/abonnement/{ggd}", body={"kanalen": zgw_abonnement("signaalketen-placement")["kanalen"]}, owners={"ggd-amsterdam-vangnet"}
        ),
        ("DELETE", f"{ZGW}/abonnement/{{uuid}}"): Row(f"{ZGW}/abonnement/{ymere}", 204, owners={"ymere"}),
    }
    return rows


# --- monitor ---------------------------------------------------------------------------------------


async def monitor_world(client, runtime, bus, clock) -> World:
    world = World()
    figures, table = "?municipality=0363&year=2026&month=11", "?municipality=0363"
    for suffix in ("", ".csv"):
        world.rows[("GET", f"/v1/figures{suffix}")] = Row(f"/v1/figures{suffix}{figures}")
        world.rows[("GET", f"/v1/tables/evictions{suffix}")] = Row(f"/v1/tables/evictions{suffix}{table}")
        world.rows[("GET", f"/v1/public/figures{suffix}")] = Row(f"/v1/public/figures{suffix}{figures}")
        world.rows[("GET", f"/v1/public/tables/evictions{suffix}")] = Row(f"/v1/public/tables/evictions{suffix}{table}")
    for path in ("/v1/figures", "/v1/tables/evictions"):
        world.rows[("GET", path)].only_mine = lambda organisation, body: body["exact"] is (organisation == "gemeente-amsterdam")
    for path in ("/v1/public/figures", "/v1/public/tables/evictions"):
        world.rows[("GET", path)].only_mine = lambda organisation, body: body["exact"] is False
    return world


WORLDS = {
    "arrears": arrears_world,
    "triage": triage_world,
    "placement": placement_world,
    "notifications": notifications_world,
    "monitor": monitor_world,
}


def shared_rows() -> dict[tuple[str, str], Row]:
    """The endpoints every service has."""
    return {
        ("GET", "/health/live"): Row("/health/live"),
        ("GET", "/health/ready"): Row("/health/ready"),
        ("GET", "/metrics"): Row("/metrics"),
        ("POST", "/oauth/token"): Row(
            "/oauth/token", form={"grant_type": "client_credentials", "client_id": "ymere", "client_secret": "dev-ymere"}
        ),
        ("GET", "/v1/audit"): Row("/v1/audit"),
        ("GET", "/v1/retention/deletions"): Row("/v1/retention/deletions"),
        ("GET", "/v1/event-schemas"): Row("/v1/event-schemas"),
        ("GET", "/v1/event-schemas/{event_type}"): Row("/v1/event-schemas/nl.signaalketen.alert.raised.v1"),
    }


def decoded(response) -> Any:
    if response.headers.get("content-type", "").startswith("application/json"):
        return response.json()
    return None
