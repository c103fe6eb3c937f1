"""What the check counts, and its verdict.

- **lost**: stream signals without their alert at the prevention team's receiver, or not
  accepted by the intake, or not stored in its database;
- **duplicate alerts after dedupe**: a signal that led to more than one distinct alert
  (more than one CloudEvent id at the receiver, or more than one alert row in triage);
- **duplicate cases**: triage cases beyond one per dwelling signalled;
- **raw duplicate deliveries**: the same CloudEvent delivered again (at-least-once
  delivery: allowed, the receiver acts once per id), reported, not failed on.

`verdict` is pure; `receiver_counts` and `database_counts` gather its inputs."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass

import asyncpg

from tests.support.webhook_receiver import WebhookReceiver


@dataclass(frozen=True)
class Observed:
    total: int  # signals the stream was to post
    accepted: dict[int, str]  # n -> signal id, as the intake answered
    stored: set[str]  # signal ids in the intake's database
    alerts_at_receiver: Counter  # signal id -> distinct alert CloudEvents acted on
    alerts_in_triage: Counter  # signal id -> alert rows
    deliveries: Counter  # CloudEvent id -> deliveries that arrived (verified), repeats included
    cases: int  # cases in triage
    dwellings: int  # dwellings signalled (stream and stories)


@dataclass(frozen=True)
class Verdict:
    signals: int
    lost: int
    duplicate_alerts: int
    duplicate_cases: int
    raw_duplicates: int

    @property
    def passed(self) -> bool:
        return self.lost == 0 and self.duplicate_alerts == 0 and self.duplicate_cases == 0

    def line(self, wall_seconds: float) -> str:
        return (
            f"production-check: signals {self.signals}, lost {self.lost}, "
            f"duplicate alerts after dedupe {self.duplicate_alerts}, duplicate cases {self.duplicate_cases}, "
            f"raw duplicate deliveries {self.raw_duplicates}, wall {wall_seconds:.0f} s"
        )


def verdict(seen: Observed) -> Verdict:
    lost = sum(
        1
        for n in range(seen.total)
        if n not in seen.accepted or seen.accepted[n] not in seen.stored or seen.alerts_at_receiver[seen.accepted[n]] == 0
    )
    duplicate_alerts = sum(
        max(seen.alerts_at_receiver[signal], seen.alerts_in_triage[signal], 1) - 1 for signal in seen.accepted.values()
    )
    return Verdict(
        signals=seen.total,
        lost=lost,
        duplicate_alerts=duplicate_alerts,
        duplicate_cases=max(0, seen.cases - seen.dwellings),
        raw_duplicates=sum(count - 1 for count in seen.deliveries.values()),
    )


def receiver_counts(receiver: WebhookReceiver, path: str) -> tuple[Counter, Counter]:
    """(distinct alerts per signal id, deliveries per CloudEvent id) of what arrived at `path`."""
    raised = receiver.events(path, "nl.signaalketen.alert.raised.v1")
    alerts = Counter(event["data"]["signal_id"] for event in raised if event["data"].get("trigger", "signal") == "signal")
    return alerts, receiver.sends_per_event(path)


async def _database_counts(arrears_url: str, triage_url: str, signal_ids: list[str]) -> tuple[set[str], Counter, int]:
    arrears = await asyncpg.connect(arrears_url)
    triage = await asyncpg.connect(triage_url)
    try:
        stored = await arrears.fetch("SELECT id::text FROM signal WHERE id::text = ANY($1::text[])", signal_ids)
        alerts = await triage.fetch(
            "SELECT signal_id::text, count(*) AS n FROM alert WHERE signal_id::text = ANY($1::text[]) "
            "AND trigger = 'signal' GROUP BY signal_id", signal_ids,
        )  # fmt: skip
        cases = await triage.fetchval("SELECT count(*) FROM household_case")
    finally:
        await arrears.close()
        await triage.close()
    return {row["id"] for row in stored}, Counter({row["signal_id"]: row["n"] for row in alerts}), cases


def database_counts(arrears_url: str, triage_url: str, signal_ids: list[str]) -> tuple[set[str], Counter, int]:
    """(signal ids stored by the intake, alert rows per signal in triage, cases in triage)."""
    plain = [url.replace("postgresql+asyncpg://", "postgresql://") for url in (arrears_url, triage_url)]
    return asyncio.run(_database_counts(*plain, signal_ids))
