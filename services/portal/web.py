"""What every page shares: the templates, who is logged in, role checks, messages.

A page asks for `require(Role.X)`; without a valid session the browser is sent to
the login, with the wrong role it gets a 403 page that links to its own page. HTMX
requests (header `HX-Request`) get fragments; the same forms also work without
JavaScript, through a redirect that carries a message key (never free text).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from typing import Any
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from shared.organisations import Organisations, Role
from services.portal.labels import label, summary_items
from services.portal.session import COOKIE, Session, read_session

HERE = Path(__file__).parent
DUTCH_TIME = ZoneInfo("Europe/Amsterdam")
MESSAGES = {
    "uitgelogd": "U bent uitgelogd.",
    "verlopen": "Uw sessie is verlopen. Log opnieuw in.",
    "bevestigd": "De melding is bevestigd.",
    "aangevraagd": "De opvangaanvraag is verstuurd.",
    "geplaatst": "De plaatsing is bevestigd.",
    "afgewezen": "De afwijzing is vastgelegd. Het gezin wordt elders aangeboden of op de wachtlijst gezet.",
    "verstuurd": "Het signaal is ontvangen door de keten.",
}
NAVIGATION = {
    Role.GGD: [("/ggd", "Meldingen"), ("/ggd/opvang", "Opvang aanvragen")],
    Role.SHELTER: [("/opvang", "Capaciteit en verzoeken")],
    Role.CORPORATION: [("/corporatie", "Signalen")],
    Role.MUNICIPALITY: [("/gemeente", "Monitor")],
}


class LoginRequired(Exception):
    def __init__(self, expired: bool = False):
        self.expired = expired


class WrongRole(Exception):
    def __init__(self, session: Session):
        self.session = session


def build_templates(organisations: Organisations) -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")
    env = templates.env
    env.filters["organisation"] = lambda org_id: found.name if (found := organisations.get(str(org_id))) else org_id
    env.filters["label"] = label
    env.filters["summary_items"] = summary_items
    env.filters["number"] = lambda value: f"{value:,}".replace(",", ".") if isinstance(value, int) else value
    env.filters["moment"] = _moment
    env.filters["day"] = _day
    return templates


def _moment(value: str | None) -> str:
    """An ISO timestamp from a service, shown as dd-mm-jjjj uu:mm in Dutch time."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(DUTCH_TIME).strftime("%d-%m-%Y %H:%M")


def _day(value: str | None) -> str:
    if not value:
        return ""
    year, month, day = str(value)[:10].split("-")
    return f"{day}-{month}-{year}"


def session_of(request: Request) -> Session | None:
    state = request.app.state
    return read_session(request.cookies.get(COOKIE), state.organisations, state.clock.now())


def require(role: Role) -> Callable[[Request], Session]:
    def dependency(request: Request) -> Session:
        session = session_of(request)
        if session is None:
            raise LoginRequired(expired=COOKIE in request.cookies)
        if session.role is not role:
            raise WrongRole(session)
        return session

    return dependency


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    session = (context or {}).get("session") or session_of(request)
    message_key = request.query_params.get("melding", "")
    base = {
        "session": session,
        "navigation": NAVIGATION.get(session.role, []) if session else [],
        "message": MESSAGES.get(message_key, ""),
        "path": request.url.path,
        "development": request.app.state.settings.environment != "production",
    }
    return request.app.state.templates.TemplateResponse(
        request, template, {**base, **(context or {})}, status_code=status_code
    )


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def to_login(request: Request, expired: bool) -> Response:
    target = "/inloggen?melding=verlopen" if expired else "/inloggen"
    response: Response = (
        Response(status_code=200, headers={"HX-Redirect": target}) if is_htmx(request) else redirect(target)
    )
    forget_session(request, response)
    return response


def keep_session(request: Request, response: Response, token: str, max_age: int) -> None:
    """The token as an HttpOnly, SameSite=Strict cookie that lives as long as the token."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookie,
    )


def forget_session(request: Request, response: Response) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="strict", secure=request.app.state.settings.secure_cookie
    )
