"""Partner endpoints: post a signal or a batch of them, read the status of your own signals."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from sqlalchemy.exc import IntegrityError

from shared.errors import Conflict
from shared.deps import RuntimeDep
from shared.auth import caller
from services.arrears.domain.dates import as_errors, date_problems
from services.arrears.accepting import accept, accept_rows, by_idempotency_key
from services.arrears.cloudevent_openapi import CLOUD_EVENT_OPENAPI, POST_SIGNAL_DESCRIPTION
from services.arrears.cloudevent_route import CloudEventRoute, posted_form
from services.arrears.posted_cloudevents import Form
from services.arrears.intake import SIGNALLER_ROLES, RowFate, check_row, idempotency_conflict, may_post, replays
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
    SignalTypeParameter,
)
from services.arrears.status import signals_of, status_of
from services.arrears.tables import Signal

router = APIRouter(prefix="/v1/signals", tags=["signals"])
Signaller = Annotated[Caller, Depends(caller(*SIGNALLER_ROLES))]
BATCH_ATTEMPTS = 3  # a concurrent request may store one of a batch's references first


async def post_signal(
    body: SignalIn,
    organisation: Signaller,
    runtime: RuntimeDep,
    response: Response,
    request: Request,
    form: Annotated[Form, Depends(posted_form)],
) -> SignalAccepted:
    if not may_post(organisation, body.type):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"a {organisation.role.value} may not post {body.type}")
    implausible = date_problems(body, runtime.clock.now().date(), runtime.settings.date_window)
    if implausible:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=as_errors(implausible, prefix=form.data_loc))
    if form.key is not None:
        earlier = await by_idempotency_key(runtime, organisation.id, form.key)
        if earlier is not None:
            return _replayed(request, response, earlier, body, form)
    signal = await accept(runtime, body, organisation, form.key)
    if signal is None:  # a concurrent request with the same idempotency key won
        signal = await by_idempotency_key(runtime, organisation.id, form.key)
        return _replayed(request, response, signal, body, form)
    return _accepted(request, signal)


router.add_api_route(
    "",
    post_signal,
    methods=["POST"],
    route_class_override=CloudEventRoute,  # also a CloudEvent, structured or binary (docs/adr/0032)
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SignalAccepted,
    summary="Post a signal (arrears, verdict, eviction, family found), as JSON or as a CloudEvent",
    description=POST_SIGNAL_DESCRIPTION,
    responses={
        200: {"model": SignalAccepted, "description": "same idempotency key and body: the earlier signal"},
        400: {"description": "invalid field or implausible date: invalid-params names each"},
        422: {"description": "an idempotency key used before with another body"},
    },
    openapi_extra=CLOUD_EVENT_OPENAPI,
)


def _replayed(request: Request, response: Response, earlier: Signal, body, form: Form) -> SignalAccepted:
    """The same key again: the earlier signal, unless the body differs (422, nothing stored)."""
    if not replays(earlier.request_sha256, body):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=[idempotency_conflict(list(form.key_loc))])
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
            planned = await accept_rows(runtime, organisation, valid)
            break
        except IntegrityError:
            continue
    else:
        raise Conflict("references of this batch are being posted concurrently; retry")
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
    type: Annotated[SignalTypeParameter | None, Query(description="only signals of this type")] = None,
) -> SignalList:
    items, total = await signals_of(runtime, organisation.id, type, limit=limit, offset=offset)
    return SignalList(items=items, total=total, limit=limit, offset=offset)


@router.get("/{signal_id}", response_model=SignalStatus, summary="Status of one of your own signals")
async def read_signal(signal_id: UUID, organisation: Signaller, runtime: RuntimeDep) -> SignalStatus:
    return await status_of(runtime, organisation, signal_id)


def _accepted(request: Request, signal: Signal) -> SignalAccepted:
    # This router's own route, made absolute as `request.url_for` does. `request.url_for`
    # looks the name up through every router of the app, at three times the CPU.
    status_path = router.url_path_for("read_signal", signal_id=signal.id)
    return SignalAccepted(id=signal.id, status_url=str(status_path.make_absolute_url(request.base_url)))
