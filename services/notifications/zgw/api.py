"""The ZGW Notificaties API 1.0 resources a consumer uses, at `/notificaties/api/v1`:
`kanaal` (read) and `abonnement` (create, read, change, delete), as Open Notificaties
serves them under `/api/v1` (docs/adr/0019).

A zaaksysteem authenticates as its organisation, as for every API of the chain. It sees
and changes only its own abonnementen (another's is 404, as one that does not exist)
and hears only of events addressed to its organisation. Publishing (`POST
/notificaties`) and creating kanalen are the chain's own business and not offered.
"""

from __future__ import annotations

import logging
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from sqlmodel import col, select

from shared.auth import caller
from shared.caller import Caller
from shared.entitlement import owns
from shared.runtime import Runtime
from services.notifications.tables import Abonnement
from services.notifications.verification import CallbackNotVerified
from services.notifications.zgw import BASE_PATH
from services.notifications.zgw.callback import UNVERIFIED, check_callback
from services.notifications.zgw.kanalen import BY_UUID, KANALEN, InvalidParam
from services.notifications.zgw.notificatie import ResourceLinks
from services.notifications.zgw.problems import RESPONSES, ZgwInvalid, ZgwRoute
from services.notifications.zgw.schemas import AbonnementIn, AbonnementPatch, AbonnementView, KanaalView, stored_kanalen

log = logging.getLogger(__name__)
router = APIRouter(prefix=BASE_PATH, tags=["zgw-notificaties"], route_class=ZgwRoute, responses=RESPONSES)
Subscriber = Annotated[Caller, Depends(caller())]
NOT_FOUND = "not found"


async def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


@router.get("/kanaal", response_model=list[KanaalView], summary="The chain's kanalen")
async def list_kanalen(
    _subscriber: Subscriber, runtime: RuntimeDep, naam: Annotated[str | None, Query(max_length=50)] = None
) -> list[KanaalView]:
    """`signaalketen-alerts`: alerts for your organisation (actie `create`) and alerts escalated to it
    (`update`); hoofdObject is the case in triage, resourceUrl the alert in your inbox.
    `signaalketen-placement`: news about shelter placement requests that concern you (`update`);
    hoofdObject and resourceUrl are the request in placement. Every notificatie carries the kenmerken
    `casusPseudoniem`, `gemeentecode` and `gebeurtenis` (e.g. `alert.raised`, `placement.offered`);
    abonnementen may filter on exactly these, with a value or `*`."""
    links = ResourceLinks.of(runtime.settings)
    return [KanaalView.of(kanaal, links) for kanaal in KANALEN if naam is None or kanaal.naam == naam]


@router.get("/kanaal/{uuid}", response_model=KanaalView, summary="One kanaal")
async def read_kanaal(uuid: UUID, _subscriber: Subscriber, runtime: RuntimeDep) -> KanaalView:
    kanaal = BY_UUID.get(uuid)
    if kanaal is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
    return KanaalView.of(kanaal, ResourceLinks.of(runtime.settings))


@router.get("/abonnement", response_model=list[AbonnementView], summary="Your abonnementen")
async def list_abonnementen(subscriber: Subscriber, runtime: RuntimeDep) -> list[AbonnementView]:
    async with runtime.sessions() as session:
        query = select(Abonnement).where(Abonnement.organisation_id == subscriber.id, Abonnement.active == True)  # noqa: E712
        abonnementen = (await session.exec(query.order_by(col(Abonnement.created_at)))).all()
    links = ResourceLinks.of(runtime.settings)
    return [AbonnementView.of(abonnement, links) for abonnement in abonnementen]


@router.post("/abonnement", status_code=201, response_model=AbonnementView, summary="Subscribe")
async def create_abonnement(
    body: AbonnementIn, subscriber: Subscriber, runtime: RuntimeDep, request: Request, response: Response
) -> AbonnementView:
    """The callbackUrl first gets a test notificatie with `auth` as its Authorization header and must
    answer 2xx; otherwise nothing is stored (400 naming `callbackUrl`)."""
    _refuse(body.problems())
    now, links = runtime.clock.now(), ResourceLinks.of(runtime.settings)
    abonnement = Abonnement(
        id=uuid4(),
        organisation_id=subscriber.id,
        callback_url=str(body.callbackUrl),
        auth=body.auth,
        kanalen=stored_kanalen(body.kanalen),
        created_at=now,
        updated_at=now,
    )
    await _verified(request, abonnement, links)
    async with runtime.sessions() as session, session.begin():
        session.add(abonnement)
    response.headers["Location"] = links.abonnement(abonnement.id)
    return AbonnementView.of(abonnement, links)


