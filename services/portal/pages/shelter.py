"""Shelter: capacity per unit type of its own facilities, the requests routed to it,
confirm or decline (with a reason)."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shared.organisations import Role
from services.portal import forms, web
from services.portal.backend import Rejected
from services.portal.session import Session

router = APIRouter(prefix="/opvang", include_in_schema=False)
Shelter = Annotated[Session, Depends(web.require(Role.SHELTER))]
COUNTS = ("capacity", "occupied", "offered", "free")
CONFLICT = "Dit lukte niet: er is geen vrije eenheid meer, of het verzoek staat niet meer open."


def per_unit_type(facilities: list[dict]) -> list[dict]:
    """Capacity, occupied, offered and free summed per unit type, in the order first seen."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for facility in facilities:
        for name in COUNTS:
            totals[facility["unit_type"]][name] += int(facility[name])
    return [{"unit_type": unit_type, **counts} for unit_type, counts in totals.items()]


@router.get("")
async def overview(request: Request, session: Shelter) -> Response:
    return await _overview(request, session, {})


async def _overview(request: Request, session: Session, errors: dict[str, dict], status_code: int = 200) -> Response:
    backend = request.app.state.backend
    facilities = [
        f
        for f in await backend.get("placement", "/v1/facilities", session.token)
        if f["shelter"] == session.organisation.id
    ]
    requests = await backend.get("placement", "/v1/requests", session.token)
    names = {f["id"]: f["name"] for f in facilities}
    open_first = sorted(requests, key=lambda r: (r["status"] != "offered", r["created_at"]))
    context = {
        "session": session,
        "facilities": facilities,
        "unit_types": per_unit_type(facilities),
        "requests": open_first,
        "names": names,
        "errors": errors,
    }
    return web.render(request, "shelter/overview.html", context, status_code)


@router.post("/verzoeken/{request_id}/bevestigen")
async def confirm(request: Request, request_id: UUID, session: Shelter) -> Response:
    backend = request.app.state.backend
    try:
        view = await backend.post("placement", f"/v1/requests/{request_id}/confirm", session.token)
    except Rejected as exc:
        if exc.status != 409:
            raise
        return await _problem(request, session, request_id, {"_form": CONFLICT}, 409)
    if web.is_htmx(request):
        return await _row(request, session, view, {}, 200, web.MESSAGES["geplaatst"])
    return web.redirect(f"/opvang?melding=geplaatst#verzoek-{request_id}")


@router.post("/verzoeken/{request_id}/afwijzen")
async def decline(request: Request, request_id: UUID, session: Shelter) -> Response:
    parsed = forms.decline_reason(await request.form())
    if not parsed.ok:
        return await _problem(request, session, request_id, parsed.errors, 422)
    try:
        view = await request.app.state.backend.post(
            "placement", f"/v1/requests/{request_id}/decline", session.token, json=parsed.body
        )
    except Rejected as exc:
        if exc.status != 409:
            raise
        return await _problem(request, session, request_id, {"_form": CONFLICT}, 409)
    if web.is_htmx(request):
        return await _row(request, session, {**view, "status": "declined"}, {}, 200, web.MESSAGES["afgewezen"])
    return web.redirect("/opvang?melding=afgewezen")


async def _problem(
    request: Request, session: Session, request_id: UUID, errors: dict[str, str], status_code: int
) -> Response:
    """The row again with the problem next to it (HTMX), or the whole page (no JavaScript)."""
    if not web.is_htmx(request):
        return await _overview(request, session, {str(request_id): errors}, status_code)
    view = await request.app.state.backend.get("placement", f"/v1/requests/{request_id}", session.token)
    return await _row(request, session, view, errors, status_code)


async def _row(
    request: Request, session: Session, view: dict, errors: dict[str, str], status_code: int, message: str = ""
) -> Response:
    facilities = await request.app.state.backend.get("placement", "/v1/facilities", session.token)
    names = {f["id"]: f["name"] for f in facilities if f["shelter"] == session.organisation.id}
    context = {"session": session, "r": view, "names": names, "errors": {view["id"]: errors}, "oob_message": message}
    return web.render(request, "shelter/_request.html", context, status_code)
