"""Partner endpoints: post a signal, read the status of your own signals."""

from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response, status
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from shared.organisations import Organisation
from shared.persistence.outbox import OutboxMessage
from shared.privacy import Dwelling
from shared.runtime import Runtime
from shared.auth import caller
from services.arrears.intake import SIGNALLER_ROLES, may_post, to_event_data
from services.arrears.schemas import Routing, SignalAccepted, SignalIn, SignalStatus
from services.arrears.tables import Signal, SignalFeedback, SignalRouting

router = APIRouter(prefix="/v1/signals", tags=["signals"])
Signaller = Annotated[Organisation, Depends(caller(*SIGNALLER_ROLES))]
NOT_FOUND = "no such signal"


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


@router.get("/{signal_id}", response_model=SignalStatus, summary="Status of one of your own signals")
async def read_signal(signal_id: UUID, organisation: Signaller, runtime: RuntimeDep) -> SignalStatus:
    async with runtime.sessions() as session:
        signal = await session.get(Signal, signal_id)
        if signal is None or signal.organisation_id != organisation.id:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
        outbox = (await session.exec(select(OutboxMessage).where(OutboxMessage.event_id == signal_id))).first()
        routes = (
            await session.exec(
                select(SignalRouting).where(SignalRouting.signal_id == signal_id).order_by(col(SignalRouting.routed_at))
            )
        ).all()
        feedback = {
            row.alert_id: row
            for row in (await session.exec(select(SignalFeedback).where(SignalFeedback.signal_id == signal_id))).all()
        }
    forwarded_at = outbox.sent_at if outbox else None
    state = "routed" if routes else "forwarded" if forwarded_at else "received"
    routing = [_routing(runtime, route, feedback.get(route.alert_id)) for route in routes]
    finals = sorted((r for r in routing if r.final_report_on), key=lambda r: r.final_report_on)
    suspensions = [r.collection_suspended_until for r in routing if r.collection_suspended_until]
    return SignalStatus(
        id=signal.id,
        type=signal.type,
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
    address = body.address
    dwelling = Dwelling(
        adresseerbaar_object_id=address.adresseerbaarObjectIdentificatie,
        postcode=address.postcode,
        huisnummer=address.huisnummer,
        huisletter=address.huisletter,
        toevoeging=address.huisnummertoevoeging,
    )
    sealed = runtime.address_seal.seal(dwelling)
    case_key = runtime.pseudonym(dwelling.adresseerbaar_object_id)
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
    )
    try:
        async with runtime.sessions() as session, session.begin():
            session.add(signal)
            # The signal's id is its CloudEvent id, so the partner can trace it through the chain.
            runtime.emit(session, data, subject=case_key, event_id=signal_id, source=organisation.source_urn)
    except IntegrityError:
        if idempotency_key is None:
            raise
        return None
    runtime.relay.wake()
    return signal


async def _by_idempotency_key(runtime: Runtime, organisation_id: str, key: str) -> Signal | None:
    async with runtime.sessions() as session:
        query = select(Signal).where(Signal.organisation_id == organisation_id, Signal.idempotency_key == key)
        return (await session.exec(query)).first()


def _accepted(request: Request, signal: Signal) -> SignalAccepted:
    return SignalAccepted(id=signal.id, status_url=str(request.url_for("read_signal", signal_id=signal.id)))


def _name(runtime: Runtime, organisation_id: str) -> str:
    organisation = runtime.organisations.get(organisation_id)
    return organisation.name if organisation else organisation_id
