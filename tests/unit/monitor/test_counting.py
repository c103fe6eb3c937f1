"""Counting into SQLite: exact counts, whatever order the topics arrive in; the join rows
go once used; purging; one generation per database."""

import random
from datetime import timedelta

import pytest
from sqlmodel import select

from shared.contracts.events.triage import AlertKind, Report
from shared.persistence.database import create_engine, create_tables, session_factory
from services.monitor.domain.reading import read
from shared.retention import DeletionEntry, run_retention
from services.monitor.retention import RETENTION_JOB, monitor_sweeps
from services.monitor.counts import CountStore, GenerationMismatch, claim_generation
from services.monitor.tables import METADATA, Counter, JoinProfile, PendingFact
from tests.support import events as s

NOW = s.on(28, 12)


@pytest.fixture
async def sessions(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/monitor.db")
    await create_tables(engine, METADATA)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
def store():
    return CountStore(b"test-link-key")


async def apply_all(sessions, store, events, now=NOW):
    for event in events:
        async with sessions() as session, session.begin():
            await store.apply(session, read(event), now)


async def counters(sessions) -> dict[tuple, int]:
    async with sessions() as session:
        rows = (await session.exec(select(Counter))).all()
    return {
        (r.municipality_code, r.district, r.year, r.month, r.metric, r.outcome, r.family): r.count
        for r in rows
        if r.count
    }


def stream():
    """Two households' evictions, a single adult's, prevention feedback and a placement,
    with every assessment, as the topics would carry them."""
    family_case, single_case = s.subject(), s.subject()
    nov, dec = s.on(10), s.on(3, 12)
    signals = [
        s.scheduled(nov, district="noord", case=family_case),
        s.executed(dec, "evicted", district="noord", case=family_case),
        s.scheduled(nov, case=single_case),
        s.executed(nov, "paid_at_door", case=single_case),
        s.cancelled(dec, municipality="0344"),
        s.verdict(nov, "rent_arrears", municipality="0344"),
    ]
    families = [True, True, False, False, None, True]
    assessments = [s.assessed(signal, family) for signal, family in zip(signals, families)]
    alert = s.alert(nov, is_family=True, district="noord")
    reminder = s.alert(dec, kind=AlertKind.REMINDER, report=Report.FINAL, is_family=True, district="noord")
    request = s.requested(dec)
    follow_up = [
        alert,
        reminder,
        s.final_report(alert, dec, "not_reached"),
        s.acknowledged(alert, nov),
        request,
        s.placed(request, dec),
    ]
    return signals, assessments, follow_up


EXPECTED = {
    ("0363", "noord", 2026, 11, "signal", "eviction.scheduled", "family"): 1,
    ("0363", "noord", 2026, 11, "eviction", "scheduled", "family"): 1,
    ("0363", "noord", 2026, 12, "signal", "eviction.executed", "family"): 1,
    ("0363", "noord", 2026, 12, "eviction", "evicted", "family"): 1,
    ("0363", "", 2026, 11, "signal", "eviction.scheduled", "no_family"): 1,
    ("0363", "", 2026, 11, "eviction", "scheduled", "no_family"): 1,
    ("0363", "", 2026, 11, "signal", "eviction.executed", "no_family"): 1,
    ("0363", "", 2026, 11, "eviction", "paid_at_door", "no_family"): 1,
    ("0344", "", 2026, 12, "signal", "eviction.cancelled", "unknown"): 1,
    ("0344", "", 2026, 12, "eviction", "withdrawn", "unknown"): 1,
    ("0344", "", 2026, 11, "signal", "eviction.verdict-issued", "family"): 1,
    ("0344", "", 2026, 11, "verdict", "rent_arrears", "family"): 1,
    ("0363", "noord", 2026, 11, "alert", "prevention", "family"): 1,
    ("0363", "noord", 2026, 11, "prevention", "referred", "family"): 1,
    ("0363", "noord", 2026, 12, "alert", "reminder", "family"): 1,
    ("0363", "noord", 2026, 12, "prevention", "report_missing", "family"): 1,
    ("0363", "noord", 2026, 12, "prevention", "not_reached", "family"): 1,
    ("0363", "noord", 2026, 11, "alert_follow_up", "acknowledged", "family"): 1,
    ("0363", "", 2026, 12, "placement", "requested", "family"): 1,
    ("0363", "", 2026, 12, "placement_cause", "eviction", "family"): 1,
    ("0363", "", 2026, 12, "referral_source", "ggd", "family"): 1,
    ("0363", "", 2026, 12, "placement", "placed", "family"): 1,
}


async def test_the_counts_are_exact_when_events_arrive_in_causal_order(sessions, store):
    signals, assessments, follow_up = stream()
    causal = [e for pair in zip(signals, assessments) for e in pair] + follow_up
    await apply_all(sessions, store, causal)
    assert await counters(sessions) == EXPECTED


@pytest.mark.parametrize("seed", range(8))
async def test_any_interleaving_of_the_topics_gives_the_same_counts(tmp_path, store, seed):
    signals, assessments, follow_up = stream()
    events = signals + assessments + follow_up
    random.Random(seed).shuffle(events)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/shuffled-{seed}.db")
    await create_tables(engine, METADATA)
    sessions = session_factory(engine)
    try:
        await apply_all(sessions, store, events)
        assert await counters(sessions) == EXPECTED
    finally:
        await engine.dispose()


async def test_a_rebuild_reading_one_topic_after_another_gives_the_same_counts(sessions, store):
    signals, assessments, follow_up = stream()
    await apply_all(sessions, store, list(reversed(follow_up)) + assessments + signals)
    assert await counters(sessions) == EXPECTED


async def test_join_rows_go_once_used_and_none_holds_the_case_pseudonym(sessions, store):
    signals, assessments, follow_up = stream()
    await apply_all(sessions, store, signals + assessments + follow_up)
    async with sessions() as session:
        profiles = (await session.exec(select(JoinProfile))).all()
        pending = (await session.exec(select(PendingFact))).all()
    assert pending == [], "every fact found its profile"
    assert len(profiles) == 3 and not any(p.single_use for p in profiles), "only the two alerts' and the request's remain"
    stored = repr(profiles) + repr(await counters(sessions))
    for event in signals + assessments + follow_up:
        assert event.subject not in stored
        assert str(event.id) not in stored


async def test_the_first_assessment_of_a_signal_decides_a_later_one_does_not_move_it(sessions, store):
    signal = s.executed(s.on(5), "evicted")
    first, correction = s.assessed(signal, True), s.assessed(signal, False)
    await apply_all(sessions, store, [first, correction, signal])
    assert await counters(sessions) == {
        ("0363", "", 2026, 11, "signal", "eviction.executed", "family"): 1,
        ("0363", "", 2026, 11, "eviction", "evicted", "family"): 1,
    }


async def test_purge_drops_old_join_rows_and_keeps_the_counts(sessions, store):
    waiting_signal = s.executed(s.on(5), "evicted")  # its assessment never comes
    lonely_report = s.final_report(s.alert(s.on(5)), s.on(6))  # its alert never comes
    await apply_all(sessions, store, [waiting_signal, lonely_report, s.requested(s.on(5))], now=s.on(6))
    before = await counters(sessions)
    assert before[("0363", "", 2026, 11, "eviction", "evicted", "unknown")] == 1

    sweeps = monitor_sweeps(400)
    assert await run_retention(sessions, RETENTION_JOB, sweeps, s.on(6)) == 0, "nothing is old yet"
    assert await run_retention(sessions, RETENTION_JOB, sweeps, s.on(6) + timedelta(days=401)) == 4
    assert await counters(sessions) == before
    async with sessions() as session:
        assert (await session.exec(select(PendingFact))).all() == []
        log = (await session.exec(select(DeletionEntry))).all()
    assert [(e.job, e.rule, e.kind, e.cases, e.rows) for e in log] == [
        ("monitor-retention", "join_rows_400_days", "join_profile", 0, 1),  # the request's profile
        ("monitor-retention", "join_rows_400_days", "pending_fact", 0, 3),  # the signal's two facts and the report
    ], "a join row stands for a signal, alert or request, never a case"


async def test_a_database_counts_for_one_generation_only(sessions):
    await claim_generation(sessions, "1", NOW)
    await claim_generation(sessions, "1", NOW)  # a restart of the same generation
    with pytest.raises(GenerationMismatch, match="needs an empty database"):
        await claim_generation(sessions, "2", NOW)


@pytest.mark.parametrize("seed", range(6))
async def test_a_batch_settled_at_once_counts_as_its_events_one_by_one(tmp_path, store, seed):
    """The consumer hands the monitor whole batches: any cut of the stream into batches, in any
    interleaving, gives the counts and join rows of counting one event at a time."""
    signals, assessments, follow_up = stream()
    events = signals + assessments + follow_up
    rng = random.Random(seed)
    rng.shuffle(events)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/batches-{seed}.db")
    await create_tables(engine, METADATA)
    sessions = session_factory(engine)
    try:
        start = 0
        while start < len(events):
            size = rng.randint(1, 7)
            async with sessions() as session, session.begin():
                for event in events[start : start + size]:
                    store.collect(session, read(event))
                await store.flush(session, NOW)
            start += size
        assert await counters(sessions) == EXPECTED
        async with sessions() as session:
            assert (await session.exec(select(PendingFact))).all() == []
            assert len((await session.exec(select(JoinProfile))).all()) == 3
    finally:
        await engine.dispose()
