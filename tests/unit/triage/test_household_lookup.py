"""Who lived there on the day: BRP Bewoning first, Personen as fallback when Bewoning refuses,
and a register that does not answer is a transient failure (the consumer waits for it).

Against the register stand-in on a loopback port; one scripted transport makes a
possible resident who is a child, a case the official test set lacks."""

import json
from datetime import date

import httpx

from shared.contracts.events.triage import CompositionSource
from shared.privacy import Dwelling
from services.triage.assessment import PERSONEN_FALLBACK, HouseholdLookup
from services.triage.brp.bewoning import HaalCentraalBewoningClient
from services.triage.brp.client import HaalCentraalBrpClient, RegisterUnavailable
from shared.faults import Dependency, classify
from services.triage.settings import TriageSettings
from tests.support.register_server import BEWONING_BASE, PERSONEN_BASE

PARTNER_DIED_2018 = "0599010051001501"  # two residents until 2018-05-26, one since
POSSIBLE_ONLY = "0363010012086548"  # move-in date wholly unknown: a possible resident on any date
CLOSED = "http://127.0.0.1:9/haalcentraal/api"  # nothing listens on the discard port


def lookup(root: str, *, bewoning: str | None = BEWONING_BASE, personen: str = PERSONEN_BASE) -> HouseholdLookup:
    options = {"attempts": 1, "backoff": 0.001, "timeout": 2.0}
    return HouseholdLookup(
        HaalCentraalBrpClient(root + personen, **options),
        bewoning=HaalCentraalBewoningClient(root + bewoning, **options) if bewoning is not None else None,
    )


async def test_bewoning_tells_who_lived_there_on_the_date_not_who_lives_there_now(register_root):
    brp = lookup(register_root)
    then = await brp.assess(Dwelling(PARTNER_DIED_2018), date(2018, 1, 1), case_key="hh-1")
    now = await brp.assess(Dwelling(PARTNER_DIED_2018), date(2026, 1, 1), case_key="hh-1")
    await brp.aclose()
    assert then.household.persons == 2 and now.household.persons == 1
    assert then.source is CompositionSource.REGISTER and PERSONEN_FALLBACK not in then.household.uncertain


async def test_possible_residents_count_as_uncertain_not_absent(register_root):
    brp = lookup(register_root)
    assessment = await brp.assess(Dwelling(POSSIBLE_ONLY), date(2026, 11, 1), case_key="hh-2")
    await brp.aclose()
    assert assessment.household.persons == 0
    assert "possible_residents" in assessment.household.uncertain


async def test_a_possible_resident_who_is_a_child_leaves_the_family_question_open():
    answer = {
        "bewoningen": [{
            "adresseerbaarObjectIdentificatie": POSSIBLE_ONLY,
            "periode": {"datumVan": "2026-11-01", "datumTot": "2026-11-02"},
            "bewoners": [{"geboorte": {"datum": {"type": "Datum", "datum": "1988-02-01"}}}],
            "mogelijkeBewoners": [{"geboorte": {"datum": {"type": "Datum", "datum": "2015-06-01"}}}],
        }]
    }  # fmt: skip
    seen: list[dict] = []

    def register(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json=answer)

    transport = httpx.MockTransport(register)
    brp = HouseholdLookup(
        HaalCentraalBrpClient("http://register.test/brp", transport=transport),
        bewoning=HaalCentraalBewoningClient("http://register.test/bewoning", transport=transport),
    )
    assessment = await brp.assess(Dwelling(POSSIBLE_ONLY), date(2026, 11, 1), case_key="hh-3")
    await brp.aclose()
    assert seen == [{"type": "BewoningMetPeildatum", "adresseerbaarObjectIdentificatie": POSSIBLE_ONLY, "peildatum": "2026-11-01"}]
    assert assessment.household.is_family is None and "possible_residents" in assessment.household.uncertain


async def test_personen_is_the_fallback_when_bewoning_refuses_the_question(register_root):
    brp = HouseholdLookup(
        HaalCentraalBrpClient(register_root + PERSONEN_BASE, attempts=1),
        bewoning=HaalCentraalBewoningClient(register_root + "/no-bewoning-here", attempts=1, timeout=1.0),
    )
    assessment = await brp.assess(Dwelling("0363010001004477"), date(2026, 11, 27), case_key="hh-4")
    await brp.aclose()
    assert assessment.source is CompositionSource.REGISTER and assessment.household.is_family is True
    assert PERSONEN_FALLBACK in assessment.household.uncertain


async def test_a_register_that_does_not_answer_is_transient_never_a_guess(register_root):
    for personen, bewoning in ((CLOSED + "/brp", CLOSED + "/bewoning"), (register_root + PERSONEN_BASE, CLOSED + "/bewoning")):
        brp = HouseholdLookup(
            HaalCentraalBrpClient(personen, attempts=1, timeout=1.0),
            bewoning=HaalCentraalBewoningClient(bewoning, attempts=1, timeout=1.0),
        )
        try:
            await brp.assess(Dwelling("0363010001004477"), date(2026, 11, 27), case_key="hh-5")
        except RegisterUnavailable as away:
            verdict = classify(away)
        else:
            raise AssertionError("an unanswered register gave an assessment")
        finally:
            await brp.aclose()
        assert verdict.transient and verdict.dependency is Dependency.REGISTER


async def test_answers_are_cached_per_dwelling_and_date(register_root):
    brp = lookup(register_root)
    for on in (date(2026, 11, 27), date(2026, 11, 27), date(2026, 12, 24)):
        await brp.assess(Dwelling("0363010001004477"), on, case_key="hh-6")
    await brp.aclose()
    assert brp.register_calls == 2


def test_the_bewoning_url_follows_the_register_url_unless_set():
    assert TriageSettings(register_url="http://r/haalcentraal/api/brp").bewoning_base_url() == "http://r/haalcentraal/api/bewoning"
    assert TriageSettings(register_url="http://r/x", bewoning_url="http://b/y").bewoning_base_url() == "http://b/y"
    assert TriageSettings(register_url="http://r/x").bewoning_base_url() is None
    assert TriageSettings(use_bewoning=False).bewoning_base_url() is None
