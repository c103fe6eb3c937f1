"""Recommendation F: the monitor counts shelter requests by cause and referral source, and a
partial placement (part of the family admitted) as its own placement outcome."""

from shared.contracts.events.triage import PlacementCause, ReferralSource
from services.monitor.domain import catalogue as c
from services.monitor.domain.facts import Family, Location
from services.monitor.domain.reading import read
from tests.support import events as s


def test_a_request_counts_once_under_its_cause_and_once_under_its_referral_source():
    request = s.requested(s.on(3), cause=PlacementCause.DOMESTIC_VIOLENCE, referral_source=ReferralSource.WOMENS_SHELTER)
    facts = {(fact.metric, fact.outcome): fact for fact in read(request).facts}
    assert set(facts) == {(c.PLACEMENT, c.REQUESTED), (c.PLACEMENT_CAUSE, "domestic_violence"), (c.REFERRAL_SOURCE, "womens_shelter")}
    cause = facts[(c.PLACEMENT_CAUSE, "domestic_violence")]
    assert cause.family is Family.FAMILY and cause.location == Location("0363")
    assert set(c.CATALOGUE[c.PLACEMENT_CAUSE]) == {"eviction", "domestic_violence", "other"}
    assert "womens_shelter" in c.CATALOGUE[c.REFERRAL_SOURCE] and c.REFERRAL_SOURCE in c.COUNTED_BY


def test_a_partial_placement_is_its_own_placement_outcome():
    request = s.requested(s.on(3))
    [whole] = read(s.placed(request, s.on(4))).facts
    [partly] = read(s.placed(request, s.on(4), partial=True, adults_admitted=1, adults_not_admitted=1)).facts
    assert (whole.metric, whole.outcome) == (c.PLACEMENT, c.PLACED)
    assert (partly.metric, partly.outcome) == (c.PLACEMENT, c.PARTLY_PLACED) and c.PARTLY_PLACED in c.CATALOGUE[c.PLACEMENT]
