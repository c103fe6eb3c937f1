"""The register client's failure policy and request shape, on httpx.MockTransport.

A scripted transport is the one way to make the register fail on cue (5xx,
refused connections, timeouts); everything about the happy path against a real
server is in tests/integration/test_register_standin.py.
"""

import json
import logging
import time
from datetime import date

import httpx
import pytest

from services.triage.brp.bewoning import HaalCentraalBewoningClient
from services.triage.brp.client import HaalCentraalBrpClient, RegisterRequestRejected, RegisterUnavailable
from services.triage.domain.household import PartialDate, Resident

BASE = "http://register.test/haalcentraal/api/brp"
DWELLING = "0363010001004477"
OK_BODY = {
    "type": "ZoekMetAdresseerbaarObjectIdentificatie",
    "personen": [
        {"geboorte": {"datum": {"type": "Datum", "datum": "1975-03-30", "langFormaat": "30 maart 1975"}}},
        {
            "geboorte": {"datum": {"type": "JaarDatum", "jaar": 2008, "langFormaat": "2008"}},
            "geheimhoudingPersoonsgegevens": True,
        },
        {},
    ],
}
PROBLEM = {
    "type": "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1",
    "title": "Een of meerdere parameters zijn niet correct.",
    "status": 400,
    "detail": "De foutieve parameter(s) zijn: adresseerbaarObjectIdentificatie.",
    "instance": "/haalcentraal/api/brp/personen",
    "code": "paramsValidation",
    "invalidParams": [
        {
            "name": "adresseerbaarObjectIdentificatie",
            "code": "pattern",
            "reason": "Waarde voldoet niet aan patroon ^(?!0{16})[0-9]{16}$.",
        }
    ],
}


class Script:
    """Answers requests in order from a list of responses or exceptions; records requests."""

    def __init__(self, *steps):
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        return step

    def client(self, **options) -> HaalCentraalBrpClient:
        options = {"attempts": 3, "backoff": 0.001} | options
        return HaalCentraalBrpClient(BASE, transport=httpx.MockTransport(self), **options)


def ok(body: dict = OK_BODY) -> httpx.Response:
    return httpx.Response(200, json=body)


def status(code: int) -> httpx.Response:
    return httpx.Response(code, json={"status": code, "title": "Bronservice BRP is tijdelijk niet beschikbaar."})


async def test_5xx_is_retried_until_the_attempts_run_out():
    script = Script(status(503))

    async with script.client(attempts=3) as client:
        with pytest.raises(RegisterUnavailable) as raised:
            await client.residents_at(DWELLING)

    assert len(script.requests) == 3
    assert raised.value.attempts == 3
    assert raised.value.last_failure == "HTTP 503"


async def test_a_5xx_followed_by_an_answer_is_an_answer():
    script = Script(status(500), status(502), ok())

    async with script.client(attempts=3) as client:
        residents = await client.residents_at(DWELLING)

    assert len(script.requests) == 3
    assert len(residents) == 3


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("connection refused"),
        httpx.ConnectTimeout("connect timed out"),
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("server disconnected"),
    ],
    ids=lambda e: type(e).__name__,
)
async def test_connection_failures_and_timeouts_are_retried_then_unavailable(failure):
    script = Script(failure)

    async with script.client(attempts=4) as client:
        with pytest.raises(RegisterUnavailable) as raised:
            await client.residents_at(DWELLING)

    assert len(script.requests) == 4
    assert raised.value.last_failure == type(failure).__name__


async def test_a_timeout_then_an_answer_recovers():
    script = Script(httpx.ReadTimeout("slow"), ok())

    async with script.client() as client:
        assert len(await client.residents_at(DWELLING)) == 3


async def test_too_many_requests_is_retried():
    script = Script(status(429), ok())

    async with script.client() as client:
        await client.residents_at(DWELLING)

    assert len(script.requests) == 2


async def test_backoff_doubles_between_attempts():
    script = Script(status(503))
    started = time.monotonic()

    async with script.client(attempts=3, backoff=0.05) as client:
        with pytest.raises(RegisterUnavailable):
            await client.residents_at(DWELLING)

    assert time.monotonic() - started >= 0.05 + 0.10


async def test_a_400_problem_is_rejected_at_once_with_the_problem_detail():
    script = Script(httpx.Response(400, json=PROBLEM, headers={"content-type": "application/problem+json"}))

    async with script.client() as client:
        with pytest.raises(RegisterRequestRejected) as raised:
            await client.residents_at("036301000100447")

    assert len(script.requests) == 1
    rejected = raised.value
    assert rejected.status == 400
    assert rejected.code == "paramsValidation"
    assert rejected.detail == PROBLEM["detail"]
    assert [p["name"] for p in rejected.invalid_params] == ["adresseerbaarObjectIdentificatie"]
    assert rejected.problem == PROBLEM


