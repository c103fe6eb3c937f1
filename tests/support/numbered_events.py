"""Numbered test events for the outbox and relay tests: a valid event of the chain, built by the
tests' events builder (tests/support/events.py), whose case carries its number `n` (the outbox
numbers every staged event's `sequence`, so it must be a CloudEvent)."""

from __future__ import annotations

import json

from shared.contracts.envelope import encode
from tests.support.events import arrears_event

_PREFIX = "hh-"


def numbered_event(n: int) -> str:
    return encode(arrears_event(case=f"{_PREFIX}{n:016x}")).decode()


def number_of(value: bytes | str) -> int:
    return int(json.loads(value)["subject"].removeprefix(_PREFIX), 16)
