"""The faults of the check, while the stream runs: kill -9 the broker that leads the most
partitions, let the stream go on with two, start it again and wait until its replicas are
in sync; then, one service after the other, kill -9 one of its two instances and start it
again, waiting until it is ready before the next (a rolling restart)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Callable

from aiokafka.admin import AIOKafkaAdminClient

from tests.production.deployment import Deployment
from tests.production.infrastructure import Infrastructure
from tests.production.stream import Stream

START_AT = 0.1  # fraction of the stream accepted before the first kill
BROKER_DOWN_SECONDS = 10.0
ORDER = ("arrears", "triage", "placement", "notifications", "monitor", "portal")


async def _busiest_broker(bootstrap: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    await admin.start()
    try:
        described = await admin.describe_topics(await admin.list_topics())
    finally:
        await admin.close()
    leaders = Counter(partition["leader"] for topic in described for partition in topic["partitions"])
    return leaders.most_common(1)[0][0]


def rolling_restart(stream: Stream, infra: Infrastructure, deployment: Deployment, log: Callable[[str], None]) -> list[str]:
    """Runs the faults; returns what was done, with timings. Always lets the stream finish."""
    done: list[str] = []
    try:
        stream.wait_until(START_AT)
        node = asyncio.run(_busiest_broker(infra.cluster.bootstrap))
        log(f"kill -9 broker {node} (leads the most partitions) at {len(stream.accepted)} signals accepted")
        infra.cluster.kill(node)
        time.sleep(BROKER_DOWN_SECONDS)
        started = time.monotonic()
        infra.restart_broker(node)
        done.append(f"broker {node}: killed -9, back and in sync after {time.monotonic() - started:.0f} s")
        log(done[-1])
        for service in ORDER:
            at = len(stream.accepted)
            started = time.monotonic()
            deployment.restart(service, 0)
            done.append(f"{service}-1: killed -9 at {at} signals accepted, ready again after {time.monotonic() - started:.0f} s")
            log(done[-1])
    finally:
        stream.faults_done.set()
    return done
