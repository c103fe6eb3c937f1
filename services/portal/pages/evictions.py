"""Bailiff and police: report what happens at an eviction, and follow their own signals.

A bailiff reports an eviction scheduled (with its date), cancelled, executed (with the
outcome) and a family found at the door; a police officer reports a family found at the
door, or a concern (zorgmelding). Both read their own signals and where each went, from the
intake (`GET /v1/signals`); the forms and a signal's status page are pages/signalling.py.
"""

# No `from __future__ import annotations` here: the routes are made in a function, and FastAPI
# must see their `Signaller` dependency as an object, not as a name it cannot resolve.
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shared.organisations import Role
from services.portal import signal_forms, web
from services.portal.pages.signalling import add_signal_forms
from services.portal.session import Session

PAGE_SIZE = 50
INTRODUCTION = {
    Role.BAILIFF: "Meld de keten wanneer een ontruiming is aangezegd, wordt afgemeld of is uitgevoerd, en wanneer u een gezin "
    "met kinderen aantreft. De keten zoekt uit wie er woont en waarschuwt wie moet handelen.",
    Role.POLICE: "Meld de keten een gezin met kinderen dat u bij een ontruiming aantreft. GGD Vangnet krijgt meteen een "
    "urgente melding en de opvang wordt gevraagd een plaats vrij te houden. Ziet u een huishouden in de problemen, "
    "doe dan een zorgmelding.",
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
            "signal_forms": signal_forms.FORMS_OF[role],
            "introduction": INTRODUCTION[role],
        }
        return web.render(request, "evictions/overview.html", context)

    return add_signal_forms(router, role, prefix, "Terug naar uw signalen")


def _offset(text: str) -> int:
    return int(text) if text.isdigit() and int(text) <= 1_000_000 else 0


bailiff = signaller_router(Role.BAILIFF, "/deurwaarder")
police = signaller_router(Role.POLICE, "/politie")
