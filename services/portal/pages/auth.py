"""Login and logout.

People log in at the identity provider (OpenID Connect, authorization code with PKCE):
`/auth/login` sends the browser there, `/auth/callback` takes the code back, exchanges
it server-side and keeps the tokens in the server-side session. In development and test
an organisation may also log in with its development key (exchanged at a service's
`POST /oauth/token`, never stored); production offers only the identity provider.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from services.portal import web
from services.portal.backend import Unavailable
from services.portal.oidc import LoginFailed
from services.portal.session import COOKIE, Session, home_of, login_choices

router = APIRouter(include_in_schema=False)


@router.get("/")
async def start(request: Request) -> Response:
    session = await web.current_session(request)
    return web.redirect(home_of(session.role) if session else "/inloggen")


@router.get("/inloggen")
async def login_page(request: Request) -> Response:
    session = await web.current_session(request)
    if session is not None:
        return web.redirect(home_of(session.role))
    return _login(request)


@router.get("/auth/login")
async def login_at_provider(request: Request) -> Response:
    client = request.app.state.oidc
    if client is None:
        return web.redirect("/inloggen")
    try:
        pending, url = await client.start()
    except LoginFailed:
        return _login(request, errors={"_form": "Inloggen lukt nu niet: de inlogdienst antwoordt niet."}, status_code=503)
    response = web.redirect(url)
    web.anonymous_entry(request, response).pending = pending
    return response


@router.get("/auth/callback")
async def login_callback(request: Request, code: str = "", state: str = "", error: str = "") -> Response:
    entry = web.entry_of(request)
    pending = entry.pending if entry is not None else None
    if entry is not None:
        entry.pending = None  # one try per login
    if error or pending is None or not code or not secrets.compare_digest(state, pending.state):
        return _login(request, errors={"_form": "Inloggen is niet gelukt. Probeer het opnieuw."}, status_code=400)
    state_ = request.app.state
    try:
        session = await state_.oidc.finish(pending, code, state_.organisations, state_.clock.now())
    except LoginFailed:
        return _login(request, errors={"_form": "Uw account hoort niet bij een organisatie van de keten, of inloggen mislukte."}, status_code=403)
    return _logged_in(request, session)


@router.post("/inloggen")
async def login(request: Request, organisation: str = Form(""), secret: str = Form("")) -> Response:
    """Development and test: log in as an organisation with its development key."""
    if not request.app.state.settings.development_login:
        return _login(request, status_code=404)
    try:
        await web.check_csrf(request)
    except web.CsrfRefused:
        return _login(request, organisation, {"_form": "Het formulier was verlopen. Probeer het opnieuw."}, 403)
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
        errors = {"_form": "Inloggen lukt nu niet: de dienst antwoordt niet. Probeer het zo opnieuw."}
        return _login(request, organisation, errors, 503)
    known = request.app.state.organisations.get(organisation)
    if grant is None or known is None:
        return _login(request, organisation, {"_form": "De organisatie of de sleutel klopt niet."}, 401)
    now = request.app.state.clock.now()
    return _logged_in(request, Session(organisation=known, token=grant.access_token, expires_at=now + timedelta(seconds=grant.expires_in)))


@router.post("/uitloggen")
async def logout(request: Request) -> Response:
    try:
        await web.check_csrf(request)
    except web.CsrfRefused:
        return web.redirect("/")
    entry = web.entry_of(request)
    login = entry.login if entry is not None else None
    after = request.app.state.settings.home_url + "/inloggen?melding=uitgelogd"
    provider_logout = None
    if login is not None and login.id_token and request.app.state.oidc is not None:
        try:
            provider_logout = await request.app.state.oidc.logout_url(login, after)
        except LoginFailed:
            provider_logout = None
    response = web.redirect(provider_logout or "/inloggen?melding=uitgelogd")
    web.forget_session(request, response)
    return response


@router.get("/geen-pagina")
async def no_page(request: Request) -> Response:
    text = "Voor de rol van uw organisatie heeft het portaal (nog) geen pagina. Gebruik de API van de keten."
    return web.render(request, "error.html", {"title": "Geen pagina voor uw rol", "text": text})


def _logged_in(request: Request, session: Session) -> Response:
    state = request.app.state
    session_id = state.sessions.log_in(request.cookies.get(COOKIE), session, state.clock.now())
    response = web.redirect(home_of(session.role))
    web.keep_session(request, response, session_id)
    return response


def _login(request: Request, organisation: str = "", errors: dict | None = None, status_code: int = 200) -> Response:
    settings = request.app.state.settings
    holder = web.redirect("/")  # collects the cookie of a new anonymous session
    entry = web.anonymous_entry(request, holder)
    context = {
        "session": None,
        "csrf_token": entry.csrf_token,
        "identity_provider": request.app.state.oidc is not None,
        "development_login": settings.development_login,
        "choices": login_choices(request.app.state.organisations) if settings.development_login else [],
        "selected": organisation,
        "errors": errors or {},
    }
    response = web.render(request, "login.html", context, status_code)
    if "set-cookie" in holder.headers:
        response.headers.append("set-cookie", holder.headers["set-cookie"])
    return response
