"""How far behind the chain's consumers are, read from Kafka itself (committed offsets
against end offsets), so a benchmark can say when every consumer, not only the one that
sends webhooks, has handled the run."""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from tests.support.kafka_tools import partitions_of


async def lag_per_group(bootstrap: str, group_prefix: str) -> dict[str, int]:
    """Records not yet committed, per consumer group whose id starts with `group_prefix`
    (the chain's topic prefix). A partition a group has never committed counts whole."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await admin.start()
    await reader.start()
    try:
        groups = [group for group, _ in await admin.list_consumer_groups() if group.startswith(group_prefix)]
        lags: dict[str, int] = {}
        for group in groups:
            committed = await admin.list_consumer_group_offsets(group)
            topics = sorted({partition.topic for partition in committed})
            partitions = await partitions_of(bootstrap, topics)  # every partition, committed to or not
            ends = await reader.end_offsets(partitions) if partitions else {}
            lags[group] = sum(
                max(end - (committed[p].offset if p in committed and committed[p].offset >= 0 else 0), 0)
                for p, end in ends.items()
            )
        return lags
    finally:
        await reader.stop()
        await admin.close()


def wait_until_caught_up(bootstrap: str, group_prefix: str, timeout: float = 3600) -> tuple[float, dict[str, int]]:
    """Block until every group of the chain has committed everything; returns when (monotonic)
    and the last lags seen (all zero unless the timeout passed)."""
    deadline = time.monotonic() + timeout
    while True:
        lags = asyncio.run(lag_per_group(bootstrap, group_prefix))
        if (lags and not any(lags.values())) or time.monotonic() > deadline:
            return time.monotonic(), lags
        time.sleep(0.5)
