"""The client's requests and the stand-in's answers, checked against the official OpenAPI documents.

The documents are our copies in services/register/openapi/ (pinned by hash in
its README). OpenAPI 3.1 schemas are JSON Schema 2020-12, validated with
jsonschema, with two additions the plain validator lacks:

* `discriminator`: plain JSON Schema ignores it, so a JaarDatum without `jaar`
  would pass as an AbstractDatum. Here the `type` value selects the subtype
  schema from the mapping, which is then validated too. (Each subtype refers
  back to its base with allOf; it is given a base without the discriminator,
  so the dispatch does not loop.)
* undeclared properties: the schemas do not forbid extra properties, so a
  misspelt field would pass. `undeclared()` lists every property of an answer
  that no schema on its path declares.

Known deviations, checked narrowly rather than ignored:
* The official test persons include deliberately odd names (quotes, "@",
  over-long names) and foreign address lines longer than the schema allows.
  The stand-in passes them on as the real API would, so in the full sweeps
  only `pattern`/`maxLength` on those free-text fields are tolerated.
* The real API's own error texts break its Foutbericht patterns (a colon in
  `detail`, the regex in `reason`, names like `fields[0]`); the stand-in copies
  the real API, so for problem bodies only those pattern errors are tolerated.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from datetime import date
from pathlib import Path

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator, ValidationError, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from services.register.persons import residences_of
from services.register.population import RegisterStore
from services.triage.brp.bewoning import HaalCentraalBewoningClient
from services.triage.brp.client import HaalCentraalBrpClient
from tests.support.register_server import BEWONING_BASE, PERSONEN_BASE, running_register

OPENAPI_DIR = Path(__file__).resolve().parents[2] / "services" / "register" / "openapi"
PERSONEN = f"{PERSONEN_BASE}/personen"
BEWONINGEN = f"{BEWONING_BASE}/bewoningen"
FREE_TEXT = {"voornamen", "geslachtsnaam", "voorletters", "volledigeNaam", "regel1", "regel2", "regel3"}
TEXT_KEYWORDS = {"pattern", "maxLength"}


# --- the OpenAPI documents as JSON Schema ----------------------------------------------


def _discriminator(validator, discriminator, instance, schema):
    name = discriminator["propertyName"]
    if not validator.is_type(instance, "object") or name not in instance:
        return
    target = discriminator.get("mapping", {}).get(instance[name])
    if target is None:
        yield ValidationError(f"{instance[name]!r} is not a known {name}")
        return
    yield from validator.descend(instance, {"$ref": target})


OpenApiValidator = validators.extend(Draft202012Validator, {"discriminator": _discriminator})


class OpenApi:
    def __init__(self, filename: str):
        self.document = yaml.safe_load((OPENAPI_DIR / filename).read_text(encoding="utf-8"))
        self.uri = f"urn:signal-chain:openapi:{filename}"
        self.schemas = self.document["components"]["schemas"]
        self._add_discriminator_variants()
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(self.uri, resource)

    def _add_discriminator_variants(self) -> None:
        """Point each mapping at a copy of the subtype whose allOf uses a base without discriminator."""
        for name, schema in list(self.schemas.items()):
            mapping = schema.get("discriminator", {}).get("mapping")
            if not mapping:
                continue
            self.schemas[f"{name}__base"] = {k: v for k, v in schema.items() if k != "discriminator"}
            for value, ref in mapping.items():
                target = ref.rsplit("/", 1)[-1]
                variant = copy.deepcopy(self.schemas[target])
                for part in variant.get("allOf", []):
                    if part.get("$ref") == f"#/components/schemas/{name}":
                        part["$ref"] = f"#/components/schemas/{name}__base"
                self.schemas[f"{target}__as_{name}"] = variant
                mapping[value] = f"#/components/schemas/{target}__as_{name}"

    def errors(self, schema_name: str, instance) -> list[ValidationError]:
        validator = OpenApiValidator(
            {"$ref": f"{self.uri}#/components/schemas/{schema_name}"},
            registry=self.registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        return list(validator.iter_errors(instance))

    def undeclared(self, schema_name: str, instance) -> list[str]:
        return list(self._undeclared(self.schemas[schema_name], instance, "$"))

    def properties(self, schema_name: str) -> set[str]:
        return set(self._declared(self.schemas[schema_name], {}))

    def _undeclared(self, schema: dict, instance, path: str):
        schema = self._resolve(schema)
        if isinstance(instance, dict):
            declared = self._declared(schema, instance)
            for key, value in instance.items():
                if key in declared:
                    yield from self._undeclared(declared[key], value, f"{path}.{key}")
                else:
                    yield f"{path}.{key}"
        elif isinstance(instance, list):
            items = self._items(schema)
            for index, value in enumerate(instance):
                yield from self._undeclared(items, value, f"{path}[{index}]")

    def _declared(self, schema: dict, instance: dict) -> dict:
        schema = self._resolve(schema)
        declared = dict(schema.get("properties", {}))
        for part in schema.get("allOf", []):
            declared |= self._declared(part, instance)
        discriminator = schema.get("discriminator")
        if discriminator:
            target = discriminator.get("mapping", {}).get(instance.get(discriminator["propertyName"]))
            if target:
                declared |= self._declared({"$ref": target}, instance)
        return declared

    def _items(self, schema: dict) -> dict:
        schema = self._resolve(schema)
        if "items" in schema:
            return schema["items"]
        for part in schema.get("allOf", []):
            if items := self._items(part):
                return items
        return {}

    def _resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return schema


@pytest.fixture(scope="module")
def personen_api() -> OpenApi:
    return OpenApi("brp-personen.yaml")


@pytest.fixture(scope="module")
def bewoning_api() -> OpenApi:
    return OpenApi("brp-bewoning.yaml")


@pytest.fixture(scope="module")
def register_url():
    with running_register() as url:
        yield url


@pytest.fixture(scope="module")
def http(register_url):
    with httpx.Client(base_url=register_url, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def store() -> RegisterStore:
    return RegisterStore.load()


@pytest.fixture(scope="module")
def dwellings(store) -> list[str]:
    """Every dwelling anyone in the test data ever lived in."""
    return sorted({stay.address.object_id for person in store.persons for stay in residences_of(person)})


def assert_conforms(api: OpenApi, schema_name: str, instance, *, tolerate_free_text: bool = False) -> None:
    errors = api.errors(schema_name, instance)
    if tolerate_free_text:
        errors = [e for e in errors if not (e.validator in TEXT_KEYWORDS and e.path and e.path[-1] in FREE_TEXT)]
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    assert api.undeclared(schema_name, instance) == []


# --- the validator itself ------------------------------------------------------------------


def test_the_copies_are_the_pinned_official_documents():
    readme = (OPENAPI_DIR / "README.md").read_text(encoding="utf-8")
    for filename in ("brp-personen.yaml", "brp-bewoning.yaml"):
        digest = hashlib.sha256((OPENAPI_DIR / filename).read_bytes()).hexdigest()
        assert f"{digest}  {filename}" in readme


def test_the_validator_follows_discriminators_and_finds_undeclared_properties(personen_api):
    assert personen_api.errors("AbstractDatum", {"type": "JaarDatum", "jaar": 2008, "langFormaat": "2008"}) == []
    assert personen_api.errors("AbstractDatum", {"type": "JaarDatum", "langFormaat": "2008"})  # no jaar
    assert personen_api.errors("AbstractDatum", {"type": "Dag", "langFormaat": "x"})  # unknown type
    person = {"geboorte": {"datum": {"type": "Datum", "datum": "2008-02-29", "langFormaat": "29 februari 2008"}}}
    assert personen_api.undeclared("PersoonBeperkt", person) == []
    assert personen_api.undeclared("PersoonBeperkt", {"geboortedatum": "2008-02-29"}) == ["$.geboortedatum"]


# --- the client's requests -------------------------------------------------------------------


class RecordingTransport(httpx.AsyncBaseTransport):
    """A real HTTP transport that keeps a copy of every request body it sends."""

    def __init__(self):
        self._inner = httpx.AsyncHTTPTransport()
        self.bodies: list[dict] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.content))
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_the_personen_client_sends_valid_queries(register_url, personen_api):
    recorder = RecordingTransport()
    async with HaalCentraalBrpClient(register_url + PERSONEN_BASE, transport=recorder) as client:
        await client.residents_at("0363010001004477")
        await client.residents_by_postcode("1055 XY", 5)
        await client.residents_by_postcode("3511EF", 3, huisletter="A", toevoeging="bis")

    assert [body["type"] for body in recorder.bodies] == [
        "ZoekMetAdresseerbaarObjectIdentificatie",
        "ZoekMetPostcodeEnHuisnummer",
        "ZoekMetPostcodeEnHuisnummer",
    ]
    for body in recorder.bodies:
        assert_conforms(personen_api, "PersonenQuery", body)
        assert_conforms(personen_api, body["type"], body)


async def test_the_client_asks_only_for_fields_it_may_ask_for(register_url, personen_api):
    recorder = RecordingTransport()
    async with HaalCentraalBrpClient(register_url + PERSONEN_BASE, transport=recorder) as client:
        await client.residents_at("0363010001004477")

    description = personen_api.schemas["PersonenQuery"]["properties"]["fields"]["description"]
    automatic = re.search(r"automatisch worden geleverd \(([^)]*)\)", description).group(1)
    forbidden = {name.strip() for name in re.split(r",| en ", automatic)}
    assert "geheimhoudingPersoonsgegevens" in forbidden
    fields = recorder.bodies[0]["fields"]
    assert fields == ["geboorte.datum"]
    assert not any(field.split(".")[0] in forbidden for field in fields)
    assert "geboorte" in personen_api.properties("GezagPersoonBeperkt")
    assert "datum" in personen_api.properties("GeboorteBeperkt")


async def test_the_bewoning_client_sends_a_valid_query(register_url, bewoning_api):
    recorder = RecordingTransport()
    async with HaalCentraalBewoningClient(register_url + BEWONING_BASE, transport=recorder) as client:
        await client.occupancy_on("0363010001004477", date(2010, 1, 1))

    assert_conforms(bewoning_api, "BewoningenQuery", recorder.bodies[0])
    assert recorder.bodies[0]["type"] == "BewoningMetPeildatum"


# --- the stand-in's answers ------------------------------------------------------------------


def test_answers_to_the_triage_query_conform(http, personen_api):
    for dwelling in ("0363010001004477", "0344019999000001", "0363019999000001", "0363010000999001"):
        response = http.post(PERSONEN, json={
            "type": "ZoekMetAdresseerbaarObjectIdentificatie",
            "adresseerbaarObjectIdentificatie": dwelling,
            "fields": ["geboorte.datum"],
        })  # fmt: skip
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        assert_conforms(personen_api, "PersonenQueryResponse", response.json())
        assert_conforms(personen_api, "ZoekMetAdresseerbaarObjectIdentificatieResponse", response.json())


def test_every_dwelling_answers_in_the_personen_shape(http, personen_api, dwellings):
    assert len(dwellings) > 200
    for dwelling in dwellings:
        response = http.post(PERSONEN, json={
            "type": "ZoekMetAdresseerbaarObjectIdentificatie",
            "adresseerbaarObjectIdentificatie": dwelling,
            "inclusiefOverledenPersonen": True,
            "fields": ["burgerservicenummer", "naam", "geboorte", "geslacht", "leeftijd"],
        })  # fmt: skip
        assert response.status_code == 200, response.text
        assert_conforms(personen_api, "PersonenQueryResponse", response.json(), tolerate_free_text=True)


def test_every_person_answers_in_the_persoon_shape(http, personen_api, store):
    bsns = sorted({p.bsn for p in store.persons if p.bsn})
    fields = ["aNummer", "burgerservicenummer", "naam", "geboorte", "geslacht", "leeftijd", "verblijfplaats",
              "overlijden", "gemeenteVanInschrijving"]  # fmt: skip
    for start in range(0, len(bsns), 20):
        response = http.post(PERSONEN, json={
            "type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": bsns[start:start + 20], "fields": fields,
        })  # fmt: skip
        assert response.status_code == 200, response.text
        assert_conforms(personen_api, "PersonenQueryResponse", response.json(), tolerate_free_text=True)


def test_postcode_answers_conform(http, personen_api):
    response = http.post(PERSONEN, json={
        "type": "ZoekMetPostcodeEnHuisnummer", "postcode": "1067MD", "huisnummer": 275,
        "fields": ["burgerservicenummer", "naam", "geboorte.datum", "leeftijd"],
    })  # fmt: skip

    assert len(response.json()["personen"]) == 14
    assert_conforms(personen_api, "ZoekMetPostcodeEnHuisnummerResponse", response.json())


@pytest.mark.parametrize("peildatum", ["1990-06-15", "2010-01-01", "2024-01-01"])
def test_every_dwelling_answers_in_the_bewoning_shape(http, bewoning_api, dwellings, peildatum):
    for dwelling in dwellings:
        response = http.post(BEWONINGEN, json={
            "type": "BewoningMetPeildatum", "adresseerbaarObjectIdentificatie": dwelling, "peildatum": peildatum,
        })  # fmt: skip
        assert response.status_code == 200, response.text
        assert_conforms(bewoning_api, "BewoningenQueryResponse", response.json(), tolerate_free_text=True)


def test_bewoning_in_a_period_conforms(http, bewoning_api):
    response = http.post(BEWONINGEN, json={
        "type": "BewoningMetPeriode", "adresseerbaarObjectIdentificatie": "0363010012086548",
        "datumVan": "1990-01-01", "datumTot": "2024-01-01",
    })  # fmt: skip

    assert response.json()["bewoningen"][0]["mogelijkeBewoners"]
    assert_conforms(bewoning_api, "BewoningenQueryResponse", response.json())


# --- errors ------------------------------------------------------------------------------------

BAD_PERSONEN_QUERIES = [
    {"type": "ZoekMetAdresseerbaarObjectIdentificatie", "adresseerbaarObjectIdentificatie": "0000000000000000",
     "fields": ["geboorte.datum"]},
    {"type": "ZoekMetAdresseerbaarObjectIdentificatie", "fields": ["geheimhoudingPersoonsgegevens"], "voornamen": "x"},
    {"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "0123AB", "huisnummer": "12", "fields": []},
    {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": ["12345678"], "fields": "burgerservicenummer"},
    {"type": "ZoekOpKenteken"},
]  # fmt: skip
BAD_BEWONING_QUERIES = [
    {"type": "BewoningMetPeildatum"},
    {"type": "BewoningMetPeriode", "adresseerbaarObjectIdentificatie": "0363010001004477",
     "datumVan": "2023-01-01", "datumTot": "2022-01-01"},
]  # fmt: skip
REAL_API_TEXT_DEVIATIONS = {("detail",), ("invalidParams", "name"), ("invalidParams", "reason")}


def _assert_problem(api: OpenApi, response: httpx.Response, schema_name: str) -> None:
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == response.status_code
    for error in api.errors(schema_name, body):
        where = tuple(part for part in error.absolute_path if isinstance(part, str))
        assert error.validator == "pattern" and where in REAL_API_TEXT_DEVIATIONS, error.message
    assert api.undeclared(schema_name, body) == []


@pytest.mark.parametrize("query", BAD_PERSONEN_QUERIES)
def test_personen_errors_are_bad_request_problems(http, personen_api, query):
    response = http.post(PERSONEN, json=query)

    assert response.status_code == 400
    assert response.json()["invalidParams"]
    _assert_problem(personen_api, response, "BadRequestFoutbericht")


@pytest.mark.parametrize("query", BAD_BEWONING_QUERIES)
def test_bewoning_errors_are_bad_request_problems(http, bewoning_api, query):
    response = http.post(BEWONINGEN, json=query)

    assert response.status_code == 400
    _assert_problem(bewoning_api, response, "BadRequestFoutbericht")


def test_a_body_that_is_not_json_is_a_problem_too(http, personen_api):
    not_json = http.post(PERSONEN, content=b"{", headers={"content-type": "application/json"})
    wrong_media_type = http.post(PERSONEN, content=b"{}", headers={"content-type": "text/plain"})

    assert (not_json.status_code, wrong_media_type.status_code) == (400, 415)
    _assert_problem(personen_api, not_json, "Foutbericht")
    _assert_problem(personen_api, wrong_media_type, "Foutbericht")


async def test_locating_a_postcode_address_speaks_the_official_shapes(register_url, http, personen_api):
    """Without a BAG id: the postcode search (PersoonBeperkt has no verblijfplaats, so it
    cannot carry the BAG id), then the BSNs found for verblijfplaats.adresseerbaarObjectIdentificatie."""
    recorder = RecordingTransport()
    async with HaalCentraalBrpClient(register_url + PERSONEN_BASE, transport=recorder) as client:
        assert await client.dwellings_at_postcode("8911AB", 12) == {"0080019999000001"}
        assert await client.dwellings_at_postcode("3511EF", 3, huisletter="A") == {"0344019999000001"}
        assert await client.dwellings_at_postcode("8911ZZ", 999) == frozenset()

    assert [body["type"] for body in recorder.bodies] == [
        "ZoekMetPostcodeEnHuisnummer", "RaadpleegMetBurgerservicenummer",
        "ZoekMetPostcodeEnHuisnummer", "RaadpleegMetBurgerservicenummer",
        "ZoekMetPostcodeEnHuisnummer",
    ]  # fmt: skip
    for body in recorder.bodies:
        assert_conforms(personen_api, "PersonenQuery", body)
        assert_conforms(personen_api, body["type"], body)
    assert "verblijfplaats" not in personen_api.properties("PersoonBeperkt")
    assert recorder.bodies[1]["fields"] == ["verblijfplaats.adresseerbaarObjectIdentificatie"]

    answer = http.post(PERSONEN, json=recorder.bodies[1]).json()
    assert_conforms(personen_api, "RaadpleegMetBurgerservicenummerResponse", answer)
    assert {p["verblijfplaats"]["adresseerbaarObjectIdentificatie"] for p in answer["personen"]} == {"0080019999000001"}
