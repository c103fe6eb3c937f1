"""Outflow over HTTP on the real chain: a shelter ends a placement, GGD hears
where the family went, and the freed unit goes to the first family on the list."""

from __future__ import annotations

import pytest

from shared.contracts import event_types
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

GGD = "ggd-amsterdam-vangnet"
HVO = "hvo-querido"
UNITS = "roggeveen-two-parent"
TWO_PARENT_UNITS = {
    HVO: [UNITS, "roggeveen-crisis"],
    "tussenvoorziening": ["tussenoord", "boka", "weerdsingel"],
    "zienn": ["den-eikelaar"],
    "verdihuis": ["verdihuis-crisis"],
}
FAMILY = {"adults": 2, "children_ages": [4, 9], "family_type": "two_parent", "need": "crisis", "municipality_code": "0363"}


def received(chain, path: str, event_type: str, request_id: str) -> list[dict]:
    return [e for e in chain.receiver.events(path, event_type) if e["data"]["request_id"] == request_id]


def test_ending_a_placement_reports_the_outflow_and_offers_the_unit_to_the_waiting_list(chain):
    for shelter, facilities in TWO_PARENT_UNITS.items():
        with chain.client("placement", shelter) as client:
            for facility in facilities:
                capacity = 1 if facility == UNITS else 0  # one two-parent unit left in the country
                assert client.patch(f"/v1/facilities/{facility}", json={"capacity": capacity}).status_code == 200
    chain.subscribe(GGD, "/ggd/outflow", ["placement.confirmed", "placement.ended"])
    chain.subscribe(HVO, "/hvo/outflow", ["placement.offered"])

    with chain.client("placement", GGD) as ggd, chain.client("placement", HVO) as hvo:
        placed = ggd.post("/v1/requests", json=FAMILY).json()
        assert placed["status"] == "offered" and placed["facility_id"] == UNITS
        eventually(lambda: received(chain, "/hvo/outflow", event_types.PLACEMENT_OFFERED, placed["id"]), what="offer")
        assert hvo.post(f"/v1/requests/{placed['id']}/confirm").status_code == 200
        [confirmed] = eventually(
            lambda: received(chain, "/ggd/outflow", event_types.PLACEMENT_CONFIRMED, placed["id"]), what="confirmation"
        )
        assert confirmed["data"]["case_lead"] == HVO

        planned = ggd.post("/v1/requests", json={**FAMILY, "need": "family"}).json()
        crisis = ggd.post("/v1/requests", json=FAMILY).json()
        assert planned["status"] == crisis["status"] == "waitlisted"
        waitlist = ggd.get("/v1/waitlist").json()
        assert [(e["request_id"], e["position"]) for e in waitlist] == [(crisis["id"], 1), (planned["id"], 2)]
        assert [e["request_id"] for e in hvo.get("/v1/waitlist").json()] == [crisis["id"], planned["id"]]

        with chain.client("placement", "zienn") as zienn, chain.client("placement", "leger-des-heils-amsterdam") as leger:
            assert zienn.get("/v1/waitlist").json() == [], "another centre's shelter does not see Amsterdam's list"
            assert leger.get(f"/v1/requests/{placed['id']}").status_code == 404, "nor another shelter's resident"
            assert leger.post(f"/v1/requests/{placed['id']}/end", json={"outflow": "unknown"}).status_code == 404

        ended = hvo.post(f"/v1/requests/{placed['id']}/end", json={"outflow": "omklap"})
        assert ended.status_code == 200, ended.text
        assert ended.json()["status"] == "ended"

        [outflow] = eventually(lambda: received(chain, "/ggd/outflow", event_types.PLACEMENT_ENDED, placed["id"]), what="outflow at GGD")
        assert outflow["data"]["outflow"] == "omklap" and outflow["data"]["shelter"] == HVO
        assert outflow["subject"] == placed["case_key"]
        [offer] = eventually(
            lambda: received(chain, "/hvo/outflow", event_types.PLACEMENT_OFFERED, crisis["id"]), what="freed unit offered"
        )
        assert offer["data"]["facility"] == "De Roggeveen (gezinsunits)"
        assert ggd.get(f"/v1/requests/{crisis['id']}").json()["status"] == "offered"
        assert ggd.get(f"/v1/requests/{planned['id']}").json()["waitlist_position"] == 1
        [units] = [f for f in ggd.get("/v1/facilities", params={"centre": "0363"}).json() if f["id"] == UNITS]
        assert (units["capacity"], units["occupied"], units["offered"], units["free"]) == (1, 0, 1, 0)
