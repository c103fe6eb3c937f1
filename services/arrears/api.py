"""Partner endpoints: post a signal or a batch of them, read the status of your own signals."""

from collections.abc import Sequence
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response, status
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.organisations import Organisation
from shared.persistence.outbox import OutboxMessage
from shared.privacy import Dwelling
from shared.runtime import Runtime
from shared.auth import caller
from shared.caller import Caller
from services.arrears.intake import SIGNALLER_ROLES, CheckedRow, check_row, first_with_reference, may_post, to_event_data
from services.arrears.schemas import (
    MAX_BATCH,
    BatchIn,
    BatchResult,
    Routing,
    RowAccepted,
    RowRejected,
    SignalAccepted,
    SignalIn,
    SignalList,
    SignalStatus,
    SignalType,
)
from services.arrears.tables import Signal, SignalFeedback, SignalRouting

router = APIRouter(prefix="/v1/signals", tags=["signals"])
Signaller = Annotated[Caller, Depends(caller(*SIGNALLER_ROLES))]
NOT_FOUND = "no such signal"
BATCH_ATTEMPTS = 3  # a concurrent request may store one of a batch's references first


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SignalAccepted,
    summary="Post a signal (arrears, verdict, eviction, family found)",
    responses={200: {"model": SignalAccepted, "description": "same Idempotency-Key: the earlier signal"}},
)
async def post_signal(
    body: SignalIn,
    organisation: Signaller,
    runtime: RuntimeDep,
    response: Response,
    request: Request,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> SignalAccepted:
    if not may_post(organisation, body.type):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"a {organisation.role.value} may not post {body.type}")
    if idempotency_key is not None:
        earlier = await _by_idempotency_key(runtime, organisation.id, idempotency_key)
        if earlier is not None:
            response.status_code = status.HTTP_200_OK
            return _accepted(request, earlier)
    signal = await _accept(runtime, body, organisation, idempotency_key)
    if signal is None:  # a concurrent request with the same Idempotency-Key won
        signal = await _by_idempotency_key(runtime, organisation.id, idempotency_key)
        response.status_code = status.HTTP_200_OK
    return _accepted(request, signal)


@router.post(
    "/batch",
    response_model=BatchResult,
    summary=f"Post up to {MAX_BATCH} signals at once (a corporation's monthly run)",
    responses={409: {"description": "references of this batch were being posted concurrently; retry"}},
    description=(
        "Each row is judged on its own, exactly as POST /v1/signals would judge it: valid rows are stored and "
        "published, invalid rows are listed with 422-style field errors and nothing of them is published. "
        "A row's `reference` acts as its Idempotency-Key: the same reference again (in this or a later batch, "
        "or as an Idempotency-Key header) answers the earlier signal's id, so replaying a file publishes nothing new."
    ),
)
async def post_batch(body: BatchIn, organisation: Signaller, runtime: RuntimeDep) -> BatchResult:
    rows = [check_row(index, raw, organisation) for index, raw in enumerate(body.signals)]
    valid = [row for row in rows if row.body is not None]
    for _attempt in range(BATCH_ATTEMPTS):
        try:
            accepted = await _accept_rows(runtime, organisation, valid)
            break
        except IntegrityError:
            continue
    else:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="references of this batch are being posted concurrently; retry")
    rejected = [RowRejected(index=row.index, reference=row.reference, errors=list(row.errors)) for row in rows if row.errors]
    return BatchResult(accepted=accepted, rejected=rejected)


@router.get("", response_model=SignalList, summary="Your own signals, newest first")
async def list_signals(
    organisation: Signaller,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    type: Annotated[SignalType | None, Query(description="only signals of this type")] = None,
) -> SignalList:
    mine = [Signal.organisation_id == organisation.id]
    if type is not None:
        mine.append(Signal.type == type)
    async with runtime.sessions() as session:
        total = (await session.exec(select(func.count()).select_from(Signal).where(*mine))).one()
        page = select(Signal).where(*mine).order_by(col(Signal.received_at).desc(), col(Signal.id)).offset(offset).limit(limit)
        signals = (await session.exec(page)).all()
        items = await _statuses(runtime, session, signals)
    return SignalList(items=items, total=total, limit=limit, offset=offset)


@router.get("/{signal_id}", response_model=SignalStatus, summary="Status of one of your own signals")
async def read_signal(signal_id: UUID, organisation: Signaller, runtime: RuntimeDep) -> SignalStatus:
    async with runtime.sessions() as session:
        signal = await session.get(Signal, signal_id)
        if signal is None or signal.organisation_id != organisation.id:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
        [found] = await _statuses(runtime, session, [signal])
    return found


async def _statuses(runtime: Runtime, session: AsyncSession, signals: Sequence[Signal]) -> list[SignalStatus]:
    """The status of each signal, read with one query per table whatever the page size."""
    ids = [signal.id for signal in signals]
    if not ids:
        return []
    sent = {
        row.event_id: row.sent_at
        for row in (await session.exec(select(OutboxMessage).where(col(OutboxMessage.event_id).in_(ids)))).all()
    }
    routes: dict[UUID, list[SignalRouting]] = {}
    query = select(SignalRouting).where(col(SignalRouting.signal_id).in_(ids)).order_by(col(SignalRouting.routed_at))
    for route in (await session.exec(query)).all():
        routes.setdefault(route.signal_id, []).append(route)
    feedback = {
        row.alert_id: row
        for row in (await session.exec(select(SignalFeedback).where(col(SignalFeedback.signal_id).in_(ids)))).all()
    }
    return [_status(runtime, signal, sent.get(signal.id), routes.get(signal.id, []), feedback) for signal in signals]


