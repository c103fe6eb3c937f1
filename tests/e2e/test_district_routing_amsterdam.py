"""Amsterdam's Vroeg Eropaf per stadsdeel through the real services on Kafka: a corporation's
arrears signal that names no district reaches the stadsdeel team of the dwelling's postcode
by webhook; one naming another district still reaches the dwelling's stadsdeel; an address
whose postcode the municipality's table does not know reaches the city-wide desk
(services/triage/RULES.md, "The district of a dwelling"; docs/adr/0039)."""

from __future__ import annotations

import pytest

from tests.support.scenarios import alerts, post_signal, read_case, subscribe_teams, the_alert

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres]

FAMILY = "0363010001004477"  # official test persons: two parents and children, at 1067MD 275 (Geuzenveld)
SINGLE = "0363010001014485"  # official test persons: one adult, at 1022AG 150 (Noord)
CITY_DESK = "vroeg-eropaf-amsterdam"
NIEUW_WEST, NOORD = "vroeg-eropaf-amsterdam-nieuw-west", "vroeg-eropaf-amsterdam-noord"
ARREARS = {"type": "arrears.reported", "months": 2, "amount_eur": "1450.00"}


@pytest.fixture(scope="module", autouse=True)
def subscriptions(chain):
    subscribe_teams(chain, (CITY_DESK, NIEUW_WEST, NOORD))


def test_a_signal_without_a_district_reaches_the_stadsdeel_of_the_dwellings_postcode(chain):
    """Postcode and house number only, no district: the register places the family's dwelling,
    the postcode's area lies in Nieuw-West, and that stadsdeel's team makes the visit."""
    address = {"postcode": "1067MD", "huisnummer": 275, "gemeentecode": "0363"}
    signal_id = post_signal(chain, "ymere", FAMILY, {**ARREARS, "address": address})
    alert = the_alert(chain, NIEUW_WEST, "the stadsdeel team's alert", signal_id=signal_id)
    assert alert["rule_id"] == "ams-arrears-vroeg-eropaf" and alert["district"] == "nieuw-west"
    assert alert["is_family"] is True and alert["final_report_due"] is not None
    case = read_case(chain, NIEUW_WEST, FAMILY)  # the team the case went to may read it
    assert case["district"] == "nieuw-west"
    assert alerts(chain, CITY_DESK, signal_id=signal_id) == [], "not the city-wide desk"


def test_the_dwellings_stadsdeel_wins_over_the_district_the_signal_names(chain):
    address = {"adresseerbaarObjectIdentificatie": SINGLE, "postcode": "1022AG", "huisnummer": 150}
    signal_id = post_signal(chain, "eigen-haard", SINGLE, {**ARREARS, "address": address, "district": "zuid"})
    alert = the_alert(chain, NOORD, "the dwelling's stadsdeel team's alert", signal_id=signal_id)
    assert alert["district"] == "noord"
    case = read_case(chain, NOORD, SINGLE)
    [differs] = [entry["summary"] for entry in case["timeline"] if entry["kind"] == "district"]
    assert differs["named_by_signaller"] == "zuid" and differs["kept"] == "noord"


def test_an_unknown_postcode_without_a_district_reaches_the_city_wide_desk(chain):
    """A postcode not in Amsterdam's table (nobody registered there either): no district is
    known, the city-wide desk takes it and hands it over."""
    address = {"postcode": "1099ZZ", "huisnummer": 1, "gemeentecode": "0363"}
    signal_id = post_signal(chain, "ymere", FAMILY, {**ARREARS, "address": address})
    alert = the_alert(chain, CITY_DESK, "the city-wide desk's alert", signal_id=signal_id)
    assert alert["rule_id"] == "ams-arrears-vroeg-eropaf" and alert["district"] is None
    assert alert["is_family"] is None, "composition unknown: routed as a possible family"
    assert alerts(chain, NIEUW_WEST, signal_id=signal_id) == alerts(chain, NOORD, signal_id=signal_id) == []
