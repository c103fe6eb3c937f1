"""Pure rules of the intake: who may post which signal, and how a request becomes an event."""

from uuid import UUID

from shared.contracts.events import signals as contract
from shared.organisations import Organisation, Role
from services.arrears.schemas import SignalBase

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
        municipality_code=body.address.adresseerbaarObjectIdentificatie[:4],
        **facts,
    )
