"""Read what the chain did: alerts at the webhook receiver, rows in each service's
database (directly, not through the proxies), records on the dead-letter topics."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import datetime

import asyncpg

from shared.contracts import event_types
from shared.contracts import topics as chain_topics
from tests.faults.chain import FaultChain
from tests.support.kafka_tools import read_all_async
from tests.faults.tally import DeadLetter, Observed


def observe(chain: FaultChain, *, with_dead_letters: bool = False) -> Observed:
    observed = Observed()
    _receiver(chain, observed)
    asyncio.run(_databases(chain, observed))
    if with_dead_letters:
        observed.dead_letters = asyncio.run(_dead_letters(chain))
    return observed


def _receiver(chain: FaultChain, observed: Observed) -> None:
    for received in list(chain.receiver.received):
        if not received.verified:
            continue
        if not received.first_time:
            observed.redeliveries += 1
        event = received.event
        if event.get("type") != event_types.ALERT_RAISED:
            continue
        data = event["data"]
        alerts = observed.receiver_alerts.setdefault(data["signal_id"], {})
        alerts.setdefault((data["recipient"], data["rule_id"]), set()).add(event["id"])


async def _databases(chain: FaultChain, observed: Observed) -> None:
    arrears, triage, monitor, placement = [
        await asyncpg.connect(chain.direct_database(service)) for service in ("arrears", "triage", "monitor", "placement")
    ]
    try:
        observed.routed = {row[0] for row in await arrears.fetch("SELECT DISTINCT signal_id::text FROM signal_routing")}
        for signal, recipient, rule, count in await triage.fetch(
            "SELECT signal_id::text, recipient, rule_id, count(*) FROM alert GROUP BY 1, 2, 3"
        ):
            observed.triage_alerts.setdefault(signal, Counter())[(recipient, rule)] = count
        observed.counted = {row[0] for row in await monitor.fetch("SELECT event_id::text FROM processed_event")}
        observed.placement_requests = Counter(
            {key: count for key, count in await placement.fetch("SELECT case_key, count(*) FROM placement_request GROUP BY 1")}
        )
    finally:
        for connection in (arrears, triage, monitor, placement):
            await connection.close()


async def _dead_letters(chain: FaultChain) -> list[DeadLetter]:
    """Every record on the run's dead-letter topics (read until they stay quiet)."""
    names = [chain_topics.dead_letter_topic(chain.prefix + topic) for topic in chain_topics.ALL]
    found: list[DeadLetter] = []
    for records in await asyncio.gather(*(read_all_async(chain.kafka, name, idle_ms=1500) for name in names)):
        found.extend(_dead_letter(record) for record in records)
    return found


def _dead_letter(record) -> DeadLetter:
    headers = {name: value.decode(errors="replace") for name, value in record.headers or ()}
    try:
        event_id = json.loads(record.value).get("id")
    except (ValueError, AttributeError, TypeError):
        event_id = None
    at = datetime.fromisoformat(headers["dlq-time"]).timestamp() if "dlq-time" in headers else record.timestamp / 1000
    return DeadLetter(at, event_id, record.topic, headers.get("dlq-reason", ""))
