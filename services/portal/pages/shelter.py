"""Shelter: capacity per unit type of its own facilities and changing a facility's capacity,
the requests routed to it, confirm (the whole family, or the part of it admitted: partly
placed, and the rest later) or decline (with a reason), the day the trajectory plan was
made, and the outflow: a family leaves, with where it went (placement
`PATCH /v1/facilities/{id}`, `POST /v1/requests/{id}/confirm`, `/admit-rest`,
`/trajectory-plan`, `/end`)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shared.clock import dutch_date
from shared.organisations import Role
from services.portal import care_forms, forms, web
from services.portal.backend import Rejected
from services.portal.session import Session

router = APIRouter(prefix="/opvang", include_in_schema=False)
Shelter = Annotated[Session, Depends(web.require(Role.SHELTER))]
COUNTS = ("capacity", "occupied", "offered", "free")
CONFLICT = "Dit lukte niet: er is geen vrije eenheid meer, of het verzoek staat niet meer open."
NOT_PLACED = "Dit lukte niet: het gezin woont hier niet (meer); het vertrek is misschien al vastgelegd."
BELOW_OCCUPIED = "De capaciteit kan niet lager zijn dan het aantal bezette eenheden."
NOT_PARTLY_PLACED = "Dit lukte niet: het hele gezin is al opgenomen, of het gezin is vertrokken."
ADMISSION_FIELDS = {
    "adults_admitted": ("adults_admitted", "Zoveel volwassenen telt het gezin niet, of u neemt geen volwassene op."),
    "children_admitted": ("children_admitted", "Zoveel kinderen telt het gezin niet."),
}
PLAN_FIELDS = {
    "made_on": ("made_on", "Deze datum kan niet: vóór de plaatsing, in de toekomst, of het plan is al vastgelegd."),
    "status": ("_form", "Het gezin woont hier niet (meer): een trajectplan hoort bij een plaatsing."),
}
FACILITY_ID = re.compile(r"^[a-z0-9][a-z0-9\-]{0,79}$")


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
        "outflows": care_forms.OUTFLOWS,
    }
    return web.render(request, "shelter/overview.html", context, status_code)


@dataclass(frozen=True)
class Step:
    """One of placement's actions on a request that the shelter's row offers: what a 409 means,
    which of a 400's fields are on the row's form, and what the shelter reads when it worked."""

    action: str  # placement's path after /v1/requests/{id}/
    conflict: str  # a 409, or a refusal of no field of the form
    message: Callable[[dict], str]  # the MESSAGES key, from placement's answer
    fields: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # service_errors' map
    shown: Callable[[dict], dict] = lambda view: view  # the row as the shelter sees it afterwards

    @property
    def refusals(self) -> forms.Refusals:
        """A 409 always; a 400 only when it can name a field of the row's form."""
        return forms.Refusals(self.fields, self.conflict, (400, 409) if self.fields else (409,))


def _says(key: str) -> Callable[[dict], str]:
    return lambda _view: key


CONFIRM = Step("confirm", CONFLICT, _says("geplaatst"))
CONFIRM_PARTLY = Step(
    "confirm", CONFLICT, lambda view: "deels-geplaatst" if view["status"] == "partly_placed" else "geplaatst", ADMISSION_FIELDS
)
ADMIT_REST = Step("admit-rest", NOT_PARTLY_PLACED, _says("rest-opgenomen"))
PLAN = Step("trajectory-plan", NOT_PLACED, _says("trajectplan"), PLAN_FIELDS)
DECLINE = Step("decline", CONFLICT, _says("afgewezen"), shown=lambda view: {**view, "status": "declined"})
END = Step("end", NOT_PLACED, _says("vertrokken"))


@router.post("/verzoeken/{request_id}/bevestigen")
async def confirm(request: Request, request_id: UUID, session: Shelter) -> Response:
    return await _take(request, session, request_id, CONFIRM)


@router.post("/verzoeken/{request_id}/deels-bevestigen")
async def confirm_partly(request: Request, request_id: UUID, session: Shelter) -> Response:
    """Part of the family admitted (the father not, §8.1): the rest stays in view of the GGD."""
    return await _take(request, session, request_id, CONFIRM_PARTLY, care_forms.admission(await request.form()))


@router.post("/verzoeken/{request_id}/rest-opnemen")
async def admit_rest(request: Request, request_id: UUID, session: Shelter) -> Response:
    """The persons of a partly placed family not admitted at first are admitted now."""
    return await _take(request, session, request_id, ADMIT_REST)


@router.post("/verzoeken/{request_id}/trajectplan")
async def record_plan(request: Request, request_id: UUID, session: Shelter) -> Response:
    parsed = care_forms.plan_made(await request.form(), dutch_date(request.app.state.clock.now()))
    return await _take(request, session, request_id, PLAN, parsed)


@router.post("/verzoeken/{request_id}/afwijzen")
async def decline(request: Request, request_id: UUID, session: Shelter) -> Response:
    return await _take(request, session, request_id, DECLINE, forms.decline_reason(await request.form()))


async def _take(
    request: Request, session: Session, request_id: UUID, step: Step, parsed: forms.Parsed | None = None
) -> Response:
    """Post the step to placement. A wrong form, or placement's 409 or 400, comes back next to
    the form; otherwise the row (HTMX) or the page again with the step's message."""
    sent = await forms.submit(
        parsed or forms.Parsed(),  # a step without a form posts no body
        lambda body: request.app.state.backend.post(
            "placement", f"/v1/requests/{request_id}/{step.action}", session.token, json=body or None
        ),
        step.refusals,
    )
    if sent.errors:
        return await _problem(request, session, request_id, sent.errors, sent.status_code)
    row, message = step.shown(sent.answer), step.message(sent.answer)
    if web.is_htmx(request):
        return await _row(request, session, row, {}, 200, web.MESSAGES[message])
    anchor = "" if row["status"] == "declined" else f"#verzoek-{request_id}"  # a declined row leaves the page
    return web.redirect(f"/opvang?melding={message}{anchor}")


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
    context = {
        "session": session,
        "r": view,
        "names": names,
        "errors": {view["id"]: errors},
        "oob_message": message,
        "outflows": care_forms.OUTFLOWS,
    }
    return web.render(request, "shelter/_request.html", context, status_code)


# --- capacity and outflow --------------------------------------------------------------------------


@router.post("/voorzieningen/{facility_id}/capaciteit")
async def change_capacity(request: Request, facility_id: str, session: Shelter) -> Response:
    if not FACILITY_ID.match(facility_id):
        raise Rejected("placement", 404)
    form = {key: str(value) for key, value in (await request.form()).items()}
    parsed = care_forms.capacity(form)
    if parsed.ok:
        try:
            await request.app.state.backend.patch("placement", f"/v1/facilities/{facility_id}", session.token, json=parsed.body)
        except Rejected as exc:
            if exc.status != 409:
                raise
            parsed.errors["capacity"] = BELOW_OCCUPIED
    if not parsed.ok:
        problem = {**parsed.errors, "value": form.get("capacity", "")}
        return await _overview(request, session, {f"voorziening-{facility_id}": problem}, 422)
    return web.redirect(f"/opvang?melding=capaciteit#voorziening-{facility_id}")


@router.post("/verzoeken/{request_id}/beeindigen")
async def end_placement(request: Request, request_id: UUID, session: Shelter) -> Response:
    return await _take(request, session, request_id, END, care_forms.outflow(await request.form()))
