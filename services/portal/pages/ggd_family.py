"""GGD Vangnet follows a family: where it is now (a placement request's status, its
place on the waiting list, where it stays meanwhile, where it went after the shelter),
records where a waiting family stays meanwhile, corrects who lives there, and records a
home visit on an alert it received.

Placement answers the first two (`GET /v1/requests/{id}`, `POST /v1/requests/{id}/alternative`;
the alternatives only to the GGD that asked), triage the others
(`POST /v1/cases/{case_key}/composition`, for the GGD a case was routed to;
`POST /v1/alerts/{id}/feedback`, for the GGD the alert went to).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shared.clock import dutch_date
from shared.organisations import Role
from services.portal import care_forms, forms, web
from services.portal.backend import Rejected
from services.portal.pages.ggd import CASE_KEY, PURPOSES
from services.portal.pages.prevention import FEEDBACK_FIELDS
from services.portal.session import Session

router = APIRouter(prefix="/ggd", include_in_schema=False)
Ggd = Annotated[Session, Depends(web.require(Role.GGD))]
NOT_WAITLISTED = "Het gezin staat niet (meer) op de wachtlijst: een verblijfplaats legt u alleen vast zolang het wacht."
COMPOSITION_FIELDS = {
    "adults": ("adults", "Het aantal volwassenen werd niet geaccepteerd."),
    "children_ages": ("children_ages", "De leeftijden werden niet geaccepteerd."),
    "reason": ("reason", "Deze toelichting werd niet geaccepteerd: 3 tot 500 tekens, één alinea."),
}
ALTERNATIVE_FIELDS = {
    "kind": ("kind", "Kies waar het gezin intussen verblijft."),
    "note": ("note", "Deze aantekening werd niet geaccepteerd."),
    "status": ("kind", NOT_WAITLISTED),
}
COMPOSITION_REFUSALS = forms.Refusals(COMPOSITION_FIELDS, "De correctie werd niet geaccepteerd.")
ALTERNATIVE_REFUSALS = forms.Refusals(ALTERNATIVE_FIELDS, NOT_WAITLISTED, forms.WITH_CONFLICT)
HOME_VISIT_REFUSALS = forms.Refusals(FEEDBACK_FIELDS, "Het huisbezoek werd niet geaccepteerd.", forms.WITH_CONFLICT)


# --- where is the family now ---------------------------------------------------------------------


@router.get("/opvang/{request_id}")
async def family_now(request: Request, request_id: UUID, session: Ggd) -> Response:
    return await _family_page(request, session, request_id, {}, {})


async def _family_page(
    request: Request, session: Session, request_id: UUID, form: dict, errors: dict[str, str], status_code: int = 200
) -> Response:
    backend = request.app.state.backend
    view = await backend.get("placement", f"/v1/requests/{request_id}", session.token)
    facilities = {f["id"]: f for f in await backend.get("placement", "/v1/facilities", session.token)}
    context = {
        "session": session,
        "r": view,
        "facility": facilities.get(view["facility_id"]) if view["facility_id"] else None,
        "form": form,
        "errors": errors,
        "kinds": care_forms.ALTERNATIVE_KINDS,
    }
    return web.render(request, "ggd/family.html", context, status_code)


@router.post("/opvang/{request_id}/alternatief")
async def record_alternative(request: Request, request_id: UUID, session: Ggd) -> Response:
    form = {key: str(value) for key, value in (await request.form()).items()}
    sent = await forms.submit(
        care_forms.alternative(form),
        lambda body: request.app.state.backend.post(
            "placement", f"/v1/requests/{request_id}/alternative", session.token, json=body
        ),
        ALTERNATIVE_REFUSALS,
    )
    if sent.errors:
        return await _family_page(request, session, request_id, form, sent.errors, sent.status_code)
    return web.redirect(f"/ggd/opvang/{request_id}?melding=alternatief")


# --- composition ---------------------------------------------------------------------------------


@router.get("/zaken/{case_key}/samenstelling")
async def composition_form(request: Request, case_key: str, session: Ggd, doel: str = "") -> Response:
    _check_case_key(case_key)
    return _composition_page(request, session, case_key, {"doel": doel}, {})


@router.post("/zaken/{case_key}/samenstelling")
async def correct_composition(request: Request, case_key: str, session: Ggd) -> Response:
    _check_case_key(case_key)
    form = {key: str(value) for key, value in (await request.form()).items()}
    sent = await forms.submit(
        care_forms.composition(form),
        lambda body: request.app.state.backend.post("triage", f"/v1/cases/{case_key}/composition", session.token, json=body),
        COMPOSITION_REFUSALS,
    )
    if sent.errors:
        return _composition_page(request, session, case_key, form, sent.errors, sent.status_code)
    purpose = form.get("doel", "") if form.get("doel", "") in PURPOSES else PURPOSES[-1]
    return web.redirect(f"/ggd/zaken/{case_key}?{urlencode({'doel': purpose, 'melding': 'samenstelling'})}")


def _composition_page(
    request: Request, session: Session, case_key: str, form: dict, errors: dict[str, str], status_code: int = 200
) -> Response:
    context = {"session": session, "case_key": case_key, "form": form, "errors": errors}
    return web.render(request, "ggd/composition.html", context, status_code)


def _check_case_key(case_key: str) -> None:
    if not CASE_KEY.match(case_key):
        raise Rejected("triage", 404)


# --- home visit ----------------------------------------------------------------------------------


@router.get("/zaken/{case_key}/meldingen/{alert_id}/huisbezoek")
async def home_visit_form(request: Request, case_key: str, alert_id: UUID, session: Ggd, doel: str = "") -> Response:
    _check_case_key(case_key)
    return _visit_page(request, session, case_key, alert_id, {"doel": doel}, {})


@router.post("/zaken/{case_key}/meldingen/{alert_id}/huisbezoek")
async def record_home_visit(request: Request, case_key: str, alert_id: UUID, session: Ggd) -> Response:
    """A home visit on an alert the GGD received; the case's timeline shows it afterwards."""
    _check_case_key(case_key)
    form = {key: str(value) for key, value in (await request.form()).items()}
    today = dutch_date(request.app.state.clock.now())
    sent = await forms.submit(
        care_forms.prevention_feedback({**form, "type": "home-visit"}, today),
        lambda body: request.app.state.backend.post("triage", f"/v1/alerts/{alert_id}/feedback", session.token, json=body),
        HOME_VISIT_REFUSALS,
    )
    if sent.errors:
        return _visit_page(request, session, case_key, alert_id, form, sent.errors, sent.status_code)
    purpose = form.get("doel", "") if form.get("doel", "") in PURPOSES else PURPOSES[-1]
    return web.redirect(f"/ggd/zaken/{case_key}?{urlencode({'doel': purpose, 'melding': 'huisbezoek'})}")


def _visit_page(
    request: Request, session: Session, case_key: str, alert_id: UUID, form: dict, errors: dict[str, str], status_code: int = 200
) -> Response:
    today = dutch_date(request.app.state.clock.now()).isoformat()
    context = {
        "session": session,
        "case_key": case_key,
        "alert_id": alert_id,
        "form": {"reported_on": today, "visitors": "2", **form},
        "errors": errors,
        "today": today,
    }
    return web.render(request, "ggd/home_visit.html", context, status_code)
