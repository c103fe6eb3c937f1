"""What the portal shows when a page cannot: to the login page when the session is gone,
and a Dutch error page (with its status) for a refused form, another role's page, a
service that does not answer, or one that refused the request."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from services.portal import web
from services.portal.backend import Rejected, SessionExpired, Unavailable


async def login_required(request: Request, exc: web.LoginRequired) -> Response:
    return web.to_login(request, expired=exc.expired)


async def session_expired(request: Request, _exc: SessionExpired) -> Response:
    return web.to_login(request, expired=True)


async def csrf_refused(request: Request, _exc: web.CsrfRefused) -> Response:
    text = "Dit formulier is verlopen of kwam niet van het portaal. Open de pagina opnieuw en probeer het nog eens."
    return web.render(request, "error.html", {"title": "Formulier niet geaccepteerd", "text": text}, 403)


async def wrong_role(request: Request, exc: web.WrongRole) -> Response:
    text = "Deze pagina hoort bij een andere rol dan die van uw organisatie."
    return web.render(request, "error.html", {"session": exc.session, "title": "Geen toegang", "text": text}, 403)


async def unavailable(request: Request, exc: Unavailable) -> Response:
    text = f"De dienst '{exc.service}' antwoordt nu niet. Probeer het over enkele ogenblikken opnieuw."
    return web.render(request, "error.html", {"title": "Dienst niet bereikbaar", "text": text}, 502)


async def rejected(request: Request, exc: Rejected) -> Response:
    if exc.status == 404:
        title, text = "Niet gevonden", "Dit bestaat niet, of het is niet voor uw organisatie."
    elif exc.status == 403:
        title, text = "Geen toegang", "Uw organisatie mag dit niet inzien of doen."
    else:
        title, text = "Niet gelukt", "De dienst weigerde dit verzoek."
    return web.render(request, "error.html", {"title": title, "text": text}, exc.status)


HANDLERS = {
    web.LoginRequired: login_required,
    SessionExpired: session_expired,
    web.CsrfRefused: csrf_refused,
    web.WrongRole: wrong_role,
    Unavailable: unavailable,
    Rejected: rejected,
}


def install_error_pages(app: FastAPI) -> None:
    for exception, handler in HANDLERS.items():
        app.add_exception_handler(exception, handler)
