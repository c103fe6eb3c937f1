"""Issue 3's last two items through the real services on Kafka:

* one household signalled once by postcode address (no BAG id) and once by BAG id has
  one case with both signals, and the repeats rule holds across them;
* a family found at the door gets a shelter offer; the eviction is then cancelled, the
  request is withdrawn, the unit goes back to capacity, and GGD and the shelter are told.
"""

from __future__ import annotations

import pytest

from shared.contracts import event_types
from shared.privacy import household_pseudonym, postcode_identification
from shared.settings import DEV_PSEUDONYM_KEY
from tests.support.scenarios import alerts, post_signal, read_case, service_now, subscribe_teams, the_alert
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

LEEUWARDEN_FAMILY = "0080019999000001"  # our fixture: 8911AB 12, two parents, two children
LEEUWARDEN_BY_POSTCODE = {"postcode": "8911AB", "huisnummer": 12, "gemeentecode": "0080"}
AMSTERDAM_FAMILY = "0363010001004477"
SOCIAAL_TEAM, GGD, HVO = "sociaal-team-leeuwarden", "ggd-amsterdam-vangnet", "hvo-querido"
UNITS = "roggeveen-two-parent"


@pytest.fixture(scope="module", autouse=True)
def subscriptions(chain):
    subscribe_teams(chain, (SOCIAAL_TEAM,))
    for organisation in (GGD, HVO):
        chain.subscribe(organisation, f"/placement/{organisation}", ["placement.offered", "placement.withdrawal-handled"])


def post_by_postcode(chain, organisation: str, body: dict) -> str:
    body = {"address": LEEUWARDEN_BY_POSTCODE, "observed_on": str(service_now(chain).date()), **body}
    with chain.client("arrears", organisation) as client:
        response = client.post("/v1/signals", json=body)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def signals_on(case: dict) -> list[str]:
    return [entry["summary"]["signal_id"] for entry in case["timeline"] if entry["kind"] == "signal"]


def test_a_household_signalled_by_postcode_and_by_bag_id_has_one_case(chain):
    arrears = {"type": "arrears.reported", "months": 2, "amount_eur": "1300.00"}
    by_postcode = post_by_postcode(chain, "woonfriesland", arrears)
    first = the_alert(chain, SOCIAAL_TEAM, "the Sociaal Team takes up the postcode signal", signal_id=by_postcode)
    dwelling_key = household_pseudonym(DEV_PSEUDONYM_KEY.encode(), LEEUWARDEN_FAMILY)
    assert first["is_family"] is True and first["minors"] == 2, "the register located the dwelling and its family"

    by_bag = post_signal(chain, "woonfriesland", LEEUWARDEN_FAMILY, arrears)
    case = eventually(lambda: (c := read_case(chain, SOCIAAL_TEAM, LEEUWARDEN_FAMILY)) and by_bag in signals_on(c) and c,
                      what="the BAG signal on the case")  # fmt: skip
    assert signals_on(case) == [by_postcode, by_bag], "one case, both signals"
    assert [a["signal_id"] for a in alerts(chain, SOCIAAL_TEAM)] == [by_postcode], "the same arrears again: no second alert"
    assert any(e["kind"] == "repeat" for e in case["timeline"])

    risen = post_by_postcode(chain, "woonfriesland", {**arrears, "months": 3, "amount_eur": "1950.00"})
    again = the_alert(chain, SOCIAAL_TEAM, "risen arrears alert again", signal_id=risen)
    case = read_case(chain, SOCIAAL_TEAM, LEEUWARDEN_FAMILY)
    assert signals_on(case) == [by_postcode, by_bag, risen] and case["case_key"] == dwelling_key
    assert sorted(a["alert_id"] for a in case["alerts"]) == sorted([first["alert_id"], again["alert_id"]])
    assert case["is_family"] is True and case["municipality_code"] == "0080"
    postcode_key = household_pseudonym(DEV_PSEUDONYM_KEY.encode(), postcode_identification("8911AB", 12, gemeentecode="0080"))
    with chain.client("triage", SOCIAAL_TEAM) as client:
        assert client.get(f"/v1/cases/{postcode_key}", params={"purpose": "check"}).status_code == 404, "no second case"


def placement_events(chain, organisation: str, event_type: str, subject: str) -> list[dict]:
    return [e for e in chain.receiver.events(f"/placement/{organisation}", event_type) if e["subject"] == subject]


def units(chain) -> dict:
    with chain.client("placement", GGD) as client:
        [facility] = [f for f in client.get("/v1/facilities", params={"centre": "0363"}).json() if f["id"] == UNITS]
    return facility


def test_a_cancelled_eviction_withdraws_the_shelter_request_and_frees_the_unit(chain):
    before = units(chain)
    case_key = household_pseudonym(DEV_PSEUDONYM_KEY.encode(), AMSTERDAM_FAMILY)
    post_signal(chain, "deurwaarder-amsterdam", AMSTERDAM_FAMILY, {
        "type": "eviction.family-found", "adults": 2, "children_ages": [3, 7],
    })  # fmt: skip
    [offer] = eventually(lambda: placement_events(chain, HVO, event_types.PLACEMENT_OFFERED, case_key), what="offer at the shelter")
    request_id = offer["data"]["request_id"]
    assert offer["data"]["facility"] and units(chain)["offered"] == before["offered"] + 1
    assert units(chain)["free"] == before["free"] - 1

    post_signal(chain, "ymere", AMSTERDAM_FAMILY, {"type": "eviction.cancelled", "reason": "reversed: family found"})
    [told_ggd] = eventually(lambda: placement_events(chain, GGD, event_types.PLACEMENT_WITHDRAWAL_HANDLED, case_key),
                            what="GGD told of the withdrawal")  # fmt: skip
    [told_shelter] = eventually(lambda: placement_events(chain, HVO, event_types.PLACEMENT_WITHDRAWAL_HANDLED, case_key),
                                what="the shelter told of the withdrawal")  # fmt: skip
    for told in (told_ggd, told_shelter):
        assert told["data"]["request_id"] == request_id and told["data"]["outcome"] == "withdrawn"
        assert told["data"]["status_before"] == "offered" and told["data"]["reason"] == "eviction_cancelled"
    after = units(chain)
    assert (after["free"], after["offered"]) == (before["free"], before["offered"]), "the unit is back in capacity"
    with chain.client("placement", GGD) as client:
        assert client.get(f"/v1/requests/{request_id}").json()["status"] == "withdrawn"
    case = eventually(lambda: (c := read_case(chain, GGD, AMSTERDAM_FAMILY)) and any(
        e["summary"].get("type") == "placement.withdrawal-handled" for e in c["timeline"]) and c,
        what="the withdrawal on the case timeline")  # fmt: skip
    assert case["state"] == "resolved"
