"""Pure rules of the intake: who may post which signal, how a request becomes an
event, and how each row of a batch is judged on its own."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pydantic import TypeAdapter, ValidationError

from shared.contracts.events import signals as contract
from shared.http import clean_errors
from shared.organisations import Organisation, Role
from services.arrears.schemas import Reference, SignalBase, SignalIn

EVENT_MODELS: dict[str, type[contract.SignalData]] = {
    "arrears.reported": contract.ArrearsReported,
    "arrears.resolved": contract.ArrearsResolved,
    "eviction.verdict-issued": contract.VerdictIssued,
    "eviction.scheduled": contract.EvictionScheduled,
    "eviction.cancelled": contract.EvictionCancelled,
    "eviction.executed": contract.EvictionExecuted,
    "eviction.family-found": contract.FamilyFoundAtEviction,
}

_EVICTION_TYPES = frozenset(name for name in EVENT_MODELS if name.startswith("eviction."))
MAY_POST: dict[Role, frozenset[str]] = {
    Role.CORPORATION: frozenset(EVENT_MODELS),
    Role.BAILIFF: _EVICTION_TYPES,
    Role.POLICE: frozenset({"eviction.family-found"}),
}
SIGNALLER_ROLES = tuple(MAY_POST)


def may_post(organisation: Organisation, signal_type: str) -> bool:
    return signal_type in MAY_POST.get(organisation.role, frozenset())


def to_event_data(body: SignalBase, *, signal_id: UUID, organisation: Organisation, sealed_address: str):
    facts = body.model_dump(exclude={"type", "address"})
    return EVENT_MODELS[body.type](
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


def check_row(index: int, raw: Any, organisation: Organisation) -> CheckedRow:
    """Validate one batch row as POST /v1/signals would (body, then role), with its `reference`.

    Error entries have the shape of FastAPI's 422 detail, located at
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
    if errors:
        return CheckedRow(index, reference, errors=tuple(errors))
    return CheckedRow(index, reference, body=body)


def field_errors(errors: list[dict[str, Any]], prefix: tuple[str | int, ...]) -> list[dict[str, Any]]:
    """A batch row's errors, shaped like the single endpoint's 422 body."""
    return clean_errors(errors, prefix)


def first_with_reference(rows: list[CheckedRow]) -> dict[str, CheckedRow]:
    """Within one batch the first valid row of a reference is the signal; later ones replay it."""
    first: dict[str, CheckedRow] = {}
    for row in rows:
        if row.reference is not None:
            first.setdefault(row.reference, row)
    return first
