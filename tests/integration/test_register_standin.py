"""Triage's register clients against the running stand-in, over real HTTP.

The stand-in runs with uvicorn on a free loopback port; the households are the
official RvIG test persons plus our own fixtures (services/register/testdata).
Reference dates are fixed, so the family rule's answers do not drift with time.
"""

from datetime import date

import httpx
import pytest

from services.register.app import create_app
from services.triage.brp.bewoning import HaalCentraalBewoningClient
from services.triage.brp.client import HaalCentraalBrpClient, RegisterRequestRejected
from services.triage.domain.household import assess_household
from tests.support.register_server import BEWONING_BASE, PERSONEN_BASE, register_process, running_register

REFERENCE = date(2024, 1, 1)
AALBERSESTRAAT = "0363010001004477"  # two parents (1964, 1975), children born 1999-2019
ZAMENHOFSTRAAT = "0363010001014485"  # one adult, born 1979
PERSONEN = f"{PERSONEN_BASE}/personen"
BEWONINGEN = f"{BEWONING_BASE}/bewoningen"


@pytest.fixture(scope="module")
def register_url():
    with running_register() as url:
        yield url


@pytest.fixture
async def brp(register_url):
    async with HaalCentraalBrpClient(register_url + PERSONEN_BASE, attempts=1) as client:
        yield client


@pytest.fixture
async def bewoning(register_url):
    async with HaalCentraalBewoningClient(register_url + BEWONING_BASE, attempts=1) as client:
        yield client


@pytest.fixture
def http(register_url):
    with httpx.Client(base_url=register_url, timeout=5) as client:
        yield client


async def test_the_aalbersestraat_household_is_a_family_with_seven_minors(brp):
    residents = await brp.residents_at(AALBERSESTRAAT)

    assessment = assess_household(residents, REFERENCE)

    assert assessment.persons == 14
    assert assessment.is_family is True
    assert assessment.minors == 7
    assert assessment.minor_ages == (4, 6, 8, 10, 12, 14, 16)
    assert assessment.uncertain == ()


async def test_the_same_household_has_fewer_minors_later(brp):
    residents = await brp.residents_at(AALBERSESTRAAT)

    assert assess_household(residents, date(2030, 1, 1)).minor_ages == (10, 12, 14, 16)


async def test_a_single_adult_is_not_a_family(brp):
    residents = await brp.residents_at(ZAMENHOFSTRAAT)

    assessment = assess_household(residents, REFERENCE)

    assert (assessment.persons, assessment.minors, assessment.is_family) == (1, 0, False)


@pytest.mark.parametrize(
    ("dwelling", "persons", "minors"),
    [
        ("0344010000192444", 5, 3),  # Utrecht, Mesonweg 2 (official test persons)
        ("0080019999000001", 4, 2),  # Leeuwarden (our fixture)
        ("0828019999000001", 5, 3),  # Oss (our fixture)
    ],
)
async def test_families_in_the_other_study_cities(brp, dwelling, persons, minors):
    assessment = assess_household(await brp.residents_at(dwelling), REFERENCE)

    assert (assessment.persons, assessment.minors, assessment.is_family) == (persons, minors, True)


async def test_a_child_known_only_by_birth_year_leaves_the_family_status_open_in_her_18th_year(brp):
    residents = await brp.residents_at("0344019999000001")

    assert assess_household(residents, date(2025, 6, 1)).is_family is True
    undecided = assess_household(residents, date(2026, 6, 1))
    assert undecided.is_family is None
    assert undecided.uncertain == ("birth_date_partial",)


async def test_secrecy_arrives_unasked_and_still_counts(brp):
    family = await brp.residents_at("0363019999000001")
    adults = await brp.residents_at("0363010000599756")  # two of three have " 0363..." in the source

    assert [r.secret for r in family] == [True, True, True]
    assert assess_household(family, REFERENCE).is_family is True
    assert len(adults) == 3 and all(r.secret for r in adults)