@router.get("/abonnement/{uuid}", response_model=AbonnementView, summary="One of your abonnementen")
async def read_abonnement(uuid: UUID, subscriber: Subscriber, runtime: RuntimeDep) -> AbonnementView:
    async with runtime.sessions() as session:
        abonnement = _own(await session.get(Abonnement, uuid), subscriber)
    return AbonnementView.of(abonnement, ResourceLinks.of(runtime.settings))


@router.put("/abonnement/{uuid}", response_model=AbonnementView, summary="Replace one of your abonnementen")
async def replace_abonnement(
    uuid: UUID, body: AbonnementIn, subscriber: Subscriber, runtime: RuntimeDep, request: Request
) -> AbonnementView:
    changes = {"callback_url": str(body.callbackUrl), "auth": body.auth, "kanalen": stored_kanalen(body.kanalen)}
    return await _change(uuid, body.problems(), changes, subscriber, runtime, request)


@router.patch("/abonnement/{uuid}", response_model=AbonnementView, summary="Change one of your abonnementen")
async def change_abonnement(
    uuid: UUID, body: AbonnementPatch, subscriber: Subscriber, runtime: RuntimeDep, request: Request
) -> AbonnementView:
    changes = {
        "callback_url": str(body.callbackUrl) if body.callbackUrl is not None else None,
        "auth": body.auth,
        "kanalen": stored_kanalen(body.kanalen) if body.kanalen is not None else None,
    }
    changes = {field: value for field, value in changes.items() if value is not None}
    return await _change(uuid, body.problems(), changes, subscriber, runtime, request)


@router.delete("/abonnement/{uuid}", status_code=204, summary="Unsubscribe")
async def delete_abonnement(uuid: UUID, subscriber: Subscriber, runtime: RuntimeDep) -> Response:
    """Notificaties already queued are still sent (and retried), as for the chain's webhooks."""
    async with runtime.sessions() as session, session.begin():
        abonnement = _own(await session.get(Abonnement, uuid), subscriber)
        abonnement.active, abonnement.updated_at = False, runtime.clock.now()
        session.add(abonnement)
    return Response(status_code=204)


async def _change(
    uuid: UUID, problems: list[InvalidParam], changes: dict, subscriber: Caller, runtime: Runtime, request: Request
) -> AbonnementView:
    """Apply `changes` to the caller's abonnement; a new callbackUrl or auth is verified first."""
    async with runtime.sessions() as session:
        current = _own(await session.get(Abonnement, uuid), subscriber)  # 404 before anything is said about the body
    _refuse(problems)
    links = ResourceLinks.of(runtime.settings)
    changed = Abonnement.model_validate({**current.model_dump(), **changes})
    if changed.callback_url != current.callback_url or changed.auth != current.auth:
        await _verified(request, changed, links)
    async with runtime.sessions() as session, session.begin():
        abonnement = _own(await session.get(Abonnement, uuid), subscriber)  # deleted meanwhile: 404
        for field, value in changes.items():
            setattr(abonnement, field, value)
        abonnement.updated_at = runtime.clock.now()
        session.add(abonnement)
    return AbonnementView.of(changed, links)


async def _verified(request: Request, abonnement: Abonnement, links: ResourceLinks) -> None:
    verifier = request.app.state.callback_verifier
    problem = verifier.url_problem(abonnement.callback_url)
    if problem is not None:
        _refuse([InvalidParam("callbackUrl", "callback-url-refused", f"callback URL {problem}")])
    try:
        now = request.app.state.runtime.clock.now()
        await check_callback(verifier, abonnement.callback_url, abonnement.auth, links.abonnement(abonnement.id), now)
    except CallbackNotVerified as reason:
        log.warning("abonnement of %s not stored: callback %s", abonnement.organisation_id, reason)
        _refuse([InvalidParam("callbackUrl", "invalid-callback-url", UNVERIFIED)])


def _own(abonnement: Abonnement | None, subscriber: Caller) -> Abonnement:
    if abonnement is None or not abonnement.active or not owns(subscriber.organisation, abonnement.organisation_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=NOT_FOUND)
    return abonnement


def _refuse(problems: list[InvalidParam]) -> None:
    if problems:
        raise ZgwInvalid(problems)
