"""Use case: accept a partner's signal, or the new rows of a batch: store each with its
event in the outbox (one transaction), the address sealed and the case keyed by its pseudonym.
The routes (services.arrears.api) translate HTTP to these and back.

A batch's signal rows are written as one INSERT run with every row (executemany on the
table), not as ORM objects: building and flushing a thousand ORM objects was the largest
part of the intake's CPU per row (docs/adr/0035)."""

from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.organisations import Organisation
from shared.persistence.new_rows import new_row
from shared.privacy import Dwelling
from shared.runtime import Runtime
from shared.tracing import own_trace
from services.arrears.intake import CheckedRow, PlannedRow, RowFate, fingerprint, note_of, plan_rows, to_event_data
from services.arrears.tables import Signal

_INSERT_SIGNALS = insert(Signal.__table__)


async def accept(runtime: Runtime, body, organisation: Organisation, idempotency_key: str | None) -> Signal | None:
    """Store and stage one signal; concurrent posts share a transaction (shared.persistence.group_commit)."""
    row, data = _new_signal(runtime, body, organisation, idempotency_key)
    signal = new_row(Signal, **row)  # without the constructor's per-column setattr (docs/adr/0053)
    try:
        await runtime.writes.write(lambda session: _stage(runtime, session, signal, data, organisation))
    except IntegrityError:
        if idempotency_key is None:
            raise
        return None
    runtime.relay.wake()
    return signal


async def accept_rows(runtime: Runtime, organisation: Organisation, rows: list[CheckedRow]) -> list[PlannedRow]:
    """Store and stage every new row of a batch in one transaction; a reference seen
    before (earlier request or earlier row) replays the earlier signal, or is refused
    when its body differs (intake.plan_rows).

    Raises IntegrityError when a concurrent request stored one of the references first:
    the caller retries, and then finds that signal as an earlier one."""
    references = list({row.reference for row in rows if row.reference is not None})
    known: dict[str, tuple[UUID, str | None]] = {}
    if references:
        async with runtime.sessions() as session:
            query = select(Signal).where(Signal.organisation_id == organisation.id, col(Signal.idempotency_key).in_(references))
            known = {s.idempotency_key: (s.id, s.request_sha256) for s in (await session.exec(query)).all()}
    planned = plan_rows(rows, known, uuid4)
    staged = [
        _new_signal(runtime, p.row.body, organisation, p.row.reference, signal_id=p.signal_id, digest=p.fingerprint)
        for p in planned
        if p.fate is RowFate.NEW
    ]
    if staged:
        async with runtime.sessions() as session, session.begin():
            await session.exec(_INSERT_SIGNALS, params=[row for row, _ in staged])
            for row, data in staged:
                # One family's signal is one trace, linked to the batch request's (docs/adr/0031).
                with own_trace(runtime.tracer, "accept batch row", {"signal.id": str(row["id"])}):
                    _emit(runtime, session, data, organisation, signal_id=row["id"], case_key=row["case_key"])
        runtime.relay.wake()
    return planned


def _new_signal(
    runtime: Runtime, body, organisation: Organisation, idempotency_key: str | None, *, signal_id: UUID | None = None, digest: str | None = None
) -> tuple[dict[str, Any], Any]:
    """The signal's row (its table's columns) and its event: the address sealed, the case keyed by its pseudonym."""
    address = body.address
    dwelling = Dwelling(
        adresseerbaar_object_id=address.adresseerbaarObjectIdentificatie,
        postcode=address.postcode,
        huisnummer=address.huisnummer,
        huisletter=address.huisletter,
        toevoeging=address.huisnummertoevoeging,
        gemeentecode=None if address.adresseerbaarObjectIdentificatie else address.gemeentecode,
    )
    sealed = runtime.address_seal.seal(dwelling)
    # BAG-keyed, or postcode-keyed without a BAG id; triage joins the latter to the dwelling's case.
    case_key = runtime.pseudonym(dwelling.identification)
    signal_id = signal_id or uuid4()
    data = to_event_data(body, signal_id=signal_id, organisation=organisation, sealed_address=sealed)
    outcome = body.value_of("outcome")
    row = {
        "id": signal_id,
        "organisation_id": organisation.id,
        "type": body.type,
        "idempotency_key": idempotency_key,
        "request_sha256": (digest or fingerprint(body)) if idempotency_key is not None else None,
        "case_key": case_key,
        "municipality_code": data.municipality_code,
        "observed_on": body.observed_on,
        "sealed_address": sealed,
        "received_at": runtime.clock.now(),
        "outcome": None if outcome is None else outcome.value,
        "note": note_of(body),
    }
    return row, data


def _stage(runtime: Runtime, session: AsyncSession, signal: Signal, data, organisation: Organisation) -> None:
    """Store the signal and stage its event in the caller's transaction (transactional outbox)."""
    session.add(signal)
    _emit(runtime, session, data, organisation, signal_id=signal.id, case_key=signal.case_key)


def _emit(runtime: Runtime, session: AsyncSession, data, organisation: Organisation, *, signal_id: UUID, case_key: str) -> None:
    # The signal's id is its CloudEvent id, so the partner can trace it through the chain.
    runtime.emit(session, data, subject=case_key, event_id=signal_id, source=organisation.source_urn)


async def by_idempotency_key(runtime: Runtime, organisation_id: str, key: str) -> Signal | None:
    async with runtime.sessions() as session:
        query = select(Signal).where(Signal.organisation_id == organisation_id, Signal.idempotency_key == key)
        return (await session.exec(query)).first()
