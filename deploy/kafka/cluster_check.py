"""Readiness checks of the three-broker cluster through a real client (aiokafka), for
deploy/kafka/cluster.sh.

    python deploy/kafka/cluster_check.py brokers BOOTSTRAP N TIMEOUT   # N brokers registered and answering
    python deploy/kafka/cluster_check.py in-sync BOOTSTRAP TIMEOUT     # every partition has all replicas in sync

Exit 0 when the condition holds within TIMEOUT seconds, 1 (with what was last seen) otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time

from aiokafka.admin import AIOKafkaAdminClient

logging.getLogger("aiokafka").disabled = True  # a node still starting refuses connections: not news


async def _admin(bootstrap: str) -> AIOKafkaAdminClient:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap.split(","), request_timeout_ms=3000)
    await asyncio.wait_for(admin.start(), 5)
    return admin


async def brokers(bootstrap: str, expected: int) -> str | None:
    """None when `expected` brokers are registered; else what is wrong."""
    admin = await _admin(bootstrap)
    try:
        found = sorted(broker["node_id"] for broker in (await admin.describe_cluster())["brokers"])
    finally:
        await admin.close()
    return None if len(found) >= expected else f"brokers registered: {found}"


async def in_sync(bootstrap: str) -> str | None:
    """None when no partition of any topic misses an in-sync replica."""
    admin = await _admin(bootstrap)
    try:
        described = await admin.describe_topics(await admin.list_topics())
    finally:
        await admin.close()
    behind = [
        f"{topic['topic']}/{partition['partition']}"
        for topic in described
        for partition in topic["partitions"]
        if set(partition["isr"]) != set(partition["replicas"])
    ]
    return None if not behind else f"{len(behind)} partition(s) with replicas out of sync, e.g. {behind[:3]}"


async def wait(check, timeout: float) -> int:
    deadline, problem = time.monotonic() + timeout, "no answer"
    while time.monotonic() < deadline:
        try:
            problem = await asyncio.wait_for(check(), 8)
            if problem is None:
                return 0
        except Exception as exc:  # noqa: BLE001 - not ready yet; reported at the end
            problem = f"{type(exc).__name__}: {exc}"
        await asyncio.sleep(0.3)
    print(problem, file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    if argv[:1] == ["brokers"] and len(argv) == 4:
        return asyncio.run(wait(lambda: brokers(argv[1], int(argv[2])), float(argv[3])))
    if argv[:1] == ["in-sync"] and len(argv) == 3:
        return asyncio.run(wait(lambda: in_sync(argv[1]), float(argv[2])))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
