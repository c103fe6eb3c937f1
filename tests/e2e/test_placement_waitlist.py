"""A waitlisted family that nobody reports on is lost from view: GGD is alerted,
over real Kafka and a signed webhook, with every service's clock moved forward."""

from __future__ import annotations

import pytest

from shared.contracts import event_types
from tests.e2e.conftest import advance_clocks
from tests.support.wait import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

CHAIN_ENV = {"PLACEMENT_TIMER_INTERVAL_SECONDS": "0.3", "PLACEMENT_LOST_FROM_VIEW_DAYS": "14"}
GGD = "ggd-amsterdam-vangnet"
DAY = 24 * 3600
# Every unit in the country that takes a two-parent family, by the shelter that runs it.
TWO_PARENT_UNITS = {
    "hvo-querido": ["roggeveen-two-parent", "roggeveen-crisis"],
    "tussenvoorziening": ["tussenoord", "boka", "weerdsingel"],
    "zienn": ["den-eikelaar"],
    "verdihuis": ["verdihuis-crisis"],
}
FAMILY = {"adults": 2, "children_ages": [2, 6, 11], "family_type": "two_parent", "need": "crisis", "municipality_code": "0363"}


def set_capacity(chain, units: dict[str, int]) -> None:
    for shelter, facilities in TWO_PARENT_UNITS.items():
        with chain.client("placement", shelter) as client:
            for facility in facilities:
                response = client.patch(f"/v1/facilities/{facility}", json={"capacity": units.get(facility, 0)})
                assert response.status_code == 200, response.text


def received(chain, path: str, event_type: str, request_id: str) -> list[dict]:
    return [e for e in chain.receiver.events(path, event_type) if e["data"]["request_id"] == request_id]


def test_a_waitlisted_family_without_news_is_reported_lost_from_view_to_ggd(chain):
    with chain.client("placement", GGD) as ggd:
        [units] = [f for f in ggd.get("/v1/facilities", params={"centre": "0363"}).json() if f["id"] == "roggeveen-two-parent"]
        assert (units["name"], units["capacity"], units["unit_type"]) == ("De Roggeveen (gezinsunits)", 20, "family_two_parent")

        set_capacity(chain, {})
        chain.subscribe(GGD, "/ggd/waitlist", ["placement.waitlisted", "placement.lost-from-view"])
        posted = ggd.post("/v1/requests", json=FAMILY)
        assert posted.status_code == 201, posted.text
        request = posted.json()
        assert request["status"] == "waitlisted" and request["waitlist_position"] == 1
        assert request["case_key"].startswith("pr-")
        eventually(lambda: received(chain, "/ggd/waitlist", event_types.PLACEMENT_WAITLISTED, request["id"]), what="waitlisted at GGD")

        hotel = ggd.post(f"/v1/requests/{request['id']}/alternative", json={"kind": "hotel", "note": "room 12, three nights"})
        assert hotel.status_code == 201, hotel.text
        assert hotel.json()["status"] == "waitlisted"

        advance_clocks(chain, 15 * DAY)
        [alert] = eventually(
            lambda: received(chain, "/ggd/waitlist", event_types.PLACEMENT_LOST_FROM_VIEW, request["id"]),
            what="lost-from-view alert at GGD",
        )
        assert alert["data"]["recipient"] == GGD and alert["data"]["days_without_update"] == 15
        assert alert["data"]["last_alternative"] == "hotel" and alert["subject"] == request["case_key"]
        assert "room 12" not in str(alert), "GGD's note stays in the placement service"
        [entry] = ggd.get("/v1/waitlist").json()
        assert entry["request_id"] == request["id"] and entry["lost_from_view"] is True

        relatives = ggd.post(f"/v1/requests/{request['id']}/alternative", json={"kind": "with_relatives"})
        assert relatives.status_code == 201, relatives.text
        advance_clocks(chain, 15 * DAY)
        eventually(
            lambda: len(received(chain, "/ggd/waitlist", event_types.PLACEMENT_LOST_FROM_VIEW, request["id"])) == 2,
            what="a second alert after a second silence",
        )
        alerts = received(chain, "/ggd/waitlist", event_types.PLACEMENT_LOST_FROM_VIEW, request["id"])
        assert [a["data"]["last_alternative"] for a in alerts] == ["hotel", "with_relatives"]