def _status(runtime: Runtime, signal: Signal, forwarded_at, routes: list[SignalRouting], feedback: dict) -> SignalStatus:
    state = "routed" if routes else "forwarded" if forwarded_at else "received"
    routing = [_routing(runtime, route, feedback.get(route.alert_id)) for route in routes]
    finals = sorted((r for r in routing if r.final_report_on), key=lambda r: r.final_report_on)
    suspensions = [r.collection_suspended_until for r in routing if r.collection_suspended_until]
    return SignalStatus(
        id=signal.id,
        type=signal.type,
        reference=signal.idempotency_key,
        observed_on=signal.observed_on,
        received_at=signal.received_at,
        status=state,
        forwarded_at=forwarded_at,
        routing=routing,
        outcome=finals[-1].outcome if finals else None,
        collection_suspended_until=suspensions[-1] if suspensions else None,
    )


def _routing(runtime: Runtime, route: SignalRouting, feedback: SignalFeedback | None) -> Routing:
    """A route with its feedback; after the final report its suspension replaces the provisional one."""
    final = feedback is not None and feedback.final_report_on is not None
    return Routing(
        recipient=route.recipient,
        recipient_name=_name(runtime, route.recipient),
        kind=route.kind,
        routed_at=route.routed_at,
        intermediate_report_due=route.intermediate_report_due,
        final_report_due=route.final_report_due,
        contact_made_on=feedback.contact_made_on if feedback else None,
        intermediate_report_on=feedback.intermediate_report_on if feedback else None,
        final_report_on=feedback.final_report_on if feedback else None,
        outcome=feedback.outcome if feedback else None,
        collection_suspended_until=feedback.collection_suspended_until if final else route.collection_suspended_until,
    )


async def _accept(runtime: Runtime, body, organisation: Organisation, idempotency_key: str | None) -> Signal | None:
    """Store and stage one signal; concurrent posts share a transaction (shared.persistence.group_commit)."""
    signal, data = _new_signal(runtime, body, organisation, idempotency_key)
    try:
        await runtime.writes.write(lambda session: _stage(runtime, session, signal, data, organisation))
    except IntegrityError:
        if idempotency_key is None:
            raise
        return None
    runtime.relay.wake()
    return signal


async def _accept_rows(runtime: Runtime, organisation: Organisation, rows: list[CheckedRow]) -> list[RowAccepted]:
    """Store and stage every valid row of a batch in one transaction; a reference seen
    before (earlier request or earlier row) answers the earlier signal instead.

    Raises IntegrityError when a concurrent request stored one of the references first:
    the caller retries, and then finds that signal as an earlier one."""
    first = first_with_reference(rows)
    known: dict[str, UUID] = {}
    if first:
        async with runtime.sessions() as session:
            query = select(Signal).where(
                Signal.organisation_id == organisation.id, col(Signal.idempotency_key).in_(list(first))
            )
            known = {signal.idempotency_key: signal.id for signal in (await session.exec(query)).all()}
    accepted: list[RowAccepted] = []
    staged: list[tuple[Signal, object]] = []
    for row in rows:
        earlier = known.get(row.reference) if row.reference is not None else None
        if earlier is None and (row.reference is None or first[row.reference] is row):
            signal, data = _new_signal(runtime, row.body, organisation, row.reference)
            staged.append((signal, data))
            if row.reference is not None:
                known[row.reference] = signal.id
            accepted.append(RowAccepted(index=row.index, reference=row.reference, id=signal.id, replayed=False))
        else:
            accepted.append(RowAccepted(index=row.index, reference=row.reference, id=known[row.reference], replayed=True))
    if staged:
        async with runtime.sessions() as session, session.begin():
            for signal, data in staged:
                _stage(runtime, session, signal, data, organisation)
        runtime.relay.wake()
    return accepted


def _new_signal(runtime: Runtime, body, organisation: Organisation, idempotency_key: str | None):
    """The signal row and its event: the address sealed, the case keyed by its pseudonym."""
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
    signal_id = uuid4()
    data = to_event_data(body, signal_id=signal_id, organisation=organisation, sealed_address=sealed)
    signal = Signal(
        id=signal_id,
        organisation_id=organisation.id,
        type=body.type,
        idempotency_key=idempotency_key,
        case_key=case_key,
        municipality_code=data.municipality_code,
        observed_on=body.observed_on,
        sealed_address=sealed,
        received_at=runtime.clock.now(),
        outcome=getattr(getattr(body, "outcome", None), "value", None),
    )
    return signal, data


def _stage(runtime: Runtime, session: AsyncSession, signal: Signal, data, organisation: Organisation) -> None:
    """Store the signal and stage its event in the caller's transaction (transactional outbox)."""
    session.add(signal)
    # The signal's id is its CloudEvent id, so the partner can trace it through the chain.
    runtime.emit(session, data, subject=signal.case_key, event_id=signal.id, source=organisation.source_urn)


async def _by_idempotency_key(runtime: Runtime, organisation_id: str, key: str) -> Signal | None:
    async with runtime.sessions() as session:
        query = select(Signal).where(Signal.organisation_id == organisation_id, Signal.idempotency_key == key)
        return (await session.exec(query)).first()


def _accepted(request: Request, signal: Signal) -> SignalAccepted:
    return SignalAccepted(id=signal.id, status_url=str(request.url_for("read_signal", signal_id=signal.id)))


def _name(runtime: Runtime, organisation_id: str) -> str:
    organisation = runtime.organisations.get(organisation_id)
    return organisation.name if organisation else organisation_id