async def test_postal_addresses_deceased_and_unknown_dwellings_have_no_residents(brp, http):
    assert await brp.residents_at("0363010003761571") == []  # only a briefadres there
    assert await brp.residents_at("0363010000999001") == []  # nobody registered
    assert len(await brp.residents_at("0599010051001501")) == 1  # the partner died in 2018

    with_deceased = http.post(PERSONEN, json={
        "type": "ZoekMetAdresseerbaarObjectIdentificatie",
        "adresseerbaarObjectIdentificatie": "0599010051001501",
        "inclusiefOverledenPersonen": True,
        "fields": ["burgerservicenummer"],
    })  # fmt: skip
    persons = with_deceased.json()["personen"]
    assert len(persons) == 2
    assert [p["opschortingBijhouding"]["reden"]["code"] for p in persons if "opschortingBijhouding" in p] == ["O"]


async def test_search_by_postcode_and_house_number(brp):
    assert len(await brp.residents_by_postcode("1055 xy", 5, toevoeging="2")) == 3
    assert len(await brp.residents_by_postcode("3511EF", 3)) == 3
    assert len(await brp.residents_by_postcode("3511EF", 3, huisletter="a")) == 3
    assert await brp.residents_by_postcode("3511EF", 3, huisletter="b") == []


def test_the_fields_filter_returns_only_what_was_asked(http):
    def search(*fields: str) -> list[dict]:
        response = http.post(PERSONEN, json={
            "type": "ZoekMetAdresseerbaarObjectIdentificatie",
            "adresseerbaarObjectIdentificatie": "0344019999000001",
            "fields": list(fields),
        })  # fmt: skip
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        return response.json()["personen"]

    assert search("burgerservicenummer") == [
        {"burgerservicenummer": "999970100"},
        {"burgerservicenummer": "999970112"},
        {"burgerservicenummer": "999970124"},
    ]
    # Any part of a date delivers the whole date.
    assert search("geboorte.datum.jaar")[2] == {
        "geboorte": {"datum": {"type": "JaarDatum", "jaar": 2008, "langFormaat": "2008"}}
    }
    assert search("naam.voornamen", "naam.voorvoegsel")[1] == {"naam": {"voornamen": "Eva", "voorvoegsel": "de"}}


def test_the_fields_filter_refuses_fields_that_do_not_exist_or_come_unasked(http):
    response = http.post(PERSONEN, json={
        "type": "ZoekMetAdresseerbaarObjectIdentificatie",
        "adresseerbaarObjectIdentificatie": AALBERSESTRAAT,
        "fields": ["geboorte.datum", "geheimhoudingPersoonsgegevens", "geboortedatum"],
    })  # fmt: skip

    assert response.status_code == 400
    assert response.json()["invalidParams"] == [
        {"name": "fields[1]", "code": "fields", "reason": "Parameter bevat een niet toegestane veldnaam."},
        {"name": "fields[2]", "code": "fields", "reason": "Parameter bevat een niet bestaande veldnaam."},
    ]


@pytest.mark.parametrize("bad_id", ["036301000100447", "0000000000000000", " 0363010001004477", "<script>1</script>"])
async def test_a_malformed_dwelling_id_is_a_400_problem_naming_the_parameter(brp, http, bad_id):
    with pytest.raises(RegisterRequestRejected) as raised:
        await brp.residents_at(bad_id)

    assert raised.value.status == 400
    assert raised.value.code == "paramsValidation"
    assert raised.value.invalid_params == [{
        "name": "adresseerbaarObjectIdentificatie",
        "code": "pattern",
        "reason": "Waarde voldoet niet aan patroon ^(?!0{16})[0-9]{16}$.",
    }]  # fmt: skip

    raw = http.post(PERSONEN, json={
        "type": "ZoekMetAdresseerbaarObjectIdentificatie",
        "adresseerbaarObjectIdentificatie": bad_id,
        "fields": ["burgerservicenummer"],
    })  # fmt: skip
    assert raw.headers["content-type"] == "application/problem+json"
    assert raw.json()["detail"] == "De foutieve parameter(s) zijn: adresseerbaarObjectIdentificatie."
    assert raw.json()["instance"] == str(raw.request.url)  # an absolute URI, as the OpenAPI's format: uri asks


