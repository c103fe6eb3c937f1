"""The faults of the check, while the stream runs: kill -9 the broker that leads the most
partitions, let the stream go on with two, start it again and wait until its replicas are
in sync; then kill -9 one of the two instances of every service and start it again. By
default one service after the other, waiting until each is ready before the next (a
rolling restart); `together=True` (the CI variant) kills the first instance of every
service at once and starts them all again at once: every service still loses an instance
while signals flow and its other instance carries the load, in a fraction of the time."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
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


def restart_broker(stream: Stream, infra: Infrastructure, log: Callable[[str], None], down: float) -> str:
    node = asyncio.run(_busiest_broker(infra.cluster.bootstrap))
    log(f"kill -9 broker {node} (leads the most partitions) at {len(stream.accepted)} signals accepted")
    infra.cluster.kill(node)
    time.sleep(down)
    started = time.monotonic()
    infra.restart_broker(node)
    return f"broker {node}: killed -9, back and in sync after {time.monotonic() - started:.0f} s"


def restart_instance(stream: Stream, deployment: Deployment, service: str) -> str:
    at = len(stream.accepted)
    started = time.monotonic()
    deployment.restart(service, 0)
    return f"{service}-1: killed -9 at {at} signals accepted, ready again after {time.monotonic() - started:.0f} s"


def rolling_restart(
    stream: Stream,
    infra: Infrastructure,
    deployment: Deployment,
    log: Callable[[str], None],
    *,
    together: bool = False,
    broker_down: float = BROKER_DOWN_SECONDS,
) -> list[str]:
    """Runs the faults; returns what was done, with timings. Always lets the stream finish."""
    done: list[str] = []
    try:
        stream.wait_until(START_AT)
        done.append(restart_broker(stream, infra, log, broker_down))
        log(done[-1])
        if together:
            with ThreadPoolExecutor(len(ORDER)) as pool:
                for line in pool.map(lambda service: restart_instance(stream, deployment, service), ORDER):
                    done.append(line)
                    log(line)
            return done
        for service in ORDER:
            done.append(restart_instance(stream, deployment, service))
            log(done[-1])
    finally:
        stream.faults_done.set()
    return done
