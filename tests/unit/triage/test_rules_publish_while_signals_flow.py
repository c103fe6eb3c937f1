"""A new rules version published through the API while signals flow: every signal decided
before the publish is decided by the old version, every one sent after it by the new,
and each case's trace names the version that decided (issue 14, "rules as managed data")."""

import asyncio

from sqlmodel import col, select

from services.triage.domain.timeline import TimelineKind
from services.triage.rules import DEFAULT_RULES, load_rules
from services.triage.rules.versions import RulesBook
from services.triage.tables import CaseEntry
from tests.support.rules_versions import changed, publish_new, published

OLD_TEAM = "vroeg-eropaf-amsterdam"
NEW_TEAM = "meldpunt-zorg-overlast-amsterdam"
RECIPIENT_BY_VERSION = {"0363 v1": OLD_TEAM, "0363 v2": NEW_TEAM}


async def decision_of(triage, dwelling: str) -> dict:
    async with triage.runtime.sessions() as session:
        query = select(CaseEntry).where(CaseEntry.case_key == triage.case_key(dwelling), CaseEntry.kind == TimelineKind.DECISION)
        [entry] = (await session.exec(query.order_by(col(CaseEntry.id)))).all()
    return entry.summary


async def test_signals_before_the_publish_use_the_old_version_and_after_it_the_new(triage):
    sent: list[str] = []  # dwellings, in the order their signals were handled
    stop = asyncio.Event()

    async def flow():
        number = 0
        while not stop.is_set():
            number += 1
            dwelling = f"03630100009{number:05d}"
            await triage.signal("arrears.reported", dwelling, months=2, amount_eur="900.00")
            sent.append(dwelling)

    flowing = asyncio.create_task(flow())
    while len(sent) < 4:
        await asyncio.sleep(0.01)
    document = changed((await published(triage.client))["document"], "ams-arrears-vroeg-eropaf", recipient=NEW_TEAM, district_recipients=None)
    decided_before = list(sent)
    version = await publish_new(triage.client, document)
    sent_after = len(sent) + 1  # the signal in hand may have been decided either side of the publish
    while len(sent) < sent_after + 4:
        await asyncio.sleep(0.01)
    stop.set()
    await flowing

    assert version["label"] == "0363 v2"
    labels = {dwelling: (await decision_of(triage, dwelling))["rules"] for dwelling in sent}
    assert {labels[d] for d in decided_before} == {"0363 v1"}
    assert {labels[d] for d in sent[sent_after:]} == {"0363 v2"}
    recipients = {str(alert.signal_id): alert.recipient for alert in triage.alerts()}
    for dwelling in sent:
        decision = await decision_of(triage, dwelling)
        assert decision["recipient"] == RECIPIENT_BY_VERSION[decision["rules"]], (dwelling, decision)
    assert list(recipients.values()).count(NEW_TEAM) == list(labels.values()).count("0363 v2")

    case = await triage.client.get(
        f"/v1/cases/{triage.case_key(sent[-1])}", params={"purpose": "check"}, headers={"X-API-Key": f"dev-{NEW_TEAM}"}
    )
    [shown] = [entry for entry in case.json()["timeline"] if entry["kind"] == "decision"]
    assert shown["summary"]["rules"] == "0363 v2", "the trace where teams read it names the version"


async def test_another_instance_decides_by_the_new_version_without_a_restart(triage):
    """Another triage instance: its own book (and cache) over the same database."""
    other = RulesBook(load_rules(DEFAULT_RULES, triage.runtime.organisations))
    async with triage.runtime.sessions() as session:
        assert (await other.active(session, "0363")).label == "0363 v1"
    document = changed((await published(triage.client))["document"], "ams-arrears-vroeg-eropaf", recipient=NEW_TEAM)
    await publish_new(triage.client, document)
    async with triage.runtime.sessions() as session:
        active = await other.active(session, "0363")
    assert active.label == "0363 v2"
    assert next(rule for rule in active.rules if rule.id == "ams-arrears-vroeg-eropaf").recipient == NEW_TEAM
    assert active.rules[-1].municipality == "*", "the fallback rules follow the municipality's own"



async def test_a_session_reads_the_version_again_in_its_next_transaction(triage):
    """The published version is read once per transaction (a consumed batch asks once), never
    kept beyond it: the same session's next transaction decides by a version published since."""
    book = RulesBook(load_rules(DEFAULT_RULES, triage.runtime.organisations))
    async with triage.runtime.sessions() as session:
        async with session.begin():
            assert (await book.active(session, "0363")).label == "0363 v1"
            assert (await book.active(session, "0363")).label == "0363 v1"
        document = changed((await published(triage.client))["document"], "ams-arrears-vroeg-eropaf", recipient=NEW_TEAM)
        await publish_new(triage.client, document)
        async with session.begin():
            active = await book.active(session, "0363")
    assert active.label == "0363 v2"
    assert next(rule for rule in active.rules if rule.id == "ams-arrears-vroeg-eropaf").recipient == NEW_TEAM
