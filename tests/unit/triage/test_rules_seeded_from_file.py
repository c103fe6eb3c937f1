"""The rules file seeds each municipality's versions at start: version 1 the first time, a
new published version when a deploy changed the file, nothing when it did not (so a
version the administrator published survives a restart)."""

from dataclasses import replace

from shared.bus.memory import InMemoryBus
from shared.runtime import build_runtime
from services.triage.app import create_app
from services.triage.rules import DEFAULT_RULES, load_rules
from tests.support.apps import key, running
from tests.support.rules_versions import ADMIN, AMSTERDAM, changed, publish_new, published


async def versions_after_start(settings, clock, rules=None, publish=None) -> list[tuple[int, str, str]]:
    runtime = build_runtime(settings, bus=InMemoryBus(), clock=clock)
    async with running(create_app(runtime, rules=rules)) as client:
        if publish is not None:
            await publish_new(client, changed((await published(client))["document"], **publish))
        listed = (await client.get(f"/v1/rules/{AMSTERDAM}/versions", headers=key(ADMIN))).json()
    return [(v["version"], v["state"], v["created_by"]["kind"]) for v in listed]


async def test_a_restart_keeps_the_published_version_and_a_changed_file_becomes_a_new_one(settings, clock):
    assert await versions_after_start(settings, clock) == [(1, "published", "rules file")]
    by_admin = await versions_after_start(settings, clock, publish={"rule_id": "ams-family-found", "due_hours": 2})
    assert by_admin == [(2, "published", "system"), (1, "superseded", "rules file")]
    assert await versions_after_start(settings, clock) == by_admin, "an unchanged file changes nothing"

    file_rules = load_rules(DEFAULT_RULES, build_runtime(settings, bus=InMemoryBus(), clock=clock).organisations)
    edited = tuple(replace(rule, due_hours=3) if rule.id == "ams-family-found" else rule for rule in file_rules.rules)
    after_deploy = await versions_after_start(settings, clock, rules=replace(file_rules, rules=edited))
    assert after_deploy == [(3, "published", "rules file"), (2, "superseded", "system"), (1, "superseded", "rules file")]
