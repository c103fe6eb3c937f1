"""The municipality's functional administrator on the portal: reads its rules versions,
checks a new version (problems named by rule and field), stores it as a concept and
publishes it; triage in-process behind the portal, nothing mocked."""

from __future__ import annotations

import json
import re

import pytest
import pytest_asyncio

from shared.clock import FakeClock
from tests.support.register_server import PERSONEN_BASE, running_register
from tests.unit.portal.support import in_process_chain

pytestmark = pytest.mark.asyncio(loop_scope="module")
ARREARS_RULE = "ams-arrears-vroeg-eropaf"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chain(tmp_path_factory):
    with running_register() as register:
        async with in_process_chain(tmp_path_factory.mktemp("rules"), FakeClock(), register + PERSONEN_BASE) as chain:
            await chain.login("gemeente-amsterdam")
            yield chain


def editor_text(html: str) -> str:
    found = re.search(r'<textarea id="regels"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, "the page has the rules editor"
    return found.group(1).replace("&#34;", '"').replace("&quot;", '"').replace("&#39;", "'").replace("&amp;", "&")


def with_rule(document: dict, **fields) -> str:
    document = json.loads(json.dumps(document))
    for rule in document["rules"]:
        if rule["id"] == ARREARS_RULE:
            rule.update(fields)
    return json.dumps(document)


def version_states(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-version="(\d+)" data-state="(\w+)">', html)


async def test_the_page_shows_the_published_version_and_its_rules(chain):
    page = await chain.portal.get("/gemeente/regels")
    assert page.status_code == 200, page.text
    assert version_states(page.text) == [("1", "published")]
    assert "Nu geldend: 0363 v1" in page.text and f'data-rule="{ARREARS_RULE}"' in page.text
    assert "het regelbestand van de keten" in page.text
    assert {rule["municipality"] for rule in json.loads(editor_text(page.text))["rules"]} == {"0363"}


async def test_checking_names_the_rule_and_the_field_and_stores_nothing(chain):
    document = json.loads(editor_text((await chain.portal.get("/gemeente/regels")).text))
    checked = await chain.portal.post("/gemeente/regels", data={"regels": with_rule(document, recipient="nobody"), "actie": "controleren"})
    assert checked.status_code == 422
    assert f"Regel <code>{ARREARS_RULE}</code>, veld <code>recipient</code>: unknown recipient" in checked.text
    broken = await chain.portal.post("/gemeente/regels", data={"regels": "{rules: [", "actie": "controleren"})
    assert broken.status_code == 422 and "geen geldige JSON" in broken.text
    stored = await chain.portal.post("/gemeente/regels", data={"regels": with_rule(document, due_hours=-1), "actie": "opslaan"})
    assert stored.status_code == 422 and f"Regel <code>{ARREARS_RULE}</code>, veld <code>due_hours</code>" in stored.text
    fine = await chain.portal.post("/gemeente/regels", data={"regels": with_rule(document, due_hours=200), "actie": "controleren"})
    assert fine.status_code == 200 and "De regels zijn in orde" in fine.text
    assert version_states(fine.text) == [("1", "published")]


async def test_a_concept_is_stored_and_then_published(chain):
    document = json.loads(editor_text((await chain.portal.get("/gemeente/regels")).text))
    stored = await chain.portal.post("/gemeente/regels", data={"regels": with_rule(document, due_hours=200), "actie": "opslaan"})
    assert stored.status_code == 303, stored.text
    page = await chain.portal.get(stored.headers["location"])
    assert version_states(page.text) == [("2", "draft"), ("1", "published")]
    assert "Publiceer 0363 v2" in page.text and "opgeslagen als concept" in page.text

    published = await chain.portal.post("/gemeente/regels/2/publiceren")
    assert published.status_code == 303, published.text
    page = await chain.portal.get(published.headers["location"])
    assert version_states(page.text) == [("2", "published"), ("1", "superseded")]
    assert "Nu geldend: 0363 v2" in page.text and "Vervangen" in page.text
    again = await chain.portal.post("/gemeente/regels/1/publiceren")
    assert again.status_code == 409 and "alleen een concept" in again.text
