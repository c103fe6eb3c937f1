"""A municipality's routing rules through the triage API, for tests: read the published
version, change one rule, store it as a draft and publish it."""

from __future__ import annotations

import copy

from tests.support.apps import key

AMSTERDAM = "0363"
ADMIN = "gemeente-amsterdam"


async def published(client, code: str = AMSTERDAM, admin: str = ADMIN) -> dict:
    """The published version with its rules."""
    listed = (await client.get(f"/v1/rules/{code}/versions", headers=key(admin))).json()
    [current] = [version for version in listed if version["state"] == "published"]
    return (await client.get(f"/v1/rules/{code}/versions/{current['version']}", headers=key(admin))).json()


def changed(document: dict, rule_id: str, **fields) -> dict:
    """The document with one rule's fields replaced (None: the field removed)."""
    document = copy.deepcopy(document)
    [rule] = [rule for rule in document["rules"] if rule["id"] == rule_id]
    for name, value in fields.items():
        if value is None:
            rule.pop(name, None)
        else:
            rule[name] = value
    return document


async def publish_new(client, document: dict, code: str = AMSTERDAM, admin: str = ADMIN) -> dict:
    """Store the document as a draft and publish it; the published version."""
    draft = await client.post(f"/v1/rules/{code}/versions", json=document, headers=key(admin))
    assert draft.status_code == 201, draft.text
    number = draft.json()["version"]
    answer = await client.post(f"/v1/rules/{code}/versions/{number}/publication", headers=key(admin))
    assert answer.status_code == 200, answer.text
    return answer.json()
