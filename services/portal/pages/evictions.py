"""Bailiff and police: report what happens at an eviction, and follow their own signals.

A bailiff reports an eviction scheduled (with its date), cancelled, executed (with the
outcome) and a family found at the door; a police officer reports a family found at the
door. Both read their own signals and where each went, from the intake
(`POST /v1/signals`, `GET /v1/signals`, `GET /v1/signals/{id}`). Every form carries its own
token as the Idempotency-Key, so sending it twice posts one signal.
"""

# No `from __future__ import annotations` here: the routes are made in a function, and FastAPI
# must see their `Signaller` dependency as an object, not as a name it cannot resolve.
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shared.organisations import Role
from services.portal import eviction_forms, forms, web
from services.portal.backend import Rejected
from services.portal.eviction_forms import SignalForm
from services.portal.pages.corporation import SIGNAL_FIELDS
from services.portal.session import Session

PAGE_SIZE = 50
EVICTION_FIELDS = {
    **SIGNAL_FIELDS,
    "eviction_date": ("eviction_date", "Deze ontruimingsdatum werd niet geaccepteerd (te ver weg of te lang geleden)."),
    "outcome": ("outcome", "Deze uitkomst werd niet geaccepteerd."),
    "reason": ("reason", "Deze reden werd niet geaccepteerd."),
    "adults": ("adults", "Het aantal volwassenen werd niet geaccepteerd."),
    "children_ages": ("children_ages", "De leeftijden werden niet geaccepteerd."),
}
INTRODUCTION = {
    Role.BAILIFF: "Meld de keten wanneer een ontruiming is aangezegd, wordt afgemeld of is uitgevoerd, en wanneer u een gezin "
    "met kinderen aantreft. De keten zoekt uit wie er woont en waarschuwt wie moet handelen.",
    Role.POLICE: "Meld de keten een gezin met kinderen dat u bij een ontruiming aantreft. GGD Vangnet krijgt meteen een "
    "urgente melding en de opvang wordt gevraagd een plaats vrij te houden.",
}


def signaller_router(role: Role, prefix: str) -> APIRouter:
    router = APIRouter(prefix=prefix, include_in_schema=False)
    Signaller = Annotated[Session, Depends(web.require(role))]

    @router.get("")
    async def overview(request: Request, session: Signaller) -> Response:
        offset = _offset(request.query_params.get("vanaf", ""))
        params = {"limit": PAGE_SIZE, "offset": offset}
        signals = await request.app.state.backend.get("arrears", "/v1/signals", session.token, params)
        context = {
            "session": session,
            "signals": signals,
            "home": prefix,
            "page_size": PAGE_SIZE,
            "signal_forms": eviction_forms.FORMS_OF[role],
            "introduction": INTRODUCTION[role],
        }
        return web.render(request, "evictions/overview.html", context)

    @router.get("/melden/{slug}")
    async def new_signal(request: Request, slug: str, session: Signaller) -> Response:
        signal_form = _form_or_404(role, slug)
        return _form_page(request, session, prefix, signal_form, {}, {})

    @router.post("/melden/{slug}")
    async def post_signal(request: Request, slug: str, session: Signaller) -> Response:
        signal_form = _form_or_404(role, slug)
        form = {key: str(value) for key, value in (await request.form()).items()}
        parsed = eviction_forms.eviction_signal(signal_form, form, request.app.state.clock.now().date())
        if not parsed.ok:
            return _form_page(request, session, prefix, signal_form, form, parsed.errors, 422)
        key = form.get("idempotency", "")[:100] or str(uuid4())
        try:
            accepted = await request.app.state.backend.post(
                "arrears", "/v1/signals", session.token, json=parsed.body, headers={"Idempotency-Key": key}
            )
        except Rejected as exc:
            if exc.status not in (400, 422):
                raise
            errors = forms.service_errors(exc.detail, EVICTION_FIELDS, "Het signaal werd niet geaccepteerd.")
            return _form_page(request, session, prefix, signal_form, form, errors, 422)
        return web.redirect(f"{prefix}/signalen/{accepted['id']}?melding=verstuurd")

    @router.get("/signalen/{signal_id}")
    async def signal(request: Request, signal_id: UUID, session: Signaller) -> Response:
        status = await request.app.state.backend.get("arrears", f"/v1/signals/{signal_id}", session.token)
        return web.render(request, "corporation/signal.html", {"session": session, "signal": status, "home": prefix})

    return router


def _form_or_404(role: Role, slug: str) -> SignalForm:
    signal_form = eviction_forms.form_for(role, slug)
    if signal_form is None:
        raise Rejected("portal", 404)
    return signal_form


def _form_page(
    request: Request,
    session: Session,
    prefix: str,
    signal_form: SignalForm,
    form: dict,
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    today = request.app.state.clock.now().astimezone(web.DUTCH_TIME).date().isoformat()
    context = {
        "session": session,
        "home": prefix,
        "signal_form": signal_form,
        "form": {"observed_on": today, "idempotency": str(uuid4()), **form},
        "errors": errors,
        "today": today,
        "outcomes": eviction_forms.OUTCOMES,
    }
    return web.render(request, "evictions/form.html", context, status_code)


def _offset(text: str) -> int:
    return int(text) if text.isdigit() and int(text) <= 1_000_000 else 0


bailiff = signaller_router(Role.BAILIFF, "/deurwaarder")
police = signaller_router(Role.POLICE, "/politie")
