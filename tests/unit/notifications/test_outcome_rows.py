"""Recording deliveries as delivered (services.notifications.outcome_rows.write_delivered): a row
is recorded only while it is pending with the lease its claim set, for any number of deliveries
in one statement, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import event, select

from shared.persistence.database import create_engine, create_tables
from services.notifications.outcome_rows import TABLE, Outcome, write_delivered
from services.notifications.tables import Delivery

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
LEASE = NOW + timedelta(seconds=30)


@pytest.fixture
async def engine(sqlite_or_postgres_url):
    engine = create_engine(sqlite_or_postgres_url)
    await create_tables(engine, Delivery.metadata)
    yield engine
    await engine.dispose()


def delivery(lease: datetime, status: str = "pending") -> dict:
    return {
        "id": uuid4(), "event_id": uuid4(), "event_type": "alert.raised", "subscription_id": uuid4(), "recipient": "team",
        "case_key": "case", "body": "{}", "status": status, "attempts": 0, "next_attempt_at": lease, "created_at": NOW,
    }  # fmt: skip


async def test_only_pending_rows_still_under_their_claims_lease_are_recorded_in_one_statement_per_status(engine):
    claimed = [delivery(LEASE) for _ in range(7)]
    reclaimed = delivery(LEASE + timedelta(seconds=5))  # its lease ran out and another claim took it
    dead = delivery(LEASE, status="dead")
    async with engine.begin() as connection:
        await connection.execute(TABLE.insert(), [*claimed, reclaimed, dead])
    statements = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda conn, cursor, sql, *rest: statements.append(sql))
    outcomes = [Outcome(row["id"], LEASE, 200 if n < 5 else 202, None) for n, row in enumerate(claimed)]
    outcomes += [Outcome(row["id"], LEASE, 200, None) for row in (reclaimed, dead)]
    async with engine.begin() as connection:
        recorded = await write_delivered(connection, outcomes, NOW)
    assert {row.id for row in recorded} == {row["id"] for row in claimed}
    assert all(row.attempts == 1 for row in recorded)
    assert len(statements) == 2, "one UPDATE per status code"
    async with engine.connect() as connection:
        rows = {row.id: row for row in (await connection.execute(select(TABLE))).all()}
    assert [rows[row["id"]].last_status_code for row in claimed] == [200] * 5 + [202] * 2
    assert {rows[row["id"]].status for row in claimed} == {"delivered"}
    assert {rows[row["id"]].delivered_at for row in claimed} == {NOW}
    assert (rows[reclaimed["id"]].status, rows[reclaimed["id"]].attempts) == ("pending", 0)
    assert rows[dead["id"]].status == "dead"


async def test_batches_of_any_size_are_one_statement_on_postgresql(engine):
    rows = [delivery(LEASE) for _ in range(12)]
    async with engine.begin() as connection:
        await connection.execute(TABLE.insert(), rows)
    statements = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda conn, cursor, sql, *rest: statements.append(sql))
    recorded = []
    for start, size in ((0, 1), (1, 4), (5, 7)):
        async with engine.begin() as connection:
            chunk = rows[start : start + size]
            recorded += await write_delivered(connection, [Outcome(row["id"], LEASE, 200, None) for row in chunk], NOW)
    assert len(recorded) == 12
    if engine.dialect.name == "postgresql":
        assert len(set(statements)) == 1, f"one statement for every size: {set(statements)}"
