"""Login and logout: the organisation's id and secret become a bearer token in a cookie.

The portal exchanges them at a service's `POST /oauth/token` (client credentials)
and never stores the secret. Only organisations whose role has a page are offered.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from services.portal import web
from services.portal.backend import Unavailable
from services.portal.session import home_of, login_choices

router = APIRouter(include_in_schema=False)


@router.get("/")
async def start(request: Request) -> Response:
    session = web.session_of(request)
    return web.redirect(home_of(session.role) if session else "/inloggen")


@router.get("/inloggen")
async def login_page(request: Request) -> Response:
    session = web.session_of(request)
    if session is not None:
        return web.redirect(home_of(session.role))
    return _login(request)


@router.post("/inloggen")
async def login(request: Request, organisation: str = Form(""), secret: str = Form("")) -> Response:
    errors = {}
    if not organisation:
        errors["organisation"] = "Kies uw organisatie."
    if not secret:
        errors["secret"] = "Vul de geheime sleutel van uw organisatie in."
    if errors:
        return _login(request, organisation, errors, 422)
    try:
        grant = await request.app.state.backend.token(organisation, secret)
    except Unavailable:
        return _login(
            request,
            organisation,
            {"_form": "Inloggen lukt nu niet: de dienst antwoordt niet. Probeer het zo opnieuw."},
            503,
        )
    known = request.app.state.organisations.get(organisation)
    if grant is None or known is None:
        return _login(request, organisation, {"_form": "De organisatie of de sleutel klopt niet."}, 401)
    response = web.redirect(home_of(known.role))
    web.keep_session(request, response, grant.access_token, grant.expires_in)
    return response


@router.post("/uitloggen")
async def logout(request: Request) -> Response:
    response = web.redirect("/inloggen?melding=uitgelogd")
    web.forget_session(request, response)
    return response


@router.get("/geen-pagina")
async def no_page(request: Request) -> Response:
    text = "Voor de rol van uw organisatie heeft het portaal (nog) geen pagina. Gebruik de API van de keten."
    return web.render(request, "error.html", {"title": "Geen pagina voor uw rol", "text": text})


def _login(request: Request, organisation: str = "", errors: dict | None = None, status_code: int = 200) -> Response:
    context = {
        "session": None,
        "choices": login_choices(request.app.state.organisations),
        "selected": organisation,
        "errors": errors or {},
    }
    return web.render(request, "login.html", context, status_code)
