"""GGD Vangnet: the inbox of alerts (urgent first), acknowledging one, the case timeline,
asking for a placement and following its status (waiting-list position included)."""

from __future__ import annotations

import re
from urllib.parse import urlencode
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shared.organisations import Role
from services.portal import forms, web
from services.portal.backend import Rejected, Unavailable
from services.portal.session import Session

router = APIRouter(prefix="/ggd", include_in_schema=False)
Ggd = Annotated[Session, Depends(web.require(Role.GGD))]
CASE_KEY = re.compile(r"^[a-z]{2}-[0-9a-f]{8,64}$")
PURPOSES = ("opvolging urgente melding", "opvang regelen", "zaakbehandeling")
REQUEST_FIELDS = {
    "adults": ("adults", "Het aantal volwassenen werd niet geaccepteerd."),
    "children_ages": ("children_ages", "De leeftijden werden niet geaccepteerd."),
    "family_type": ("family_type", "Kies de gezinssamenstelling."),
    "need": ("need", "Kies wat het gezin nodig heeft."),
    "municipality_code": ("municipality_code", "Deze gemeentecode werd niet geaccepteerd."),
    "case_key": ("case_key", "Voor deze zaak loopt al een opvangaanvraag, of het zaaknummer klopt niet."),
    "cause": ("cause", "Kies waarom het gezin geen woning heeft."),
    "referral_source": ("referral_source", "Kies wie het gezin heeft doorverwezen."),
}
REQUEST_REFUSALS = forms.Refusals(
    REQUEST_FIELDS,
    "De aanvraag werd niet geaccepteerd.",
    forms.WITH_CONFLICT,
    not_found={"case_key": "Deze zaak is niet bekend in uw regio."},  # a case placement does not know in this GGD's region
    not_found_status=404,
)


# --- inbox -----------------------------------------------------------------------------------------


@router.get("")
async def inbox(request: Request, session: Ggd) -> Response:
    return await _inbox_page(request, session)


async def _inbox_page(
    request: Request, session: Session, errors: dict[str, dict] | None = None, status_code: int = 200
) -> Response:
    items = [
        _with_links(item)
        for item in await request.app.state.backend.get("notifications", "/v1/inbox", session.token, {"limit": 200})
    ]
    urgent = [item for item in items if item["priority"] == "urgent"]
    other = [item for item in items if item["priority"] != "urgent"]
    context = {"session": session, "urgent": urgent, "other": other, "errors": errors or {}}
    return web.render(request, "ggd/inbox.html", context, status_code)


@router.post("/meldingen/{alert_id}/bevestigen")
async def acknowledge(request: Request, alert_id: UUID, session: Ggd) -> Response:
    parsed = forms.acknowledgement(await request.form())
    if not parsed.ok:
        if web.is_htmx(request):
            item = await _inbox_item(request, session, alert_id)
            return _alert_fragment(request, session, item, parsed.errors, 422)
        return await _inbox_page(request, session, {str(alert_id): parsed.errors}, 422)
    item = await request.app.state.backend.post(
        "notifications", f"/v1/inbox/{alert_id}/acknowledge", session.token, json=parsed.body or None
    )
    if web.is_htmx(request):
        return _alert_fragment(request, session, item, {}, 200, message=web.MESSAGES["bevestigd"])
    return web.redirect(f"/ggd?melding=bevestigd#melding-{alert_id}")


async def _inbox_item(request: Request, session: Session, alert_id: UUID) -> dict:
    items = await request.app.state.backend.get("notifications", "/v1/inbox", session.token, {"limit": 500})
    found = [item for item in items if item["alert_id"] == str(alert_id)]
    if not found:
        raise Rejected("notifications", 404)
    return found[0]


def _alert_fragment(
    request: Request, session: Session, item: dict, errors: dict, status_code: int, message: str = ""
) -> Response:
    context = {
        "session": session,
        "item": _with_links(item),
        "errors": {item["alert_id"]: errors},
        "oob_message": message,
    }
    return web.render(request, "ggd/_alert.html", context, status_code)


# --- the case --------------------------------------------------------------------------------------


@router.get("/zaken/{case_key}")
async def case(request: Request, case_key: str, session: Ggd, doel: str = "") -> Response:
    if not CASE_KEY.match(case_key):
        raise Rejected("triage", 404)
    purpose = doel.strip()
    if not 3 <= len(purpose) <= 100:
        error = "Kies waarom u deze zaak inziet." if doel else ""
        context = {"session": session, "case_key": case_key, "purposes": PURPOSES, "error": error}
        return web.render(request, "ggd/purpose.html", context, 422 if doel else 200)
    view = await request.app.state.backend.get("triage", f"/v1/cases/{case_key}", session.token, {"purpose": purpose})
    requests = await _requests_of_case(request, session, case_key)
    context = {"session": session, "case": view, "purpose": purpose, "requests": requests}
    return web.render(request, "ggd/case.html", context)


async def _requests_of_case(request: Request, session: Session, case_key: str) -> list[dict] | None:
    """This GGD's placement requests for the case, newest first; None when placement does not
    answer (the case page still shows what triage knows)."""
    try:
        requests = await request.app.state.backend.get("placement", "/v1/requests", session.token)
    except Unavailable:
        return None
    return sorted((r for r in requests if r["case_key"] == case_key), key=lambda r: r["created_at"], reverse=True)


# --- placement -------------------------------------------------------------------------------------


@router.get("/opvang")
async def placements(request: Request, session: Ggd) -> Response:
    prefill = forms.request_prefill(request.query_params, list(session.organisation.municipality_codes))
    return await _placements_page(request, session, prefill, {})


@router.post("/opvang")
async def ask_for_placement(request: Request, session: Ggd) -> Response:
    form = {key: str(value) for key, value in (await request.form()).items()}
    sent = await forms.submit(
        forms.placement_request(form),
        lambda body: request.app.state.backend.post("placement", "/v1/requests", session.token, json=body),
        REQUEST_REFUSALS,
    )
    if sent.errors:
        return await _placements_page(request, session, form, sent.errors, sent.status_code)
    return web.redirect(f"/ggd/opvang?melding=aangevraagd#verzoek-{sent.answer['id']}")


async def _placements_page(
    request: Request, session: Session, form: dict[str, Any], errors: dict[str, str], status_code: int = 200
) -> Response:
    backend = request.app.state.backend
    requests = await backend.get("placement", "/v1/requests", session.token)
    facilities = {f["id"]: f["name"] for f in await backend.get("placement", "/v1/facilities", session.token)}
    requests.sort(key=lambda r: r["created_at"], reverse=True)
    context = {
        "session": session,
        "requests": requests,
        "facilities": facilities,
        "form": form,
        "errors": errors,
        "family_types": forms.FAMILY_TYPES,
        "needs": forms.NEEDS,
        "causes": forms.CAUSES,
        "referral_sources": forms.REFERRAL_SOURCES,
    }
    return web.render(request, "ggd/placements.html", context, status_code)


def _with_links(item: dict) -> dict:
    return {**item, "placement_query": urlencode(prefill_from_alert(item))}


def prefill_from_alert(item: dict) -> dict[str, str]:
    """The placement form's values from an alert: adults, children's ages, municipality, case."""
    data = item.get("event", {}).get("data", {})
    minors = int(data.get("minors") or 0)
    adults = max(int(data.get("persons") or 0) - minors, 1)
    return {
        "case_key": item["case_key"],
        "adults": str(adults),
        "children_ages": ", ".join(str(age) for age in data.get("minor_ages") or []),
        "municipality_code": data.get("municipality_code", ""),
    }
