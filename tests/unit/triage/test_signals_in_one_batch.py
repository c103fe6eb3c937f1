"""Signals consumed in one batch (one transaction): two for a dwelling nobody knew yet open
one case between them, the second sees what the first did (its alert: no second one for
the same arrears), and the batch is not split to get there."""

from sqlmodel import col, select

from shared.contracts import event_types
from shared.contracts.events.follow_up import CaseOutcome

from services.triage.domain.timeline import TimelineKind
from services.triage.tables import CaseEntry, HouseholdCase
from tests.support.follow_up import ARREARS
from tests.support.triage import AMSTERDAM_FAMILY

NEW_DWELLING = "0363010009900001"  # Amsterdam, nobody registered
OTHER_DWELLING = "0363010009900002"


async def test_two_signals_for_a_new_dwelling_in_one_batch_open_one_case_and_alert_once(triage):
    first = triage.signal_event("arrears.reported", NEW_DWELLING, months=2, amount_eur="900.00")
    second = triage.signal_event("arrears.reported", NEW_DWELLING, months=2, amount_eur="900.00")
    other = triage.signal_event("arrears.reported", OTHER_DWELLING, months=2, amount_eur="900.00")
    await triage.signals_together([first, other, second])

    assert triage.batches_split == 0, "handled as one batch"
    key = triage.case_key(NEW_DWELLING)
    async with triage.runtime.sessions() as session:
        cases = (await session.exec(select(HouseholdCase).where(HouseholdCase.case_key == key))).all()
        signals = (await session.exec(
            select(CaseEntry).where(CaseEntry.case_key == key, CaseEntry.kind == TimelineKind.SIGNAL).order_by(col(CaseEntry.id))
        )).all()  # fmt: skip
    assert len(cases) == 1
    assert [entry.event_id for entry in signals] == [first.id, second.id]
    alerted = {event.subject: [] for event in triage.events("alerts", event_types.ALERT_RAISED)}
    for event in triage.events("alerts", event_types.ALERT_RAISED):
        alerted[event.subject].append(event.data.signal_id)
    assert alerted == {key: [first.data.signal_id], triage.case_key(OTHER_DWELLING): [other.data.signal_id]}


async def test_a_batch_finds_a_known_case_and_an_eviction_in_it_follows_up_the_alert_raised_before_it(triage):
    """The batch reads its cases ahead in one query; what its first signal wrote (the alert,
    the follow-up) the next signal of the same batch still finds."""
    await triage.signal("arrears.reported", AMSTERDAM_FAMILY, **ARREARS)
    [earlier] = triage.alerts("vroeg-eropaf-amsterdam")
    rose = triage.signal_event("arrears.reported", AMSTERDAM_FAMILY, months=4, amount_eur="1900.00")
    evicted = triage.signal_event("eviction.executed", AMSTERDAM_FAMILY, by="deurwaarder-amsterdam", outcome="evicted")
    await triage.signals_together([rose, evicted])

    assert triage.batches_split == 0, "handled as one batch"
    key = triage.case_key(AMSTERDAM_FAMILY)
    async with triage.runtime.sessions() as session:
        cases = (await session.exec(select(HouseholdCase).where(HouseholdCase.case_key == key))).all()
    assert len(cases) == 1, "the batch joined the case the first signal opened"
    later = [alert for alert in triage.alerts("vroeg-eropaf-amsterdam") if alert.alert_id != earlier.alert_id]
    assert [alert.signal_id for alert in later] == [rose.data.signal_id], "risen arrears alert again"
    outcomes = {event.data.alert_id: event.data.outcome for event in triage.events("triage", event_types.PREVENTION_FOLLOWED_UP)}
    assert outcomes == {earlier.alert_id: CaseOutcome.EVICTED, later[0].alert_id: CaseOutcome.EVICTED}
