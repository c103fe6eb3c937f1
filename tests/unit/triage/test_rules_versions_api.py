"""A municipality's functional administrator reads, validates, drafts and publishes its
routing rules over HTTP; invalid rules are refused naming the rule and the field, and no
other organisation sees or changes them (services.triage.rules_api)."""

from services.triage.rules import DEFAULT_RULES, load_rules
from tests.support.apps import key
from tests.support.problems import refusal
from tests.support.rules_versions import ADMIN, AMSTERDAM, changed, publish_new, published
from tests.support.triage import AMSTERDAM_FAMILY

ARREARS_RULE = "ams-arrears-vroeg-eropaf"


async def test_the_rules_file_is_version_1_of_each_municipality(triage):
    versions = (await triage.client.get(f"/v1/rules/{AMSTERDAM}/versions", headers=key(ADMIN))).json()
    assert [(v["version"], v["state"], v["label"], v["created_by"]["kind"]) for v in versions] == [
        (1, "published", "0363 v1", "rules file")
    ]
    file_rules = load_rules(DEFAULT_RULES, triage.runtime.organisations).rules
    document = (await published(triage.client))["document"]
    assert [rule["id"] for rule in document["rules"]] == [rule.id for rule in file_rules if rule.municipality == AMSTERDAM]


def named(answer) -> set[tuple[str, str]]:
    """(name, reason) of each invalid-params entry of a 400."""
    assert answer.status_code == 400, answer.text
    return {(param["name"], param["reason"]) for param in refusal(answer)["invalid-params"]}


async def test_validation_names_the_rule_and_the_field_and_stores_nothing(triage):
    document = (await published(triage.client))["document"]
    valid = await triage.client.post(f"/v1/rules/{AMSTERDAM}/validation", json=document, headers=key(ADMIN))
    assert valid.status_code == 200 and valid.json() == {"valid": True}

    document = changed(document, ARREARS_RULE, recipient="nobody")
    document = changed(document, "ams-family-found", signal_types=["eviction.found"])
    del document["rules"][2]["id"]
    answer = await triage.client.post(f"/v1/rules/{AMSTERDAM}/validation", json=document, headers=key(ADMIN))
    names = {name for name, _reason in named(answer)}
    assert names == {"rules.ams-family-found.signal_types", "rules.rules[2].id"}, "schema errors first, per rule"
    [version] = (await triage.client.get(f"/v1/rules/{AMSTERDAM}/versions", headers=key(ADMIN))).json()
    assert version["version"] == 1

    document = changed((await published(triage.client))["document"], ARREARS_RULE, recipient="nobody")
    document = changed(document, "ams-family-found", municipality="0344")
    answer = await triage.client.post(f"/v1/rules/{AMSTERDAM}/validation", json=document, headers=key(ADMIN))
    assert named(answer) == {
        (f"rules.{ARREARS_RULE}.recipient", f"rule {ARREARS_RULE}, field recipient: unknown recipient 'nobody'"),
        ("rules.ams-family-found.municipality", "rule ams-family-found, field municipality: "
         "must be 0363: a municipality's rules are its own (the '*' fallback is the rules file's)"),
    }  # fmt: skip


async def test_a_check_across_fields_names_its_field(triage):
    document = changed((await published(triage.client))["document"], ARREARS_RULE, intermediate_report_days=30)
    answer = await triage.client.post(f"/v1/rules/{AMSTERDAM}/validation", json=document, headers=key(ADMIN))
    assert {name for name, _reason in named(answer)} == {f"rules.{ARREARS_RULE}.intermediate_report_days"}


async def test_an_invalid_draft_is_refused_with_a_400_naming_rule_and_field(triage):
    document = changed((await published(triage.client))["document"], ARREARS_RULE, also=["ketenregie", "hvo-querido"])
    answer = await triage.client.post(f"/v1/rules/{AMSTERDAM}/versions", json=document, headers=key(ADMIN))
    assert answer.status_code == 400
    [param] = refusal(answer)["invalid-params"]
    assert param["name"] == f"rules.{ARREARS_RULE}.also.1"
    assert param["reason"] == f"rule {ARREARS_RULE}, field also.1: 'hvo-querido' is a shelter, not a team that acts"
    empty = await triage.client.post(f"/v1/rules/{AMSTERDAM}/versions", json={"rules": [], "extra": 1}, headers=key(ADMIN))
    assert empty.status_code == 400
    assert {param["name"] for param in refusal(empty)["invalid-params"]} == {"rules", "extra"}


async def test_publishing_keeps_every_version_and_names_the_person(triage):
    document = changed((await published(triage.client))["document"], ARREARS_RULE, min_arrears_months=3)
    version = await publish_new(triage.client, document)
    assert (version["version"], version["state"], version["published_by"]["organisation"]) == (2, "published", ADMIN)
    versions = (await triage.client.get(f"/v1/rules/{AMSTERDAM}/versions", headers=key(ADMIN))).json()
    assert [(v["version"], v["state"]) for v in versions] == [(2, "published"), (1, "superseded")]
    assert (await published(triage.client))["document"] == document

    again = await triage.client.post(f"/v1/rules/{AMSTERDAM}/versions/1/publication", headers=key(ADMIN))
    assert again.status_code == 409 and "only a draft can be published" in refusal(again)["detail"]
    assert (await triage.client.post(f"/v1/rules/{AMSTERDAM}/versions/2/publication", headers=key(ADMIN))).status_code == 409
    missing = await triage.client.get(f"/v1/rules/{AMSTERDAM}/versions/9", headers=key(ADMIN))
    assert missing.status_code == 404


async def test_a_draft_decides_nothing_until_published(triage):
    document = changed((await published(triage.client))["document"], ARREARS_RULE, min_arrears_months=3)
    draft = await triage.client.post(f"/v1/rules/{AMSTERDAM}/versions", json=document, headers=key(ADMIN))
    assert draft.json()["state"] == "draft"
    await triage.signal("arrears.reported", AMSTERDAM_FAMILY, months=2, amount_eur="1450.00")
    assert [alert.rule_id for alert in triage.alerts("vroeg-eropaf-amsterdam")] == [ARREARS_RULE]


async def test_only_the_municipality_itself_reads_or_changes_its_rules(triage):
    document = (await published(triage.client))["document"]
    paths = [
        ("get", f"/v1/rules/{AMSTERDAM}/versions", None),
        ("get", f"/v1/rules/{AMSTERDAM}/versions/1", None),
        ("post", f"/v1/rules/{AMSTERDAM}/validation", document),
        ("post", f"/v1/rules/{AMSTERDAM}/versions", document),
        ("post", f"/v1/rules/{AMSTERDAM}/versions/1/publication", None),
    ]
    for method, path, body in paths:
        other = await triage.client.request(method, path, json=body, headers=key("gemeente-utrecht"))
        assert other.status_code == 404, (path, other.text)
        team = await triage.client.request(method, path, json=body, headers=key("ggd-amsterdam-vangnet"))
        assert team.status_code == 403, (path, team.text)
        anonymous = await triage.client.request(method, path, json=body)
        assert anonymous.status_code == 401, (path, anonymous.text)
    versions = (await triage.client.get(f"/v1/rules/{AMSTERDAM}/versions", headers=key(ADMIN))).json()
    assert [(v["version"], v["state"]) for v in versions] == [(1, "published")]
