"""The stand-in's protocollering: what each request said about its purpose, as a BRP
gateway logs it. The real BRP keeps such a protocol of every request (who asked, under
which purpose binding and processing activity); the stand-in logs the same headers and
keeps the last ones for a test to read (`GET /haalcentraal/protocollering`).

Only the query type and the purpose headers are kept: never the BSN, address or answer.
A request without them is still answered (the stand-in is lenient) and logged as such.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from fastapi import Request

from shared.tracing import trace_id_from

log = logging.getLogger("services.register.protocollering")
HEADERS = ("x-doelbinding", "x-verwerking", "x-origin-oin", "x-gebruiker")
KEPT = 10_000


@dataclass(frozen=True)
class ProtocolEntry:
    at: datetime
    operation: str
    doelbinding: str | None
    verwerking: str | None
    origin_oin: str | None
    gebruiker: str | None
    trace_id: str | None


class Protocollering:
    def __init__(self, kept: int = KEPT):
        self._entries: deque[ProtocolEntry] = deque(maxlen=kept)

    def record(self, request: Request, operation: object) -> ProtocolEntry:
        values = [request.headers.get(name) for name in HEADERS]
        entry = ProtocolEntry(
            datetime.now(UTC), str(operation)[:60], *values, trace_id_from(request.headers.get("traceparent"))
        )
        self._entries.append(entry)
        missing = [name for name, value in zip(HEADERS, values) if not value]
        log.info(
            "protocollering %s doelbinding=%r verwerking=%r origin-oin=%r gebruiker=%r trace=%s%s",
            entry.operation, entry.doelbinding, entry.verwerking, entry.origin_oin, entry.gebruiker, entry.trace_id,
            f" (without {', '.join(missing)})" if missing else "",
        )  # fmt: skip
        return entry

    def latest(self, limit: int) -> list[dict]:
        return [asdict(entry) for entry in list(self._entries)[-limit:][::-1]]