@pytest.mark.parametrize("code", [401, 403, 404, 415])
async def test_other_4xx_are_rejected_without_retrying(code):
    script = Script(status(code))

    async with script.client() as client:
        with pytest.raises(RegisterRequestRejected) as raised:
            await client.residents_at(DWELLING)

    assert len(script.requests) == 1
    assert raised.value.status == code


async def test_an_unreadable_answer_counts_as_unavailable():
    script = Script(httpx.Response(200, content=b"<html>proxy error</html>"))

    async with script.client(attempts=2) as client:
        with pytest.raises(RegisterUnavailable):
            await client.residents_at(DWELLING)

    assert len(script.requests) == 2


async def test_the_query_asks_only_for_the_birth_date_of_the_dwellings_residents():
    script = Script(ok())

    async with script.client() as client:
        await client.residents_at(DWELLING)

    request = script.requests[0]
    assert request.method == "POST"
    assert str(request.url) == f"{BASE}/personen"
    assert request.headers["content-type"].startswith("application/json")
    assert request.headers["accept"] == "application/json"
    assert json.loads(request.content) == {
        "type": "ZoekMetAdresseerbaarObjectIdentificatie",
        "adresseerbaarObjectIdentificatie": DWELLING,
        "fields": ["geboorte.datum"],
    }


async def test_the_api_key_travels_in_x_api_key_only_when_configured():
    with_key, without_key = Script(ok()), Script(ok())

    async with with_key.client(api_key="secret-key") as client:
        await client.residents_at(DWELLING)
    async with without_key.client() as client:
        await client.residents_at(DWELLING)

    assert with_key.requests[0].headers["x-api-key"] == "secret-key"
    assert "x-api-key" not in without_key.requests[0].headers


async def test_the_postcode_query_uses_the_api_parameter_names():
    script = Script(ok({"type": "ZoekMetPostcodeEnHuisnummer", "personen": []}))

    async with script.client() as client:
        assert await client.residents_by_postcode("1055XY", 5, huisletter="b", toevoeging="2") == []

    assert json.loads(script.requests[0].content) == {
        "type": "ZoekMetPostcodeEnHuisnummer",
        "postcode": "1055XY",
        "huisnummer": 5,
        "huisletter": "b",
        "huisnummertoevoeging": "2",
        "fields": ["geboorte.datum"],
    }


async def test_persons_become_residents_without_bsn_or_name():
    async with Script(ok()).client() as client:
        residents = await client.residents_at(DWELLING)

    assert residents == [
        Resident(PartialDate(1975, 3, 30), secret=False),
        Resident(PartialDate(2008), secret=True),
        Resident(None, secret=False),
    ]


async def test_failures_are_logged_without_the_dwelling(caplog):
    caplog.set_level(logging.DEBUG)

    async with Script(status(503)).client(attempts=2) as client:
        with pytest.raises(RegisterUnavailable) as raised:
            await client.residents_at(DWELLING)

    assert "attempt 1/2 failed: HTTP 503" in caplog.text
    assert DWELLING not in caplog.text
    assert DWELLING not in str(raised.value)


async def test_the_bewoning_client_asks_for_a_peildatum_and_retries_the_same_way():
    answer = {
        "bewoningen": [
            {
                "adresseerbaarObjectIdentificatie": DWELLING,
                "periode": {"datumVan": "2024-01-01", "datumTot": "2024-01-02"},
                "bewoners": [{"burgerservicenummer": "999996733"}],
                "mogelijkeBewoners": [
                    {
                        "geboorte": {
                            "datum": {"type": "JaarMaandDatum", "jaar": 2010, "maand": 5, "langFormaat": "mei 2010"}
                        }
                    }
                ],
            }
        ]
    }
    script = Script(status(503), httpx.Response(200, json=answer))
    client = HaalCentraalBewoningClient(
        "http://register.test/haalcentraal/api/bewoning/", transport=httpx.MockTransport(script), backoff=0.001
    )

    async with client:
        occupancy = await client.occupancy_on(DWELLING, date(2024, 1, 1))

    assert len(script.requests) == 2
    assert str(script.requests[0].url) == "http://register.test/haalcentraal/api/bewoning/bewoningen"
    assert json.loads(script.requests[0].content) == {
        "type": "BewoningMetPeildatum",
        "adresseerbaarObjectIdentificatie": DWELLING,
        "peildatum": "2024-01-01",
    }
    assert occupancy.residents == (Resident(None),)
    assert occupancy.possible_residents == (Resident(PartialDate(2010, 5)),)
