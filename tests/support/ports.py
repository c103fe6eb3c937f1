"""Ports for the processes and servers a test starts: one home, so no two ever get the same.

A port from `bind(("127.0.0.1", 0))` lies in Linux's ephemeral range (32768-60999), which the
kernel also hands to outgoing connections: between choosing such a port and the service
binding it (seconds, while databases migrate), a Kafka or PostgreSQL client of another
process could take it, or a later `bind(0)` could hand it out again. The CI run of 2026-12-06
lost four notification tests that way ("address already in use" for the service, a 404 from
whatever answered on its port). So ports come from below the ephemeral range, are checked free,
and are never handed out twice in one test run.
"""

from __future__ import annotations

import random
import socket

LOW, HIGH = 20000, 32000  # below the ephemeral range 32768-60999

# Ports others start on, in use or not at the moment: the shared development broker,
# PostgreSQL and Keycloak, the shared cluster (deploy/kafka/cluster.sh's defaults), the
# side-by-side CI runs' own instances and the ports `make up` uses. A test never takes one,
# so it cannot block a later start.
RESERVED = frozenset(
    {8001, 8002, 8003, 8004, 8005, 8006, 8090, 8180, 9092, 9093, 9999}
    | {19092, 19093, 19094, 19192, 19193, 19194, 28180, 29092, 29093, 55432, 55442}
)
_handed_out: set[int] = set()  # ports planned in this run but perhaps not bound yet


def is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_block(size: int) -> int:
    """The first of `size` consecutive free ports (deploy/kafka/cluster.sh puts node N on
    base + N - 1), none reserved or handed out before in this run."""
    for _ in range(500):
        base = random.randrange(LOW, HIGH - size)
        ports = range(base, base + size)
        if not (RESERVED | _handed_out).intersection(ports) and all(is_free(port) for port in ports):
            _handed_out.update(ports)
            return base
    raise RuntimeError(f"no {size} consecutive free ports between {LOW} and {HIGH}")


def free_port() -> int:
    """One free port, not reserved and not handed out before in this run."""
    return free_port_block(1)
