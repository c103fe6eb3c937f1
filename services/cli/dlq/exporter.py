"""Open dead letters in Prometheus' text format: once (`dlq list --prometheus`, e.g. for
node_exporter's textfile collector) or served (`dlq exporter`, read again every interval)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, generate_latest, start_http_server

from services.cli.dlq.letters import TopicSummary
from services.cli.dlq.workbench import Workbench
from shared.bus.dead_letter_metrics import OpenDeadLetters

log = logging.getLogger(__name__)


def exposition(summaries: list[TopicSummary], read_at: datetime) -> str:
    collector = OpenDeadLetters()
    collector.update([summary.metric() for summary in summaries], read_at)
    registry = CollectorRegistry(auto_describe=True)
    registry.register(collector)
    return generate_latest(registry).decode()


async def serve(workbench: Workbench, address: str, port: int, interval: float) -> None:
    """Serve /metrics on address:port; read the topics and the ledger every `interval` seconds.
    A failed reading keeps the last one: `signaalketen_dead_letters_read_timestamp_seconds`
    then stops moving, which an alert rule watches."""
    collector = OpenDeadLetters()
    registry = CollectorRegistry(auto_describe=True)
    registry.register(collector)
    start_http_server(port, addr=address, registry=registry)
    while True:
        try:
            summaries = await workbench.summaries()
            collector.update([summary.metric() for summary in summaries], datetime.now(UTC))
        except Exception as problem:  # noqa: BLE001 - the exporter goes on; the stale timestamp shows it
            log.warning("reading the dead-letter topics failed: %s: %s", type(problem).__name__, problem)
        await asyncio.sleep(interval)
