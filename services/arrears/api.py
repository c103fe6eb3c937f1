"""Partner endpoints: post a signal or a batch of them, read the status of your own signals."""

from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response, status
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.contracts.fields import IdempotencyKey
from shared.entitlement import owns
from shared.organisations import Organisation
from shared.privacy import Dwelling
from shared.runtime import Runtime
from shared.auth import caller
from services.arrears.domain.dates import as_errors, date_problems
from services.arrears.intake import (
    SIGNALLER_ROLES,
    CheckedRow,
    PlannedRow,
    RowFate,
    check_row,
    fingerprint,
    idempotency_conflict,
    may_post,
    plan_rows,
    replays,
    to_event_data,
)
from shared.caller import Caller
from services.arrears.schemas import (
    MAX_BATCH,
    BatchIn,
    BatchResult,
    RowAccepted,
    RowRejected,
    SignalAccepted,
    SignalIn,
    SignalList,
    SignalStatus,
    SignalType,
)
from services.arrears.status import statuses
from services.arrears.tables import Signal

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
    responses={
        200: {"model": SignalAccepted, "description": "same Idempotency-Key and body: the earlier signal"},
        400: {"description": "invalid field or implausible date: invalid-params names each"},
        422: {"description": "an Idempotency-Key used before with another body"},
    },
)
async def post_signal(
    body: SignalIn,
    organisation: Signaller,
    runtime: RuntimeDep,
    response: Response,
    request: Request,
    idempotency_key: Annotated[IdempotencyKey | None, Header()] = None,
) -> SignalAccepted:
    if not may_post(organisation, body.type):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"a {organisation.role.value} may not post {body.type}")
    implausible = date_problems(body, runtime.clock.now().date(), runtime.settings.date_window)
    if implausible:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=as_errors(implausible))
    if idempotency_key is not None:
        earlier = await _by_idempotency_key(runtime, organisation.id, idempotency_key)
        if earlier is not None:
            return _replayed(request, response, earlier, body)
    signal = await _accept(runtime, body, organisation, idempotency_key)
    if signal is None:  # a concurrent request with the same Idempotency-Key won
        signal = await _by_idempotency_key(runtime, organisation.id, idempotency_key)
        return _replayed(request, response, signal, body)
    return _accepted(request, signal)


def _replayed(request: Request, response: Response, earlier: Signal, body) -> SignalAccepted:
    """The same key again: the earlier signal, unless the body differs (422, nothing stored)."""
    if not replays(earlier.request_sha256, body):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail=[idempotency_conflict(["header", "Idempotency-Key"])]
        )
    response.status_code = status.HTTP_200_OK
    return _accepted(request, earlier)


@router.post(
    "/batch",
    response_model=BatchResult,
    summary=f"Post up to {MAX_BATCH} signals at once (a corporation's monthly run)",
    responses={409: {"description": "references of this batch were being posted concurrently; retry"}},
    description=(
        "Each row is judged on its own, exactly as POST /v1/signals would judge it: valid rows are stored and "
        "published, invalid rows are listed with field errors shaped like a 400's invalid-params and nothing of them is published. "
        "A row's `reference` acts as its Idempotency-Key: the same reference again with the same body (in this or "
        "a later batch, or as an Idempotency-Key header) answers the earlier signal's id, so replaying a file "
        "publishes nothing new; the same reference with another body rejects that row (`idempotency_key_conflict`)."
    ),
)
async def post_batch(body: BatchIn, organisation: Signaller, runtime: RuntimeDep) -> BatchResult:
    today, window = runtime.clock.now().date(), runtime.settings.date_window
    rows = [check_row(index, raw, organisation, today, window) for index, raw in enumerate(body.signals)]
    valid = [row for row in rows if row.body is not None]
    for _attempt in range(BATCH_ATTEMPTS):
        try:
            planned = await _accept_rows(runtime, organisation, valid)
            break
        except IntegrityError:
            continue
    else:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="references of this batch are being posted concurrently; retry")
    accepted = [
        RowAccepted(index=p.row.index, reference=p.row.reference, id=p.signal_id, replayed=p.fate is RowFate.REPLAY)
        for p in planned
        if p.fate is not RowFate.CONFLICT
    ]
    conflicts = [
        RowRejected(index=p.row.index, reference=p.row.reference, errors=[idempotency_conflict(["body", "signals", p.row.index, "reference"])])
        for p in planned
        if p.fate is RowFate.CONFLICT
    ]
    invalid = [RowRejected(index=row.index, reference=row.reference, errors=list(row.errors)) for row in rows if row.errors]
    return BatchResult(accepted=accepted, rejected=sorted([*invalid, *conflicts], key=lambda r: r.index))


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
        items = await statuses(runtime, session, signals)
    return SignalList(items=items, total=total, limit=limit, offset=offset)


@router.get("/{signal_id}", response_model=SignalStatus, summary="Status of one of your own signals")
async def read_signal(signal_id: UUID, organisation: Signaller, runtime: RuntimeDep) -> SignalStatus:
    async with runtime.sessions() as session:
        signal = await session.get(Signal, signal_id)
        if signal is None or not owns(organisation, signal.organisation_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
        [found] = await statuses(runtime, session, [signal])
    return found


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


async def _accept_rows(runtime: Runtime, organisation: Organisation, rows: list[CheckedRow]) -> list[PlannedRow]:
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
            for signal, data in staged:
                _stage(runtime, session, signal, data, organisation)
        runtime.relay.wake()
    return planned


def _new_signal(
    runtime: Runtime, body, organisation: Organisation, idempotency_key: str | None, *, signal_id: UUID | None = None, digest: str | None = None
):
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
    signal_id = signal_id or uuid4()
    data = to_event_data(body, signal_id=signal_id, organisation=organisation, sealed_address=sealed)
    signal = Signal(
        id=signal_id,
        organisation_id=organisation.id,
        type=body.type,
        idempotency_key=idempotency_key,
        request_sha256=(digest or fingerprint(body)) if idempotency_key is not None else None,
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
