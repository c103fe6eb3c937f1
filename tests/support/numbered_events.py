"""Numbered test events for the outbox and relay tests: a minimal valid CloudEvent whose
data is `{"n": n}` (the outbox numbers every staged event's `sequence`, so it must be one)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from shared.contracts.envelope import CloudEvent


def numbered_event(n: int) -> str:
    return CloudEvent(
        id=uuid.uuid4(), source="urn:nld:test:relay", type="nl.signaalketen.test.numbered.v1",
        time=datetime.now(UTC), subject=f"case-{n:08x}", data={"n": n},
    ).model_dump_json(exclude_none=True)  # fmt: skip


def number_of(value: bytes | str) -> int:
    return json.loads(value)["data"]["n"]
