"""Where a signal's latency goes: when each signal reached the signals topic and its alert
the alerts topic, read from the records' own timestamps (the producer's wall clock, as the
broker keeps them), so a latency run can split POST -> webhook into the intake, triage and
notifications hops without touching the services.

The benchmark reads both topics after the run, from the start, so it adds no work to the
chain while the chain is measured."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer

from shared.contracts.event_types import ALERT_RAISED
from shared.contracts.topics import ALERTS, SIGNALS
from tests.support.kafka_tools import partitions_of


@dataclass
class Hops:
    """Per signal id: wall-clock seconds at which it was posted, published, alerted, delivered."""

    posted: dict[str, float] = field(default_factory=dict)
    published: dict[str, float] = field(default_factory=dict)
    alerted: dict[str, float] = field(default_factory=dict)
    delivered: dict[str, float] = field(default_factory=dict)

    def legs(self) -> dict[str, list[float]]:
        """Milliseconds per hop, for the signals seen at both of its ends."""
        stages = [("intake (POST -> signals topic)", self.posted, self.published),
                  ("triage (signals -> alerts topic)", self.published, self.alerted),
                  ("notifications (alerts topic -> webhook)", self.alerted, self.delivered)]
        return {name: [(end[s] - begin[s]) * 1000 for s in begin if s in end] for name, begin, end in stages}


async def read_topic_times(bootstrap: str, prefix: str, hops: Hops) -> None:
    """Fill `published` and `alerted` from the chain's signals and alerts topics."""
    signals, alerts = f"{prefix}{SIGNALS}", f"{prefix}{ALERTS}"
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await reader.start()
    try:
        partitions = await partitions_of(bootstrap, [signals, alerts])
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        ends = await reader.end_offsets(partitions)
        while [p for p, end in ends.items() if await reader.position(p) < end]:
            for partition, records in (await reader.getmany(timeout_ms=500)).items():
                for record in records:
                    event = json.loads(record.value)
                    if partition.topic == signals:
                        hops.published.setdefault(event["id"], record.timestamp / 1000)
                    elif event["type"] == ALERT_RAISED and event["data"].get("signal_id"):
                        hops.alerted.setdefault(event["data"]["signal_id"], record.timestamp / 1000)
    finally:
        await reader.stop()
