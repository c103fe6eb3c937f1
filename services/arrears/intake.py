"""Pure rules of the intake: who may post which signal, how a request becomes an
event, and how each row of a batch is judged on its own."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any
from uuid import UUID

from pydantic import TypeAdapter, ValidationError

from shared.contracts.event_types import SignalType
from shared.contracts.events.signals import SIGNALS
from shared.problems import clean_errors
from shared.organisations import Organisation, Role
from services.arrears.domain.dates import DateWindow, as_errors, date_problems
from services.arrears.schemas import Reference, SignalBase, SignalIn

_EVICTION_TYPES = frozenset(t for t in SignalType if t.value.startswith("eviction."))
# Besides its own signals, a partner who sees a household in trouble may report a concern
# (zorgmelding): police, care teams, the GGD and the municipality (its Platform Overlast).
# The housing support's relapse is seen by the corporation and by the shelter that gives
# the support (the Verdihuis in Oss).
_CONCERN = frozenset({SignalType.CONCERN_REPORTED})
MAY_POST: dict[Role, frozenset[SignalType]] = {
    Role.CORPORATION: frozenset(SignalType),
    Role.BAILIFF: _EVICTION_TYPES,
    Role.POLICE: frozenset({SignalType.FAMILY_FOUND}) | _CONCERN,
    Role.PREVENTION_TEAM: _CONCERN,
    Role.GGD: _CONCERN,
    Role.MUNICIPALITY: _CONCERN,
    Role.SHELTER: frozenset({SignalType.SUPPORT_RELAPSED}),
}
SIGNALLER_ROLES = tuple(MAY_POST)


def may_post(organisation: Organisation, signal_type: SignalType) -> bool:
    return signal_type in MAY_POST.get(organisation.role, frozenset())


def fingerprint(body: SignalBase) -> str:
    """What an Idempotency-Key (or batch reference) promises: this body, and no other."""
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


IDEMPOTENCY_CONFLICT = "idempotency_key_conflict"
CONFLICT_MESSAGE = "was used before with a different body; use a new key for a new signal"


def idempotency_conflict(loc: list[str | int]) -> dict[str, Any]:
    return {"loc": loc, "msg": f"{loc[-1]} {CONFLICT_MESSAGE}", "type": IDEMPOTENCY_CONFLICT}


def replays(stored_fingerprint: str | None, body: SignalBase) -> bool:
    """Does a body repeat the one stored under its key? (rows stored before fingerprints: yes)"""
    return stored_fingerprint is None or stored_fingerprint == fingerprint(body)


# What a partner writes in its own words stays here (`Signal.note`); the bus carries codes (docs/adr/0023).
KEPT_AT_INTAKE = frozenset({"reason"})


def note_of(body: SignalBase) -> str | None:
    """The signaller's own words on the signal (why an eviction was called off), if any."""
    return next((body.value_of(name) for name in sorted(KEPT_AT_INTAKE) if body.value_of(name)), None)


def to_event_data(body: SignalBase, *, signal_id: UUID, organisation: Organisation, sealed_address: str):
    facts = body.model_dump(exclude={"type", "address", *KEPT_AT_INTAKE})
    return SIGNALS[body.type](
        signal_id=signal_id,
        reported_by=organisation.id,
        sealed_address=sealed_address,
        municipality_code=body.address.municipality_code,
        **facts,
    )


# --- Batches: each row on its own -------------------------------------------------

_SIGNAL = TypeAdapter(SignalIn)
_REFERENCE = TypeAdapter(Reference)
FORBIDDEN_TYPE = "signal_type_forbidden"


@dataclass(frozen=True)
class CheckedRow:
    """One row of a batch after validation: a body to accept, or the reasons it was refused."""

    index: int
    reference: str | None
    body: SignalBase | None = None
    errors: tuple[dict[str, Any], ...] = ()


def check_row(index: int, raw: Any, organisation: Organisation, today: date, window: DateWindow) -> CheckedRow:
    """Validate one batch row as POST /v1/signals would (body, role, dates), with its `reference`.

    Error entries are {loc, msg, type}, as a 400 lists them in invalid-params, located at
    ("body", "signals", index, ...), and never carry the submitted value."""
    prefix = ("body", "signals", index)
    fields = dict(raw) if isinstance(raw, dict) else raw
    reference, errors = None, []
    if isinstance(fields, dict) and "reference" in fields:
        try:
            reference = _REFERENCE.validate_python(fields.pop("reference"))
        except ValidationError as invalid:
            errors += field_errors(invalid.errors(), (*prefix, "reference"))
    try:
        body = _SIGNAL.validate_python(fields)
    except ValidationError as invalid:
        return CheckedRow(index, reference, errors=(*errors, *field_errors(invalid.errors(), prefix)))
    if not may_post(organisation, body.type):
        errors.append(
            {"loc": [*prefix, "type"], "msg": f"a {organisation.role.value} may not post {body.type}", "type": FORBIDDEN_TYPE}
        )
    errors += as_errors(date_problems(body, today, window), prefix)
    if errors:
        return CheckedRow(index, reference, errors=tuple(errors))
    return CheckedRow(index, reference, body=body)


def field_errors(errors: list[dict[str, Any]], prefix: tuple[str | int, ...]) -> list[dict[str, Any]]:
    """A batch row's errors, shaped like the single endpoint's 400 invalid-params."""
    return clean_errors(errors, prefix)


class RowFate(Enum):
    NEW = "new"  # store and publish
    REPLAY = "replay"  # the reference was seen with this body: answer the earlier signal
    CONFLICT = "conflict"  # the reference was seen with another body: refuse the row


@dataclass(frozen=True)
class PlannedRow:
    row: CheckedRow
    fate: RowFate
    fingerprint: str
    signal_id: UUID | None = None  # NEW: the new signal's id; REPLAY: the earlier signal's; CONFLICT: None


def plan_rows(rows: list[CheckedRow], known: dict[str, tuple[UUID, str | None]], new_id) -> list[PlannedRow]:
    """What becomes of each valid row, given the references stored before (id, fingerprint).

    Within one batch the first row of a reference is the signal; a later row with the
    same body replays it, one with another body is refused like a reused Idempotency-Key."""
    seen = dict(known)
    planned = []
    for row in rows:
        digest = fingerprint(row.body)
        earlier = seen.get(row.reference) if row.reference is not None else None
        if earlier is None:
            signal_id = new_id()
            if row.reference is not None:
                seen[row.reference] = (signal_id, digest)
            planned.append(PlannedRow(row, RowFate.NEW, digest, signal_id))
        elif earlier[1] is None or earlier[1] == digest:
            planned.append(PlannedRow(row, RowFate.REPLAY, digest, earlier[0]))
        else:
            planned.append(PlannedRow(row, RowFate.CONFLICT, digest))
    return planned
