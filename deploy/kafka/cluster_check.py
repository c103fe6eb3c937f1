"""Readiness checks of the three-broker cluster through a real client (aiokafka), for
deploy/kafka/cluster.sh.

    python deploy/kafka/cluster_check.py brokers BOOTSTRAP N TIMEOUT   # every node of BOOTSTRAP answers and sees N brokers
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


async def _admin(bootstrap: str | list[str]) -> AIOKafkaAdminClient:
    servers = bootstrap.split(",") if isinstance(bootstrap, str) else bootstrap
    admin = AIOKafkaAdminClient(bootstrap_servers=servers, request_timeout_ms=3000)
    await asyncio.wait_for(admin.start(), 5)
    return admin


async def brokers(bootstrap: str, expected: int) -> str | None:
    """None when every node of `bootstrap` answers itself (bootstrapped on it alone) and the
    cluster has `expected` brokers; else what is wrong. Asking each node matters after a
    kill -9: the cluster lists a dead broker until its session times out."""
    for address in bootstrap.split(","):
        admin = await _admin([address])
        try:
            found = sorted(broker["node_id"] for broker in (await admin.describe_cluster())["brokers"])
        finally:
            await admin.close()
        if len(found) < expected:
            return f"{address} sees brokers {found}"
    return None


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