async def test_bewoning_on_a_peildatum_gives_who_lived_there_then(bewoning):
    occupancy = await bewoning.occupancy_on(AALBERSESTRAAT, date(2010, 1, 1))

    assert len(occupancy.residents) == 9  # the children born 2011-2019 were not there yet
    assert occupancy.possible_residents == ()
    assessment = assess_household(occupancy.residents, date(2010, 1, 1))
    assert assessment.minor_ages == (0, 2, 4, 6, 8, 10, 10)


async def test_bewoning_ends_a_stay_on_the_day_after_death(bewoning):
    on_the_day = await bewoning.occupancy_on("0599010051001501", date(2018, 5, 26))
    day_after = await bewoning.occupancy_on("0599010051001501", date(2018, 5, 27))

    assert (len(on_the_day.residents), len(day_after.residents)) == (2, 1)


async def test_an_unknown_move_in_date_makes_a_possible_resident(bewoning):
    occupancy = await bewoning.occupancy_on("0363010012086548", REFERENCE)  # move-in date 00000000

    assert occupancy.residents == ()
    assert len(occupancy.possible_residents) == 1
    # A single possible resident alone is still not a household of two or more.
    assessment = assess_household(occupancy.residents, REFERENCE, possible_residents=occupancy.possible_residents)
    assert assessment.is_family is False


async def test_no_bewoning_before_anyone_moved_in(bewoning):
    occupancy = await bewoning.occupancy_on("0080019999000001", date(2013, 2, 28))

    assert (occupancy.residents, occupancy.possible_residents) == ((), ())


def test_bewoning_in_a_period_is_cut_where_the_household_changes(http):
    response = http.post(BEWONINGEN, json={
        "type": "BewoningMetPeriode",
        "adresseerbaarObjectIdentificatie": AALBERSESTRAAT,
        "datumVan": "2019-01-01",
        "datumTot": "2020-01-01",
    })  # fmt: skip

    assert response.status_code == 200
    bewoningen = response.json()["bewoningen"]
    assert [b["periode"] for b in bewoningen] == [
        {"datumVan": "2019-01-01", "datumTot": "2019-11-05"},
        {"datumVan": "2019-11-05", "datumTot": "2020-01-01"},  # the youngest was born on 5 November
    ]
    assert [len(b["bewoners"]) for b in bewoningen] == [13, 14]


def test_bewoning_validates_like_the_real_api(http):
    response = http.post(BEWONINGEN, json={"type": "BewoningMetPeildatum", "peildatum": "2023-02-29"})

    assert response.status_code == 400
    assert response.json()["invalidParams"] == [
        {"name": "adresseerbaarObjectIdentificatie", "code": "required", "reason": "Parameter is verplicht."},
        {"name": "peildatum", "code": "date", "reason": "Waarde is geen geldige datum."},
    ]


def test_health(http):
    assert http.get("/health").json() == {"status": "ok"}


async def test_an_api_key_is_required_when_the_register_is_configured_with_one():
    with running_register(create_app(api_key="triage-test-key")) as url:
        async with HaalCentraalBrpClient(url + PERSONEN_BASE, attempts=1) as anonymous:
            with pytest.raises(RegisterRequestRejected) as raised:
                await anonymous.residents_at(AALBERSESTRAAT)
        async with HaalCentraalBrpClient(url + PERSONEN_BASE, api_key="triage-test-key") as known:
            residents = await known.residents_at(AALBERSESTRAAT)

    assert raised.value.status == 401
    assert len(residents) == 14


async def test_python_m_services_register_serves_the_same_register():
    with register_process() as url:
        async with HaalCentraalBrpClient(url + PERSONEN_BASE) as client:
            residents = await client.residents_at(AALBERSESTRAAT)

    assert assess_household(residents, REFERENCE).minors == 7
